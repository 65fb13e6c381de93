//! What a teacher sees of an activity afterwards: the sign-ups (with their place on the
//! waiting list and, once the check-in session exists, how each attended), the counts of
//! attendance and no-shows, the same list as a file, and the students who most often
//! took a place and did not come, across a period's activities.
//!
//! Attendance is read from the activity's check-in session's roll; a no-show is a
//! student with a place, on that roll, never checked in, once the session is closed.

use shared::{ActivityReport, AttendanceStatus, NoShowCount, Signup, SignupStatus};

use super::signups::status_of;
use super::store::ActivityRow;
use crate::checkin::sessions;
use crate::db::{now_ms, to_time, Db};
use crate::error::ApiResult;
use crate::http::sheet::Sheet;
use crate::people::Scope;
use crate::stats::Period;

/// Students listed by the no-show ranking.
pub const NO_SHOW_LIMIT: i64 = 100;

#[derive(sqlx::FromRow)]
struct SignupRow {
    student_id: i64,
    student_no: String,
    name: String,
    class_name: Option<String>,
    status: String,
    signed_up_at: i64,
    promoted_at: Option<i64>,
    on_roll: i64,
    checked_at: Option<i64>,
    late: i64,
}

/// Every sign-up: places first, then the queue in order, then the cancelled.
pub async fn signups(db: &Db, activity_id: i64, session_id: Option<i64>) -> sqlx::Result<Vec<Signup>> {
    let rows: Vec<SignupRow> = sqlx::query_as(
        "SELECT x.student_id, s.student_no, s.name, c.name AS class_name, x.status, x.signed_up_at, x.promoted_at, \
         CASE WHEN r.student_id IS NULL THEN 0 ELSE 1 END AS on_roll, r.checked_at, \
         CASE WHEN r.late = TRUE THEN 1 ELSE 0 END AS late \
         FROM activity_signups x JOIN students s ON s.id = x.student_id LEFT JOIN classes c ON c.id = s.class_id \
         LEFT JOIN checkin_roll r ON r.session_id = $2 AND r.student_id = x.student_id \
         WHERE x.activity_id = $1 \
         ORDER BY CASE x.status WHEN 'signed_up' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, \
         x.signed_up_at, x.student_id",
    )
    .bind(activity_id)
    .bind(session_id.unwrap_or(0))
    .fetch_all(db.pool())
    .await?;
    let mut queue = 0;
    Ok(rows
        .into_iter()
        .map(|r| {
            let status = status_of(&r.status);
            let waitlist_position = (status == SignupStatus::Waitlisted).then(|| {
                queue += 1;
                queue
            });
            let attendance = match (r.on_roll, r.checked_at, r.late) {
                (0, _, _) => None,
                (_, Some(_), 1) => Some(AttendanceStatus::Late),
                (_, Some(_), _) => Some(AttendanceStatus::Present),
                (_, None, _) => Some(AttendanceStatus::Absent),
            };
            Signup {
                student_id: r.student_id,
                student_no: r.student_no,
                name: r.name,
                class_name: r.class_name,
                status,
                waitlist_position,
                signed_up_at: to_time(r.signed_up_at),
                promoted_at: r.promoted_at.map(to_time),
                attendance,
            }
        })
        .collect())
}

pub async fn report(db: &Db, activity: ActivityRow) -> ApiResult<ActivityReport> {
    let session = match activity.checkin_session_id {
        Some(id) => sessions::row(db, id).await?,
        None => None,
    };
    let closed = session.as_ref().is_some_and(|s| s.closes_at() <= now_ms());
    let signups = signups(db, activity.id, session.as_ref().map(|s| s.id)).await?;
    let placed = || signups.iter().filter(|s| s.status == SignupStatus::SignedUp);
    let attended = placed()
        .filter(|s| matches!(s.attendance, Some(AttendanceStatus::Present | AttendanceStatus::Late)))
        .count() as i64;
    let no_shows =
        if closed { placed().filter(|s| s.attendance == Some(AttendanceStatus::Absent)).count() as i64 } else { 0 };
    let cancelled = signups.iter().filter(|s| s.status == SignupStatus::Cancelled).count() as i64;
    Ok(ActivityReport { activity: activity.into_dto(), cancelled, attended, no_shows, signups })
}

const HEADERS: [&str; 9] = ["学号", "姓名", "班级", "报名状态", "候补位次", "报名时间", "递补时间", "签到", "备注"];

pub fn china_time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    t.map(|t| t.with_timezone(&china).format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
}

fn status_label(s: SignupStatus) -> &'static str {
    match s {
        SignupStatus::SignedUp => "已报名",
        SignupStatus::Waitlisted => "候补",
        SignupStatus::Cancelled => "已取消",
    }
}

fn attendance_label(a: Option<AttendanceStatus>) -> &'static str {
    match a {
        Some(AttendanceStatus::Present) => "已签到",
        Some(AttendanceStatus::Late) => "迟到",
        Some(AttendanceStatus::Absent) => "未签到",
        None => "",
    }
}

/// The sign-ups as a sheet (Chinese headers); `closed`: the check-in session is over,
/// so a place never checked in is marked 未到.
pub fn sheet<'a>(name: &'a str, signups: &[Signup], closed: bool) -> Sheet<'a> {
    let rows = signups
        .iter()
        .map(|s| {
            let no_show =
                closed && s.status == SignupStatus::SignedUp && s.attendance == Some(AttendanceStatus::Absent);
            vec![
                s.student_no.clone(),
                s.name.clone(),
                s.class_name.clone().unwrap_or_default(),
                status_label(s.status).to_string(),
                s.waitlist_position.map(|p| p.to_string()).unwrap_or_default(),
                china_time(Some(s.signed_up_at)),
                china_time(s.promoted_at),
                attendance_label(s.attendance).to_string(),
                if no_show { "未到" } else { "" }.to_string(),
            ]
        })
        .collect();
    Sheet { name, headers: HEADERS.to_vec(), rows, widths: vec![(0, 14.0), (2, 16.0), (5, 20.0), (6, 20.0)] }
}

#[derive(sqlx::FromRow)]
struct NoShowRow {
    student_id: i64,
    student_no: String,
    name: String,
    class_name: Option<String>,
    signed_up: i64,
    no_shows: i64,
}

/// Students with places at activities starting in the period (the caller's own, or all
/// for an admin) who did not come, most no-shows first.
pub async fn no_shows(db: &Db, scope: Scope, period: Period) -> sqlx::Result<Vec<NoShowCount>> {
    let no_show = "CASE WHEN COALESCE(cs.closed_early_at, cs.ends_at) <= $3 AND r.student_id IS NOT NULL \
                   AND r.checked_at IS NULL THEN 1 ELSE 0 END";
    let mine = match scope {
        Scope::All => String::new(),
        // An integer by type: safe in the SQL text.
        Scope::Teacher(user) => format!("AND a.created_by = {user}"),
    };
    let sql = format!(
        "SELECT s.id AS student_id, s.student_no, s.name, c.name AS class_name, COUNT(*) AS signed_up, \
         CAST(SUM({no_show}) AS BIGINT) AS no_shows \
         FROM activity_signups x JOIN activities a ON a.id = x.activity_id JOIN students s ON s.id = x.student_id \
         LEFT JOIN classes c ON c.id = s.class_id \
         LEFT JOIN checkin_sessions cs ON cs.activity_id = a.id \
         LEFT JOIN checkin_roll r ON r.session_id = cs.id AND r.student_id = x.student_id \
         WHERE x.status = 'signed_up' AND a.cancelled_at IS NULL AND a.starts_at >= $1 AND a.starts_at < $2 {mine} \
         GROUP BY s.id, s.student_no, s.name, c.name HAVING SUM({no_show}) > 0 \
         ORDER BY no_shows DESC, signed_up DESC, s.student_no LIMIT {NO_SHOW_LIMIT}"
    );
    let rows: Vec<NoShowRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(period.from_ms())
        .bind(period.until_ms())
        .bind(now_ms())
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| NoShowCount {
            student_id: r.student_id,
            student_no: r.student_no,
            name: r.name,
            class_name: r.class_name,
            signed_up: r.signed_up,
            no_shows: r.no_shows,
        })
        .collect())
}
