//! Auto-replies (自动回复): rules that answer what followers send — account-wide ones and
//! each teacher's own for their students — and what students asked that no rule answered.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldErrors, Problem};

/// How a rule matches: text `exact`, `contains`, `prefix` or `regex`; a menu `click` key;
/// `follow` (the welcome); `default` (nothing else matched).
pub const MATCH_KINDS: &[&str] = &["exact", "contains", "prefix", "regex", "click", "follow", "default"];
/// What a reply may be: `link` is a card to a Banji page (a notice, the check-in page …).
pub const AUTO_REPLY_KINDS: &[&str] = &["text", "image", "voice", "video", "music", "news", "link"];
/// Who a rule answers: `classes` and `groups` name them in `class_ids` / `group_ids`.
pub const AUDIENCES: &[&str] = &["everyone", "students", "teachers", "unbound", "classes", "groups"];
/// At most this many keywords, replies and articles per rule, and characters per keyword
/// (a regular expression's limit is the same).
pub const MAX_KEYWORDS: usize = 20;
pub const MAX_RULE_REPLIES: usize = 5;
pub const MAX_KEYWORD_CHARS: usize = 200;
/// A passive text reply's limit on the platform is 2048 bytes; in characters, safely below.
pub const MAX_AUTO_TEXT_CHARS: usize = 600;

/// One article of a news (图文) reply; its picture is an uploaded image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ReplyArticle {
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub description: String,
    pub url: String,
    pub upload_id: Option<i64>,
}

/// One reply of a rule. Text may use `{姓名}` and `{班级}`; image, voice, video and a music
/// cover are files uploaded in 消息 (`upload_id`); `link` opens `page` (a Banji page path
/// such as `/s/notices/12` or `/s/checkin`) through WeChat authorisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AutoReplyItem {
    pub kind: String,
    pub text: Option<String>,
    pub upload_id: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Music: the song's address.
    pub url: Option<String>,
    /// News: one to eight articles.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub articles: Vec<ReplyArticle>,
    pub page: Option<String>,
}

/// A rule to create or change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewAutoRule {
    pub name: String,
    /// `account` (account-wide) or `mine` (the caller's own, for their students).
    pub scope: String,
    pub match_kind: String,
    /// Words or patterns (any one matches); a menu key for `click`; none for `follow` and
    /// `default`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub keywords: Vec<String>,
    pub replies: Vec<AutoReplyItem>,
    /// `all` (in order: the first answers, the rest follow as customer-service messages) or
    /// `random` (one of them).
    pub reply_mode: String,
    pub enabled: bool,
    /// Active only between these times of day in China time (`18:00`–`08:00` crosses
    /// midnight); both or neither.
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    /// Active only on these days (1 = Monday … 7 = Sunday); empty: every day.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub weekdays: Vec<u8>,
    pub audience: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub class_ids: Vec<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub group_ids: Vec<i64>,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
}

/// Minutes of the day from `HH:MM`.
pub fn parse_clock(value: &str) -> Option<u32> {
    let (h, m) = value.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

impl NewAutoRule {
    /// Checks the shape; the server also checks patterns, uploads and the audience.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("name", validate::label(&self.name, 60));
        if !["account", "mine"].contains(&self.scope.as_str()) {
            errors.add("scope", Problem::Invalid);
        }
        if !MATCH_KINDS.contains(&self.match_kind.as_str()) {
            errors.add("match_kind", Problem::Invalid);
        }
        let needs_words = !matches!(self.match_kind.as_str(), "follow" | "default");
        let words: Vec<&String> = self.keywords.iter().filter(|k| !k.trim().is_empty()).collect();
        if needs_words && words.is_empty() {
            errors.add("keywords", Problem::Required);
        } else if words.len() > MAX_KEYWORDS {
            // More words than a rule takes (20): not a length, so no length to name.
            errors.add("keywords", Problem::Invalid);
        } else if words.iter().any(|k| k.chars().count() > MAX_KEYWORD_CHARS) {
            errors.add("keywords", Problem::TooLong(MAX_KEYWORD_CHARS));
        }
        if self.replies.is_empty() {
            errors.add("replies", Problem::Required);
        } else if self.replies.len() > MAX_RULE_REPLIES {
            // At most five: the answer and four customer-service messages after it.
            errors.add("replies", Problem::Invalid);
        }
        for (i, reply) in self.replies.iter().enumerate() {
            if let Err(problem) = reply.check() {
                errors.add(&format!("replies[{i}]"), problem);
            }
        }
        if !["all", "random"].contains(&self.reply_mode.as_str()) {
            errors.add("reply_mode", Problem::Invalid);
        }
        match (&self.window_start, &self.window_end) {
            (None, None) => {}
            (Some(s), Some(e)) if parse_clock(s).is_some() && parse_clock(e).is_some() && s != e => {}
            _ => errors.add("window_start", Problem::Invalid),
        }
        if self.weekdays.iter().any(|d| !(1..=7).contains(d)) {
            errors.add("weekdays", Problem::Invalid);
        }
        if !AUDIENCES.contains(&self.audience.as_str()) {
            errors.add("audience", Problem::Invalid);
        } else if self.audience == "classes" && self.class_ids.is_empty() {
            errors.add("class_ids", Problem::Required);
        } else if self.audience == "groups" && self.group_ids.is_empty() {
            errors.add("group_ids", Problem::Required);
        }
        if let (Some(from), Some(until)) = (self.valid_from, self.valid_until) {
            if until <= from {
                errors.add("valid_until", Problem::BeforeStart);
            }
        }
        errors.into_result()
    }
}

impl AutoReplyItem {
    fn check(&self) -> Result<(), Problem> {
        let filled = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        match self.kind.as_str() {
            "text" => {
                let text = self.text.as_deref().unwrap_or_default();
                if text.trim().is_empty() {
                    return Err(Problem::Required);
                }
                validate::note(text, MAX_AUTO_TEXT_CHARS)
            }
            "image" | "voice" | "video" => self.upload_id.map(|_| ()).ok_or(Problem::Required),
            "music" => (filled(&self.title) && filled(&self.url)).then_some(()).ok_or(Problem::Required),
            "news" => {
                if self.articles.is_empty() || self.articles.len() > 8 {
                    return Err(Problem::Invalid);
                }
                let ok = self.articles.iter().all(|a| !a.title.trim().is_empty() && a.url.starts_with("http"));
                ok.then_some(()).ok_or(Problem::Required)
            }
            "link" => {
                let page = self.page.as_deref().unwrap_or_default();
                if !filled(&self.title) {
                    return Err(Problem::Required);
                }
                (page.starts_with("/s/") && !page.contains("//") && !page.contains(".."))
                    .then_some(())
                    .ok_or(Problem::Invalid)
            }
            _ => Err(Problem::Invalid),
        }
    }
}

/// Another teacher's rule with a keyword of this one, answering some of the same students:
/// which of them answers a shared student is decided by the order, and the editor says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct RuleConflict {
    pub rule_id: i64,
    pub rule_name: String,
    pub owner_name: String,
    pub keyword: String,
}

/// A saved rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AutoRule {
    pub id: i64,
    /// The teacher whose rule it is; absent for an account-wide rule.
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", oai(flatten))]
    pub rule: NewAutoRule,
    /// Its place among the rules of its owner (account-wide rules have their own order).
    pub position: i64,
    pub hits: i64,
    pub last_hit_at: Option<DateTime<Utc>>,
    /// Whether the caller may change it.
    pub editable: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub conflicts: Vec<RuleConflict>,
    pub updated_at: DateTime<Utc>,
}

/// A fixed command, shown before the rules: it always answers first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct BuiltinRule {
    /// What the follower sends or does (`绑定 学号 姓名 验证码`, `点击菜单「签到」`).
    pub trigger: String,
    pub description: String,
}

/// The auto-reply page: the fixed commands, then the rules in the order they are tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AutoRuleList {
    pub builtins: Vec<BuiltinRule>,
    pub rules: Vec<AutoRule>,
    /// The caller's own rules answer (开启自动回复).
    pub switch_on: bool,
    /// The caller may edit account-wide rules.
    pub may_edit_account: bool,
}

/// A new order for the caller's own rules or for the account-wide ones: every id of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct RuleOrder {
    pub scope: String,
    pub ids: Vec<i64>,
}

/// The caller's personal switch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AutoReplySwitch {
    pub enabled: bool,
}

/// A message to try before saving: who sends it, and optionally the rule being edited
/// (`draft`, replacing rule `draft_id` when it is saved already).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TryMessage {
    /// `text`, `click` (a menu key in `text`) or `follow`.
    pub event: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub text: String,
    /// `student`, `teacher` or `unbound`.
    pub sender: String,
    /// For a student: their 学号 (one the caller sees); none: the caller's first student.
    pub student_no: Option<String>,
    pub draft: Option<NewAutoRule>,
    pub draft_id: Option<i64>,
}

/// What a reply would look like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ReplyPreview {
    /// `text`, `image`, `voice`, `video`, `music`, `news`.
    pub kind: String,
    pub text: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    /// `passive` (the answer itself) or `customer_service` (sent right after).
    pub channel: String,
}

/// Who would answer the message tried, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TryOutcome {
    /// `builtin` (a fixed command), `rule`, `draft` (the rule being edited), or `none`.
    pub answered_by: String,
    pub builtin: Option<String>,
    pub rule_id: Option<i64>,
    pub rule_name: Option<String>,
    /// Who was taken as the sender (`李雷（2023001）`).
    pub sender: String,
    pub replies: Vec<ReplyPreview>,
    /// Random rules: one of these replies is chosen each time.
    pub random: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct DayCount {
    /// `YYYY-MM-DD`, China time.
    pub day: String,
    pub count: i64,
}

/// A message a rule answered (or no rule did).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MatchedMessage {
    pub at: DateTime<Utc>,
    pub openid: String,
    /// The student's or teacher's name, when bound.
    pub name: Option<String>,
    pub text: String,
}

/// What a rule answered: per day, and the latest messages (the caller's followers only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct RuleHits {
    pub days: Vec<DayCount>,
    pub messages: Vec<MatchedMessage>,
}

/// Texts no rule answered, grouped by similar wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct UnansweredGroup {
    /// The wording most of them share (the most frequent text of the group).
    pub text: String,
    pub count: i64,
    /// A few other wordings of the group.
    pub examples: Vec<String>,
    pub last_at: DateTime<Utc>,
    /// A keyword to start a rule with.
    pub suggested_keyword: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct RuleImport {
    pub created: i64,
    pub updated: i64,
    /// Rows not imported: `第 3 行：…`.
    pub problems: Vec<String>,
}
