//! One typed `Config`, read from environment variables over an optional `banji.toml`,
//! validated once at start so a bad value stops Banji with a message naming the variable.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

/// Where the SQLite database lives when `DATABASE_URL` is unset.
pub const DEFAULT_SQLITE_URL: &str = "sqlite://./data/banji.db";

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Base of links sent to students, without a trailing slash.
    pub public_url: String,
    /// `BANJI_PUBLIC_URL` was set; otherwise it follows the bound address (port 0 included).
    pub public_url_explicit: bool,
    pub database_url: String,
    /// PostgreSQL only: keep Banji's tables in this schema (created if missing).
    pub database_schema: Option<String>,
    pub redis_url: Option<String>,
    /// Prefix of every Kv key and channel, so several installations can share one Redis.
    pub kv_prefix: String,
    /// How long one Redis call may take before it counts as failed (`BANJI_KV_TIMEOUT_MS`).
    pub kv_timeout: std::time::Duration,
    /// PostgreSQL: how long a request waits for a connection before it is answered 503
    /// `database_unavailable` (`BANJI_DB_WAIT_MS`).
    pub db_wait: std::time::Duration,
    /// When unset, a secret generated once and kept in the database is used.
    pub jwt_secret: Option<SecretString>,
    pub web_dist: PathBuf,
    /// How many proxies of ours stand before Banji (0: none). With N, the client address
    /// is the one the outermost of them appended to `X-Forwarded-For`: the N-th entry from
    /// the right (entries further left are whatever the client sent, and are ignored).
    pub trust_proxy_hops: usize,
    /// WeChat authorisations started per client address and minute (each keeps a state
    /// in the Kv for 10 minutes).
    pub oauth_starts_per_minute: u32,
    /// Failed logins allowed per username and per client address in `login_window_secs`.
    pub login_max_failures: u32,
    pub login_window_secs: u64,
    pub log_json: bool,
    pub wechat: crate::wechat::WechatConfig,
    /// `BANJI_DEMO=1`: a public demonstration in mock mode; every page says so.
    pub demo: bool,
    /// Where uploaded files live (attachments), created on first use.
    pub data_dir: PathBuf,
    /// Largest attachment accepted, in bytes.
    pub max_attachment_bytes: usize,
    /// The account's sending budgets, shared by every replica.
    pub send_per_minute: u64,
    pub send_per_day: u64,
    /// Messages one replica sends at the same time.
    pub send_concurrency: usize,
    /// How long a worker holds the delivery rows it claimed; rows of a worker that died
    /// are taken up again after this.
    pub lease_secs: u64,
    /// Whether this replica sends deliveries (`BANJI_DELIVERY=off` for an API-only replica).
    pub delivery_enabled: bool,
    /// Whether this replica runs the daily broadcast (`BANJI_BROADCAST=off`: it does not;
    /// tests run it at times they choose).
    pub broadcast_enabled: bool,
    /// A notice's unread (or unconfirmed) are reminded at most once in this many minutes…
    pub remind_interval_minutes: i64,
    /// …and at most this many times.
    pub remind_max: i64,
    /// A LOCATION event at most this old stands in for the check-in page's position.
    pub checkin_location_minutes: i64,
    /// Check-in tries per student per session and minute.
    pub checkin_attempts_per_minute: i64,
    /// Kept positions (latest, and those on check-in attempts) are deleted after this.
    pub location_retention_days: i64,
    /// Entries of the message log are deleted after this (at least 2: the planner reads
    /// the last 48 hours for the customer-service window).
    pub message_retention_days: i64,
    /// The ffmpeg that converts followers' voice notes (AMR) for browsers (`BANJI_FFMPEG`).
    pub ffmpeg: String,
    /// The daily broadcast's weather: 和风天气 (QWeather)'s API base (`BANJI_WEATHER_URL`),
    /// its key (`BANJI_WEATHER_KEY`; without one, and outside mock mode, no weather) and
    /// how long one forecast may take (`BANJI_WEATHER_TIMEOUT_MS`).
    pub weather_url: String,
    pub weather_key: Option<SecretString>,
    pub weather_timeout: std::time::Duration,
}

/// A configuration problem, phrased for the operator.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: String,
    pub problem: String,
}

fn bad(variable: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError { variable: variable.to_string(), problem: problem.into() }
}

impl Config {
    /// Reads the process environment, over `BANJI_CONFIG` (default `./banji.toml` when present).
    pub fn from_env() -> Result<Config, ConfigError> {
        let file = match std::env::var("BANJI_CONFIG") {
            Ok(path) => Some(PathBuf::from(path)),
            Err(_) => Some(PathBuf::from("banji.toml")).filter(|p| p.exists()),
        };
        let mut vars = match file {
            Some(path) => read_toml(&path)?,
            None => HashMap::new(),
        };
        for (key, value) in std::env::vars() {
            vars.insert(key, value);
        }
        Config::from_vars(|name| vars.get(name).cloned())
    }

    /// Builds a config from a lookup function; empty values count as unset.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let var = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());

        let listen_text = var("BANJI_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            bad("BANJI_LISTEN", format!("'{listen_text}' is not a host:port address such as 127.0.0.1:8080"))
        })?;

        let public_url_explicit = var("BANJI_PUBLIC_URL").is_some();
        let public_url = match var("BANJI_PUBLIC_URL") {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                url.trim_end_matches('/').to_string()
            }
            Some(url) => return Err(bad("BANJI_PUBLIC_URL", format!("'{url}' must start with http:// or https://"))),
            None => format!("http://{listen}"),
        };

        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_SQLITE_URL.into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad("DATABASE_URL", "must start with sqlite:, postgres:// or postgresql://"));
        }

        let database_schema = var("BANJI_DB_SCHEMA");
        if let Some(schema) = &database_schema {
            let valid = schema.len() <= 63
                && schema.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && schema.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                return Err(bad("BANJI_DB_SCHEMA", "must be a lowercase identifier (a-z, 0-9, _)"));
            }
            if database_url.starts_with("sqlite:") {
                return Err(bad("BANJI_DB_SCHEMA", "is only supported with PostgreSQL"));
            }
        }

        let redis_url = var("REDIS_URL");
        if let Some(url) = &redis_url {
            if !(url.starts_with("redis://") || url.starts_with("rediss://") || url.starts_with("unix://")) {
                return Err(bad("REDIS_URL", "must start with redis://, rediss:// or unix://"));
            }
        }

        let jwt_secret = var("BANJI_JWT_SECRET");
        if let Some(secret) = &jwt_secret {
            if secret.len() < 32 {
                return Err(bad("BANJI_JWT_SECRET", "must be at least 32 characters (or unset to generate one)"));
            }
        }

        let weather_url = var("BANJI_WEATHER_URL").unwrap_or_else(|| "https://devapi.qweather.com".into());
        if !(weather_url.starts_with("https://") || weather_url.starts_with("http://")) {
            return Err(bad("BANJI_WEATHER_URL", "must start with https:// or http://"));
        }

        let wechat = crate::wechat::WechatConfig::from_vars(&var)?;
        let demo = parse_bool("BANJI_DEMO", var("BANJI_DEMO"), false)?;
        crate::wechat::config::check_mock_exposure(
            &wechat,
            demo,
            &listen,
            public_url_explicit.then_some(public_url.as_str()),
        )?;
        Ok(Config {
            wechat,
            demo,
            listen,
            public_url_explicit,
            public_url,
            database_url,
            database_schema,
            redis_url,
            kv_prefix: var("BANJI_KV_PREFIX").unwrap_or_else(|| "banji:".into()),
            kv_timeout: std::time::Duration::from_millis(
                parse_num("BANJI_KV_TIMEOUT_MS", var("BANJI_KV_TIMEOUT_MS"), 300u64)?.clamp(10, 10_000),
            ),
            db_wait: std::time::Duration::from_millis(
                parse_num("BANJI_DB_WAIT_MS", var("BANJI_DB_WAIT_MS"), 1500u64)?.clamp(100, 60_000),
            ),
            jwt_secret: jwt_secret.map(SecretString::from),
            weather_url,
            weather_key: var("BANJI_WEATHER_KEY").filter(|k| !k.is_empty()).map(SecretString::from),
            weather_timeout: std::time::Duration::from_millis(
                parse_num("BANJI_WEATHER_TIMEOUT_MS", var("BANJI_WEATHER_TIMEOUT_MS"), 3000u64)?.clamp(100, 30_000),
            ),
            web_dist: PathBuf::from(var("BANJI_WEB_DIST").unwrap_or_else(|| "web/dist".into())),
            trust_proxy_hops: parse_hops(var("BANJI_TRUST_PROXY"))?,
            oauth_starts_per_minute: parse_num(
                "BANJI_OAUTH_STARTS_PER_MINUTE",
                var("BANJI_OAUTH_STARTS_PER_MINUTE"),
                300,
            )?,
            login_max_failures: parse_num("BANJI_LOGIN_MAX_FAILURES", var("BANJI_LOGIN_MAX_FAILURES"), 5)?,
            login_window_secs: parse_num("BANJI_LOGIN_WINDOW_SECS", var("BANJI_LOGIN_WINDOW_SECS"), 60)?,
            log_json: match var("BANJI_LOG_FORMAT").as_deref() {
                None | Some("text") => false,
                Some("json") => true,
                Some(other) => return Err(bad("BANJI_LOG_FORMAT", format!("'{other}' is not text or json"))),
            },
            data_dir: PathBuf::from(var("BANJI_DATA_DIR").unwrap_or_else(|| "data".into())),
            max_attachment_bytes: parse_num::<usize>("BANJI_MAX_ATTACHMENT_MB", var("BANJI_MAX_ATTACHMENT_MB"), 20)?
                .min(100)
                * 1024
                * 1024,
            send_per_minute: parse_num("BANJI_SEND_PER_MINUTE", var("BANJI_SEND_PER_MINUTE"), 20_000)?,
            send_per_day: parse_num("BANJI_SEND_PER_DAY", var("BANJI_SEND_PER_DAY"), 100_000)?,
            send_concurrency: parse_num("BANJI_SEND_CONCURRENCY", var("BANJI_SEND_CONCURRENCY"), 16)?,
            lease_secs: parse_num("BANJI_LEASE_SECS", var("BANJI_LEASE_SECS"), 60)?.max(1),
            delivery_enabled: match var("BANJI_DELIVERY").as_deref() {
                None | Some("on") => true,
                Some("off") => false,
                Some(other) => return Err(bad("BANJI_DELIVERY", format!("'{other}' is not on or off"))),
            },
            broadcast_enabled: match var("BANJI_BROADCAST").as_deref() {
                None | Some("on") => true,
                Some("off") => false,
                Some(other) => return Err(bad("BANJI_BROADCAST", format!("'{other}' is not on or off"))),
            },
            // 0: no wait between reminders (the count still holds).
            remind_interval_minutes: match var("BANJI_REMIND_INTERVAL_MINUTES") {
                Some(zero) if zero == "0" => 0,
                other => parse_num("BANJI_REMIND_INTERVAL_MINUTES", other, 30)?,
            },
            remind_max: parse_num("BANJI_REMIND_MAX", var("BANJI_REMIND_MAX"), 3)?,
            checkin_location_minutes: parse_num(
                "BANJI_CHECKIN_LOCATION_MINUTES",
                var("BANJI_CHECKIN_LOCATION_MINUTES"),
                5,
            )?,
            checkin_attempts_per_minute: parse_num(
                "BANJI_CHECKIN_ATTEMPTS_PER_MINUTE",
                var("BANJI_CHECKIN_ATTEMPTS_PER_MINUTE"),
                6,
            )?,
            location_retention_days: parse_num(
                "BANJI_LOCATION_RETENTION_DAYS",
                var("BANJI_LOCATION_RETENTION_DAYS"),
                30,
            )?,
            message_retention_days: match parse_num(
                "BANJI_MESSAGE_RETENTION_DAYS",
                var("BANJI_MESSAGE_RETENTION_DAYS"),
                180,
            )? {
                days if days < 2 => {
                    return Err(bad(
                        "BANJI_MESSAGE_RETENTION_DAYS",
                        "must be at least 2 (the customer-service window reads the last 48 hours)",
                    ))
                }
                days => days,
            },
            ffmpeg: var("BANJI_FFMPEG").filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "ffmpeg".into()),
        })
    }
}

/// `BANJI_TRUST_PROXY`: false (0 hops), true (1: one proxy), or the number of proxies.
fn parse_hops(value: Option<String>) -> Result<usize, ConfigError> {
    let name = "BANJI_TRUST_PROXY";
    match value.as_deref().map(str::trim) {
        Some(n) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => match n.parse::<usize>() {
            Ok(hops) if hops <= 10 => Ok(hops),
            _ => Err(bad(name, format!("'{n}' is not a number of proxies from 0 to 10"))),
        },
        other => Ok(usize::from(parse_bool(name, other.map(str::to_string), false)?)),
    }
}

fn parse_bool(name: &str, value: Option<String>, default: bool) -> Result<bool, ConfigError> {
    match value.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(bad(name, format!("'{other}' is not true or false"))),
    }
}

fn parse_num<T: std::str::FromStr + PartialOrd + Default>(
    name: &str,
    value: Option<String>,
    default: T,
) -> Result<T, ConfigError> {
    match value {
        None => Ok(default),
        Some(text) => match text.parse::<T>() {
            Ok(n) if n > T::default() => Ok(n),
            _ => Err(bad(name, format!("'{text}' is not a positive number"))),
        },
    }
}

/// `banji.toml` uses the variable names in lowercase (`database_url = "…"`).
fn read_toml(path: &Path) -> Result<HashMap<String, String>, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad("BANJI_CONFIG", format!("cannot read {}: {e}", path.display())))?;
    let table: toml::Table =
        text.parse().map_err(|e| bad("BANJI_CONFIG", format!("{} is not valid TOML: {e}", path.display())))?;
    let mut vars = HashMap::new();
    for (key, value) in table {
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => return Err(bad("BANJI_CONFIG", format!("{key} = {other} must be a string, number or boolean"))),
        };
        vars.insert(key.to_ascii_uppercase(), text);
    }
    Ok(vars)
}

#[cfg(test)]
mod tests;
