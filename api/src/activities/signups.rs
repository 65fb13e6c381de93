//! Signing up and cancelling, with the waiting list. Each change runs in one write
//! transaction that first takes the activity's row lock (the same no-op UPDATE the
//! notice reminders use; SQLite's `BEGIN IMMEDIATE` already serialises writers), so two
//! students racing for the last place are taken one after the other and only one gets
//! it; a cancellation hands its place to the first in the queue before anyone else can
//! see it free.
//!
//! The queue is ordered by `signed_up_at`, which is made strictly increasing within an
//! activity, so "first come" is the order the requests were taken in even within one
//! millisecond. Once the activity's check-in session exists, its roll follows who holds
//! a place (the roll is "everyone with a place", and places change until the deadline).

use shared::{SignupStatus, StudentActivity};
use sqlx::{Any, AnyConnection, Executor};

use super::store::{eligible_condition, ActivityRow};
use crate::db::{now_ms, to_time, Db};
use crate::error::ApiError;

/// A sign-up taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    Placed,
    Waitlisted { position: i64 },
    AlreadyPlaced,
    AlreadyWaitlisted { position: i64 },
}

/// A cancellation taken: what the student held, and who moved up into the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Left {
    pub held: SignupStatus,
    pub promoted: Vec<i64>,
}

/// Why a sign-up or cancellation was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Deleted meanwhile.
    NoActivity,
    ActivityCancelled,
    /// Past `signup_until`.
    Closed,
    NotInAudience,
    NotSignedUp,
}

impl Refusal {
    /// As the student page hears it; an activity the student may not join is one they
    /// cannot see.
    pub fn into_error(self) -> ApiError {
        match self {
            Refusal::NoActivity => ApiError::not_found("activity"),
            Refusal::ActivityCancelled => ApiError::conflict("signup_closed", "the activity was cancelled"),
            Refusal::Closed => ApiError::conflict("signup_closed", "sign-ups for this activity are closed"),
            Refusal::NotInAudience => ApiError::not_found("activity"),
            Refusal::NotSignedUp => ApiError::conflict("not_signed_up", "you have not signed up for this activity"),
        }
    }
}

pub fn status_of(s: &str) -> SignupStatus {
    match s {
        "signed_up" => SignupStatus::SignedUp,
        "waitlisted" => SignupStatus::Waitlisted,
        _ => SignupStatus::Cancelled,
    }
}

#[derive(sqlx::FromRow)]
struct Locked {
    capacity: i64,
    signup_until: i64,
    cancelled_at: Option<i64>,
    audience: String,
}

/// Takes the activity's row lock and reads it afresh (`None` when it is gone).
async fn lock(tx: &mut AnyConnection, activity_id: i64) -> sqlx::Result<Option<Locked>> {
    sqlx::query("UPDATE activities SET capacity = capacity WHERE id = $1").bind(activity_id).execute(&mut *tx).await?;
    sqlx::query_as("SELECT capacity, signup_until, cancelled_at, audience FROM activities WHERE id = $1")
        .bind(activity_id)
        .fetch_optional(&mut *tx)
        .await
}

async fn current(tx: &mut AnyConnection, activity_id: i64, student_id: i64) -> sqlx::Result<Option<SignupStatus>> {
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM activity_signups WHERE activity_id = $1 AND student_id = $2")
            .bind(activity_id)
            .bind(student_id)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(status.as_deref().map(status_of))
}

/// Place on the waiting list (1 = next), or `None` when the student is not waiting.
pub async fn position<'c, E: Executor<'c, Database = Any>>(
    exec: E,
    activity_id: i64,
    student_id: i64,
) -> sqlx::Result<Option<i64>> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM activity_signups w JOIN activity_signups me \
         ON me.activity_id = w.activity_id AND me.student_id = $2 AND me.status = 'waitlisted' \
         WHERE w.activity_id = $1 AND w.status = 'waitlisted' AND w.signed_up_at <= me.signed_up_at",
    )
    .bind(activity_id)
    .bind(student_id)
    .fetch_one(exec)
    .await?;
    Ok((n > 0).then_some(n))
}

/// The student joins the roll of the activity's check-in session, if there is one.
async fn onto_roll(tx: &mut AnyConnection, activity_id: i64, student_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO checkin_roll (session_id, student_id, class_id) SELECT cs.id, s.id, s.class_id \
         FROM checkin_sessions cs, students s WHERE cs.activity_id = $1 AND s.id = $2 ON CONFLICT DO NOTHING",
    )
    .bind(activity_id)
    .bind(student_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The student leaves the roll, unless they already checked in.
async fn off_roll(tx: &mut AnyConnection, activity_id: i64, student_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM checkin_roll WHERE student_id = $2 AND checked_at IS NULL \
         AND session_id IN (SELECT cs.id FROM checkin_sessions cs WHERE cs.activity_id = $1)",
    )
    .bind(activity_id)
    .bind(student_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Signs the student up: a place while there is one, else the back of the queue
/// (re-signing after a cancellation goes to the back too).
pub async fn sign_up(db: &Db, activity_id: i64, student_id: i64) -> sqlx::Result<Result<Joined, Refusal>> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let Some(activity) = lock(&mut tx, activity_id).await? else {
        return Ok(Err(Refusal::NoActivity));
    };
    if activity.cancelled_at.is_some() {
        return Ok(Err(Refusal::ActivityCancelled));
    }
    match current(&mut tx, activity_id, student_id).await? {
        Some(SignupStatus::SignedUp) => return Ok(Ok(Joined::AlreadyPlaced)),
        Some(SignupStatus::Waitlisted) => {
            let position = position(&mut *tx, activity_id, student_id).await?.unwrap_or(1);
            return Ok(Ok(Joined::AlreadyWaitlisted { position }));
        }
        _ => {}
    }
    if now >= activity.signup_until {
        return Ok(Err(Refusal::Closed));
    }
    let audience = serde_json::from_str(&activity.audience).unwrap_or_default();
    let sql = format!("SELECT COUNT(*) FROM students s WHERE s.id = $1 AND ({})", eligible_condition(&audience));
    let eligible: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(student_id).fetch_one(&mut *tx).await?;
    if eligible == 0 {
        return Ok(Err(Refusal::NotInAudience));
    }
    let (placed, last): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(CASE WHEN status = 'signed_up' THEN 1 END), MAX(signed_up_at) \
         FROM activity_signups WHERE activity_id = $1",
    )
    .bind(activity_id)
    .fetch_one(&mut *tx)
    .await?;
    let status = if placed < activity.capacity { "signed_up" } else { "waitlisted" };
    let at = last.map_or(now, |last| now.max(last + 1));
    sqlx::query(
        "INSERT INTO activity_signups (activity_id, student_id, status, signed_up_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (activity_id, student_id) DO UPDATE SET status = excluded.status, \
         signed_up_at = excluded.signed_up_at, promoted_at = NULL, cancelled_at = NULL",
    )
    .bind(activity_id)
    .bind(student_id)
    .bind(status)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let joined = if status == "signed_up" {
        onto_roll(&mut tx, activity_id, student_id).await?;
        Joined::Placed
    } else {
        Joined::Waitlisted { position: position(&mut *tx, activity_id, student_id).await?.unwrap_or(1) }
    };
    tx.commit().await?;
    Ok(Ok(joined))
}

/// Cancels the student's sign-up; a place given up goes to the first in the queue.
pub async fn cancel(db: &Db, activity_id: i64, student_id: i64) -> sqlx::Result<Result<Left, Refusal>> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let Some(activity) = lock(&mut tx, activity_id).await? else {
        return Ok(Err(Refusal::NoActivity));
    };
    if activity.cancelled_at.is_some() {
        return Ok(Err(Refusal::ActivityCancelled));
    }
    let held = match current(&mut tx, activity_id, student_id).await? {
        Some(held @ (SignupStatus::SignedUp | SignupStatus::Waitlisted)) => held,
        _ => return Ok(Err(Refusal::NotSignedUp)),
    };
    if now >= activity.signup_until {
        return Ok(Err(Refusal::Closed));
    }
    sqlx::query(
        "UPDATE activity_signups SET status = 'cancelled', cancelled_at = $3 WHERE activity_id = $1 AND student_id = $2",
    )
    .bind(activity_id)
    .bind(student_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let mut promoted = Vec::new();
    if held == SignupStatus::SignedUp {
        off_roll(&mut tx, activity_id, student_id).await?;
        promoted = fill_places(&mut tx, activity_id, activity.capacity, now).await?;
    }
    tx.commit().await?;
    Ok(Ok(Left { held, promoted }))
}

/// Gives the free places to the first in the queue; returns who moved up.
async fn fill_places(tx: &mut AnyConnection, activity_id: i64, capacity: i64, now: i64) -> sqlx::Result<Vec<i64>> {
    let placed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM activity_signups WHERE activity_id = $1 AND status = 'signed_up'")
            .bind(activity_id)
            .fetch_one(&mut *tx)
            .await?;
    let free = capacity - placed;
    if free <= 0 {
        return Ok(Vec::new());
    }
    let next: Vec<i64> = sqlx::query_scalar(
        "SELECT student_id FROM activity_signups WHERE activity_id = $1 AND status = 'waitlisted' \
         ORDER BY signed_up_at, student_id LIMIT $2",
    )
    .bind(activity_id)
    .bind(free)
    .fetch_all(&mut *tx)
    .await?;
    for &student in &next {
        sqlx::query(
            "UPDATE activity_signups SET status = 'signed_up', promoted_at = $3 WHERE activity_id = $1 AND student_id = $2",
        )
        .bind(activity_id)
        .bind(student)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        onto_roll(tx, activity_id, student).await?;
    }
    Ok(next)
}

/// The activity as the student sees it on their page.
pub async fn for_student(db: &Db, row: ActivityRow, student_id: i64) -> sqlx::Result<StudentActivity> {
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM activity_signups WHERE activity_id = $1 AND student_id = $2")
            .bind(row.id)
            .bind(student_id)
            .fetch_optional(db.pool())
            .await?;
    let waitlist_position = position(db.pool(), row.id, student_id).await?;
    Ok(StudentActivity {
        open: row.is_open(now_ms()),
        my_status: status.as_deref().map(status_of),
        waitlist_position,
        id: row.id,
        title: row.title,
        description: row.description,
        place: row.place,
        starts_at: to_time(row.starts_at),
        ends_at: to_time(row.ends_at),
        capacity: row.capacity,
        signup_until: to_time(row.signup_until),
        code: row.code,
        signed_up: row.signed_up,
    })
}

/// Tells an open live view of the activity's check-in session that its roll may have
/// changed (a place taken or given up before the deadline).
pub async fn roll_changed(state: &crate::state::AppState, activity: i64) -> sqlx::Result<()> {
    let session: Option<i64> = sqlx::query_scalar("SELECT id FROM checkin_sessions WHERE activity_id = $1")
        .bind(activity)
        .fetch_optional(state.db.pool())
        .await?;
    if let Some(id) = session {
        crate::checkin::live::changed(&state.kv, id).await;
    }
    Ok(())
}
