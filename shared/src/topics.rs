//! 话题: topics students discuss (on their phone, or by 「#话题 …」 in WeChat), as the
//! console and the students' page see them. A post's author is 匿名同学 to students when it
//! was posted anonymously; teachers always see who wrote it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_TOPIC_TITLE_CHARS: usize = 20;
pub const MAX_TOPIC_DESCRIPTION_CHARS: usize = 300;
pub const MAX_POST_CHARS: usize = 500;
/// What students see instead of an anonymous author's name.
pub const ANONYMOUS: &str = "匿名同学";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum TopicStatus {
    /// A student's proposal, waiting for a teacher.
    Proposed,
    Open,
    Closed,
    Rejected,
}

impl TopicStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TopicStatus::Proposed => "proposed",
            TopicStatus::Open => "open",
            TopicStatus::Closed => "closed",
            TopicStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<TopicStatus> {
        Some(match s {
            "proposed" => TopicStatus::Proposed,
            "open" => TopicStatus::Open,
            "closed" => TopicStatus::Closed,
            "rejected" => TopicStatus::Rejected,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum PostStatus {
    Shown,
    /// The word list caught it: only its author and teachers see it, until reviewed.
    Held,
    /// A teacher hid it.
    Hidden,
}

impl PostStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PostStatus::Shown => "shown",
            PostStatus::Held => "held",
            PostStatus::Hidden => "hidden",
        }
    }

    pub fn parse(s: &str) -> Option<PostStatus> {
        Some(match s {
            "shown" => PostStatus::Shown,
            "held" => PostStatus::Held,
            "hidden" => PostStatus::Hidden,
            _ => return None,
        })
    }
}

/// A topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Topic {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub status: TopicStatus,
    /// For these classes and groups; both empty: everyone.
    pub classes: Vec<i64>,
    pub groups: Vec<i64>,
    /// Students may post without their name showing (teachers still see it).
    pub anonymous_allowed: bool,
    /// Locked: read, but no new posts.
    pub locked: bool,
    /// The teacher who opened (or approved) it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The student who proposed it (shown to teachers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_by: Option<String>,
    /// Posts shown, and students who posted.
    pub posts: i64,
    pub participants: i64,
    /// Posts waiting for review here (held or reported; teachers only, else 0).
    pub to_review: i64,
    pub created_at: DateTime<Utc>,
}

/// Opening a topic (a teacher), or proposing one (a student: audience and anonymity are
/// the teacher's to set).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewTopic {
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub description: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub classes: Vec<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub groups: Vec<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub anonymous_allowed: bool,
}

impl NewTopic {
    pub fn validate(&self) -> Result<(), crate::validate::FieldErrors> {
        use crate::validate::{self, FieldErrors, Problem};
        let mut errors = FieldErrors::default();
        let title = self.title.trim();
        errors.check("title", validate::label(title, MAX_TOPIC_TITLE_CHARS));
        // The title follows 「#」 in WeChat: no spaces or another 「#」 in it.
        if title.chars().any(|c| c.is_whitespace() || c == '#' || c == '＃') {
            errors.add("title", Problem::Invalid);
        }
        errors.check("description", validate::optional_label(self.description.trim(), MAX_TOPIC_DESCRIPTION_CHARS));
        errors.into_result()
    }
}

/// A teacher's change to a topic: approve or reject a proposal, close or reopen, lock,
/// allow anonymous posts, reword.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TopicPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TopicStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_allowed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A post, or a reply to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TopicPost {
    pub id: i64,
    pub topic_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    /// The student's name, or 匿名同学 (to students, for an anonymous post).
    pub author: String,
    /// The author (teachers only: to mute them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student_id: Option<i64>,
    /// The class, when the author is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    pub anonymous: bool,
    pub body: String,
    pub status: PostStatus,
    /// The words that held it (teachers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_for: Option<String>,
    pub pinned: bool,
    pub likes: i64,
    /// The student reading liked it.
    pub liked: bool,
    /// The student reading wrote it.
    pub mine: bool,
    /// Reports not yet reviewed (teachers only, else 0).
    pub open_reports: i64,
    pub created_at: DateTime<Utc>,
    /// Its pictures (`/portal/topics/images/{id}`, `/topics/images/{id}`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub images: Vec<i64>,
    /// Replies, oldest first (on a post of the page; none on a reply).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub replies: Vec<TopicPost>,
}

/// Writing a post (or a reply to `parent_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewPost {
    pub body: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub anonymous: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    /// Pictures uploaded for it (`POST /portal/topics/{id}/images`), at most 3.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub images: Vec<i64>,
}

/// A picture kept for a post about to be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TopicImage {
    pub id: i64,
}

/// A topic as its students' page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TopicPage {
    pub topic: Topic,
    /// Pinned first, then newest (or hottest) first; held posts only the reader's own.
    pub posts: Vec<TopicPost>,
    /// The reader may not post until then (a teacher muted them here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum ReviewAction {
    /// Show a held post; dismiss a reported one's reports.
    Approve,
    Hide,
    Pin,
    Unpin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct PostReview {
    pub action: ReviewAction,
}

/// Reporting a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct PostReport {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub reason: String,
}

/// Muting a student in a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TopicMute {
    pub student_id: i64,
    /// 1 minute to 30 days.
    pub minutes: i64,
}

/// The word list: a post containing any of them is held for review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ModerationWords {
    pub words: Vec<String>,
}

/// One day of a topic, or one class in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TopicTally {
    /// `YYYY-MM-DD` (China time), or the class's name.
    pub label: String,
    pub posts: i64,
    pub participants: i64,
}

/// A topic's activity: per day, per class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TopicActivity {
    pub days: Vec<TopicTally>,
    pub classes: Vec<TopicTally>,
}
