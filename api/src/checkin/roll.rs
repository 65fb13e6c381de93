//! The roll after (or during) a session: who is present, late or absent, every try, the
//! teacher's 补签 and removals (with a reason, in the audit log), and one action that
//! sends the absent a notice.

use shared::{
    AbsentNotice, AbsentNoticeSent, AttendanceEntry, AttendanceStatus, Audience, CheckinAttempt, ManualCheckin,
    NewNotice, Page, PageQuery, SendRequest,
};

use super::sessions::SessionRow;
use super::text;
use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, to_time, Db, Flag};
use crate::error::{ApiError, ApiResult};
use crate::notices::lifecycle;
use crate::people::scope::{RecordClasses, StudentView};
use crate::people::Scope;

#[derive(sqlx::FromRow)]
struct EntryRow {
    student_id: i64,
    student_no: String,
    name: String,
    class_id: Option<i64>,
    class_name: Option<String>,
    checked_at: Option<i64>,
    late: Flag,
    method: Option<String>,
    flags: String,
    manual_reason: Option<String>,
}

impl From<EntryRow> for AttendanceEntry {
    fn from(r: EntryRow) -> AttendanceEntry {
        AttendanceEntry {
            status: match (r.checked_at, r.late.0) {
                (None, _) => AttendanceStatus::Absent,
                (Some(_), true) => AttendanceStatus::Late,
                (Some(_), false) => AttendanceStatus::Present,
            },
            student_id: r.student_id,
            student_no: r.student_no,
            name: r.name,
            class_id: r.class_id,
            class_name: r.class_name,
            checked_at: r.checked_at.map(to_time),
            method: r.method,
            flags: r.flags.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect(),
            manual_reason: r.manual_reason,
        }
    }
}

const ENTRY: &str =
    "SELECT r.student_id, s.student_no, s.name, r.class_id, c.name AS class_name, r.checked_at, r.late, \
     r.method, r.flags, r.manual_reason FROM checkin_roll r JOIN students s ON s.id = r.student_id \
     LEFT JOIN classes c ON c.id = r.class_id";

#[derive(Debug, Default)]
pub struct RollQuery {
    pub status: Option<AttendanceStatus>,
    pub class_id: Option<i64>,
    pub q: String,
}

pub async fn list(db: &Db, session: i64, query: &RollQuery, page: PageQuery) -> ApiResult<Page<AttendanceEntry>> {
    let mut filter = Filter::new();
    filter.and("r.session_id = ?", [Arg::Int(session)]);
    match query.status {
        Some(AttendanceStatus::Absent) => filter.and("r.checked_at IS NULL", []),
        Some(AttendanceStatus::Late) => filter.and("r.checked_at IS NOT NULL AND r.late = TRUE", []),
        Some(AttendanceStatus::Present) => filter.and("r.checked_at IS NOT NULL AND r.late = FALSE", []),
        None => &mut filter,
    };
    if let Some(class) = query.class_id {
        filter.and("r.class_id = ?", [Arg::Int(class)]);
    }
    if !query.q.trim().is_empty() {
        let p = contains_pattern(query.q.trim());
        filter.and(
            "(s.name LIKE ? ESCAPE '\\' OR s.student_no LIKE ? ESCAPE '\\')",
            [Arg::from(p.clone()), Arg::from(p)],
        );
    }
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM checkin_roll r JOIN students s ON s.id = r.student_id{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql =
        format!("{ENTRY}{where_sql} ORDER BY c.name, s.student_no LIMIT {} OFFSET {}", filter.next(1), filter.next(2));
    let rows: Vec<EntryRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    Ok(Page::new(rows.into_iter().map(Into::into).collect(), total, page))
}

pub async fn entry(db: &Db, session: i64, student: i64) -> sqlx::Result<Option<AttendanceEntry>> {
    let row: Option<EntryRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{ENTRY} WHERE r.session_id = $1 AND r.student_id = $2")))
            .bind(session)
            .bind(student)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(Into::into))
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    id: i64,
    student_id: Option<i64>,
    student_name: Option<String>,
    class_id: Option<i64>,
    via: String,
    accepted: Flag,
    reason: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    accuracy_m: Option<f64>,
    distance_m: Option<i64>,
    flags: String,
    created_at: i64,
}

/// A session's tries, newest first. Positions are part of a student's record: the
/// coordinates are withheld for students `records` does not cover (the distance stays).
pub async fn attempts(
    db: &Db,
    records: &RecordClasses,
    session: i64,
    refused: Option<bool>,
    flagged: Option<bool>,
    page: PageQuery,
) -> ApiResult<Page<CheckinAttempt>> {
    let mut filter = Filter::new();
    filter.and("a.session_id = ?", [Arg::Int(session)]);
    if let Some(refused) = refused {
        filter.and("a.accepted = ?", [Arg::Bool(!refused)]);
    }
    match flagged {
        Some(true) => filter.and("a.flags <> ''", []),
        Some(false) => filter.and("a.flags = ''", []),
        None => &mut filter,
    };
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM checkin_attempts a{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!(
        "SELECT a.id, a.student_id, s.name AS student_name, s.class_id, a.via, a.accepted, a.reason, a.latitude, a.longitude, \
         a.accuracy_m, a.distance_m, a.flags, a.created_at FROM checkin_attempts a \
         LEFT JOIN students s ON s.id = a.student_id{where_sql} ORDER BY a.id DESC LIMIT {} OFFSET {}",
        filter.next(1),
        filter.next(2)
    );
    let rows: Vec<AttemptRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    let items = rows.into_iter().map(|r| {
        let shown = records.view(r.class_id) == StudentView::Record;
        CheckinAttempt {
            id: r.id,
            student_id: r.student_id,
            student_name: r.student_name,
            via: r.via,
            accepted: r.accepted.0,
            reason: r.reason,
            latitude: r.latitude.filter(|_| shown),
            longitude: r.longitude.filter(|_| shown),
            accuracy_m: r.accuracy_m.filter(|_| shown),
            distance_m: r.distance_m,
            flags: r.flags.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect(),
            at: to_time(r.created_at),
        }
    });
    Ok(Page::new(items.collect(), total, page))
}

/// 补签 or a removal, by a teacher, with a reason: recorded on the roll, as an attempt
/// (`via = manual`) and in the audit log.
pub async fn manual(db: &Db, session: &SessionRow, user_id: i64, m: &ManualCheckin, audit: Audit<'_>) -> ApiResult<()> {
    m.validate()?;
    let reason = m.reason.trim();
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let current: Option<Option<i64>> =
        sqlx::query_scalar("SELECT checked_at FROM checkin_roll WHERE session_id = $1 AND student_id = $2")
            .bind(session.id)
            .bind(m.student_id)
            .fetch_optional(&mut *tx)
            .await?;
    match (current, m.present) {
        (None, _) => return Err(ApiError::not_found("student on this session's roll")),
        (Some(Some(_)), true) => return Err(ApiError::conflict("already_checked_in", "the student is checked in")),
        (Some(None), false) => return Err(ApiError::conflict("not_checked_in", "the student is not checked in")),
        _ => {}
    }
    if m.present {
        sqlx::query(
            "UPDATE checkin_roll SET checked_at = $1, late = $2, method = 'manual', flags = '', manual_by = $3, \
             manual_reason = $4 WHERE session_id = $5 AND student_id = $6",
        )
        .bind(now)
        .bind(m.late)
    } else {
        sqlx::query(
            "UPDATE checkin_roll SET checked_at = NULL, late = FALSE, method = NULL, flags = '', manual_by = $1, \
             manual_reason = $2 WHERE session_id = $3 AND student_id = $4",
        )
    }
    .bind(user_id)
    .bind(reason)
    .bind(session.id)
    .bind(m.student_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO checkin_attempts (session_id, student_id, via, accepted, reason, flags, created_at) \
         VALUES ($1, $2, 'manual', $3, $4, '', $5)",
    )
    .bind(session.id)
    .bind(m.student_id)
    .bind(m.present)
    .bind(if m.present { None } else { Some("removed") })
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let what = if m.present { "补签" } else { "撤销签到" };
    audit
        .target(format!("checkin:{}:student:{}", session.id, m.student_id))
        .detail(format!("{what}：{reason}"))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A notice to every student on the roll not checked in, made and sent at once.
pub async fn notify_absent(
    db: &Db,
    session: &SessionRow,
    caller: &Caller,
    request: AbsentNotice,
) -> ApiResult<AbsentNoticeSent> {
    let absent: Vec<i64> =
        sqlx::query_scalar("SELECT student_id FROM checkin_roll WHERE session_id = $1 AND checked_at IS NULL")
            .bind(session.id)
            .fetch_all(db.pool())
            .await?;
    if absent.is_empty() {
        return Err(ApiError::conflict("nobody_absent", "every student on the roll is checked in"));
    }
    let title =
        request.title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| format!("未签到提醒：{}", session.title));
    // While the session still takes check-ins, the message leads to it: a late student
    // checks in from the message itself.
    let open = session.state(now_ms()) == shared::SessionState::Open;
    let body = request.body.filter(|b| !b.trim().is_empty()).unwrap_or_else(|| {
        if open {
            format!(
                "你还没有在「{}」（{} 开始，{} 结束）签到。点开本消息即可补上签到；如有特殊情况，请及时联系老师说明。",
                session.title,
                text::clock(session.starts_at),
                text::clock(session.closes_at())
            )
        } else {
            format!(
                "你没有在「{}」（{} 开始）签到。如有特殊情况，请及时联系老师说明。",
                session.title,
                text::clock(session.starts_at)
            )
        }
    });
    let recipients = absent.len() as i64;
    let new = NewNotice {
        title,
        body,
        audience: Audience { students: absent, ..Audience::default() },
        ..NewNotice::default()
    };
    // The session is the caller's; its roll is theirs to notify, whichever classes it spans.
    let id = lifecycle::create(db, Scope::All, caller.user_id, new, Audit::by(caller, "notice_created")).await?;
    if open {
        sqlx::query("UPDATE notices SET link_path = $1 WHERE id = $2")
            .bind(format!("/s/checkin/{}", session.id))
            .bind(id)
            .execute(db.pool())
            .await?;
    }
    lifecycle::send(db, Scope::All, id, SendRequest::default(), Audit::by(caller, "notice_sent")).await?;
    Ok(AbsentNoticeSent { notice_id: id, recipients })
}
