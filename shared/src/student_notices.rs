//! Notices as a student's pages show them: their own list, one notice's page, and the
//! categories they mute.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::notices::{Attachment, Urgency};
use crate::receipts::{ClassProgress, StudentVote};

/// A student's category subscriptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct CategorySubscription {
    pub category_id: i64,
    pub name: String,
    pub muted: bool,
}

/// A notice in a student's own list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentNotice {
    pub id: i64,
    pub title: String,
    pub category: Option<String>,
    pub urgency: Urgency,
    pub author: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The notice was withdrawn (已撤回).
    pub withdrawn: bool,
    /// Not pushed because the student muted its category.
    pub muted: bool,
    /// Held for the digest: no message could carry it yet.
    pub held: bool,
    pub read: bool,
    pub requires_confirmation: bool,
    pub confirmed: bool,
}

/// A notice as a student's page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentNoticeDetail {
    pub id: i64,
    pub title: String,
    pub category: Option<String>,
    pub urgency: Urgency,
    pub author: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub deadline: Option<DateTime<Utc>>,
    pub requires_confirmation: bool,
    /// Withdrawn notices show only their title.
    pub withdrawn: bool,
    /// When the title or body was corrected after sending (shown as 已修改).
    pub corrected_at: Option<DateTime<Utc>>,
    /// The body rendered and sanitised (empty when withdrawn).
    pub body_html: String,
    pub attachments: Vec<Attachment>,
    /// Whether the reader is one of its recipients.
    pub recipient: bool,
    /// When the reader first opened it (recipients only).
    pub read_at: Option<DateTime<Utc>>,
    /// When the reader confirmed it (收到/确认), once.
    pub confirmed_at: Option<DateTime<Utc>>,
    pub vote: Option<StudentVote>,
    /// Comments the reader can see (public ones and their own questions).
    pub comments: i64,
    /// The reader's classes, when they are a cadre of a class this notice went to.
    pub cadre_classes: Vec<ClassProgress>,
}

/// Mute or unmute a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct SubscriptionChange {
    pub muted: bool,
}

/// A short-lived link to one attachment, opened by any browser without signing in (WeChat's
/// own included), made for one reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct FileLink {
    /// Absolute URL under the public address (`…/files/<signed token>`).
    pub url: String,
    pub expires_at: DateTime<Utc>,
}
