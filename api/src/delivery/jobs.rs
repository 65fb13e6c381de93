//! The platform's later word on a send: TEMPLATESENDJOBFINISH (delivered, blocked by the
//! student, failed) and MASSSENDJOBFINISH (the job's status and counts), matched to rows
//! by channel and msgid. A result is kept in `platform_jobs` as it arrives, because it
//! can beat the worker's record of the send; `apply_early` then applies it when the send
//! is recorded.
//!
//! A template send whose answer was lost and whose repeat was refused as a duplicate
//! (45065) is sent, but its msgid is unknown: its result is matched instead by the
//! student's openid to their latest such send, each result used once.

use sqlx::AnyConnection;

use super::reasons;
use crate::db::{now_ms, Db};
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Event;

/// Applies the stored job results to the rows that `scope` selects (a SQL condition on
/// `deliveries`, with parameters from `$1`).
fn apply_sql(scope: &str) -> String {
    format!(
        "UPDATE deliveries SET job_status = j.status, \
         delivered_at = CASE WHEN j.channel IN ('template', 'subscribe') AND j.status = 'success' THEN j.received_at ELSE deliveries.delivered_at END, \
         status = CASE WHEN deliveries.status = 'sent' AND ({failed}) THEN 'failed' ELSE deliveries.status END, \
         failure = CASE WHEN j.status LIKE '%user block%' THEN '{blocked}' \
                        WHEN {failed} THEN 'WeChat could not deliver it (' || j.status || ')' ELSE deliveries.failure END, \
         errcode = CASE WHEN j.status LIKE '%user block%' THEN 43101 ELSE deliveries.errcode END \
         FROM platform_jobs j WHERE j.channel = deliveries.channel AND j.msgid = deliveries.msgid \
         AND deliveries.job_status IS NULL AND {scope}",
        failed = "j.status LIKE 'failed%' OR (j.channel = 'mass' AND j.status NOT IN ('send success', 'sendsuccess'))",
        blocked = reasons::BLOCKED,
    )
}

/// A job result from the platform: kept, and applied to the rows it is about.
pub async fn finished(
    db: &Db,
    channel: &str,
    msgid: i64,
    openid: Option<&str>,
    status: &str,
    counts: [Option<i64>; 4],
) -> sqlx::Result<u64> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO platform_jobs (channel, msgid, openid, status, total, filtered, sent, errors, received_at, \
         applied) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE) ON CONFLICT DO NOTHING",
    )
    .bind(channel)
    .bind(msgid)
    .bind(openid)
    .bind(status)
    .bind(counts[0])
    .bind(counts[1])
    .bind(counts[2])
    .bind(counts[3])
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    // Applied unless no rows are found; nobody sees the flag before the commit.
    let (updated, known) = match_rows(&mut tx, channel, msgid, openid).await?;
    if !known {
        mark_applied(&mut tx, channel, msgid, false).await?;
    }
    tx.commit().await?;
    Ok(updated)
}

/// Matches one stored result to its rows (by msgid, or for a template send whose msgid
/// was never learnt, by openid) and applies it. Returns how many rows it changed and
/// whether its rows are known (found now or by an earlier copy of the result).
async fn match_rows(
    tx: &mut AnyConnection,
    channel: &str,
    msgid: i64,
    openid: Option<&str>,
) -> sqlx::Result<(u64, bool)> {
    let scope = "j.channel = $1 AND j.msgid = $2 AND deliveries.channel = $1 AND deliveries.msgid = $2";
    let apply = || sqlx::query(sqlx::AssertSqlSafe(apply_sql(scope))).bind(channel).bind(msgid);
    // The usual case, one statement: the send was recorded before its result came.
    let updated = apply().execute(&mut *tx).await?.rows_affected();
    if updated > 0 {
        return Ok((updated, true));
    }
    let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE channel = $1 AND msgid = $2")
        .bind(channel)
        .bind(msgid)
        .fetch_one(&mut *tx)
        .await?;
    if known > 0 {
        // Rows the apply above did not see may have been committed since (each statement
        // sees what is committed when it starts): apply again; a repeat changes nothing.
        return Ok((apply().execute(&mut *tx).await?.rows_affected(), true));
    }
    // Template sends repeated into a 45065, and every subscribe notification (bizsend
    // answers without a msgid): the student's latest such send takes the result.
    if channel != "template" && channel != "subscribe" {
        return Ok((0, false));
    }
    let adopted = sqlx::query(
        "UPDATE deliveries SET msgid = $1 WHERE id = (SELECT id FROM deliveries WHERE channel = $3 \
         AND openid = $2 AND msgid IS NULL AND status = 'sent' ORDER BY sent_at DESC, id DESC LIMIT 1)",
    )
    .bind(msgid)
    .bind(openid)
    .bind(channel)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if adopted == 0 {
        return Ok((0, false));
    }
    Ok((apply().execute(&mut *tx).await?.rows_affected(), true))
}

async fn mark_applied(tx: &mut AnyConnection, channel: &str, msgid: i64, applied: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE platform_jobs SET applied = $3 WHERE channel = $1 AND msgid = $2")
        .bind(channel)
        .bind(msgid)
        .bind(applied)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// How far back housekeeping looks for results that found no rows.
const SWEEP_WINDOW_MS: i64 = 15 * 60 * 1000;

/// Housekeeping: matches again the recent results that found no rows when they arrived.
pub async fn sweep(db: &Db) -> sqlx::Result<u64> {
    let pending: Vec<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT channel, msgid, openid FROM platform_jobs WHERE applied = FALSE AND received_at > $1 \
         ORDER BY received_at DESC LIMIT 500",
    )
    .bind(now_ms() - SWEEP_WINDOW_MS)
    .fetch_all(db.pool())
    .await?;
    let mut updated = 0;
    for (channel, msgid, openid) in pending {
        let mut tx = db.begin_write().await?;
        let (changed, known) = match_rows(&mut tx, &channel, msgid, openid.as_deref()).await?;
        if known {
            mark_applied(&mut tx, &channel, msgid, true).await?;
        }
        tx.commit().await?;
        updated += changed;
    }
    Ok(updated)
}

/// Applies results that arrived before these rows' sends were recorded.
pub async fn apply_early(tx: &mut AnyConnection, ids: Vec<i64>) -> sqlx::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // Sends recorded without a msgid take the unused result for their student.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE deliveries SET msgid = (SELECT j.msgid FROM platform_jobs j WHERE j.channel = deliveries.channel \
         AND j.openid = deliveries.openid AND NOT EXISTS (SELECT 1 FROM deliveries u WHERE u.channel = j.channel \
         AND u.msgid = j.msgid) ORDER BY j.received_at DESC LIMIT 1) \
         WHERE id IN ({list}) AND channel IN ('template', 'subscribe') AND msgid IS NULL AND status = 'sent'"
    )))
    .execute(&mut *tx)
    .await?;
    let scope = format!("deliveries.msgid IS NOT NULL AND deliveries.id IN ({list})");
    // Each statement sees what is committed when it starts: only a result this one applied
    // is marked, or one committed in between would be marked and never applied.
    sqlx::query(sqlx::AssertSqlSafe(apply_sql(&scope))).execute(&mut *tx).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE platform_jobs SET applied = TRUE WHERE applied = FALSE AND EXISTS (SELECT 1 FROM deliveries d \
         WHERE d.id IN ({list}) AND d.channel = platform_jobs.channel AND d.msgid = platform_jobs.msgid \
         AND d.job_status IS NOT NULL)"
    )))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The webhook rule for job results (they get no reply).
pub async fn on_job_finished(ctx: Context) -> HandlerResult {
    match ctx.incoming.event() {
        Some(Event::TemplateSendJobFinish { msg_id, status }) => {
            finished(&ctx.state.db, "template", *msg_id, Some(&ctx.incoming.openid), status, [None; 4]).await?;
        }
        Some(Event::MassSendJobFinish { msg_id, status, total, filtered, sent, errors }) => {
            let counts = [Some(*total), Some(*filtered), Some(*sent), Some(*errors)];
            finished(&ctx.state.db, "mass", *msg_id, None, status, counts).await?;
        }
        _ => {}
    }
    Ok(None)
}
