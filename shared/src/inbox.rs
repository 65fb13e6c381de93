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
    /// The remark the account gave the follower in WeChat (备注), when it has one.
    pub remark: Option<String>,
}

/// One message of a thread: what they sent, or what a teacher answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ThreadMessage {
    pub at: DateTime<Utc>,
    /// `in` (the follower wrote) or `out` (a teacher answered, Banji answered by itself, or a
    /// notice was pushed).
    pub direction: String,
    /// What they sent: `text`, `image`, `voice`, `video`, `shortvideo`, `location`, `link`,
    /// `click` (a menu button they pressed, its name as the text).
    /// What went out: a teacher's `text`, `image`, `voice`, `video`, `music`, `news`; `auto`
    /// (Banji's automatic answer); `notice` (a pushed notice).
    pub kind: String,
    pub text: Option<String>,
    /// Who answered (out only).
    pub author: Option<String>,
    /// `sent` or `failed` (out only), and the platform's reason when it failed; `pending`
    /// while an answer WeChat could not take in the window goes another way (`channel`).
    pub status: Option<String>,
    pub failure: Option<String>,
    /// Image, voice and video: where the console shows or plays the file (a signed link,
    /// an hour long), its content type, and whether Banji keeps it (`pending`, `kept`,
    /// `failed` — the platform deletes its copy after 3 days).
    pub media_url: Option<String>,
    pub media_type: Option<String>,
    pub media_state: Option<String>,
    /// Video, music, news and links: the title, and where it leads.
    pub title: Option<String>,
    pub url: Option<String>,
    /// How an answer went out: `custom` (in the window), or through the planner outside it
    /// (`template`, `mass`, `digest`); a pushed notice's channel.
    pub channel: Option<String>,
    /// A pushed notice (`kind` `notice`): its id, and when the student read it.
    pub notice_id: Option<i64>,
    pub read_at: Option<DateTime<Utc>>,
}

impl ThreadMessage {
    /// A message with only its time, direction, kind and text; the rest absent.
    pub fn new(at: DateTime<Utc>, direction: &str, kind: &str, text: Option<String>) -> ThreadMessage {
        ThreadMessage {
            at,
            direction: direction.into(),
            kind: kind.into(),
            text,
            author: None,
            status: None,
            failure: None,
            media_url: None,
            media_type: None,
            media_state: None,
            title: None,
            url: None,
            channel: None,
            notice_id: None,
            read_at: None,
        }
    }
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

/// A teacher's answer, sent as a customer-service message of its `kind`:
/// - `text` (the default): `text`;
/// - `image`, `voice`: `upload_id` (a file uploaded to `/inbox/uploads`);
/// - `video`: `upload_id`, optional `title` and `description`;
/// - `music`: `title`, `description`, `url` (the music's address, http or https), optional
///   `upload_id` (a cover picture, JPEG ≤ 64 KB; Banji's own cover otherwise);
/// - `news` (图文): `title`, `description`, `url` (where it leads), optional `upload_id`
///   (its picture).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewInboxReply {
    pub kind: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub text: String,
    pub upload_id: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
}

/// The kinds of answer a teacher may send.
pub const REPLY_KINDS: [&str; 6] = ["text", "image", "voice", "video", "music", "news"];

/// The most a text answer may hold (the platform's customer-service text limit is 2048 bytes).
pub const MAX_REPLY_CHARS: usize = 600;

impl NewInboxReply {
    pub fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or("text")
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        let present = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        match self.kind() {
            "text" => {
                if self.text.trim().is_empty() {
                    errors.add("text", Problem::Required);
                } else {
                    errors.check("text", validate::note(&self.text, MAX_REPLY_CHARS));
                }
            }
            "image" | "voice" | "video" if self.upload_id.is_none() => errors.add("upload_id", Problem::Required),
            "image" | "voice" | "video" => {}
            "music" | "news" => {
                if !present(&self.title) {
                    errors.add("title", Problem::Required);
                }
                match self.url.as_deref().map(str::trim) {
                    None | Some("") => errors.add("url", Problem::Required),
                    Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
                        errors.add("url", Problem::Invalid)
                    }
                    Some(url) => errors.check("url", validate::note(url, 1024)),
                }
            }
            _ => errors.add("kind", Problem::Invalid),
        }
        if let Some(title) = &self.title {
            errors.check("title", validate::note(title, 64));
        }
        if let Some(description) = &self.description {
            errors.check("description", validate::note(description, 120));
        }
        errors.into_result()
    }
}

/// What a student writes to the teachers from their page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewStudentMessage {
    pub text: String,
}

impl NewStudentMessage {
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

/// A file a teacher uploaded to answer with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct InboxUpload {
    pub id: i64,
    /// `image`, `voice`, `video` or `thumb` (a music cover).
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// Where the console shows it (a signed link, an hour long).
    pub url: Option<String>,
}

/// A teacher's saved answer (快捷回复).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct QuickReply {
    pub id: i64,
    pub text: String,
}

/// A saved answer to add or change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewQuickReply {
    pub text: String,
}

/// The most saved answers a teacher keeps.
pub const MAX_QUICK_REPLIES: usize = 50;

impl NewQuickReply {
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

/// An inbox's live event: something changed at `at` (a message, an answer, a thread
/// handled); ask for the threads again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct InboxChanged {
    pub at: DateTime<Utc>,
}

/// The first link the account wrote in a text message, `<a href="http…">words</a>` (WeChat
/// draws it as the words, linked): what comes before, the link, its words, what follows.
pub fn next_link(s: &str) -> Option<(&str, &str, &str, &str)> {
    let start = s.find("<a href=\"")?;
    let href_start = start + "<a href=\"".len();
    let href_end = href_start + s[href_start..].find('"')?;
    let href = &s[href_start..href_end];
    let words_start = href_end + s[href_end..].find('>')? + 1;
    let words_end = words_start + s[words_start..].find("</a>")?;
    if !(href.starts_with("https://") || href.starts_with("http://")) {
        return None;
    }
    Some((&s[..start], href, &s[words_start..words_end], &s[words_end + "</a>".len()..]))
}

#[cfg(test)]
mod link_tests {
    use super::next_link;

    #[test]
    fn a_link_the_account_wrote_is_found_and_anything_else_is_left_as_text() {
        let s = "您有 1 条新通知：\n1. <a href=\"http://x.cn/a?next=/s/notices/1\">周五班会</a> 请查看";
        assert_eq!(
            next_link(s),
            Some(("您有 1 条新通知：\n1. ", "http://x.cn/a?next=/s/notices/1", "周五班会", " 请查看"))
        );
        assert_eq!(next_link("<a href=\"javascript:alert(1)\">点我</a>"), None);
        assert_eq!(next_link("没有链接"), None);
        assert_eq!(next_link("<a href=\"http://x.cn\">没有结尾"), None);
    }
}
