//! A session's life: made (with its roll, in the same transaction), listed, closed early,
//! reopened, deleted. The roll is fixed when the session is made, like a notice's
//! delivery rows: who was expected stays true when students later change class.

use chrono::Utc;
use shared::{
    AttendanceCounts, CheckinMethod, CheckinSession, Geofence, NewCheckinSession, Page, PageQuery, SessionState,
};

use super::codes;
use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::filter::{Arg, Filter};
use crate::db::{float_sql, now_ms, to_ms, to_time, Db};
use crate::error::{on_unique, ApiError, ApiResult};
use crate::notices::audience::{self, students_condition};
use crate::people::Scope;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub title: String,
    pub audience: String,
    pub created_by: Option<i64>,
    pub cadre_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub class_id: Option<i64>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub late_after: Option<i64>,
    pub methods: String,
    pub rotate_seconds: i64,
    pub fence_lat: Option<f64>,
    pub fence_lng: Option<f64>,
    pub fence_radius_m: Option<i64>,
    pub secret: String,
    pub closed_early_at: Option<i64>,
    pub created_at: i64,
    pub creator_name: Option<String>,
}

const SELECT: &str = "SELECT cs.id, cs.title, cs.audience, cs.created_by, cs.cadre_id, cs.activity_id, cs.class_id, \
     cs.starts_at, cs.ends_at, cs.late_after, cs.methods, cs.rotate_seconds, cs.fence_lat, cs.fence_lng, \
     cs.fence_radius_m, cs.secret, cs.closed_early_at, cs.created_at, \
     COALESCE(u.display_name, st.name) AS creator_name \
     FROM checkin_sessions cs LEFT JOIN users u ON u.id = cs.created_by LEFT JOIN students st ON st.id = cs.cadre_id";

impl SessionRow {
    pub fn methods(&self) -> Vec<CheckinMethod> {
        self.methods.split(',').filter_map(CheckinMethod::parse).collect()
    }

    pub fn has(&self, method: CheckinMethod) -> bool {
        self.methods().contains(&method)
    }

    /// Whether a rotating code (QR or digits) is one of the proofs.
    pub fn has_code(&self) -> bool {
        self.has(CheckinMethod::Qr) || self.has(CheckinMethod::Code)
    }

    pub fn fence(&self) -> Option<Geofence> {
        Some(Geofence { latitude: self.fence_lat?, longitude: self.fence_lng?, radius_m: self.fence_radius_m? })
    }

    /// When it stops taking check-ins: its end, or its early close.
    pub fn closes_at(&self) -> i64 {
        self.closed_early_at.map_or(self.ends_at, |c| c.min(self.ends_at))
    }

    pub fn state(&self, now: i64) -> SessionState {
        if now < self.starts_at {
            SessionState::Scheduled
        } else if now < self.closes_at() {
            SessionState::Open
        } else {
            SessionState::Closed
        }
    }

    pub fn is_late(&self, at: i64) -> bool {
        self.late_after.is_some_and(|l| at > l)
    }

    pub fn audience(&self) -> shared::Audience {
        serde_json::from_str(&self.audience).unwrap_or_default()
    }

    /// The step shown now (codes of a session are shown only while it is open).
    pub fn current_step(&self, now: i64) -> i64 {
        codes::step_at(now, self.rotate_seconds)
    }

    pub fn into_dto(self, counts: AttendanceCounts) -> CheckinSession {
        let now = now_ms();
        CheckinSession {
            id: self.id,
            state: self.state(now),
            methods: self.methods(),
            geofence: self.fence(),
            audience: self.audience(),
            starts_at: to_time(self.starts_at),
            ends_at: to_time(self.ends_at),
            late_after: self.late_after.map(to_time),
            rotate_seconds: self.rotate_seconds,
            closed_early_at: self.closed_early_at.map(to_time),
            created_by_name: self.creator_name.unwrap_or_default(),
            activity_id: self.activity_id,
            created_at: to_time(self.created_at),
            title: self.title,
            counts,
        }
    }
}

/// Who makes a session: a teacher (their audience within their scope), or a class
/// cadre for their own class (checked by the caller).
#[derive(Debug, Clone, Copy)]
pub enum Creator {
    Teacher { user_id: i64, scope: Scope },
    Cadre { student_id: i64, class_id: i64 },
}

/// Makes the session and its roll. Returns its id.
pub async fn create(
    db: &Db,
    creator: Creator,
    new: &NewCheckinSession,
    activity_id: Option<i64>,
    audit: Audit<'_>,
) -> ApiResult<i64> {
    new.validate()?;
    if new.ends_at <= Utc::now() {
        return Err(ApiError::field("ends_at", "must be in the future"));
    }
    if let Creator::Teacher { scope, .. } = creator {
        audience::check(db, scope, &new.audience).await?;
    }
    let (created_by, cadre_id, class_id) = match creator {
        Creator::Teacher { user_id, .. } => (Some(user_id), None, None),
        Creator::Cadre { student_id, class_id } => (None, Some(student_id), Some(class_id)),
    };
    let mut methods = new.methods.clone();
    methods.sort();
    methods.dedup();
    let methods = methods.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(",");
    let fence = new.geofence;
    let mut tx = db.begin_write().await?;
    // The fence as literals: see `float_sql`.
    let insert = format!(
        "INSERT INTO checkin_sessions (title, audience, created_by, cadre_id, activity_id, class_id, starts_at, ends_at, \
         late_after, methods, rotate_seconds, fence_lat, fence_lng, fence_radius_m, secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, {}, {}, $12, $13, $14) RETURNING id",
        float_sql(fence.map(|f| f.latitude)),
        float_sql(fence.map(|f| f.longitude)),
    );
    let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(insert))
        .bind(new.title.trim())
        .bind(serde_json::to_string(&new.audience).map_err(ApiError::internal)?)
        .bind(created_by)
        .bind(cadre_id)
        .bind(activity_id)
        .bind(class_id)
        .bind(to_ms(new.starts_at))
        .bind(to_ms(new.ends_at))
        .bind(new.late_after.map(to_ms))
        .bind(methods)
        .bind(new.rotate_seconds.unwrap_or(shared::checkin::DEFAULT_ROTATE_SECONDS))
        .bind(fence.map(|f| f.radius_m))
        .bind(codes::new_secret())
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        // The one unique index: an activity's session (two made at once).
        .map_err(|e| on_unique(e, "checkin_exists", "the activity already has a check-in session"))?;
    let roll = format!(
        "INSERT INTO checkin_roll (session_id, student_id, class_id) SELECT $1, s.id, s.class_id FROM students s WHERE {}",
        students_condition(&new.audience)
    );
    let expected = sqlx::query(sqlx::AssertSqlSafe(roll)).bind(id).execute(&mut *tx).await?.rows_affected();
    if expected == 0 {
        return Err(ApiError::field("audience", "has no students"));
    }
    audit.target(format!("checkin:{id}")).detail(new.title.trim().to_string()).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn row(db: &Db, id: i64) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE cs.id = $1"))).bind(id).fetch_optional(db.pool()).await
}

/// Sessions a teacher sees: those they made, and cadres' sessions of their classes.
const TEACHER_SEES: &str =
    "(cs.created_by = ? OR cs.class_id IN (SELECT class_id FROM class_teachers WHERE user_id = ?))";

/// The session, if the caller sees it; otherwise 404.
pub async fn visible(db: &Db, caller: &Caller, id: i64) -> ApiResult<SessionRow> {
    let row = row(db, id).await?.ok_or_else(|| ApiError::not_found("check-in session"))?;
    if caller.is_admin() || row.created_by == Some(caller.user_id) {
        return Ok(row);
    }
    if let Some(class) = row.class_id {
        if Scope::Teacher(caller.user_id).class(db, class).await.is_ok() {
            return Ok(row);
        }
    }
    Err(ApiError::not_found("check-in session"))
}

/// The columns that count a roll (alias `r`), as a `Tally`.
pub const TALLY: &str = "COUNT(*) AS expected, \
     CAST(SUM(CASE WHEN r.checked_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS checked_in, \
     CAST(SUM(CASE WHEN r.checked_at IS NOT NULL AND r.late = TRUE THEN 1 ELSE 0 END) AS BIGINT) AS late, \
     CAST(SUM(CASE WHEN r.checked_at IS NOT NULL AND r.flags <> '' THEN 1 ELSE 0 END) AS BIGINT) AS flagged";

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Tally {
    expected: i64,
    checked_in: i64,
    late: i64,
    flagged: i64,
}

impl From<Tally> for AttendanceCounts {
    fn from(t: Tally) -> AttendanceCounts {
        AttendanceCounts {
            expected: t.expected,
            checked_in: t.checked_in,
            late: t.late,
            missing: t.expected - t.checked_in,
            flagged: t.flagged,
        }
    }
}

#[derive(sqlx::FromRow)]
struct SessionTally {
    session_id: i64,
    #[sqlx(flatten)]
    tally: Tally,
}

/// Counts over the rolls of these sessions, by session.
pub async fn counts(db: &Db, ids: &[i64]) -> sqlx::Result<std::collections::HashMap<i64, AttendanceCounts>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT r.session_id, {TALLY} FROM checkin_roll r WHERE r.session_id IN ({list}) GROUP BY r.session_id"
    );
    let rows: Vec<SessionTally> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(|r| (r.session_id, r.tally.into())).collect())
}

pub async fn dto(db: &Db, row: SessionRow) -> sqlx::Result<CheckinSession> {
    let counts = counts(db, &[row.id]).await?.remove(&row.id).unwrap_or_default();
    Ok(row.into_dto(counts))
}

pub async fn list(
    db: &Db,
    caller: &Caller,
    state: Option<SessionState>,
    q: &str,
    class: Option<i64>,
    page: PageQuery,
) -> ApiResult<Page<CheckinSession>> {
    let mut filter = Filter::new();
    if !caller.is_admin() {
        filter.and(TEACHER_SEES, [Arg::Int(caller.user_id), Arg::Int(caller.user_id)]);
    }
    let now = now_ms();
    let closes = "COALESCE(cs.closed_early_at, cs.ends_at)";
    match state {
        Some(SessionState::Scheduled) => filter.and("cs.starts_at > ?", [Arg::Int(now)]),
        Some(SessionState::Open) => {
            filter.and(&format!("cs.starts_at <= ? AND {closes} > ?"), [Arg::Int(now), Arg::Int(now)])
        }
        Some(SessionState::Closed) => filter.and(&format!("{closes} <= ?"), [Arg::Int(now)]),
        None => &mut filter,
    };
    if !q.trim().is_empty() {
        filter.and("cs.title LIKE ? ESCAPE '\\'", [Arg::from(crate::db::filter::contains_pattern(q))]);
    }
    if let Some(class) = class {
        filter.and(
            "cs.class_id = ? OR EXISTS (SELECT 1 FROM checkin_roll r WHERE r.session_id = cs.id AND r.class_id = ?)",
            [Arg::Int(class), Arg::Int(class)],
        );
    }
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM checkin_sessions cs{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!(
        "{SELECT}{where_sql} ORDER BY cs.starts_at DESC, cs.id DESC LIMIT {} OFFSET {}",
        filter.next(1),
        filter.next(2)
    );
    let rows: Vec<SessionRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    let mut counts = counts(db, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    let items = rows.into_iter().map(|r| {
        let c = counts.remove(&r.id).unwrap_or_default();
        r.into_dto(c)
    });
    Ok(Page::new(items.collect(), total, page))
}

/// Closes an open session now.
pub async fn close(db: &Db, row: &SessionRow, audit: Audit<'_>) -> ApiResult<()> {
    let now = now_ms();
    if row.state(now) != SessionState::Open {
        return Err(ApiError::conflict("not_open", "only an open session can be closed"));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE checkin_sessions SET closed_early_at = $1 WHERE id = $2")
        .bind(now)
        .bind(row.id)
        .execute(&mut *tx)
        .await?;
    audit.target(format!("checkin:{}", row.id)).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Opens a closed session again until `ends_at` (in the future), clearing an early close.
pub async fn reopen(db: &Db, row: &SessionRow, ends_at: chrono::DateTime<Utc>, audit: Audit<'_>) -> ApiResult<()> {
    let now = now_ms();
    if row.state(now) != SessionState::Closed {
        return Err(ApiError::conflict("not_closed", "only a closed session can be reopened"));
    }
    let ends = to_ms(ends_at);
    if ends <= now {
        return Err(ApiError::field("ends_at", "must be in the future"));
    }
    if ends - row.starts_at > shared::checkin::MAX_SESSION_HOURS * 3_600_000 {
        return Err(ApiError::field("ends_at", "a session lasts at most 24 hours from its start"));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE checkin_sessions SET closed_early_at = NULL, ends_at = $1 WHERE id = $2")
        .bind(ends)
        .bind(row.id)
        .execute(&mut *tx)
        .await?;
    audit
        .target(format!("checkin:{}", row.id))
        .detail(format!("延长至 {}", crate::db::china_minute(ends)))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(db: &Db, row: &SessionRow, audit: Audit<'_>) -> ApiResult<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM checkin_sessions WHERE id = $1").bind(row.id).execute(&mut *tx).await?;
    audit.target(format!("checkin:{}", row.id)).detail(row.title.clone()).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The sessions open now with this student on their roll, soonest to close first.
pub async fn open_for_student(db: &Db, student: i64, now: i64) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} JOIN checkin_roll r ON r.session_id = cs.id WHERE r.student_id = $1 AND cs.starts_at <= $2 \
         AND COALESCE(cs.closed_early_at, cs.ends_at) > $2 ORDER BY cs.ends_at, cs.id"
    )))
    .bind(student)
    .bind(now)
    .fetch_all(db.pool())
    .await
}
