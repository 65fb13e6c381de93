//! Settings an admin changes in the console.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Settings {
    /// Set a student's WeChat remark to `班级-姓名` when they bind.
    pub auto_remark: bool,
    /// Teachers may register themselves (with a code the account sends on `注册`).
    pub registration_open: bool,
    /// A registered teacher waits for an admin's approval before they can log in.
    pub registration_requires_approval: bool,
    /// Teachers who answer, besides the admins, the followers bound to no one (消息).
    #[serde(default)]
    pub inbox_stewards: Vec<i64>,
    /// Teachers who edit the account-wide auto-replies, besides the admins (自动回复).
    #[serde(default)]
    pub auto_reply_editors: Vec<i64>,
    /// The school's name, printed on QR codes (empty: not set).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub school_name: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_remark: true,
            registration_open: true,
            registration_requires_approval: true,
            inbox_stewards: Vec::new(),
            auto_reply_editors: Vec::new(),
            school_name: String::new(),
        }
    }
}

/// Partial update: absent fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct SettingsPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_remark: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_open: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_requires_approval: Option<bool>,
    /// Replaces the list of teachers who answer followers bound to no one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox_stewards: Option<Vec<i64>>,
    /// Replaces the list of teachers who edit the account-wide auto-replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_reply_editors: Option<Vec<i64>>,
    /// The school's name (at most 40 characters; empty clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_name: Option<String>,
}

/// The longest school name.
pub const MAX_SCHOOL_NAME_CHARS: usize = 40;

/// How notices reach students, as any teacher may know it: without a template mapped for
/// notices they go by customer-service message, which reaches only students who wrote to
/// the account in the last 48 hours (the rest find them in 我的通知).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TemplateStatus {
    /// A template is chosen for notices (通知提醒).
    pub notice_mapped: bool,
    /// The account can send template messages at all (a verified service account).
    pub templates_available: bool,
}
