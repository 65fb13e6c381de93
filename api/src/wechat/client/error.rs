//! Errors from the platform, classified: which are worth retrying, which mean the token
//! must be renewed, whose mistake a refusal was, and a sentence for each code a school
//! may see in a report.
//!
//! Every endpoint that calls the platform answers its failures through `to_api_error`:
//! a caller's mistake is a 4xx even when it was the platform that noticed it (an openid
//! it does not know is 404, not a 502), and only the platform's own trouble is a 5xx.

use crate::error::ApiError;

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

    /// Whose mistake this failure was.
    pub fn blame(&self) -> Blame {
        match self {
            WechatError::Api { code, .. } => blame_of(*code),
            // Checked before sending: the caller's input cannot be sent as it is.
            WechatError::Invalid(_) => Blame::Invalid,
            WechatError::Network(_) | WechatError::Timeout => Blame::Unavailable,
            WechatError::Http(status) if *status >= 500 => Blame::Unavailable,
            WechatError::Http(_) | WechatError::Decode(_) => Blame::Platform,
        }
    }

    /// The API's answer to this failure; `doing` says what Banji was doing
    /// ("WeChat did not take the menu").
    pub fn to_api_error(&self, doing: &str) -> ApiError {
        let message = format!("{doing}: {}", self.reason());
        match self.blame() {
            Blame::Unknown => ApiError::not_found_code("wechat_not_found", message),
            Blame::Invalid => ApiError::unprocessable("wechat_invalid", message),
            Blame::Conflict => ApiError::conflict("wechat_conflict", message),
            Blame::Unavailable => ApiError::unavailable("wechat_unavailable", message, 30),
            Blame::Platform => ApiError::bad_gateway("wechat_refused", message),
        }
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

impl From<WechatError> for ApiError {
    fn from(err: WechatError) -> Self {
        err.to_api_error("WeChat refused")
    }
}

/// Whose mistake a failed platform call was, which decides the status the API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blame {
    /// The request named something the platform does not have: an openid, a tag, a
    /// media or template id, the menu (404).
    Unknown,
    /// The request broke one of the platform's rules: a name too long, a bad button (422).
    Invalid,
    /// The request conflicts with what the platform holds: a taken tag name, the tag
    /// limit, a student who refuses messages (409).
    Conflict,
    /// Busy, too frequent, over a quota or unreachable: the same call may work later (503).
    Unavailable,
    /// The platform failed or refused Banji itself: the token, the account's rights or
    /// configuration, an answer that makes no sense (502).
    Platform,
}

fn blame_of(code: i64) -> Blame {
    const UNAVAILABLE: &[i64] = &[-1, 45009, 45011, 45028, 45047];
    /// Unknown openid, media, template, tag (45159, 40099 in a menu rule), user, menu.
    const UNKNOWN: &[i64] = &[40003, 40007, 40037, 40099, 43004, 45159, 46003, 46004];
    /// Menu buttons, list sizes, scene ids, media types, tag names, data formats.
    const INVALID: &[i64] = &[
        40004, 40016, 40017, 40018, 40019, 40023, 40027, 40032, 40053, 40055, 40097, 40130, 41005, 45058, 45158, 47001,
        47003,
    ];
    const CONFLICT: &[i64] = &[43101, 45015, 45056, 45057, 45059, 45065, 45066, 45157];
    if UNAVAILABLE.contains(&code) {
        Blame::Unavailable
    } else if UNKNOWN.contains(&code) {
        Blame::Unknown
    } else if INVALID.contains(&code) {
        Blame::Invalid
    } else if CONFLICT.contains(&code) {
        Blame::Conflict
    } else {
        Blame::Platform
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
        45159 => "the account has no such tag",
        45065 => "duplicate message (already sent with this id)",
        45066 => "the same message was retried too quickly",
        46003 => "there is no menu",
        48001 => "this account is not authorised for this API (it must be a verified service account)",
        50001 => "the user did not authorise this",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: i64) -> WechatError {
        WechatError::Api { code, message: "from the platform".into() }
    }

    #[test]
    fn a_callers_input_the_platform_refused_is_a_4xx_and_only_the_platforms_own_trouble_a_5xx() {
        let status = |err: WechatError| err.to_api_error("doing").status();
        assert_eq!(status(api(40003)), 404, "an openid the account does not know");
        assert_eq!(status(api(46003)), 404, "no menu");
        assert_eq!(status(api(40018)), 422, "a button name too long");
        assert_eq!(status(WechatError::Invalid("a remark is at most 30 characters".into())), 422);
        assert_eq!(status(api(45157)), 409, "a taken tag name");
        assert_eq!(status(api(-1)), 503, "busy");
        assert_eq!(status(api(45009)), 503, "the day's quota");
        assert_eq!(status(WechatError::Timeout), 503);
        assert_eq!(status(WechatError::Http(502)), 503);
        assert_eq!(status(api(40001)), 502, "our token");
        assert_eq!(status(api(48001)), 502, "the account may not use this API");
        assert_eq!(status(api(99999)), 502, "a code Banji does not know");
        assert_eq!(status(WechatError::Decode("not JSON".into())), 502);
    }

    #[test]
    fn the_answer_says_what_banji_was_doing_and_why_it_failed() {
        let err = api(40003).to_api_error("WeChat did not set the remark");
        assert_eq!(err.body().code, "wechat_not_found");
        assert_eq!(err.body().message, "WeChat did not set the remark: not an openid of this account");
    }
}
