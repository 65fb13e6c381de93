//! `WECHAT_*` configuration. Without `WECHAT_APPID` Banji runs in mock mode: the mock
//! platform is mounted at `/mock-wechat` and the client points there, using the
//! development defaults below, so a fresh install works end to end with no account.

use secrecy::{ExposeSecret, SecretString};

use crate::config::ConfigError;

/// Development defaults for mock mode (never used with a real account).
pub const MOCK_APPID: &str = "wx0b4a6b1a5c0ffee0";
pub const MOCK_SECRET: &str = "banji-mock-app-secret";
pub const MOCK_TOKEN: &str = "banji-dev-token";
pub const MOCK_AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
/// The mock account's original id (`ToUserName` of what followers send).
pub const MOCK_ACCOUNT_ID: &str = "gh_banjimock0001";

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
        return Err(ConfigError {
            variable: "WECHAT_MESSAGE_MODE".into(),
            problem: "is safe, which refuses the plaintext messages WECHAT_MOCK_MODE=plain makes the mock send".into(),
        });
    }
    Ok((mock_mode, Some(message_mode)))
}
