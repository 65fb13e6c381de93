//! The inbox (消息): what followers write to the account, one thread each, and what
//! teachers answer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldErrors, Problem};

/// One follower's thread, as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct InboxThread {
    pub openid: String,
    /// `student`, `teacher`, or `follower` (not bound).
    pub kind: String,
    /// The student's or teacher's name; a follower's nickname when known.
    pub name: Option<String>,
    pub student_id: Option<i64>,
    pub student_no: Option<String>,
    pub class_name: Option<String>,
    /// When they last wrote, what kind of message it was (`text`, `image` …) and its text.
    pub last_in_at: DateTime<Utc>,
    pub last_type: String,
    pub last_text: Option<String>,
    /// Since when a message waits that the robot could not answer (未处理); absent once a
    /// teacher answered or marked the thread handled.
    pub waiting_since: Option<DateTime<Utc>>,
    pub handled_at: Option<DateTime<Utc>>,
    pub handled_by: Option<String>,
}

/// One message of a thread: what they sent, or what a teacher answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ThreadMessage {
    pub at: DateTime<Utc>,
    /// `in` (the follower wrote) or `out` (a teacher answered).
    pub direction: String,
    /// The message type: `text`, `image`, `voice`, `video`, `shortvideo`, `location`, `link`.
    pub kind: String,
    pub text: Option<String>,
    /// Who answered (out only).
    pub author: Option<String>,
    /// `sent` or `failed` (out only), and the platform's reason when it failed.
    pub status: Option<String>,
    pub failure: Option<String>,
}

/// A thread with its latest messages, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct InboxThreadDetail {
    pub thread: InboxThread,
    /// At most the latest 200 messages.
    pub messages: Vec<ThreadMessage>,
    /// Until when WeChat takes customer-service messages to them (48 hours after their last
    /// message in WeChat); absent when that has passed or they never wrote there.
    pub window_ends_at: Option<DateTime<Utc>>,
    /// How many more answers the window takes (5 after each message of theirs, less those
    /// sent from 消息 since; other customer-service messages use it too). 0 outside it.
    pub window_left: i64,
}

/// A teacher's text answer, sent as a customer-service message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewInboxReply {
    pub text: String,
}

/// The most a text answer may hold (the platform's customer-service text limit is 2048 bytes).
pub const MAX_REPLY_CHARS: usize = 600;

impl NewInboxReply {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.text.trim().is_empty() {
            errors.add("text", Problem::Required);
        } else {
            errors.check("text", validate::note(&self.text, MAX_REPLY_CHARS));
        }
        errors.into_result()
    }
}

/// One entry of the interaction history: a message or event a follower sent (`in`), or a
/// teacher's answer (`out`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct LoggedMessage {
    /// `in` or `out`.
    pub direction: String,
    /// The entry's id within its direction.
    pub id: i64,
    pub openid: String,
    /// `text`, `image`, `event` … (in); the answer's kind (out).
    pub kind: String,
    /// The event (`subscribe`, `CLICK` …) of an `event` entry.
    pub event: Option<String>,
    pub text: Option<String>,
    pub at: DateTime<Utc>,
    /// Who answered (out).
    pub author: Option<String>,
    pub student_id: Option<i64>,
    pub student_name: Option<String>,
    pub student_no: Option<String>,
}
