//! `WECHAT_*` configuration. Without `WECHAT_APPID` Banji runs in mock mode: the mock
//! platform is mounted at `/mock-wechat` and the client points there, using the
//! development defaults below, so a fresh install works end to end with no account.
//! Because the mock's simulator acts as any student without a login, mock mode stays on
//! loopback addresses unless `BANJI_DEMO=1` says it is a public demonstration.

use secrecy::{ExposeSecret, SecretString};

use crate::config::ConfigError;

/// Development defaults for mock mode (never used with a real account).
pub const MOCK_APPID: &str = "wx0b4a6b1a5c0ffee0";
pub const MOCK_SECRET: &str = "banji-mock-app-secret";
pub const MOCK_TOKEN: &str = "banji-dev-token";
pub const MOCK_AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
/// The mock account's original id (`ToUserName` of what followers send).
pub const MOCK_ACCOUNT_ID: &str = "gh_banjimock0001";

/// Why mock mode stays on loopback addresses unless it is a demonstration.
pub const MOCK_ON_PUBLIC_ADDRESS: &str = "mock mode (no WECHAT_APPID) serves an unauthenticated WeChat \
     simulator that can act as any student, so it only listens on a loopback address (127.0.0.1, [::1]); \
     set BANJI_DEMO=1 to run a public demonstration anyway (every page then shows a 演示模式 banner), \
     or configure a real account";

/// What kind of account this is decides what Banji may use: template messages need a
/// verified service account; customer-service and most user APIs need a service account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    ServiceVerified,
    Service,
    Subscription,
}

impl AccountKind {
    pub fn parse(s: &str) -> Option<AccountKind> {
        match s {
            "service_verified" => Some(AccountKind::ServiceVerified),
            "service" => Some(AccountKind::Service),
            "subscription" => Some(AccountKind::Subscription),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::ServiceVerified => "service_verified",
            AccountKind::Service => "service",
            AccountKind::Subscription => "subscription",
        }
    }

    pub fn has_templates(self) -> bool {
        self == AccountKind::ServiceVerified
    }

    pub fn has_customer_service(self) -> bool {
        self != AccountKind::Subscription
    }
}

/// How the platform (or the mock) wraps messages to the webhook: the account's
/// 消息加解密方式. As `WECHAT_MESSAGE_MODE` it is also what the webhook accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageMode {
    Plain,
    /// Clear fields and `<Encrypt>` side by side.
    Compatible,
    /// Only `<ToUserName>` and `<Encrypt>`.
    Safe,
}

impl MessageMode {
    pub fn parse(s: &str) -> Option<MessageMode> {
        match s {
            "plain" => Some(MessageMode::Plain),
            "compatible" => Some(MessageMode::Compatible),
            "safe" => Some(MessageMode::Safe),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MessageMode::Plain => "plain",
            MessageMode::Compatible => "compatible",
            MessageMode::Safe => "safe",
        }
    }

    /// Whether the webhook takes a message in clear (no `encrypt_type=aes`). In safe mode
    /// it does not: the plain `signature` covers only the timestamp and nonce, not the
    /// body, so anyone holding one signed callback URL could post any message as anyone
    /// for five minutes; `msg_signature` and the AES envelope cover the body.
    pub fn accepts_plaintext(self) -> bool {
        self != MessageMode::Safe
    }
}

#[derive(Debug, Clone)]
pub struct WechatConfig {
    /// True when `WECHAT_APPID` is unset: the built-in mock platform stands in.
    pub mock: bool,
    pub appid: String,
    pub secret: SecretString,
    /// The webhook token (`Token` on the platform's server settings page).
    pub token: SecretString,
    pub aes_key: Option<SecretString>,
    pub kind: AccountKind,
    /// Server API base. In mock mode it is set at start to the mock's address.
    pub api_base: String,
    pub oauth_base: String,
    /// `WECHAT_API_BASE` / `WECHAT_OAUTH_BASE` were set (in mock mode: a shared mock).
    pub external_api: bool,
    pub external_oauth: bool,
    /// How the in-process mock sends messages (mock mode only; default safe).
    pub mock_mode: MessageMode,
    /// What the webhook accepts (`WECHAT_MESSAGE_MODE`): in safe mode only encrypted
    /// messages; plain and compatible take both (encrypted ones need the AES key).
    pub message_mode: MessageMode,
    /// Handlers running past this answer the platform in the background (3 s by default).
    pub reply_budget_ms: u64,
}

impl WechatConfig {
    pub fn from_vars(var: &dyn Fn(&str) -> Option<String>) -> Result<WechatConfig, ConfigError> {
        let bad = |v: &str, p: &str| ConfigError { variable: v.to_string(), problem: p.to_string() };
        let appid = var("WECHAT_APPID");
        let mock = appid.is_none();
        let required = |name: &str, default: &str| -> Result<String, ConfigError> {
            match var(name) {
                Some(v) => Ok(v),
                None if mock => Ok(default.to_string()),
                None => Err(bad(name, "is required when WECHAT_APPID is set")),
            }
        };
        let aes_key = match var("WECHAT_AES_KEY") {
            Some(key) => Some(key),
            None if mock => Some(MOCK_AES_KEY.to_string()),
            None => None,
        };
        if let Some(key) = &aes_key {
            super::crypto::MessageCrypto::new(key, "check")
                .map_err(|_| bad("WECHAT_AES_KEY", "must be the 43-character EncodingAESKey"))?;
        }
        let kind = match var("WECHAT_ACCOUNT_KIND") {
            None => AccountKind::ServiceVerified,
            Some(k) => AccountKind::parse(&k)
                .ok_or_else(|| bad("WECHAT_ACCOUNT_KIND", "must be service_verified, service or subscription"))?,
        };
        let base = |name: &str, default: &str| -> Result<String, ConfigError> {
            let value = var(name).unwrap_or_else(|| default.to_string());
            if value.starts_with("http://") || value.starts_with("https://") {
                Ok(value.trim_end_matches('/').to_string())
            } else {
                Err(bad(name, "must start with http:// or https://"))
            }
        };
        let mode_of = |name: &str| -> Result<Option<MessageMode>, ConfigError> {
            var(name)
                .map(|m| MessageMode::parse(&m).ok_or_else(|| bad(name, "must be plain, compatible or safe")))
                .transpose()
        };
        let (mock_mode, message_mode) = modes(mode_of("WECHAT_MOCK_MODE")?, mode_of("WECHAT_MESSAGE_MODE")?, mock)?;
        let message_mode =
            message_mode.unwrap_or(if aes_key.is_some() { MessageMode::Safe } else { MessageMode::Plain });
        if message_mode != MessageMode::Plain && aes_key.is_none() {
            return Err(bad(
                "WECHAT_MESSAGE_MODE",
                "compatible and safe mode need WECHAT_AES_KEY (the EncodingAESKey) to open messages",
            ));
        }
        let reply_budget_ms = match var("WECHAT_REPLY_BUDGET_MS") {
            None => 3000,
            Some(v) => v
                .parse()
                .ok()
                .filter(|ms| (1..=4000).contains(ms))
                .ok_or_else(|| bad("WECHAT_REPLY_BUDGET_MS", "must be 1 to 4000 milliseconds"))?,
        };
        Ok(WechatConfig {
            mock,
            appid: appid.unwrap_or_else(|| MOCK_APPID.to_string()),
            secret: SecretString::from(required("WECHAT_APPSECRET", MOCK_SECRET)?),
            token: SecretString::from(required("WECHAT_TOKEN", MOCK_TOKEN)?),
            aes_key: aes_key.map(SecretString::from),
            kind,
            api_base: base("WECHAT_API_BASE", "https://api.weixin.qq.com")?,
            external_api: var("WECHAT_API_BASE").is_some(),
            external_oauth: var("WECHAT_OAUTH_BASE").is_some(),
            oauth_base: base("WECHAT_OAUTH_BASE", "https://open.weixin.qq.com")?,
            mock_mode,
            message_mode,
            reply_budget_ms,
        })
    }

    pub fn token(&self) -> &str {
        self.token.expose_secret()
    }

    pub fn crypto(&self) -> Option<super::crypto::MessageCrypto> {
        let key = self.aes_key.as_ref()?;
        super::crypto::MessageCrypto::new(key.expose_secret(), &self.appid).ok()
    }
}

/// The mock's mode and the webhook's, each defaulting to the other in mock mode so the
/// built-in mock always sends what the webhook accepts (`WECHAT_MOCK_MODE=plain` alone
/// makes both plain); both unset: the mock sends in safe mode. Set apart so that the
/// webhook would refuse every simulated message, they stop Banji at start.
fn modes(
    mock_mode: Option<MessageMode>,
    message_mode: Option<MessageMode>,
    mock: bool,
) -> Result<(MessageMode, Option<MessageMode>), ConfigError> {
    if !mock {
        return Ok((mock_mode.unwrap_or(MessageMode::Safe), message_mode));
    }
    let mock_mode = mock_mode.or(message_mode).unwrap_or(MessageMode::Safe);
    let message_mode = message_mode.unwrap_or(mock_mode);
    if mock_mode == MessageMode::Plain && !message_mode.accepts_plaintext() {
        return Err(bad_var(
            "WECHAT_MESSAGE_MODE",
            "is safe, which refuses the plaintext messages WECHAT_MOCK_MODE=plain makes the mock send",
        ));
    }
    Ok((mock_mode, Some(message_mode)))
}

/// Mock mode is for a developer's machine, or a demonstration that says it is one:
/// its simulator (`/mock-wechat/sim`) posts messages as any follower and opens student
/// pages as anyone, with no login. So without `BANJI_DEMO=1` it must not be reachable
/// from elsewhere: not on a non-loopback address, nor behind a public URL (a proxy in
/// front of 127.0.0.1). `BANJI_DEMO` with a real account would label real data as fake.
pub fn check_mock_exposure(
    wechat: &WechatConfig,
    demo: bool,
    listen: &std::net::SocketAddr,
    public_url: Option<&str>,
) -> Result<(), ConfigError> {
    if !wechat.mock {
        return match demo {
            true => Err(bad_var("BANJI_DEMO", "is for mock mode only: with WECHAT_APPID set the data is real")),
            false => Ok(()),
        };
    }
    if demo {
        return Ok(());
    }
    if !listen.ip().is_loopback() {
        return Err(bad_var("BANJI_LISTEN", format!("{listen}: {MOCK_ON_PUBLIC_ADDRESS}")));
    }
    if let Some(url) = public_url.filter(|url| !is_loopback_url(url)) {
        return Err(bad_var("BANJI_PUBLIC_URL", format!("{url}: {MOCK_ON_PUBLIC_ADDRESS}")));
    }
    Ok(())
}

/// `http://127.0.0.1:8080/…`, `http://[::1]/`, `http://localhost:3000`.
fn is_loopback_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn bad_var(variable: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError { variable: variable.to_string(), problem: problem.into() }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::config::Config;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_vars(|name| map.get(name).cloned())
    }

    #[test]
    fn mock_mode_refuses_to_listen_on_a_public_address_unless_it_is_a_demo() {
        for address in ["0.0.0.0:8080", "[::]:8080", "192.0.2.10:8080"] {
            let err = config(&[("BANJI_LISTEN", address)]).unwrap_err();
            assert_eq!(err.variable, "BANJI_LISTEN", "{address}");
            assert!(err.problem.contains("BANJI_DEMO=1") && err.problem.contains("simulator"), "{err}");
        }
        let demo = config(&[("BANJI_LISTEN", "0.0.0.0:8080"), ("BANJI_DEMO", "1")]).unwrap();
        assert!(demo.demo && demo.wechat.mock);
        for address in ["127.0.0.1:8080", "[::1]:8080", "127.0.0.2:0"] {
            assert!(!config(&[("BANJI_LISTEN", address)]).unwrap().demo, "{address}");
        }
    }

    #[test]
    fn mock_mode_refuses_a_public_url_that_a_proxy_would_serve_it_at() {
        let err = config(&[("BANJI_PUBLIC_URL", "https://banji.example.edu")]).unwrap_err();
        assert_eq!(err.variable, "BANJI_PUBLIC_URL");
        assert!(err.problem.contains("BANJI_DEMO=1"), "{err}");
        for url in ["http://localhost:3000", "http://127.0.0.1:8080/", "http://[::1]:8080", "http://LOCALHOST"] {
            assert!(config(&[("BANJI_PUBLIC_URL", url)]).is_ok(), "{url}");
        }
        assert!(config(&[("BANJI_PUBLIC_URL", "https://demo.example.edu"), ("BANJI_DEMO", "1")]).is_ok());
        assert!(!is_loopback_url("http://127.0.0.1.evil.example/"));
        assert!(!is_loopback_url("http://localhost@evil.example/"));
    }

    #[test]
    fn a_real_account_listens_anywhere_and_is_never_a_demo() {
        let real = [("WECHAT_APPID", "wx1"), ("WECHAT_APPSECRET", "s"), ("WECHAT_TOKEN", "t")];
        let public = [&real[..], &[("BANJI_LISTEN", "0.0.0.0:8080"), ("BANJI_PUBLIC_URL", "https://b.example.edu")]];
        assert!(config(&public.concat()).is_ok());
        let err = config(&[&real[..], &[("BANJI_DEMO", "1")]].concat()).unwrap_err();
        assert_eq!(err.variable, "BANJI_DEMO");
    }

    #[test]
    fn the_message_mode_defaults_to_safe_with_an_aes_key_and_to_plain_without() {
        use MessageMode::{Compatible, Plain, Safe};
        let real = [("WECHAT_APPID", "wx1"), ("WECHAT_APPSECRET", "s"), ("WECHAT_TOKEN", "t")];
        let key = ("WECHAT_AES_KEY", MOCK_AES_KEY);
        let mode = |extra: &[(&str, &str)]| config(&[&real[..], extra].concat()).map(|c| c.wechat.message_mode);
        assert_eq!(mode(&[]).unwrap(), Plain);
        assert_eq!(mode(&[key]).unwrap(), Safe);
        assert_eq!(mode(&[key, ("WECHAT_MESSAGE_MODE", "plain")]).unwrap(), Plain, "allowed with a key");
        assert_eq!(mode(&[key, ("WECHAT_MESSAGE_MODE", "compatible")]).unwrap(), Compatible);
        assert_eq!(mode(&[("WECHAT_MESSAGE_MODE", "safe")]).unwrap_err().variable, "WECHAT_MESSAGE_MODE");
        assert_eq!(mode(&[("WECHAT_MESSAGE_MODE", "secret")]).unwrap_err().variable, "WECHAT_MESSAGE_MODE");
    }

    #[test]
    fn in_mock_mode_the_mock_sends_what_the_webhook_accepts() {
        use MessageMode::{Compatible, Plain, Safe};
        let modes = |pairs: &[(&str, &str)]| config(pairs).map(|c| (c.wechat.mock_mode, c.wechat.message_mode));
        assert_eq!(modes(&[]).unwrap(), (Safe, Safe));
        assert_eq!(modes(&[("WECHAT_MOCK_MODE", "plain")]).unwrap(), (Plain, Plain));
        assert_eq!(modes(&[("WECHAT_MESSAGE_MODE", "compatible")]).unwrap(), (Compatible, Compatible));
        assert_eq!(modes(&[("WECHAT_MOCK_MODE", "safe"), ("WECHAT_MESSAGE_MODE", "plain")]).unwrap(), (Safe, Plain));
        let err = modes(&[("WECHAT_MOCK_MODE", "plain"), ("WECHAT_MESSAGE_MODE", "safe")]).unwrap_err();
        assert_eq!(err.variable, "WECHAT_MESSAGE_MODE");
    }
}
