//! Activities and lectures (活动、讲座报名): a teacher publishes one with a capacity and a
//! sign-up deadline; students sign up from their page, a menu or `报名 <code>`; when it is
//! full they join the waiting list and move up, in order, when someone cancels. The
//! activity's check-in session is made from its sign-ups, and no-shows are counted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::checkin::AttendanceStatus;
use crate::notices::Audience;
use crate::validate::{self, FieldErrors, Problem};

pub const MAX_TITLE_CHARS: usize = 60;
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
pub const MAX_PLACE_CHARS: usize = 60;
pub const MAX_CAPACITY: i64 = 100_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewActivity {
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub description: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Places (1 to 100 000); sign-ups beyond it wait.
    pub capacity: i64,
    /// Sign-ups and cancellations close then (at the latest at the start).
    pub signup_until: DateTime<Utc>,
    /// Who may sign up: classes, groups, students, or every bound student (`public`).
    pub audience: Audience,
}

impl NewActivity {
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("title", validate::label(&self.title, MAX_TITLE_CHARS));
        errors.check("place", validate::label(&self.place, MAX_PLACE_CHARS));
        errors.check("description", validate::note(&self.description, MAX_DESCRIPTION_CHARS));
        if self.ends_at <= self.starts_at {
            errors.add("ends_at", Problem::BeforeStart);
        }
        if self.signup_until <= now {
            errors.add("signup_until", Problem::InThePast);
        } else if self.signup_until > self.starts_at {
            errors.add("signup_until", Problem::Invalid);
        }
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            errors.add("capacity", Problem::Invalid);
        }
        if self.audience.is_empty() {
            errors.add("audience", Problem::Required);
        }
        errors.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Activity {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    pub signup_until: DateTime<Utc>,
    pub audience: Audience,
    /// What students send after 报名 (four digits, unique among open activities).
    pub code: String,
    pub signed_up: i64,
    pub waitlisted: i64,
    pub checkin_session_id: Option<i64>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum SignupStatus {
    /// Has a place.
    SignedUp,
    /// On the waiting list.
    Waitlisted,
    /// Cancelled by the student.
    Cancelled,
}

/// One student's sign-up, as teachers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Signup {
    pub student_id: i64,
    pub student_no: String,
    pub name: String,
    pub class_name: Option<String>,
    pub status: SignupStatus,
    /// Place on the waiting list (1 = next), for waitlisted sign-ups.
    pub waitlist_position: Option<i64>,
    pub signed_up_at: DateTime<Utc>,
    /// When a waitlisted sign-up got a place.
    pub promoted_at: Option<DateTime<Utc>>,
    /// Once the activity's check-in session exists: how the student attended.
    pub attendance: Option<AttendanceStatus>,
}

/// Sign-ups, attendance and no-shows of an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ActivityReport {
    pub activity: Activity,
    pub cancelled: i64,
    /// Signed up and checked in (on time or late); zero before the check-in session exists.
    pub attended: i64,
    /// Signed up, session over, never checked in.
    pub no_shows: i64,
    pub signups: Vec<Signup>,
}

/// An activity on the student's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentActivity {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    pub signup_until: DateTime<Utc>,
    pub code: String,
    pub signed_up: i64,
    /// Sign-ups and cancellations are still taken.
    pub open: bool,
    pub my_status: Option<SignupStatus>,
    pub waitlist_position: Option<i64>,
}

/// The activity's check-in session, made from its sign-ups (the roll is everyone with a
/// place). Times default to the activity's: open 15 minutes before the start, late after
/// the start, closed at the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ActivityCheckin {
    pub methods: Vec<crate::checkin::CheckinMethod>,
    #[serde(default)]
    pub rotate_seconds: Option<i64>,
    #[serde(default)]
    pub geofence: Option<crate::checkin::Geofence>,
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub late_after: Option<DateTime<Utc>>,
}

/// A student's no-shows across activities (teachers' statistics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NoShowCount {
    pub student_id: i64,
    pub student_no: String,
    pub name: String,
    pub class_name: Option<String>,
    pub signed_up: i64,
    pub no_shows: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(now: DateTime<Utc>) -> NewActivity {
        NewActivity {
            title: "就业讲座".into(),
            description: String::new(),
            place: "报告厅".into(),
            starts_at: now + chrono::Duration::days(2),
            ends_at: now + chrono::Duration::days(2) + chrono::Duration::hours(2),
            capacity: 100,
            signup_until: now + chrono::Duration::days(1),
            audience: Audience { public: true, ..Audience::default() },
        }
    }

    #[test]
    fn an_activity_with_a_deadline_before_its_start_is_valid() {
        let now = Utc::now();
        assert_eq!(activity(now).validate(now), Ok(()));
    }

    #[test]
    fn the_deadline_must_be_ahead_and_not_after_the_start_and_capacity_positive() {
        let now = Utc::now();
        let mut a = activity(now);
        a.signup_until = a.starts_at + chrono::Duration::hours(1);
        a.capacity = 0;
        let errors = a.validate(now).unwrap_err();
        assert_eq!(errors.get("signup_until"), Some(Problem::Invalid));
        assert_eq!(errors.get("capacity"), Some(Problem::Invalid));
        let mut a = activity(now);
        a.signup_until = now - chrono::Duration::minutes(1);
        assert_eq!(a.validate(now).unwrap_err().get("signup_until"), Some(Problem::InThePast));
    }
}
