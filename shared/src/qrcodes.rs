//! Parametric QR codes (带参二维码): the account's follow codes with a purpose. Scanning
//! one follows the account (or, already following, opens the chat) and Banji answers by
//! the code's purpose: join a class's or a group's WeChat tag with an invitation to bind,
//! a link to sign up for an activity, or a link to one of the student pages. Temporary
//! codes live at most 30 days; permanent ones never expire but the account may make at
//! most 100 000 of them, and the platform cannot delete one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldErrors, Problem};

pub const MAX_NAME_CHARS: usize = 30;
/// The platform's limit on a temporary code: 30 days.
pub const MAX_TEMPORARY_SECONDS: i64 = 2_592_000;
/// Shorter would expire before it is printed and put up.
pub const MIN_TEMPORARY_SECONDS: i64 = 60;
/// Permanent codes an account may make, ever.
pub const PERMANENT_QUOTA: i64 = 100_000;
pub const MAX_PAGE_CHARS: usize = 200;

/// What scanning the code does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum QrPurpose {
    /// Follow and join the class's WeChat tag; answered with the invitation to bind.
    JoinClass,
    /// Join the group's WeChat tag.
    JoinGroup,
    /// Answered with the activity's sign-up card.
    SignUp,
    /// Answered with a link card to a student page (`/s/…`).
    OpenPage,
}

impl QrPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            QrPurpose::JoinClass => "join_class",
            QrPurpose::JoinGroup => "join_group",
            QrPurpose::SignUp => "sign_up",
            QrPurpose::OpenPage => "open_page",
        }
    }

    pub fn parse(s: &str) -> Option<QrPurpose> {
        Some(match s {
            "join_class" => QrPurpose::JoinClass,
            "join_group" => QrPurpose::JoinGroup,
            "sign_up" => QrPurpose::SignUp,
            "open_page" => QrPurpose::OpenPage,
            _ => return None,
        })
    }
}

/// A student page a code may open: Banji's own `/s/…` pages, nothing that leaves them.
pub fn page_path(value: &str) -> Result<(), Problem> {
    let value = value.trim();
    if value.is_empty() {
        Err(Problem::Required)
    } else if value.chars().count() > MAX_PAGE_CHARS {
        Err(Problem::TooLong(MAX_PAGE_CHARS))
    } else if !value.starts_with("/s/")
        || value.contains("//")
        || value.contains('\\')
        || value.contains('#')
        || value.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        Err(Problem::Invalid)
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewQrCode {
    /// What the code is called in the console and on its print (at most 30 characters).
    pub name: String,
    pub purpose: QrPurpose,
    /// The class, for `join_class`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_id: Option<i64>,
    /// The group, for `join_group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<i64>,
    /// The activity, for `sign_up`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_id: Option<i64>,
    /// The student page, for `open_page`: a path starting with `/s/` (e.g. `/s/notices`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Seconds a temporary code lives (60 to 2 592 000, i.e. 30 days); absent for a
    /// permanent code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_seconds: Option<i64>,
}

impl NewQrCode {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("name", validate::label(&self.name, MAX_NAME_CHARS));
        match self.purpose {
            QrPurpose::JoinClass if self.class_id.is_none() => errors.add("class_id", Problem::Required),
            QrPurpose::JoinGroup if self.group_id.is_none() => errors.add("group_id", Problem::Required),
            QrPurpose::SignUp if self.activity_id.is_none() => errors.add("activity_id", Problem::Required),
            QrPurpose::OpenPage => errors.check("page", page_path(self.page.as_deref().unwrap_or(""))),
            _ => {}
        }
        if let Some(seconds) = self.expire_seconds {
            if !(MIN_TEMPORARY_SECONDS..=MAX_TEMPORARY_SECONDS).contains(&seconds) {
                errors.add("expire_seconds", Problem::Invalid);
            }
        }
        errors.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct QrCode {
    pub id: i64,
    pub name: String,
    pub purpose: QrPurpose,
    pub class_id: Option<i64>,
    pub group_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub page: Option<String>,
    /// What the purpose names: the class's, group's or activity's name, or the page.
    pub target: String,
    /// The scene the platform sends back when it is scanned (`qr:{id}`).
    pub scene: String,
    pub permanent: bool,
    /// When a temporary code stops working.
    pub expires_at: Option<DateTime<Utc>>,
    pub expired: bool,
    /// Every scan (by followers and by people who followed through it).
    pub scans: i64,
    /// Scans that followed the account.
    pub new_followers: i64,
    /// The code's image on WeChat (`showqrcode`).
    pub image_url: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// The account's permanent codes: how many are made and how many it may make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct QrQuota {
    /// Permanent codes made (class posters included); deleting one does not give it back.
    pub permanent_used: i64,
    pub permanent_limit: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_code() -> NewQrCode {
        NewQrCode {
            name: "迎新".into(),
            purpose: QrPurpose::JoinClass,
            class_id: Some(1),
            group_id: None,
            activity_id: None,
            page: None,
            expire_seconds: Some(86_400),
        }
    }

    #[test]
    fn a_temporary_code_lives_a_minute_to_thirty_days() {
        assert!(class_code().validate().is_ok());
        let too_long = NewQrCode { expire_seconds: Some(MAX_TEMPORARY_SECONDS + 1), ..class_code() };
        assert_eq!(too_long.validate().unwrap_err().get("expire_seconds"), Some(Problem::Invalid));
        let permanent = NewQrCode { expire_seconds: None, ..class_code() };
        assert!(permanent.validate().is_ok());
    }

    #[test]
    fn a_purpose_needs_what_it_names() {
        let nameless = NewQrCode { name: " ".into(), class_id: None, ..class_code() };
        let errors = nameless.validate().unwrap_err();
        assert_eq!((errors.get("name"), errors.get("class_id")), (Some(Problem::Required), Some(Problem::Required)));
        let page = NewQrCode { purpose: QrPurpose::OpenPage, page: Some("/s/notices".into()), ..class_code() };
        assert!(page.validate().is_ok());
    }

    #[test]
    fn a_page_is_one_of_the_student_pages() {
        assert_eq!(page_path("/s/activities"), Ok(()));
        assert_eq!(page_path("https://evil.example/"), Err(Problem::Invalid));
        assert_eq!(page_path("/s//evil.example"), Err(Problem::Invalid));
        assert_eq!(page_path("/login"), Err(Problem::Invalid));
        assert_eq!(page_path(""), Err(Problem::Required));
    }
}
