//! Check-in (签到): a teacher or a class cadre opens a session for an audience; students
//! prove they are there with a rotating QR code, a rotating numeric code, their position
//! inside a geofence, or a combination; the teacher follows the count live, fixes it by
//! hand (补签) and reminds the absent. The contract is `docs/checkin-api.md`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::notices::Audience;
use crate::validate::{self, FieldErrors, Problem};

pub const MAX_TITLE_CHARS: usize = 60;
pub const MAX_REASON_CHARS: usize = 200;
pub const DEFAULT_ROTATE_SECONDS: i64 = 10;
pub const MIN_ROTATE_SECONDS: i64 = 5;
pub const MAX_ROTATE_SECONDS: i64 = 300;
pub const MIN_RADIUS_M: i64 = 10;
pub const MAX_RADIUS_M: i64 = 5_000;
/// A session lasts at most this long (a school day).
pub const MAX_SESSION_HOURS: i64 = 24;

/// How a student proves presence. The QR code and the numeric code are two faces of one
/// rotating code, so either proves it; the geofence, combined with either, is required
/// as well (code + position for important meetings); alone it is enough by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum CheckinMethod {
    /// Scanning the projected parametric WeChat QR code.
    Qr,
    /// Sending `签到 123456` or typing the code on the check-in page.
    Code,
    /// Being inside the geofence (check-in page position, or a recent LOCATION event).
    Geo,
}

impl CheckinMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinMethod::Qr => "qr",
            CheckinMethod::Code => "code",
            CheckinMethod::Geo => "geo",
        }
    }

    pub fn parse(s: &str) -> Option<CheckinMethod> {
        match s {
            "qr" => Some(CheckinMethod::Qr),
            "code" => Some(CheckinMethod::Code),
            "geo" => Some(CheckinMethod::Geo),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Geofence {
    pub latitude: f64,
    pub longitude: f64,
    /// Metres, 10 to 5 000.
    pub radius_m: i64,
}

impl Geofence {
    pub fn validate(&self, errors: &mut FieldErrors) {
        if !(-90.0..=90.0).contains(&self.latitude) || !self.latitude.is_finite() {
            errors.add("geofence.latitude", Problem::Invalid);
        }
        if !(-180.0..=180.0).contains(&self.longitude) || !self.longitude.is_finite() {
            errors.add("geofence.longitude", Problem::Invalid);
        }
        if !(MIN_RADIUS_M..=MAX_RADIUS_M).contains(&self.radius_m) {
            errors.add("geofence.radius_m", Problem::Invalid);
        }
    }
}

/// A new session (发起签到).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewCheckinSession {
    pub title: String,
    /// Classes, groups or students (never every follower). A cadre's session is their class.
    pub audience: Audience,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Check-ins after this time count as late (迟到); none when absent.
    #[serde(default)]
    pub late_after: Option<DateTime<Utc>>,
    /// One or more; see `CheckinMethod` for how they combine.
    pub methods: Vec<CheckinMethod>,
    /// How often the code changes (5–300 s, default 10).
    #[serde(default)]
    pub rotate_seconds: Option<i64>,
    /// Required when `methods` has `geo`.
    #[serde(default)]
    pub geofence: Option<Geofence>,
}

impl NewCheckinSession {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("title", validate::label(&self.title, MAX_TITLE_CHARS));
        if self.audience.is_empty() {
            errors.add("audience", Problem::Required);
        }
        if self.audience.public {
            errors.add("audience.public", Problem::Invalid);
        }
        if self.ends_at <= self.starts_at {
            errors.add("ends_at", Problem::BeforeStart);
        } else if self.ends_at - self.starts_at > chrono::Duration::hours(MAX_SESSION_HOURS) {
            errors.add("ends_at", Problem::Invalid);
        }
        if let Some(late) = self.late_after {
            if late < self.starts_at || late > self.ends_at {
                errors.add("late_after", Problem::Invalid);
            }
        }
        if self.methods.is_empty() {
            errors.add("methods", Problem::Required);
        }
        if let Some(s) = self.rotate_seconds {
            if !(MIN_ROTATE_SECONDS..=MAX_ROTATE_SECONDS).contains(&s) {
                errors.add("rotate_seconds", Problem::Invalid);
            }
        }
        match (&self.geofence, self.methods.contains(&CheckinMethod::Geo)) {
            (Some(fence), true) => fence.validate(&mut errors),
            (None, true) => errors.add("geofence", Problem::Required),
            (Some(_), false) => errors.add("geofence", Problem::Invalid),
            (None, false) => {}
        }
        errors.into_result()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum SessionState {
    /// Before its start.
    Scheduled,
    Open,
    /// Past its end, or closed early.
    Closed,
}

/// Counts over a session's roll (the students expected, fixed when it was created).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AttendanceCounts {
    pub expected: i64,
    /// On time and late together.
    pub checked_in: i64,
    pub late: i64,
    pub missing: i64,
    /// Check-ins carrying a suspicion flag (counted, to be looked at).
    pub flagged: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct CheckinSession {
    pub id: i64,
    pub title: String,
    pub audience: Audience,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub late_after: Option<DateTime<Utc>>,
    pub methods: Vec<CheckinMethod>,
    pub rotate_seconds: i64,
    pub geofence: Option<Geofence>,
    pub state: SessionState,
    pub closed_early_at: Option<DateTime<Utc>>,
    /// The teacher, or the cadre (a student) who opened it.
    pub created_by_name: String,
    /// Set when the session was made from an activity's sign-ups.
    pub activity_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub counts: AttendanceCounts,
}

/// Close early needs nothing; reopening sets a new end (in the future).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ReopenRequest {
    pub ends_at: DateTime<Utc>,
}

/// What the projector shows: the current code, as a WeChat QR image and as digits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct CheckinDisplay {
    pub session_id: i64,
    pub title: String,
    pub state: SessionState,
    /// Absent when the session is not open or uses neither QR nor code.
    pub code: Option<String>,
    /// The parametric QR code's image (WeChat's showqrcode URL); absent without `qr`.
    pub qr_image_url: Option<String>,
    /// When this code gives way to the next; the page fetches again then.
    pub rotates_at: Option<DateTime<Utc>>,
    pub rotate_seconds: i64,
    pub counts: AttendanceCounts,
    pub latest: Vec<RecentCheckin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct RecentCheckin {
    pub student_name: String,
    pub class_name: Option<String>,
    pub checked_at: DateTime<Utc>,
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ClassAttendance {
    pub class_id: Option<i64>,
    pub class_name: String,
    pub counts: AttendanceCounts,
}

/// The live view and the after-session summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct CheckinReport {
    pub session: CheckinSession,
    pub classes: Vec<ClassAttendance>,
    /// The last 20 check-ins, newest first.
    pub latest: Vec<RecentCheckin>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum AttendanceStatus {
    Present,
    Late,
    Absent,
}

/// One student of a session's roll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AttendanceEntry {
    pub student_id: i64,
    pub student_no: String,
    pub name: String,
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    pub status: AttendanceStatus,
    pub checked_at: Option<DateTime<Utc>>,
    /// `qr`, `code`, `geo` (the proofs given, joined by `+`) or `manual`.
    pub method: Option<String>,
    /// Suspicion flags: `same_device`, `same_position`, `repeated_position`, `after_rotation`.
    pub flags: Vec<String>,
    /// For a 补签 (or a removal): the teacher's reason.
    pub manual_reason: Option<String>,
}

/// One try, accepted or refused, kept for the teacher.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct CheckinAttempt {
    pub id: i64,
    pub student_id: Option<i64>,
    pub student_name: Option<String>,
    /// `scan`, `text`, `page` or `manual`: where the attempt came from.
    pub via: String,
    pub accepted: bool,
    /// The refusal's code (see the contract), absent when accepted.
    pub reason: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub accuracy_m: Option<f64>,
    /// Distance from the fence's centre, when a position was given.
    pub distance_m: Option<i64>,
    pub flags: Vec<String>,
    pub at: DateTime<Utc>,
}

/// 补签 (`present: true`) or taking a check-in away (`present: false`), with a reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ManualCheckin {
    pub student_id: i64,
    pub present: bool,
    pub reason: String,
    /// Count a 补签 as late (default: on time).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub late: bool,
}

impl ManualCheckin {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("reason", validate::label(&self.reason, MAX_REASON_CHARS));
        errors.into_result()
    }
}

/// A notice to every student still absent, created and sent in one action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AbsentNotice {
    /// Defaults to 「未签到提醒：<session title>」.
    #[serde(default)]
    pub title: Option<String>,
    /// Defaults to a sentence naming the session and its time.
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AbsentNoticeSent {
    pub notice_id: i64,
    pub recipients: i64,
}

/// A try from the student's check-in page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct CheckinRequest {
    /// The numeric code shown on the screen (not needed after a QR scan in the last 2 min).
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    /// A random id the page keeps in the browser's storage (one per phone).
    #[serde(default)]
    pub device: Option<String>,
}

/// The answer to any try (page, message or scan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct CheckinOutcome {
    pub accepted: bool,
    /// Refusal code when not accepted (`already_checked_in` is accepted: false too).
    pub reason: Option<String>,
    /// A sentence in Chinese for the student.
    pub message: String,
    pub late: bool,
    pub checked_at: Option<DateTime<Utc>>,
    pub distance_m: Option<i64>,
}

/// A session as a student sees it on the check-in page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentCheckin {
    pub id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub late_after: Option<DateTime<Utc>>,
    pub state: SessionState,
    pub methods: Vec<CheckinMethod>,
    /// The page must send a position.
    pub needs_position: bool,
    /// The page must send the numeric code (false after a recent scan of the QR code).
    pub needs_code: bool,
    pub checked_at: Option<DateTime<Utc>>,
    pub late: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> NewCheckinSession {
        let start = DateTime::parse_from_rfc3339("2026-11-22T08:00:00Z").unwrap().with_timezone(&Utc);
        NewCheckinSession {
            title: "班会".into(),
            audience: Audience { classes: vec![1], ..Audience::default() },
            starts_at: start,
            ends_at: start + chrono::Duration::hours(1),
            late_after: Some(start + chrono::Duration::minutes(10)),
            methods: vec![CheckinMethod::Code, CheckinMethod::Geo],
            rotate_seconds: None,
            geofence: Some(Geofence { latitude: 30.0, longitude: 120.0, radius_m: 100 }),
        }
    }

    #[test]
    fn a_complete_session_is_valid() {
        assert_eq!(session().validate(), Ok(()));
    }

    #[test]
    fn a_geofence_method_needs_a_fence_and_a_fence_needs_the_method() {
        let mut s = session();
        s.geofence = None;
        assert_eq!(s.validate().unwrap_err().get("geofence"), Some(Problem::Required));
        let mut s = session();
        s.methods = vec![CheckinMethod::Qr];
        assert_eq!(s.validate().unwrap_err().get("geofence"), Some(Problem::Invalid));
    }

    #[test]
    fn times_out_of_order_and_bad_windows_are_refused() {
        let mut s = session();
        s.ends_at = s.starts_at;
        s.late_after = Some(s.starts_at - chrono::Duration::minutes(1));
        s.rotate_seconds = Some(2);
        let errors = s.validate().unwrap_err();
        assert_eq!(errors.get("ends_at"), Some(Problem::BeforeStart));
        assert_eq!(errors.get("late_after"), Some(Problem::Invalid));
        assert_eq!(errors.get("rotate_seconds"), Some(Problem::Invalid));
    }
}
