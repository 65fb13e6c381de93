//! The counselor's desk (the console's home page): what needs them now (students'
//! unanswered questions first), how their recent
//! notices were read, how far each class has bound WeChat, and — on a fresh install —
//! the steps from an empty system to the first notice, each ticked when done.

use serde::{Deserialize, Serialize};

use crate::{CheckinSession, Class, NoticeSummary};

/// Everything the home page shows, in the caller's scope (a teacher's classes and own
/// notices; everything for an admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Desk {
    pub setup: SetupSteps,
    /// Threads of the inbox (消息) waiting for an answer: followers the caller sees wrote
    /// something the robot could not answer.
    pub waiting_messages: i64,
    /// Notices whose students asked the teachers privately (私信提问) and no teacher has
    /// answered yet: the latest question first, at most 10.
    pub unanswered: Vec<UnansweredQuestions>,
    /// Of the latest 50 sent notices, those sent in the last 14 days, at least an hour
    /// ago, that fewer than 60% of their students have read: least read first, at most 5.
    pub low_read: Vec<NoticeSummary>,
    /// Check-ins open now, newest first, at most 10.
    pub open_checkins: Vec<CheckinSession>,
    /// Teachers who registered and wait for an admin's approval (always 0 for a teacher).
    pub pending_teachers: i64,
    /// The latest sent notices with their read and confirm counts, at most 5.
    pub recent: Vec<NoticeSummary>,
    /// The caller's classes with their students and how many are bound, least bound
    /// first, at most 20.
    pub classes: Vec<Class>,
}

/// A notice with private questions waiting for a teacher's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct UnansweredQuestions {
    pub notice_id: i64,
    pub title: String,
    /// Questions no teacher has replied to.
    pub questions: i64,
}

/// From a fresh install to the first notice: each step is done when the caller's scope
/// shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct SetupSteps {
    /// A class exists (for a teacher: one they are responsible for).
    pub class_created: bool,
    /// One of those classes has students (the roster is imported).
    pub students_added: bool,
    /// A student of one of those classes bound their WeChat.
    pub students_bound: bool,
    /// Notices go by template message (a template is chosen for them), or the account
    /// has no template messages to choose from.
    pub template_mapped: bool,
    /// A notice has been sent.
    pub notice_sent: bool,
}

impl SetupSteps {
    pub fn all_done(&self) -> bool {
        self.class_created && self.students_added && self.students_bound && self.template_mapped && self.notice_sent
    }
}
