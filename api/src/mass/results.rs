//! Following a mass send to its end. The platform's word comes as MASSSENDJOBFINISH
//! (TotalCount, FilterCount, SentCount, ErrorCount and a status: `send success`,
//! `send fail`, `err(10001)` …). The webhook keeps every such result in `platform_jobs`
//! (`delivery::jobs`, which also serves notices' mass deliveries); here it is copied onto
//! the send whose msg_id it names — when it arrives, or when the send is recorded if the
//! result beat it.
//!
//! A result that never comes (the platform's push failed for good) is asked for with
//! `message/mass/get` (SEND_SUCCESS, SENDING, SEND_FAIL, DELETE): from the console's
//! 刷新 at once, and by each replica's `follow_forever` for sends still waiting after a
//! few minutes. `mass/get` gives no counts; a result that arrives later still fills them.

use std::time::Duration;

use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Event;

/// How long a send waits for its job result before `mass/get` is asked, and how often.
const OVERDUE_MS: i64 = 3 * 60 * 1000;
const ASK_EVERY_MS: i64 = 5 * 60 * 1000;
/// Sends older than this are no longer followed (the platform's job is long over).
const FOLLOW_FOR_MS: i64 = 3 * 24 * 3600 * 1000;
const POLL: Duration = Duration::from_secs(60);

/// Whether the platform's job status means the message went out.
pub fn succeeded(status: &str) -> bool {
    matches!(status.trim(), "send success" | "sendsuccess" | "SEND_SUCCESS")
}

/// Why a job failed, in words: `err(n)` is the platform's review of the content.
pub fn failure_of(status: &str) -> Option<String> {
    if succeeded(status) {
        return None;
    }
    let code = status.trim().strip_prefix("err(").and_then(|s| s.strip_suffix(')'));
    let words = match code.and_then(|c| c.parse::<i64>().ok()) {
        Some(10001) => "suspected of advertising",
        Some(20001) => "suspected of political content",
        Some(20002) => "suspected of pornography",
        Some(20004) => "suspected of social content",
        Some(20006) => "suspected of illegal or criminal content",
        Some(20008) => "suspected of fraud",
        Some(20013) => "suspected of copyright infringement",
        Some(21000) => "suspected of other violations",
        Some(22000) => "suspected of mutual promotion",
        Some(30001) | Some(30002) | Some(30003) => "refused by the platform's originality check",
        Some(_) => "refused by the platform's review",
        None if status.contains("fail") || status == "SEND_FAIL" => "the platform could not send it",
        None => "the platform reported an unknown status",
    };
    Some(format!("WeChat did not send it: {words} ({})", status.trim()))
}

type Stored = (i64, String, Option<i64>, Option<i64>, Option<i64>, Option<i64>, i64);

/// Copies kept job results onto their sends (all that wait, one send, or one msg_id).
pub async fn apply_stored(db: &Db, send_id: Option<i64>, msg_id: Option<i64>) -> sqlx::Result<u64> {
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT m.id, j.status, j.total, j.filtered, j.sent, j.errors, j.received_at FROM mass_sends m \
         JOIN platform_jobs j ON j.channel = 'mass' AND j.msgid = m.msg_id \
         WHERE m.total IS NULL AND ($1 IS NULL OR m.id = $1) AND ($2 IS NULL OR m.msg_id = $2)",
    )
    .bind(send_id)
    .bind(msg_id)
    .fetch_all(db.pool())
    .await?;
    let mut applied = 0;
    for (id, status, total, filtered, sent, errors, at) in rows {
        let outcome = if succeeded(&status) { "success" } else { "failed" };
        applied += sqlx::query(
            "UPDATE mass_sends SET status = CASE WHEN status = 'deleted' THEN status ELSE $1 END, \
             platform_status = $2, failure = $3, total = $4, filtered = $5, sent = $6, errors = $7, \
             finished_at = COALESCE(finished_at, $8) WHERE id = $9 AND total IS NULL",
        )
        .bind(outcome)
        .bind(&status)
        .bind(failure_of(&status))
        .bind(total)
        .bind(filtered)
        .bind(sent)
        .bind(errors)
        .bind(at)
        .bind(id)
        .execute(db.pool())
        .await?
        .rows_affected();
        // Found its send: the notices' housekeeping need not look for its rows again.
        sqlx::query(
            "UPDATE platform_jobs SET applied = TRUE WHERE channel = 'mass' \
             AND msgid = (SELECT msg_id FROM mass_sends WHERE id = $1)",
        )
        .bind(id)
        .execute(db.pool())
        .await?;
    }
    Ok(applied)
}

/// The webhook rule's part for the assistant (after `delivery::jobs` kept the result).
pub async fn on_job_finished(ctx: Context) -> HandlerResult {
    if let Some(Event::MassSendJobFinish { msg_id, .. }) = ctx.incoming.event() {
        apply_stored(&ctx.state.db, None, Some(*msg_id)).await?;
    }
    Ok(None)
}

/// Asks the platform how a send stands (`mass/get`) and records what it says.
pub async fn ask(state: &AppState, id: i64) -> ApiResult<()> {
    let row: Option<(Option<i64>, String)> = sqlx::query_as("SELECT msg_id, status FROM mass_sends WHERE id = $1")
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?;
    let Some((Some(msg_id), status)) = row else { return Ok(()) };
    sqlx::query("UPDATE mass_sends SET checked_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(state.db.pool())
        .await?;
    if status != "submitted" {
        return Ok(());
    }
    let answer = state
        .wechat
        .client
        .mass_status(msg_id)
        .await
        .map_err(|e| e.to_api_error("WeChat did not say how the mass message went"))?;
    let (status, failure) = match answer.msg_status.as_str() {
        "SEND_SUCCESS" => ("success", None),
        "SEND_FAIL" => ("failed", failure_of("SEND_FAIL")),
        "DELETE" => ("deleted", None),
        _ => return Ok(()),
    };
    sqlx::query(
        "UPDATE mass_sends SET status = $1, platform_status = $2, failure = $3, finished_at = $4 \
         WHERE id = $5 AND status = 'submitted'",
    )
    .bind(status)
    .bind(&answer.msg_status)
    .bind(failure)
    .bind(now_ms())
    .bind(id)
    .execute(state.db.pool())
    .await
    .map_err(ApiError::from)?;
    Ok(())
}

/// Asks about every send waiting longer than `overdue_ms` and not asked in `every_ms`;
/// each is claimed first, so replicas do not ask twice. Returns how many were asked.
pub async fn ask_overdue(state: &AppState, overdue_ms: i64, every_ms: i64) -> anyhow::Result<usize> {
    let now = now_ms();
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM mass_sends WHERE status = 'submitted' AND created_at <= $1 AND created_at > $2 \
         AND (checked_at IS NULL OR checked_at <= $3) ORDER BY created_at LIMIT 100",
    )
    .bind(now - overdue_ms)
    .bind(now - FOLLOW_FOR_MS)
    .bind(now - every_ms)
    .fetch_all(state.db.pool())
    .await?;
    let mut asked = 0;
    for id in due {
        let claimed = sqlx::query(
            "UPDATE mass_sends SET checked_at = $1 WHERE id = $2 AND (checked_at IS NULL OR checked_at <= $3)",
        )
        .bind(now)
        .bind(id)
        .bind(now - every_ms)
        .execute(state.db.pool())
        .await?
        .rows_affected();
        if claimed == 1 {
            if let Err(err) = ask(state, id).await {
                tracing::warn!(send = id, error = ?err.body(), "asking WeChat about a mass send failed");
            }
            asked += 1;
        }
    }
    Ok(asked)
}

/// Each replica's follower of mass sends whose result did not come.
pub async fn follow_forever(state: AppState) {
    loop {
        tokio::time::sleep(POLL).await;
        if let Err(err) = apply_stored(&state.db, None, None).await {
            tracing::debug!(error = %err, "following mass sends waits for the database");
            continue;
        }
        if let Err(err) = ask_overdue(&state, OVERDUE_MS, ASK_EVERY_MS).await {
            tracing::debug!(error = %err, "following mass sends waits for the database");
        }
    }
}
