//! Errors from the platform, classified: which are worth retrying, which mean the token
//! must be renewed, and a sentence for each code a school may see in a report.

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum WechatError {
    /// The platform answered with an `errcode`.
    #[error("errcode {code}: {message}")]
    Api { code: i64, message: String },
    #[error("HTTP {0} from the platform")]
    Http(u16),
    #[error("network error: {0}")]
    Network(String),
    #[error("the platform did not answer in time")]
    Timeout,
    #[error("unexpected answer: {0}")]
    Decode(String),
    #[error("{0}")]
    Invalid(String),
}

impl WechatError {
    pub fn code(&self) -> Option<i64> {
        match self {
            WechatError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Busy, rate-limited, unreachable or 5xx: try again after a pause.
    pub fn is_transient(&self) -> bool {
        match self {
            WechatError::Api { code, .. } => matches!(code, -1 | 45011),
            WechatError::Http(status) => *status >= 500,
            WechatError::Network(_) | WechatError::Timeout => true,
            WechatError::Decode(_) | WechatError::Invalid(_) => false,
        }
    }

    /// The platform answered that it did nothing (busy, too frequent), as opposed to a
    /// timeout or a 5xx after which the call may or may not have taken effect.
    pub fn left_nothing_done(&self) -> bool {
        matches!(self.code(), Some(-1 | 45011))
    }

    /// The access token is invalid or expired.
    pub fn is_token_error(&self) -> bool {
        matches!(self.code(), Some(40001 | 40014 | 42001))
    }

    /// A sentence for a teacher reading a delivery report.
    pub fn reason(&self) -> String {
        match self {
            WechatError::Api { code, message } => match describe(*code) {
                Some(text) => text.to_string(),
                None => format!("WeChat error {code}: {message}"),
            },
            other => other.to_string(),
        }
    }
}

/// What the codes Banji meets mean.
pub fn describe(code: i64) -> Option<&'static str> {
    Some(match code {
        -1 => "WeChat was busy",
        40001 | 40014 => "the access token was invalid",
        42001 => "the access token had expired",
        40003 => "not an openid of this account",
        40013 => "invalid appid",
        40125 => "invalid app secret",
        40164 => "this server's IP address is not on the account's whitelist",
        40029 => "the sign-in code is invalid or expired",
        40163 => "the sign-in code was already used",
        40037 => "unknown template id",
        40007 => "unknown media id",
        40016 => "a menu must have 1 to 3 buttons",
        40017 => "invalid menu button type",
        40018 => "a menu button name is too long",
        40019 => "a menu button key is too long",
        40023 => "a menu button must have 1 to 5 sub-buttons",
        40055 => "invalid menu button URL",
        40032 => "too many openids in one call",
        43004 => "the student does not follow the account",
        43101 => "the student has refused messages from the account",
        45009 => "the account's daily quota for this API is used up",
        45011 => "calls were too frequent",
        45015 => "outside the 48-hour window after the student's last message",
        45047 => "the customer-service message limit for this window was reached",
        45028 => "no mass-send quota left",
        45056 => "the account has the maximum number of tags",
        45057 => "the tag has too many followers to delete",
        45058 => "tags 0, 1 and 2 are reserved",
        45059 => "the follower already has the maximum number of tags",
        45157 => "a tag with this name already exists",
        45158 => "the tag name is too long",
        45065 => "duplicate message (already sent with this id)",
        45066 => "the same message was retried too quickly",
        46003 => "there is no menu",
        48001 => "this account is not authorised for this API (it must be a verified service account)",
        50001 => "the user did not authorise this",
        _ => return None,
    })
}
