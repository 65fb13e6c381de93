//! The mass-send assistant (群发助手): a plain WeChat mass message to every follower, a
//! class's or group's tag, or a list of openids; its preview; its quota; its history with
//! the platform's counts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldErrors, Problem};

/// The kinds of mass message.
pub const MASS_KINDS: [&str; 5] = ["text", "image", "voice", "video", "news"];
/// The most a mass text may hold.
pub const MAX_MASS_TEXT_CHARS: usize = 2000;
/// The platform's bounds on a list of openids (`mass/send`).
pub const MIN_MASS_OPENIDS: usize = 2;
pub const MAX_MASS_OPENIDS: usize = 10_000;
/// The most an article body may hold here.
pub const MAX_ARTICLE_CHARS: usize = 20_000;

/// What a mass message says.
/// - `text`: `text`.
/// - `image`, `voice`: `upload_id`, a file uploaded first to `/inbox/uploads`.
/// - `video`: `upload_id` (MP4), `title`, optional `description`.
/// - `news` (图文, made as a WeChat draft): `title`, `content` (paragraphs of plain text),
///   `upload_id` (the cover image), optional `author`, `description` (the summary) and
///   `source_url` (阅读原文).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MassContent {
    pub kind: String,
    pub text: Option<String>,
    pub upload_id: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub content: Option<String>,
    pub source_url: Option<String>,
}

fn present(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| !v.trim().is_empty())
}

impl MassContent {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        match self.kind.as_str() {
            "text" => match &self.text {
                Some(text) if !text.trim().is_empty() => {
                    errors.check("message.text", validate::note(text, MAX_MASS_TEXT_CHARS))
                }
                _ => errors.add("message.text", Problem::Required),
            },
            "image" | "voice" | "video" | "news" if self.upload_id.is_none() => {
                errors.add("message.upload_id", Problem::Required)
            }
            "image" | "voice" => {}
            "video" | "news" => {
                if !present(&self.title) {
                    errors.add("message.title", Problem::Required);
                }
                if self.kind == "news" && !present(&self.content) {
                    errors.add("message.content", Problem::Required);
                }
            }
            _ => errors.add("message.kind", Problem::Invalid),
        }
        let limits = [
            ("message.title", &self.title, 64),
            ("message.description", &self.description, 120),
            ("message.author", &self.author, 16),
            ("message.content", &self.content, MAX_ARTICLE_CHARS),
        ];
        for (field, value, limit) in limits {
            if let Some(value) = value {
                errors.check(field, validate::note(value, limit));
            }
        }
        match self.source_url.as_deref().map(str::trim) {
            None | Some("") => {}
            Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
                errors.add("message.source_url", Problem::Invalid)
            }
            Some(url) => errors.check("message.source_url", validate::note(url, 1024)),
        }
        errors.into_result()
    }
}

/// Who a mass message goes to: `all` (every follower; admins), `tag` (`tag_id`: a class's
/// or group's WeChat tag) or `openids` (2 to 10 000 followers; service accounts).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MassAudience {
    pub kind: String,
    pub tag_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub openids: Vec<String>,
}

impl MassAudience {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        match self.kind.as_str() {
            "all" => {}
            "tag" if self.tag_id.is_none() => errors.add("audience.tag_id", Problem::Required),
            "tag" => {}
            "openids" => {
                // Too few or too many: `MIN_MASS_OPENIDS` to `MAX_MASS_OPENIDS`.
                let n = self.openids.len();
                if !(MIN_MASS_OPENIDS..=MAX_MASS_OPENIDS).contains(&n)
                    || self.openids.iter().any(|o| o.trim().is_empty() || o.len() > 64)
                {
                    errors.add("audience.openids", Problem::Invalid);
                }
            }
            _ => errors.add("audience.kind", Problem::Invalid),
        }
        errors.into_result()
    }
}

/// A mass message to send now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewMassSend {
    pub message: MassContent,
    pub audience: MassAudience,
}

/// A preview: the message, to the caller's own bound WeChat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MassPreviewRequest {
    pub message: MassContent,
}

/// A preview went out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MassPreviewSent {
    /// The caller's WeChat nickname or remark, when known.
    pub sent_to: Option<String>,
}

/// A tag the caller may send to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MassTarget {
    pub tag_id: i64,
    pub name: String,
    /// `class`, `group` or `role` (every bound student; every bound teacher).
    pub kind: String,
    /// Bound followers that carry it now.
    pub members: i64,
}

/// What the caller may send to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MassTargets {
    /// May send to every follower (admins).
    pub all: bool,
    /// May send to a list of openids (a service account).
    pub lists: bool,
    pub tags: Vec<MassTarget>,
}

/// The account's mass quota as it stands for one audience, before sending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MassQuota {
    /// `service_verified`, `service` or `subscription`.
    pub account_kind: String,
    /// `per_follower_month` (service accounts: each follower receives 4 a month) or
    /// `per_account_day` (subscription accounts: one mass send a day).
    pub rule: String,
    pub limit: i64,
    /// Followers the audience holds, and how many of them have had `limit` mass messages
    /// this month (notices' included): the platform filters those.
    pub recipients: i64,
    pub over_quota: i64,
    /// Subscription accounts: mass sends today.
    pub sent_today: i64,
    /// Whether a send would reach anyone; `reason` says why not.
    pub may_send: bool,
    pub reason: Option<String>,
}

/// A mass message sent, with what the platform reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MassSend {
    pub id: i64,
    pub author: String,
    pub kind: String,
    /// The text, or the title of a video or an article.
    pub summary: String,
    pub message: MassContent,
    /// `all`, `tag` or `openids`, and how the audience is named.
    pub audience: String,
    pub tag_id: Option<i64>,
    pub audience_name: String,
    pub recipients: i64,
    pub over_quota: i64,
    /// `sending`, `submitted` (the platform took it; its result is awaited), `success`,
    /// `failed`, `deleted`.
    pub status: String,
    /// The platform's own word (`send success`, `err(10001)` …), and in a sentence why it
    /// failed.
    pub platform_status: Option<String>,
    pub failure: Option<String>,
    pub msg_id: Option<i64>,
    pub msg_data_id: Option<i64>,
    /// TotalCount, FilterCount, SentCount (成功), ErrorCount (失败) of the job result.
    pub total: Option<i64>,
    pub filtered: Option<i64>,
    pub sent: Option<i64>,
    pub errors: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}
