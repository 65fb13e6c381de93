//! The account's followers, WeChat bindings, and what student pages see.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who a follower is in Banji, if anyone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct BoundTo {
    /// `student` or `teacher`.
    pub kind: String,
    pub id: i64,
    pub name: String,
    /// 学号 for a student.
    pub number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Follower {
    pub openid: String,
    pub subscribed: bool,
    pub subscribed_at: Option<DateTime<Utc>>,
    pub nickname: String,
    pub remark: String,
    pub tag_ids: Vec<i64>,
    pub bound_to: Option<BoundTo>,
    /// The name of the QR code that first brought them to follow (来源), if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What the last follower sync found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct FollowerSync {
    /// `running`, `done` or `failed`.
    pub status: String,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Followers the platform listed.
    pub followers: u32,
    /// Of those, not known before.
    pub new: u32,
    /// Known as following before, not listed now.
    pub unfollowed: u32,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct RemarkChange {
    /// At most 30 characters.
    pub remark: String,
}

/// What a tag resync found and did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TagResync {
    pub tags_created: u32,
    pub tags_deleted: u32,
    pub tags_renamed: u32,
    /// Followers given a tag they should have had.
    pub tagged: u32,
    /// Followers relieved of a tag they should not have had.
    pub untagged: u32,
    pub errors: Vec<String>,
}

/// A student page's view of who is there (after WeChat web authorisation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct PortalMe {
    pub openid: String,
    /// The student this WeChat is bound to, if any.
    pub student: Option<PortalStudent>,
    /// Classes this student has a cadre's rights over today.
    pub cadre_classes: Vec<crate::GroupRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct PortalStudent {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub class_name: Option<String>,
    pub bound_at: Option<DateTime<Utc>>,
}

/// Binding a WeChat to a student: 学号, name and the student's 6-digit bind code (on
/// their record, handed out by the teachers of their class).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct BindRequest {
    pub student_no: String,
    pub name: String,
    pub code: String,
}

/// A classmate as a class cadre sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Classmate {
    pub student_no: String,
    pub name: String,
    pub class_name: String,
    pub bound: bool,
}

/// A teacher's WeChat binding by QR code: shown in the console until scanned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TeacherBinding {
    pub bound: bool,
    /// While not bound: the QR code to scan (an image URL) and when it expires.
    pub qr_image_url: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A teacher registering themselves: the account they want, and the 6-digit code the
/// WeChat account sent them when they wrote `注册` (it also binds that WeChat).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Registration {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub code: String,
}

impl Registration {
    pub fn validate(&self) -> Result<(), crate::FieldErrors> {
        let mut errors = crate::FieldErrors::default();
        errors.check("username", crate::validate::username(&self.username));
        errors.check("display_name", crate::validate::display_name(&self.display_name));
        errors.check("password", crate::validate::password(&self.password));
        let code = self.code.trim();
        if code.is_empty() {
            errors.add("code", crate::Problem::Required);
        } else if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            errors.add("code", crate::Problem::Invalid);
        }
        errors.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Registered {
    pub user: crate::User,
    /// The account waits for an admin's approval before it can log in.
    pub pending: bool,
}

/// A class's printable binding poster: the account's follow QR code whose scene names
/// the class, and the page that binds a student.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct BindPoster {
    pub class_id: i64,
    pub class_name: String,
    /// The follow QR code's image (permanent; made once per class).
    pub qr_image_url: String,
    /// The binding page, for those who already follow the account.
    pub bind_url: String,
}
