//! Activities as records: published (with their 报名 code), listed, found by code,
//! cancelled. Who may sign up is the activity's audience, turned into SQL over the
//! students table the same way a notice's is (`public` meaning every bound student).

use chrono::Utc;
use shared::{Activity, Audience, NewActivity, Page, PageQuery};

use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::filter::{Arg, Filter};
use crate::db::{now_ms, to_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::notices::audience::{self, students_condition};
use crate::people::Scope;

/// Tries at a free code before giving up (10 000 codes, few activities open at once).
const CODE_TRIES: usize = 50;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub capacity: i64,
    pub signup_until: i64,
    pub audience: String,
    pub code: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub cancelled_at: Option<i64>,
    pub creator_name: Option<String>,
    pub signed_up: i64,
    pub waitlisted: i64,
    pub checkin_session_id: Option<i64>,
}

const SELECT: &str = "SELECT a.id, a.title, a.description, a.place, a.starts_at, a.ends_at, a.capacity, \
     a.signup_until, a.audience, a.code, a.created_by, a.created_at, a.cancelled_at, \
     u.display_name AS creator_name, \
     (SELECT COUNT(*) FROM activity_signups x WHERE x.activity_id = a.id AND x.status = 'signed_up') AS signed_up, \
     (SELECT COUNT(*) FROM activity_signups x WHERE x.activity_id = a.id AND x.status = 'waitlisted') AS waitlisted, \
     (SELECT cs.id FROM checkin_sessions cs WHERE cs.activity_id = a.id) AS checkin_session_id \
     FROM activities a LEFT JOIN users u ON u.id = a.created_by";

impl ActivityRow {
    pub fn audience(&self) -> Audience {
        serde_json::from_str(&self.audience).unwrap_or_default()
    }

    /// Sign-ups and cancellations are taken: not cancelled, deadline not passed.
    pub fn is_open(&self, now: i64) -> bool {
        self.cancelled_at.is_none() && now < self.signup_until
    }

    pub fn into_dto(self) -> Activity {
        Activity {
            audience: self.audience(),
            id: self.id,
            title: self.title,
            description: self.description,
            place: self.place,
            starts_at: to_time(self.starts_at),
            ends_at: to_time(self.ends_at),
            capacity: self.capacity,
            signup_until: to_time(self.signup_until),
            code: self.code,
            signed_up: self.signed_up,
            waitlisted: self.waitlisted,
            checkin_session_id: self.checkin_session_id,
            created_by_name: self.creator_name.unwrap_or_default(),
            created_at: to_time(self.created_at),
            cancelled_at: self.cancelled_at.map(to_time),
        }
    }
}

/// The students (alias `s`) who may sign up: those the audience names, or with `public`
/// every bound student (a page or a message needs a bound WeChat anyway). Graduates are
/// left out of `public` as they are out of classes and groups.
pub fn eligible_condition(a: &Audience) -> String {
    if a.public {
        let named = students_condition(&Audience { public: false, ..a.clone() });
        format!("(s.openid IS NOT NULL AND s.status <> 'graduated') OR {named}")
    } else {
        students_condition(a)
    }
}

fn new_code() -> String {
    use rand::Rng;
    format!("{:04}", rand::rng().random_range(0..10_000))
}

/// Publishes the activity; its code is free among activities not yet over.
pub async fn create(db: &Db, caller: &Caller, new: &NewActivity) -> ApiResult<i64> {
    new.validate(Utc::now())?;
    audience::check(db, Scope::of(caller), &new.audience).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let mut code = None;
    for _ in 0..CODE_TRIES {
        let candidate = new_code();
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE code = $1 AND ends_at > $2")
            .bind(&candidate)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        if taken == 0 {
            code = Some(candidate);
            break;
        }
    }
    let code = code.ok_or_else(|| ApiError::conflict("no_free_code", "too many open activities; try again"))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO activities (title, description, place, starts_at, ends_at, capacity, signup_until, audience, \
         code, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(new.title.trim())
    .bind(new.description.trim())
    .bind(new.place.trim())
    .bind(to_ms(new.starts_at))
    .bind(to_ms(new.ends_at))
    .bind(new.capacity)
    .bind(to_ms(new.signup_until))
    .bind(serde_json::to_string(&new.audience).map_err(ApiError::internal)?)
    .bind(&code)
    .bind(caller.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    Audit::by(caller, "activity_created")
        .target(format!("activity:{id}"))
        .detail(format!("{} ({code})", new.title.trim()))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn row(db: &Db, id: i64) -> sqlx::Result<Option<ActivityRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.id = $1"))).bind(id).fetch_optional(db.pool()).await
}

/// The activity, if the caller sees it (teachers their own, admins all); otherwise 404.
pub async fn visible(db: &Db, caller: &Caller, id: i64) -> ApiResult<ActivityRow> {
    match row(db, id).await? {
        Some(row) if caller.is_admin() || row.created_by == Some(caller.user_id) => Ok(row),
        _ => Err(ApiError::not_found("activity")),
    }
}

/// The activity students mean by `code`: the newest of those not yet over.
pub async fn by_code(db: &Db, code: &str) -> sqlx::Result<Option<ActivityRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE a.code = $1 AND a.ends_at > $2 ORDER BY a.id DESC LIMIT 1"
    )))
    .bind(code)
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await
}

/// Teachers' own activities (admins all), newest start first.
pub async fn list(db: &Db, caller: &Caller, page: PageQuery) -> ApiResult<Page<Activity>> {
    let mut filter = Filter::new();
    if !caller.is_admin() {
        filter.and("a.created_by = ?", [Arg::Int(caller.user_id)]);
    }
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM activities a{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!(
        "{SELECT}{where_sql} ORDER BY a.starts_at DESC, a.id DESC LIMIT {} OFFSET {}",
        filter.next(1),
        filter.next(2)
    );
    let rows: Vec<ActivityRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    Ok(Page::new(rows.into_iter().map(ActivityRow::into_dto).collect(), total, page))
}

/// Activities taking sign-ups now, soonest first.
pub async fn open(db: &Db) -> sqlx::Result<Vec<ActivityRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE a.cancelled_at IS NULL AND a.signup_until > $1 ORDER BY a.starts_at, a.id"
    )))
    .bind(now_ms())
    .fetch_all(db.pool())
    .await
}

/// Activities the student holds a place or waits for, not over for more than `days`.
pub async fn joined(db: &Db, student_id: i64, days: i64) -> sqlx::Result<Vec<ActivityRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE a.ends_at > $2 AND a.id IN (SELECT j.activity_id FROM activity_signups j \
         WHERE j.student_id = $1 AND j.status IN ('signed_up', 'waitlisted')) ORDER BY a.starts_at, a.id"
    )))
    .bind(student_id)
    .bind(now_ms() - days * 86_400_000)
    .fetch_all(db.pool())
    .await
}

/// Which of `activities` the student may sign up for, in one query (an EXISTS per
/// activity, each over its own audience).
pub async fn eligible_among(db: &Db, student_id: i64, activities: &[ActivityRow]) -> sqlx::Result<Vec<i64>> {
    if activities.is_empty() {
        return Ok(Vec::new());
    }
    let parts: Vec<String> = activities
        .iter()
        .map(|a| {
            format!(
                "SELECT {} AS id WHERE EXISTS (SELECT 1 FROM students s WHERE s.id = {student_id} AND ({}))",
                a.id,
                eligible_condition(&a.audience())
            )
        })
        .collect();
    let sql = parts.join(" UNION ALL ");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await
}

/// Cancels the activity (its sign-ups stay, for the record). 409 when already cancelled.
pub async fn cancel(db: &Db, caller: &Caller, row: &ActivityRow) -> ApiResult<()> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("UPDATE activities SET cancelled_at = $1 WHERE id = $2 AND cancelled_at IS NULL")
        .bind(now_ms())
        .bind(row.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done == 0 {
        return Err(ApiError::conflict("already_cancelled", "the activity is already cancelled"));
    }
    Audit::by(caller, "activity_cancelled")
        .target(format!("activity:{}", row.id))
        .detail(row.title.clone())
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
