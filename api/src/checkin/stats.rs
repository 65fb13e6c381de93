//! Attendance over many sessions: a period's sessions with their rates, classes ranked by
//! attendance, the week-by-week trend (weeks start on Monday, China time), and one
//! student's history. Everything is counted from the rolls — who was expected, in the
//! class they were in when the session was made — so moving a student later does not
//! rewrite last month's numbers.
//!
//! Only sessions that have started count (a scheduled session has no absentees yet).
//! Teachers count the sessions they see (theirs, and cadres' sessions of their classes),
//! admins all.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, FixedOffset, NaiveDate};
use shared::{
    AttendanceCounts, AttendanceStats, AttendanceStatus, AttendanceTrendPoint, ClassAttendanceRate, SessionRate,
    StudentAttendance, StudentSessionEntry,
};

use crate::auth::Caller;
use crate::db::filter::{Arg, Filter};
use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::stats::Period;

/// What a class is called when its students were in none.
pub const NO_CLASS: &str = "未分班";

/// `part / whole`, 0 when nothing was expected.
pub fn rate(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The Monday (China time) of the week `ms` falls in.
fn week_of(ms: i64) -> NaiveDate {
    let day = to_time(ms).with_timezone(&china()).date_naive();
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Sessions (alias `cs`) the caller counts that started in the period, joined to their
/// rolls (alias `r`), narrowed to one class (at the time of the session) if asked.
fn scope(caller: &Caller, period: Period, class_id: Option<i64>) -> Filter {
    let mut filter = Filter::new();
    let until = period.until_ms().min(now_ms() + 1);
    filter.and("cs.starts_at >= ? AND cs.starts_at < ?", [Arg::Int(period.from_ms()), Arg::Int(until)]);
    if !caller.is_admin() {
        filter.and(
            "cs.created_by = ? OR cs.class_id IN (SELECT ct.class_id FROM class_teachers ct WHERE ct.user_id = ?)",
            [Arg::Int(caller.user_id), Arg::Int(caller.user_id)],
        );
    }
    if let Some(class) = class_id {
        filter.and("r.class_id = ?", [Arg::Int(class)]);
    }
    filter
}

const CHECKED: &str = "CAST(SUM(CASE WHEN r.checked_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT)";
const LATE: &str = "CAST(SUM(CASE WHEN r.checked_at IS NOT NULL AND r.late = TRUE THEN 1 ELSE 0 END) AS BIGINT)";
const FLAGGED: &str = "CAST(SUM(CASE WHEN r.checked_at IS NOT NULL AND r.flags <> '' THEN 1 ELSE 0 END) AS BIGINT)";

#[derive(sqlx::FromRow)]
struct SessionLine {
    id: i64,
    title: String,
    starts_at: i64,
    expected: i64,
    checked_in: i64,
    late: i64,
    flagged: i64,
}

#[derive(sqlx::FromRow)]
struct ClassLine {
    class_id: Option<i64>,
    class_name: Option<String>,
    expected: i64,
    checked_in: i64,
    late: i64,
}

/// The period's sessions (newest first), classes (best attendance first) and weeks.
pub async fn attendance(db: &Db, caller: &Caller, period: Period, class_id: Option<i64>) -> ApiResult<AttendanceStats> {
    let filter = scope(caller, period, class_id);
    let where_sql = filter.where_sql();
    let sql = format!(
        "SELECT cs.id, cs.title, cs.starts_at, COUNT(*) AS expected, {CHECKED} AS checked_in, {LATE} AS late, \
         {FLAGGED} AS flagged FROM checkin_sessions cs JOIN checkin_roll r ON r.session_id = cs.id{where_sql} \
         GROUP BY cs.id, cs.title, cs.starts_at ORDER BY cs.starts_at DESC, cs.id DESC"
    );
    let lines: Vec<SessionLine> = filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    let classes = classes(db, &filter).await?;
    let trend = trend(&lines, period);
    let sessions = lines
        .into_iter()
        .map(|l| SessionRate {
            session_id: l.id,
            title: l.title,
            starts_at: to_time(l.starts_at),
            rate: rate(l.checked_in, l.expected),
            counts: AttendanceCounts {
                expected: l.expected,
                checked_in: l.checked_in,
                late: l.late,
                missing: l.expected - l.checked_in,
                flagged: l.flagged,
            },
        })
        .collect();
    Ok(AttendanceStats { from: period.from, until: period.until, sessions, classes, trend })
}

/// Classes of the sessions in `filter`, best attendance first.
pub async fn classes(db: &Db, filter: &Filter) -> sqlx::Result<Vec<ClassAttendanceRate>> {
    let sql = format!(
        "SELECT r.class_id, c.name AS class_name, COUNT(*) AS expected, {CHECKED} AS checked_in, {LATE} AS late \
         FROM checkin_sessions cs JOIN checkin_roll r ON r.session_id = cs.id LEFT JOIN classes c ON c.id = r.class_id\
         {} GROUP BY r.class_id, c.name",
        filter.where_sql()
    );
    let lines: Vec<ClassLine> = filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    let mut classes: Vec<ClassAttendanceRate> = lines
        .into_iter()
        .map(|l| ClassAttendanceRate {
            class_id: l.class_id,
            class_name: l.class_name.unwrap_or_else(|| NO_CLASS.to_string()),
            expected: l.expected,
            present: l.checked_in - l.late,
            late: l.late,
            absent: l.expected - l.checked_in,
            rate: rate(l.checked_in, l.expected),
        })
        .collect();
    classes.sort_by(|a, b| {
        b.rate.total_cmp(&a.rate).then(b.expected.cmp(&a.expected)).then_with(|| a.class_name.cmp(&b.class_name))
    });
    Ok(classes)
}

/// Class rates of a period, for the export.
pub async fn class_rates(db: &Db, caller: &Caller, period: Period) -> ApiResult<Vec<ClassAttendanceRate>> {
    Ok(classes(db, &scope(caller, period, None)).await?)
}

/// One point per week of the period, weeks without sessions included (rate 0 of 0).
fn trend(lines: &[SessionLine], period: Period) -> Vec<AttendanceTrendPoint> {
    let mut weeks: BTreeMap<NaiveDate, (i64, i64, i64)> = BTreeMap::new();
    let last = week_of(period.until_ms() - 1);
    let mut week = week_of(period.from_ms());
    while week <= last {
        weeks.insert(week, (0, 0, 0));
        week += Duration::days(7);
    }
    for l in lines {
        let w = weeks.entry(week_of(l.starts_at)).or_default();
        w.0 += l.expected;
        w.1 += l.checked_in;
        w.2 += l.late;
    }
    weeks
        .into_iter()
        .map(|(week_start, (expected, checked_in, late))| AttendanceTrendPoint {
            week_start,
            expected,
            checked_in,
            late,
            rate: rate(checked_in, expected),
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct HistoryLine {
    id: i64,
    title: String,
    starts_at: i64,
    checked_at: Option<i64>,
    late: i64,
}

/// A student's sessions (started ones, newest first) and rate. The caller checked that
/// they see the student.
pub async fn student(db: &Db, student_id: i64) -> ApiResult<StudentAttendance> {
    let name: String = sqlx::query_scalar("SELECT name FROM students WHERE id = $1")
        .bind(student_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| ApiError::not_found("student"))?;
    let lines: Vec<HistoryLine> = sqlx::query_as(
        "SELECT cs.id, cs.title, cs.starts_at, r.checked_at, CASE WHEN r.late = TRUE THEN 1 ELSE 0 END AS late \
         FROM checkin_roll r JOIN checkin_sessions cs ON cs.id = r.session_id \
         WHERE r.student_id = $1 AND cs.starts_at <= $2 ORDER BY cs.starts_at DESC, cs.id DESC",
    )
    .bind(student_id)
    .bind(now_ms())
    .fetch_all(db.pool())
    .await?;
    let history: Vec<StudentSessionEntry> = lines
        .into_iter()
        .map(|l| StudentSessionEntry {
            session_id: l.id,
            title: l.title,
            starts_at: to_time(l.starts_at),
            status: match (l.checked_at, l.late) {
                (Some(_), 1) => AttendanceStatus::Late,
                (Some(_), _) => AttendanceStatus::Present,
                (None, _) => AttendanceStatus::Absent,
            },
            checked_at: l.checked_at.map(to_time),
        })
        .collect();
    let count = |s: AttendanceStatus| history.iter().filter(|h| h.status == s).count() as i64;
    let (present, late, absent) =
        (count(AttendanceStatus::Present), count(AttendanceStatus::Late), count(AttendanceStatus::Absent));
    let expected = history.len() as i64;
    Ok(StudentAttendance {
        student_id,
        name,
        expected,
        present,
        late,
        absent,
        rate: rate(present + late, expected),
        history,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        s.parse::<chrono::DateTime<chrono::Utc>>().unwrap().timestamp_millis()
    }

    #[test]
    fn a_week_starts_on_monday_in_china_even_late_on_sunday_utc() {
        // Sunday 2026-11-22 17:00 UTC is Monday 01:00 in China.
        assert_eq!(week_of(ms("2026-11-22T17:00:00Z")), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(week_of(ms("2026-11-22T15:59:59Z")), NaiveDate::from_ymd_opt(2026, 11, 16).unwrap());
    }

    #[test]
    fn nothing_expected_is_a_rate_of_zero() {
        assert_eq!(rate(0, 0), 0.0);
        assert_eq!(rate(3, 4), 0.75);
    }
}
