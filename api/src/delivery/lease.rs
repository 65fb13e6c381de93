//! Rows change hands here and only here. A worker claims pending rows by writing its
//! name and a lease end on them (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas
//! never claim the same row; SQLite has one writer at a time), marks the channel and
//! idempotency key on them before sending, and records each outcome only while it still
//! holds the row. A worker that dies leaves leases that run out: `reclaim` hands those
//! rows back, except customer-service sends in doubt, which have no idempotency key and
//! are held for the digest rather than risked twice.

use std::collections::BTreeSet;
use std::time::Duration;

use super::planner::Channel;
use super::reasons;
use crate::db::{now_ms, Backend, Db};

/// A claimed row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub notice_id: i64,
    pub openid: Option<String>,
    pub attempts: i64,
    /// The channel of an earlier attempt, if it got as far as choosing one.
    pub channel: Option<String>,
    pub idem_key: Option<String>,
    pub fallback: String,
    /// `notice`, `reminder:<id>` or `reply:<comment id>`: what the message says.
    pub kind: String,
    pub ref_id: Option<i64>,
}

const RETURNING: &str = "RETURNING id, notice_id, openid, attempts, channel, idem_key, fallback, kind, ref_id";

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Claims up to `limit` due rows for `owner`, plus every pending row that shares a mass
/// send's idempotency key with one of them (a mass send in doubt is repeated whole).
pub async fn claim(db: &Db, owner: &str, lease: Duration, limit: i64) -> sqlx::Result<Vec<Row>> {
    let now = now_ms();
    let until = now + lease.as_millis() as i64;
    let lock = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE deliveries SET status = 'sending', lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $3 \
         ORDER BY next_attempt_at, id LIMIT $4{lock}) {RETURNING}"
    );
    let mut tx = db.begin_write().await?;
    let mut rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(until)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    let keys: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.channel.as_deref() == Some(Channel::Mass.as_str()))
        .filter_map(|r| r.idem_key.clone())
        .collect();
    if !keys.is_empty() {
        let sql = format!(
            "UPDATE deliveries SET status = 'sending', lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE status = 'pending' AND idem_key IN ({}) {RETURNING}",
            placeholders(3, keys.len())
        );
        let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).bind(owner).bind(until);
        for key in &keys {
            q = q.bind(key);
        }
        rows.extend(q.fetch_all(&mut *tx).await?);
    }
    tx.commit().await?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// Hands back the rows of workers whose lease ran out. Returns how many.
pub async fn reclaim(db: &Db) -> sqlx::Result<u64> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    // Never sent, or sent by a channel whose repeat the platform recognises (template:
    // `client_msg_id`; mass: `clientmsgid`): pending again, keeping channel and key.
    let back = sqlx::query(
        "UPDATE deliveries SET status = 'pending', lease_owner = NULL, lease_until = NULL \
         WHERE status = 'sending' AND lease_until < $1 AND (channel IS NULL OR channel IN ('template', 'mass', 'digest'))",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let mut code = String::new();
    reasons::push(&mut code, "custom", "unknown_outcome");
    let held = sqlx::query(
        "UPDATE deliveries SET status = 'held', channel = 'digest', lease_owner = NULL, lease_until = NULL, \
         fallback = CASE WHEN fallback = '' THEN $2 ELSE fallback || ';' || $2 END \
         WHERE status = 'sending' AND lease_until < $1 AND channel = 'custom'",
    )
    .bind(now)
    .bind(&code)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(back + held)
}

/// Writes the channel (and mass key) on rows about to be sent, so that a crash after
/// sending is recognised by `reclaim` and the repeat carries the same key.
pub async fn mark(db: &Db, owner: &str, ids: &[i64], channel: Channel, idem_key: Option<&str>) -> sqlx::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE deliveries SET channel = $1, idem_key = $2 WHERE lease_owner = $3 AND status = 'sending' AND id IN ({})",
        placeholders(4, ids.len())
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(channel.as_str()).bind(idem_key).bind(owner);
    for id in ids {
        q = q.bind(id);
    }
    q.execute(db.pool()).await?;
    Ok(())
}

/// How a row's attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent {
        channel: Channel,
        msgid: Option<i64>,
    },
    /// Held for the digest.
    Held,
    Failed {
        reason: String,
        errcode: Option<i64>,
    },
    /// A transient failure: pending again at `at`, same channel and key.
    Retry {
        at: i64,
        reason: String,
        errcode: Option<i64>,
    },
    /// Waiting for a quota to renew; the attempt does not count.
    Deferred {
        until: i64,
    },
    /// The notice was withdrawn meanwhile.
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct Settled {
    pub id: i64,
    pub fallback: String,
    pub outcome: Outcome,
}

/// Records outcomes for rows `owner` still holds, in one transaction. Returns how many
/// rows had been taken from it meanwhile (their lease ran out), which are left alone.
pub async fn record(db: &Db, owner: &str, settled: &[Settled]) -> sqlx::Result<u64> {
    let now = now_ms();
    let mut lost = 0;
    let mut tx = db.begin_write().await?;
    // Sends, nearly every row, are recorded a chunk per statement: row by row, a batch
    // took a round trip each and the worker sent nothing meanwhile.
    let (sent, others): (Vec<&Settled>, Vec<&Settled>) =
        settled.iter().partition(|s| matches!(s.outcome, Outcome::Sent { .. }));
    for chunk in sent.chunks(SENT_CHUNK) {
        let affected = record_sent(&mut tx, owner, now, chunk).await?;
        lost += chunk.len() as u64 - affected;
    }
    const MINE: &str = "lease_owner = $1 AND status = 'sending' AND id = $2";
    for s in others {
        let q = match &s.outcome {
            Outcome::Sent { .. } => unreachable!("recorded above"),
            Outcome::Held => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE deliveries SET status = 'held', channel = 'digest', fallback = $3, \
                 lease_owner = NULL, lease_until = NULL WHERE {MINE}"
            )))
            .bind(owner)
            .bind(s.id)
            .bind(&s.fallback),
            Outcome::Failed { reason, errcode } => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE deliveries SET status = 'failed', failure = $3, errcode = $4, fallback = $5, \
                 lease_owner = NULL, lease_until = NULL WHERE {MINE}"
            )))
            .bind(owner)
            .bind(s.id)
            .bind(reason)
            .bind(*errcode)
            .bind(&s.fallback),
            Outcome::Retry { at, reason, errcode } => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = $3, failure = $4, errcode = $5, \
                 fallback = $6, lease_owner = NULL, lease_until = NULL WHERE {MINE}"
            )))
            .bind(owner)
            .bind(s.id)
            .bind(*at)
            .bind(reason)
            .bind(*errcode)
            .bind(&s.fallback),
            Outcome::Deferred { until } => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = $3, attempts = attempts - 1, \
                 lease_owner = NULL, lease_until = NULL WHERE {MINE}"
            )))
            .bind(owner)
            .bind(s.id)
            .bind(*until),
            Outcome::Cancelled => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE deliveries SET status = 'cancelled', lease_owner = NULL, lease_until = NULL WHERE {MINE}"
            )))
            .bind(owner)
            .bind(s.id),
        };
        if q.execute(&mut *tx).await?.rows_affected() == 0 {
            lost += 1;
        }
    }
    // Job results that came back before the sends were recorded.
    super::jobs::apply_early(&mut tx, settled.iter().map(|s| s.id).collect()).await?;
    tx.commit().await?;
    Ok(lost)
}

/// Rows per statement when recording sends (4 parameters each).
const SENT_CHUNK: usize = 128;

/// Records a chunk of sends in one statement; returns how many rows `owner` still held.
/// A customer-service message the platform accepted is in the student's chat at once (no
/// job result ever follows one), so it counts as delivered when sent.
async fn record_sent(tx: &mut sqlx::AnyConnection, owner: &str, now: i64, chunk: &[&Settled]) -> sqlx::Result<u64> {
    let rows = (0..chunk.len())
        .map(|i| {
            let p = 3 + i * 4;
            format!(
                "SELECT CAST(${} AS BIGINT) AS id, CAST(${} AS TEXT) AS channel, CAST(${} AS BIGINT) AS msgid, \
                 CAST(${} AS TEXT) AS fallback",
                p,
                p + 1,
                p + 2,
                p + 3
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let sql = format!(
        "UPDATE deliveries SET status = 'sent', channel = v.channel, msgid = v.msgid, fallback = v.fallback, \
         sent_at = $2, sent_by = $1, failure = NULL, \
         delivered_at = CASE WHEN v.channel = 'custom' THEN $2 ELSE deliveries.delivered_at END, errcode = NULL, lease_owner = NULL, lease_until = NULL \
         FROM ({rows}) AS v WHERE deliveries.id = v.id AND deliveries.lease_owner = $1 AND deliveries.status = 'sending'"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(owner).bind(now);
    for s in chunk {
        let Outcome::Sent { channel, msgid } = &s.outcome else { unreachable!("only sends") };
        q = q.bind(s.id).bind(channel.as_str()).bind(*msgid).bind(&s.fallback);
    }
    Ok(q.execute(&mut *tx).await?.rows_affected())
}

/// Notices in `sending` with nothing left to send become `sent`. Returns their ids.
pub async fn finish(db: &Db) -> sqlx::Result<Vec<i64>> {
    let now = now_ms();
    let done: Vec<i64> = sqlx::query_scalar(
        "UPDATE notices SET status = 'sent', finished_at = $1, paused_until = NULL, status_note = '' \
         WHERE status = 'sending' AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.notice_id = notices.id \
         AND d.status IN ('pending', 'sending')) RETURNING id",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    Ok(done)
}
