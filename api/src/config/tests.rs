//! Reading the configuration: defaults, each variable's bounds, and the refusals that
//! name the variable.

use super::*;

fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_vars(|name| map.get(name).cloned())
}

#[test]
fn defaults_give_sqlite_on_localhost_8080() {
    let c = config(&[]).unwrap();
    assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.public_url, "http://127.0.0.1:8080");
    assert_eq!(c.database_url, DEFAULT_SQLITE_URL);
    assert!(c.redis_url.is_none() && c.jwt_secret.is_none());
}

#[test]
fn the_weather_is_qweathers_unless_set_and_its_address_must_be_http() {
    let c = config(&[]).unwrap();
    assert_eq!(c.weather_url, "https://devapi.qweather.com");
    assert!(c.weather_key.is_none());
    assert_eq!(c.weather_timeout, std::time::Duration::from_secs(3));
    let c = config(&[("BANJI_WEATHER_URL", "http://127.0.0.1:9"), ("BANJI_WEATHER_KEY", "k")]).unwrap();
    assert_eq!((c.weather_url.as_str(), c.weather_key.is_some()), ("http://127.0.0.1:9", true));
    assert_eq!(config(&[("BANJI_WEATHER_URL", "ftp://x")]).unwrap_err().variable, "BANJI_WEATHER_URL");
    assert_eq!(config(&[("BANJI_WEATHER_TIMEOUT_MS", "soon")]).unwrap_err().variable, "BANJI_WEATHER_TIMEOUT_MS");
}

#[test]
fn a_bad_listen_address_names_the_variable() {
    let err = config(&[("BANJI_LISTEN", "localhost")]).unwrap_err();
    assert_eq!(err.variable, "BANJI_LISTEN");
    assert!(err.to_string().starts_with("BANJI_LISTEN: 'localhost'"));
}

#[test]
fn unknown_database_schemes_and_short_secrets_are_refused() {
    assert_eq!(config(&[("DATABASE_URL", "mysql://x")]).unwrap_err().variable, "DATABASE_URL");
    assert_eq!(config(&[("BANJI_JWT_SECRET", "short")]).unwrap_err().variable, "BANJI_JWT_SECRET");
    assert_eq!(config(&[("REDIS_URL", "http://x")]).unwrap_err().variable, "REDIS_URL");
    assert_eq!(config(&[("BANJI_LOGIN_MAX_FAILURES", "0")]).unwrap_err().variable, "BANJI_LOGIN_MAX_FAILURES");
}

#[test]
fn the_message_log_is_kept_180_days_unless_set_and_never_less_than_the_48_hour_window() {
    assert_eq!(config(&[]).unwrap().message_retention_days, 180);
    assert_eq!(config(&[("BANJI_MESSAGE_RETENTION_DAYS", "30")]).unwrap().message_retention_days, 30);
    let err = config(&[("BANJI_MESSAGE_RETENTION_DAYS", "1")]).unwrap_err();
    assert_eq!(err.variable, "BANJI_MESSAGE_RETENTION_DAYS");
}

#[test]
fn without_an_appid_wechat_runs_in_mock_mode_with_dev_defaults() {
    let c = config(&[]).unwrap();
    assert!(c.wechat.mock);
    assert_eq!(c.wechat.token(), crate::wechat::config::MOCK_TOKEN);
    assert!(c.wechat.crypto().is_some());
}

#[test]
fn a_real_account_needs_its_secret_and_token_and_a_valid_aes_key() {
    let err = config(&[("WECHAT_APPID", "wx1234")]).unwrap_err();
    assert_eq!(err.variable, "WECHAT_APPSECRET");
    let err = config(&[
        ("WECHAT_APPID", "wx1"),
        ("WECHAT_APPSECRET", "s"),
        ("WECHAT_TOKEN", "t"),
        ("WECHAT_AES_KEY", "short"),
    ])
    .unwrap_err();
    assert_eq!(err.variable, "WECHAT_AES_KEY");
    let err = config(&[("WECHAT_ACCOUNT_KIND", "enterprise")]).unwrap_err();
    assert_eq!(err.variable, "WECHAT_ACCOUNT_KIND");
    let ok = config(&[("WECHAT_APPID", "wx1"), ("WECHAT_APPSECRET", "s"), ("WECHAT_TOKEN", "t")]).unwrap();
    assert!(!ok.wechat.mock && ok.wechat.crypto().is_none());
}

#[test]
fn public_url_loses_its_trailing_slash() {
    let real = [("WECHAT_APPID", "wx1"), ("WECHAT_APPSECRET", "s"), ("WECHAT_TOKEN", "t")];
    let c = config(&[&real[..], &[("BANJI_PUBLIC_URL", "https://banji.example.edu/")]].concat()).unwrap();
    assert_eq!(c.public_url, "https://banji.example.edu");
}

#[test]
fn toml_keys_are_the_variable_names_in_lowercase() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("banji.toml");
    std::fs::write(&path, "banji_listen = \"0.0.0.0:9000\"\nbanji_login_max_failures = 3\nbanji_demo = true\n")
        .unwrap();
    let vars = read_toml(&path).unwrap();
    let c = Config::from_vars(|n| vars.get(n).cloned()).unwrap();
    assert_eq!(c.listen.port(), 9000);
    assert_eq!(c.login_max_failures, 3);
}
