//! Notices and their audience (how their delivery goes is `crate::delivery`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::receipts::VoteSpec;
use crate::validate::{self, FieldErrors, Problem};
use crate::TeacherRef;

/// 紧急 / 重要 / 普通. Urgent notices reach students even in categories they muted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum Urgency {
    Urgent,
    Important,
    #[default]
    Normal,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Urgent => "urgent",
            Urgency::Important => "important",
            Urgency::Normal => "normal",
        }
    }

    pub fn parse(s: &str) -> Option<Urgency> {
        match s {
            "urgent" => Some(Urgency::Urgent),
            "important" => Some(Urgency::Important),
            "normal" => Some(Urgency::Normal),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Urgent => "紧急",
            Urgency::Important => "重要",
            Urgency::Normal => "普通",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum NoticeStatus {
    Draft,
    Scheduled,
    Sending,
    Sent,
    Withdrawn,
}

impl NoticeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeStatus::Draft => "draft",
            NoticeStatus::Scheduled => "scheduled",
            NoticeStatus::Sending => "sending",
            NoticeStatus::Sent => "sent",
            NoticeStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeStatus> {
        match s {
            "draft" => Some(NoticeStatus::Draft),
            "scheduled" => Some(NoticeStatus::Scheduled),
            "sending" => Some(NoticeStatus::Sending),
            "sent" => Some(NoticeStatus::Sent),
            "withdrawn" => Some(NoticeStatus::Withdrawn),
            _ => None,
        }
    }
}

/// Who a notice is for: any mix of classes, groups, single students, and every follower.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Audience {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub classes: Vec<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub groups: Vec<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub students: Vec<i64>,
    /// Every follower of the account (admins only).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub public: bool,
}

impl Audience {
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty() && self.groups.is_empty() && self.students.is_empty() && !self.public
    }
}

/// What an audience comes to, before sending.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AudienceCount {
    /// Everyone who gets a delivery row.
    pub recipients: i64,
    pub students: i64,
    /// Followers bound to no student (public notices).
    pub followers: i64,
    /// Students without a bound WeChat: nothing can be pushed to them.
    pub unbound: i64,
    /// Bound students whose WeChat no longer follows the account.
    pub not_following: i64,
    /// Students who muted this notice's category (not pushed unless urgent).
    pub muted: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NoticeCategory {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewCategory {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Attachment {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub downloads: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewNotice {
    pub title: String,
    /// Markdown.
    pub body: String,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub urgency: Urgency,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub requires_confirmation: bool,
    #[serde(default)]
    pub deadline: Option<DateTime<Utc>>,
    pub audience: Audience,
    /// A vote students answer on the notice's page.
    #[serde(default)]
    pub vote: Option<VoteSpec>,
}

pub const MAX_TITLE_CHARS: usize = 64;
pub const MAX_BODY_CHARS: usize = 20_000;

impl NewNotice {
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("title", validate::label(&self.title, MAX_TITLE_CHARS));
        if self.body.trim().is_empty() {
            errors.add("body", Problem::Required);
        } else {
            errors.check("body", validate::note(&self.body, MAX_BODY_CHARS));
        }
        if self.audience.is_empty() {
            errors.add("audience", Problem::Required);
        }
        if self.deadline.is_some_and(|d| d <= now) {
            errors.add("deadline", Problem::InThePast);
        }
        if let Some(vote) = &self.vote {
            vote.validate(&mut errors);
            if vote.results == crate::receipts::VoteResults::AfterDeadline && self.deadline.is_none() {
                errors.add("vote.results", Problem::Invalid);
            }
        }
        errors.into_result()
    }
}

/// A correction of a notice already sent: its title or body (a typo fixed). Students see
/// the corrected text marked 已修改; nothing is pushed again (a reminder does that).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NoticeCorrection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl NoticeCorrection {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Some(title) = &self.title {
            errors.check("title", validate::label(title, MAX_TITLE_CHARS));
        }
        if let Some(body) = &self.body {
            if body.trim().is_empty() {
                errors.add("body", Problem::Required);
            } else {
                errors.check("body", validate::note(body, MAX_BODY_CHARS));
            }
        }
        errors.into_result()
    }
}

/// Partial update of a draft or scheduled notice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NoticePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_confirmation: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// Replaces the vote (a notice's vote cannot change once it is sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote: Option<VoteSpec>,
    /// Removes the vote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_vote: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Notice {
    pub id: i64,
    pub title: String,
    /// Markdown as written.
    pub body: String,
    /// The body rendered and sanitised.
    pub body_html: String,
    pub category: Option<NoticeCategory>,
    pub urgency: Urgency,
    pub requires_confirmation: bool,
    pub deadline: Option<DateTime<Utc>>,
    pub author: Option<TeacherRef>,
    pub status: NoticeStatus,
    pub audience: Audience,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// When its title or body was last corrected after sending.
    pub corrected_at: Option<DateTime<Utc>>,
    pub recipient_count: i64,
    pub status_note: String,
    pub attachments: Vec<Attachment>,
    pub vote: Option<VoteSpec>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A notice in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NoticeSummary {
    pub id: i64,
    pub title: String,
    pub category: Option<NoticeCategory>,
    pub urgency: Urgency,
    pub status: NoticeStatus,
    pub author: Option<TeacherRef>,
    pub recipient_count: i64,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub requires_confirmation: bool,
    /// Students it went to, and how many of them read and confirmed it (0 before sending):
    /// the list's read and confirm rates.
    pub students: i64,
    pub read: i64,
    pub confirmed: i64,
}

/// Send now (no `at`) or at a time in the future.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct SendRequest {
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}
