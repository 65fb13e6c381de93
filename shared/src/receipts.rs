//! What happens after a notice arrives: the student reads it (opens its page), confirms
//! it, votes, comments or asks; the teacher follows it in the notice report, reminds
//! those who have not read, and exports the lists.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldErrors, Problem};

pub const MAX_VOTE_OPTIONS: usize = 10;
pub const MAX_OPTION_CHARS: usize = 40;
pub const MAX_QUESTION_CHARS: usize = 100;
pub const MAX_COMMENT_CHARS: usize = 1_000;

/// Who sees a vote's results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum VoteResults {
    /// Every reader, before and after voting.
    Always,
    /// A student once they have voted.
    #[default]
    AfterVoting,
    /// Everyone once the notice's deadline has passed.
    AfterDeadline,
    /// Only the notice's teachers.
    TeachersOnly,
}

/// A vote attached to a notice (发起投票).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct VoteSpec {
    pub question: String,
    /// 2 to 10 choices, in order; a ballot names them by index.
    pub options: Vec<String>,
    /// Several choices allowed (up to `max_choices`, or all when absent).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub multiple: bool,
    #[serde(default)]
    pub max_choices: Option<u32>,
    /// Teachers see counts only, never who chose what.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub anonymous: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub results: VoteResults,
}

impl VoteSpec {
    pub fn validate(&self, errors: &mut FieldErrors) {
        errors.check("vote.question", validate::label(&self.question, MAX_QUESTION_CHARS));
        if self.options.len() < 2 {
            errors.add("vote.options", Problem::TooShort(2));
        } else if self.options.len() > MAX_VOTE_OPTIONS {
            errors.add("vote.options", Problem::TooLong(MAX_VOTE_OPTIONS));
        }
        for option in &self.options {
            errors.check("vote.options", validate::label(option, MAX_OPTION_CHARS));
        }
        let mut seen = std::collections::BTreeSet::new();
        if !self.options.iter().all(|o| seen.insert(o.trim())) {
            errors.add("vote.options", Problem::Taken);
        }
        if let Some(max) = self.max_choices {
            if !self.multiple || max < 1 || max as usize > self.options.len() {
                errors.add("vote.max_choices", Problem::Invalid);
            }
        }
    }

    /// Whether `choices` is an allowed ballot: known options, no repeats, one unless multiple.
    pub fn check_ballot(&self, choices: &[u32]) -> Result<(), Problem> {
        if choices.is_empty() {
            return Err(Problem::Required);
        }
        let mut seen = std::collections::BTreeSet::new();
        if choices.iter().any(|c| *c as usize >= self.options.len() || !seen.insert(*c)) {
            return Err(Problem::Invalid);
        }
        let max = if self.multiple { self.max_choices.map_or(self.options.len(), |m| m as usize) } else { 1 };
        if choices.len() > max {
            return Err(Problem::TooLong(max));
        }
        Ok(())
    }
}

/// A student's ballot: option indexes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Ballot {
    pub choices: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct VoteOptionCount {
    pub label: String,
    pub count: i64,
    /// Who chose it (teachers, when the vote is not anonymous).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub voters: Vec<String>,
}

/// A vote's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct VoteTally {
    /// Students who voted.
    pub voters: i64,
    pub options: Vec<VoteOptionCount>,
}

/// A vote as the student's page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentVote {
    pub spec: VoteSpec,
    /// The reader's ballot (empty: not voted).
    pub mine: Vec<u32>,
    /// Whether the reader may vote (or change their vote) now.
    pub open: bool,
    /// Results, when the vote's setting lets the reader see them.
    pub tally: Option<VoteTally>,
}

/// A comment on a notice, a private question to its teachers, or a reply to either.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Comment {
    pub id: i64,
    pub notice_id: i64,
    /// The comment this answers (one level deep).
    pub parent_id: Option<i64>,
    /// A question only its student and the notice's teachers see.
    pub private: bool,
    /// Hidden by a teacher: students no longer see it.
    pub hidden: bool,
    pub body: String,
    /// 学生 or the teacher's name.
    pub author_name: String,
    pub by_teacher: bool,
    pub class_name: Option<String>,
    /// The student's 学号 (shown to teachers only, so two of one name are told apart).
    #[serde(default)]
    pub student_no: Option<String>,
    /// Written by the reader.
    pub mine: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewComment {
    pub body: String,
    /// A private question (students only; a reply takes its parent's privacy).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub private: bool,
    #[serde(default)]
    pub parent_id: Option<i64>,
}

impl NewComment {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.body.trim().is_empty() {
            errors.add("body", Problem::Required);
        } else {
            errors.check("body", validate::note(&self.body, MAX_COMMENT_CHARS));
        }
        errors.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct CommentVisibility {
    pub hidden: bool,
}

/// What the reader still owes a notice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum Missing {
    /// Has not opened it.
    #[default]
    Read,
    /// Has not confirmed it (notices that ask for confirmation).
    Confirmation,
}

/// recipients → sent → delivered → read → confirmed (students' notice rows only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Funnel {
    pub recipients: i64,
    /// Recipients with no WeChat bound: not reachable (not a failure), among `recipients`.
    pub unbound: i64,
    pub sent: i64,
    /// The platform confirmed these reached the student's WeChat.
    pub delivered: i64,
    pub read: i64,
    pub confirmed: i64,
    /// Opens after the first.
    pub views: i64,
}

/// One class's share of a notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ClassReceipts {
    /// None: recipients in no class (followers of a public notice, students without one).
    pub class_id: Option<i64>,
    pub class_name: String,
    pub recipients: i64,
    pub read: i64,
    pub confirmed: i64,
}

/// Reads and confirmations in one time bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TimelinePoint {
    pub at: DateTime<Utc>,
    pub reads: i64,
    pub confirms: i64,
}

/// A reminder sent for a notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Reminder {
    pub id: i64,
    pub round: i64,
    pub missing: Missing,
    /// The class it was limited to (a cadre's reminder, or a teacher's choice).
    pub class_id: Option<i64>,
    /// Students it went to.
    pub recipients: i64,
    /// Of them, sent so far.
    pub sent: i64,
    /// Who asked for it: a teacher's name or 班干部 + name.
    pub by: String,
    pub created_at: DateTime<Utc>,
}

/// Remind those who have not read (or confirmed), optionally one class only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct RemindRequest {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub missing: Missing,
    #[serde(default)]
    pub class_id: Option<i64>,
}

/// Before reminding: how many still owe the notice (or its confirmation), and how many of
/// them a reminder would reach now (bound, following, not muted, not just reminded).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ReminderReach {
    pub owing: i64,
    pub reachable: i64,
}

/// When reminding is possible again, and how many reminders are left.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ReminderPolicy {
    pub interval_minutes: i64,
    pub max_reminders: i64,
    /// Reminders left for the whole notice.
    pub remaining: i64,
    /// Not before this time (None: now).
    pub next_allowed_at: Option<DateTime<Utc>>,
}

/// A notice's report: how far it got, by class and over time, its vote and comments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NoticeReport {
    pub notice_id: i64,
    pub title: String,
    pub requires_confirmation: bool,
    pub sent_at: Option<DateTime<Utc>>,
    pub funnel: Funnel,
    pub classes: Vec<ClassReceipts>,
    /// Reads and confirmations per bucket of `bucket_seconds`, from the sending on.
    pub timeline: Vec<TimelinePoint>,
    pub bucket_seconds: i64,
    pub vote: Option<VoteTally>,
    pub comments: i64,
    /// Private questions without a teacher's reply.
    pub open_questions: i64,
    pub reminders: Vec<Reminder>,
    pub reminder_policy: ReminderPolicy,
    /// Reminder deliveries (counted apart from the notice's own).
    pub reminder_deliveries: i64,
    pub attachment_downloads: i64,
}

/// A recipient in the report's lists (who has not read, not confirmed, or everyone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Receipt {
    pub student_id: Option<i64>,
    pub name: String,
    pub student_no: Option<String>,
    pub class_name: Option<String>,
    /// Has a bound WeChat.
    pub bound: bool,
    /// The bound WeChat follows the account.
    pub following: bool,
    /// The delivery's status (sent, failed, held …).
    pub status: String,
    pub read_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Reminders that went to this student.
    pub reminded: i64,
}

/// A short-lived ticket for the report's event stream (EventSource sends no headers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StreamTicket {
    pub ticket: String,
    pub expires_in: i64,
}

/// A cadre's view of their class on a notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ClassProgress {
    pub class_id: i64,
    pub class_name: String,
    pub recipients: i64,
    pub read: i64,
    pub confirmed: i64,
    pub reminder_policy: ReminderPolicy,
}

/// A classmate who has not read or confirmed (what a cadre sees).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ClassmateReceipt {
    pub name: String,
    pub student_no: String,
    pub bound: bool,
    pub read: bool,
    pub confirmed: bool,
}
