//! Attendance over many sessions (签到统计): a period's sessions, classes ranked by rate,
//! the week-by-week trend, and one student's history. Made from the sessions' rolls.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::checkin::{AttendanceCounts, AttendanceStatus};

/// Attendance over a period: per session, per class (ranked) and per week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AttendanceStats {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub sessions: Vec<SessionRate>,
    /// Best attendance first.
    pub classes: Vec<ClassAttendanceRate>,
    /// One point per week (Monday, China time), oldest first.
    pub trend: Vec<AttendanceTrendPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct SessionRate {
    pub session_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub counts: AttendanceCounts,
    /// checked_in / expected, 0 to 1.
    pub rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ClassAttendanceRate {
    pub class_id: Option<i64>,
    pub class_name: String,
    pub expected: i64,
    pub present: i64,
    pub late: i64,
    pub absent: i64,
    /// (present + late) / expected.
    pub rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AttendanceTrendPoint {
    pub week_start: chrono::NaiveDate,
    pub expected: i64,
    pub checked_in: i64,
    pub late: i64,
    pub rate: f64,
}

/// One student's attendance history and rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentAttendance {
    pub student_id: i64,
    pub name: String,
    pub expected: i64,
    pub present: i64,
    pub late: i64,
    pub absent: i64,
    pub rate: f64,
    /// Newest first.
    pub history: Vec<StudentSessionEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentSessionEntry {
    pub session_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub status: AttendanceStatus,
    pub checked_at: Option<DateTime<Utc>>,
}
