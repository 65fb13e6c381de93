//! Reminding those who have not read (or confirmed) a notice. A reminder is a set of
//! deliveries like any other (kind `reminder:<id>`), so it goes through the same
//! channels, budgets and retries, and is counted apart from the notice's own rows.
//!
//! The limits hold for every student, not only per button: nobody is reminded twice
//! within the interval or more than the maximum number of times, whoever asks (the
//! teacher for the whole notice, a class cadre for their class). Besides, the whole
//! notice — or one class — may be reminded at most once per interval and at most the
//! maximum number of times, so the button says plainly when it can be used again.

use shared::{Missing, RemindRequest, Reminder, ReminderPolicy, ReminderReach};

use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::notices::store::NoticeRow;

/// Who asked for a reminder.
pub struct Requester {
    pub name: String,
    pub user_id: Option<i64>,
    pub student_id: Option<i64>,
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub interval_ms: i64,
    pub max: i64,
}

impl Limits {
    pub fn new(interval_minutes: i64, max: i64) -> Limits {
        Limits { interval_ms: interval_minutes.max(0) * 60_000, max: max.max(0) }
    }
}

fn missing_str(m: Missing) -> &'static str {
    match m {
        Missing::Read => "read",
        Missing::Confirmation => "confirmation",
    }
}

fn missing_parse(s: &str) -> Missing {
    if s == "confirmation" {
        Missing::Confirmation
    } else {
        Missing::Read
    }
}

const BINDING: &str = "SELECT COUNT(CASE WHEN class_id IS NOT DISTINCT FROM $2 THEN 1 END), MAX(created_at) \
     FROM notice_reminders WHERE notice_id = $1 AND (class_id IS NULL OR class_id = $2)";

/// The reminders that bind a request for `class_id` (None: the whole notice): for the
/// whole notice its whole-notice reminders; for a class those and the class's own.
async fn binding(db: &Db, notice_id: i64, class_id: Option<i64>) -> sqlx::Result<(i64, Option<i64>)> {
    sqlx::query_as(BINDING).bind(notice_id).bind(class_id).fetch_one(db.pool()).await
}

pub async fn policy(db: &Db, notice_id: i64, class_id: Option<i64>, limits: Limits) -> sqlx::Result<ReminderPolicy> {
    let (rounds, last) = binding(db, notice_id, class_id).await?;
    let next = last.map(|t| t + limits.interval_ms).filter(|t| *t > now_ms());
    Ok(ReminderPolicy {
        interval_minutes: limits.interval_ms / 60_000,
        max_reminders: limits.max,
        remaining: (limits.max - rounds).max(0),
        next_allowed_at: next.map(to_time),
    })
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    round: i64,
    missing: String,
    class_id: Option<i64>,
    recipients: i64,
    sent: i64,
    by_name: String,
    created_at: i64,
}

impl Row {
    fn into_reminder(self) -> Reminder {
        Reminder {
            id: self.id,
            round: self.round,
            missing: missing_parse(&self.missing),
            class_id: self.class_id,
            recipients: self.recipients,
            sent: self.sent,
            by: self.by_name,
            created_at: to_time(self.created_at),
        }
    }
}

const SELECT: &str = "SELECT r.id, r.round, r.missing, r.class_id, r.recipients, r.by_name, r.created_at, \
     (SELECT COUNT(*) FROM deliveries d WHERE d.notice_id = r.notice_id AND d.kind = 'reminder:' || r.id \
      AND d.status = 'sent') AS sent FROM notice_reminders r";

pub async fn list(db: &Db, notice_id: i64) -> sqlx::Result<Vec<Reminder>> {
    let rows: Vec<Row> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.notice_id = $1 ORDER BY r.created_at, r.id")))
            .bind(notice_id)
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(Row::into_reminder).collect())
}

/// The notice's own rows a reminder would go to (binds: $1 notice, $5 reminded before
/// this is allowed again, $6 class, $7 most reminders): every student who still owes it,
/// can be reached (bound, still following), did not mute it, and has not been reminded
/// within the interval nor too often.
fn candidates(request: &RemindRequest) -> String {
    let owed = match request.missing {
        Missing::Read => "d.read_at IS NULL",
        Missing::Confirmation => "d.confirmed_at IS NULL",
    };
    let class = if request.class_id.is_some() { "AND d.class_id = $6" } else { "AND $6 IS NULL" };
    format!(
        "FROM deliveries d LEFT JOIN students s ON s.id = d.student_id \
         WHERE d.notice_id = $1 AND d.kind = 'notice' AND {owed} {class} AND d.status <> 'muted' \
         AND COALESCE(s.openid, d.openid) IS NOT NULL AND (s.id IS NULL OR s.following = TRUE) \
         AND (d.reminded_at IS NULL OR d.reminded_at <= $5) AND d.reminded < $7"
    )
}

/// How many owe the notice (or its confirmation), and how many of them a reminder now
/// would reach: what the teacher is told before reminding.
pub async fn reach(db: &Db, notice_id: i64, request: &RemindRequest, limits: Limits) -> sqlx::Result<ReminderReach> {
    let owed = match request.missing {
        Missing::Read => "read_at IS NULL",
        Missing::Confirmation => "confirmed_at IS NULL",
    };
    let class = if request.class_id.is_some() { "AND class_id = $2" } else { "AND $2 IS NULL" };
    let owing: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM deliveries WHERE notice_id = $1 AND kind = 'notice' AND recipient LIKE 's:%' \
         AND {owed} {class}"
    )))
    .bind(notice_id)
    .bind(request.class_id)
    .fetch_one(db.pool())
    .await?;
    // The same binds as the insert ($2–$4 unused but numbered alike).
    let reachable: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) {} AND $2 IS NULL AND $3 IS NULL AND $4 IS NULL",
        candidates(request)
    )))
    .bind(notice_id)
    .bind(None::<String>)
    .bind(None::<i64>)
    .bind(None::<i64>)
    .bind(now_ms() - limits.interval_ms)
    .bind(request.class_id)
    .bind(limits.max)
    .fetch_one(db.pool())
    .await?;
    Ok(ReminderReach { owing, reachable })
}

/// Makes a reminder's deliveries. Errors: the notice is not out, too soon, no reminders
/// left, or nobody left to remind.
pub async fn remind(
    db: &Db,
    notice: &NoticeRow,
    request: &RemindRequest,
    by: Requester,
    limits: Limits,
) -> ApiResult<Reminder> {
    if !matches!(notice.status.as_str(), "sending" | "sent") {
        return Err(ApiError::conflict("notice_not_sent", "only a notice that has been sent can be reminded"));
    }
    if request.missing == Missing::Confirmation && !notice.requires_confirmation.0 {
        return Err(ApiError::field("missing", "this notice does not ask for confirmation"));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    // Two reminders asked for at once are taken one after the other (the row lock).
    sqlx::query("UPDATE notices SET updated_at = updated_at WHERE id = $1").bind(notice.id).execute(&mut *tx).await?;
    if let Some(class) = request.class_id {
        // A class that does not exist is the caller's mistake, not a failed insert (500).
        let known: Option<i64> =
            sqlx::query_scalar("SELECT id FROM classes WHERE id = $1").bind(class).fetch_optional(&mut *tx).await?;
        if known.is_none() {
            return Err(ApiError::field("class_id", "no such class"));
        }
    }
    let (rounds, last): (i64, Option<i64>) =
        sqlx::query_as(BINDING).bind(notice.id).bind(request.class_id).fetch_one(&mut *tx).await?;
    if rounds >= limits.max {
        return Err(ApiError::conflict(
            "remind_limit",
            format!("this notice has been reminded {rounds} times, the most allowed"),
        ));
    }
    if let Some(last) = last.filter(|t| now - t < limits.interval_ms) {
        let minutes = (last + limits.interval_ms - now + 59_999) / 60_000;
        return Err(ApiError::conflict("remind_too_soon", format!("the next reminder is possible in {minutes} min")));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notice_reminders (notice_id, missing, class_id, round, recipients, by_name, user_id, student_id, \
         created_at) VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8) RETURNING id",
    )
    .bind(notice.id)
    .bind(missing_str(request.missing))
    .bind(request.class_id)
    .bind(rounds + 1)
    .bind(&by.name)
    .bind(by.user_id)
    .bind(by.student_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let sql = format!(
        "INSERT INTO deliveries (notice_id, kind, recipient, student_id, class_id, openid, status, ref_id, created_at) \
         SELECT d.notice_id, $2, d.recipient, d.student_id, d.class_id, COALESCE(s.openid, d.openid), 'pending', $3, $4 \
         {}",
        candidates(request)
    );
    let kind = format!("reminder:{id}");
    let made = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(notice.id)
        .bind(&kind)
        .bind(id)
        .bind(now)
        .bind(now - limits.interval_ms)
        .bind(request.class_id)
        .bind(limits.max)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
    // The notice's own rows remember it, for the limits and the lists.
    sqlx::query(
        "UPDATE deliveries SET reminded = reminded + 1, reminded_at = $3 WHERE notice_id = $1 AND kind = 'notice' \
         AND recipient IN (SELECT r.recipient FROM deliveries r WHERE r.notice_id = $1 AND r.kind = $2)",
    )
    .bind(notice.id)
    .bind(&kind)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if made == 0 {
        // Dropping the transaction forgets the reminder row too.
        return Err(ApiError::conflict("nothing_to_remind", "nobody is left to remind"));
    }
    sqlx::query("UPDATE notice_reminders SET recipients = $1 WHERE id = $2")
        .bind(made)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let row: Row =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1"))).bind(id).fetch_one(db.pool()).await?;
    Ok(row.into_reminder())
}

/// Tells a student that a teacher answered them: a delivery of kind `reply:<comment>`.
pub async fn notify_reply(db: &Db, notice_id: i64, comment_id: i64, student_id: i64) -> sqlx::Result<bool> {
    let made = sqlx::query(
        "INSERT INTO deliveries (notice_id, kind, recipient, student_id, class_id, openid, status, ref_id, created_at) \
         SELECT $1, $2, 's:' || s.id, s.id, s.class_id, s.openid, 'pending', $3, $4 FROM students s \
         WHERE s.id = $5 AND s.openid IS NOT NULL ON CONFLICT DO NOTHING",
    )
    .bind(notice_id)
    .bind(format!("reply:{comment_id}"))
    .bind(comment_id)
    .bind(now_ms())
    .bind(student_id)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(made > 0)
}
