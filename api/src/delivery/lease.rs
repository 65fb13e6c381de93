//! Rows change hands here and only here. A worker claims pending rows by writing its
//! name and a lease end on them (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas
//! never claim the same row; SQLite has one writer at a time), renews the lease of the
//! rows in hand while their batch is in flight (`renew`, every third of a lease), marks
//! the channel and idempotency key on them just before sending (`mark`, which says which
//! rows are still its own: only those are sent), and records each outcome only while it
//! still holds the row (`record`).
//!
//! A worker that dies (or loses the database for longer than a lease) leaves leases that
//! run out, and `reclaim` decides what its rows become. Rows never sent, and rows sent by
//! a channel whose repeat the platform recognises (template: `client_msg_id`; mass:
//! `clientmsgid`), are pending again with their channel and key. A customer-service
//! message has no key: the platform may or may not have it, and a repeat (by any channel,
//! the digest included) would be a duplicate, so it is recorded as sent with its outcome
//! unknown (`custom:unknown_outcome`, no `delivered_at`). Customer-service messages are
//! marked a wave at a time (as many as are sent at once) and recorded when the wave
//! returns, so a crash leaves at most one wave in doubt.

use std::collections::BTreeSet;
use std::time::Duration;

use super::planner::Channel;
use crate::db::{now_ms, Backend, Db};

/// A claimed row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    /// None for a teacher's answer from 消息 (`reply:inbox:<id>`), which belongs to no notice.
    pub notice_id: Option<i64>,
    pub openid: Option<String>,
    pub attempts: i64,
    /// The channel of an earlier attempt, if it got as far as choosing one.
    pub channel: Option<String>,
    pub idem_key: Option<String>,
    pub fallback: String,
    /// `notice`, `reminder:<id>`, `reply:<comment id>` or `reply:inbox:<answer id>`: what
    /// the message says.
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
    // A customer-service channel left on a pending row is an earlier attempt's that did
    // nothing (a refusal or "busy"): it is planned afresh, and a mark of `custom` on a
    // row in hand always means "this attempt may have sent it".
    let sql = format!(
        "UPDATE deliveries SET status = 'sending', lease_owner = $1, lease_until = $2, attempts = attempts + 1, \
         channel = CASE WHEN channel IN ('custom', 'subscribe') THEN NULL ELSE channel END \
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

/// Takes back the rows of workers whose lease ran out (see the module docs), and the rows
/// `own`er (the calling worker, between rounds: it holds none then) left leased to itself
/// when the database went away mid-batch (a claim committed whose answer was lost, a
/// record that could not be written): waiting out their lease would stall them for a
/// lease after the database is back. Returns how many.
pub async fn reclaim(db: &Db, own: &str) -> sqlx::Result<u64> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let back = sqlx::query(
        "UPDATE deliveries SET status = 'pending', lease_owner = NULL, lease_until = NULL \
         WHERE status = 'sending' AND (lease_until < $1 OR lease_owner = $2) \
         AND (channel IS NULL OR channel IN ('template', 'mass', 'digest'))",
    )
    .bind(now)
    .bind(own)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // `custom:unknown_outcome` or `subscribe:unknown_outcome` (see `reasons`).
    let code = "channel || ':unknown_outcome'";
    // Sent as far as anyone can tell, by the worker that held it; never repeated.
    let in_doubt = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE deliveries SET status = 'sent', sent_at = $1, sent_by = lease_owner, delivered_at = NULL, \
         lease_owner = NULL, lease_until = NULL, \
         fallback = CASE WHEN fallback = '' THEN {code} ELSE fallback || ';' || {code} END \
         WHERE status = 'sending' AND (lease_until < $1 OR lease_owner = $2) AND channel IN ('custom', 'subscribe')"
    )))
    .bind(now)
    .bind(own)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(back + in_doubt)
}

/// Renews the lease of the rows in hand that `owner` still holds (the heartbeat of a
/// batch in flight). Returns how many it still holds.
pub async fn renew(db: &Db, owner: &str, lease: Duration, ids: &[i64]) -> sqlx::Result<u64> {
    let mut held = 0;
    for chunk in ids.chunks(ID_CHUNK) {
        let sql = format!(
            "UPDATE deliveries SET lease_until = $1 WHERE lease_owner = $2 AND status = 'sending' AND id IN ({})",
            placeholders(3, chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(lease_end(lease)).bind(owner);
        for id in chunk {
            q = q.bind(id);
        }
        held += q.execute(db.pool()).await?.rows_affected();
    }
    Ok(held)
}

/// Ids per statement where a statement lists rows by id.
const ID_CHUNK: usize = 500;

fn lease_end(lease: Duration) -> i64 {
    now_ms() + lease.as_millis() as i64
}

/// Writes the channel (and mass key) on rows about to be sent, so that a crash after
/// sending is recognised by `reclaim` and the repeat carries the same key, and starts a
/// fresh lease on them. Returns the ids `owner` still held and marked: only those may be
/// sent (the others were taken back and may be another worker's by now).
pub async fn mark(
    db: &Db,
    owner: &str,
    lease: Duration,
    ids: &[i64],
    channel: Channel,
    idem_key: Option<&str>,
) -> sqlx::Result<BTreeSet<i64>> {
    let mut marked = BTreeSet::new();
    for chunk in ids.chunks(ID_CHUNK) {
        let sql = format!(
            "UPDATE deliveries SET channel = $1, idem_key = $2, lease_until = $3 \
             WHERE lease_owner = $4 AND status = 'sending' AND id IN ({}) RETURNING id",
            placeholders(5, chunk.len())
        );
        let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
            .bind(channel.as_str())
            .bind(idem_key)
            .bind(lease_end(lease))
            .bind(owner);
        for id in chunk {
            q = q.bind(id);
        }
        marked.extend(q.fetch_all(db.pool()).await?);
    }
    Ok(marked)
}

/// How a row's attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent {
        channel: Channel,
        msgid: Option<i64>,
    },
    /// Sent, as far as anyone can tell, but the platform's answer never came (a
    /// customer-service message has no key to repeat it by, and a template message whose
    /// template is no longer mapped cannot be repeated): sent, not known to be delivered.
    Unconfirmed {
        channel: Channel,
    },
    /// Held for the digest.
    Held,
    Failed {
        reason: String,
        errcode: Option<i64>,
    },
    /// A transient failure: pending again at `at`. When the attempt may have taken
    /// effect (`in_doubt`: a timeout, a 5xx) the row keeps its channel and key, so the
    /// repeat is one the platform recognises; when the platform said it did nothing
    /// (busy) the row is planned afresh.
    Retry {
        at: i64,
        reason: String,
        errcode: Option<i64>,
        in_doubt: bool,
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

/// Records outcomes for rows `owner` still holds, in one transaction, and takes the
/// customer-service mark off `released` rows (it refused them: nothing was sent, and they
/// go on to another channel). Returns how many rows had been taken from it meanwhile
/// (their lease ran out), which are left alone.
pub async fn record(db: &Db, owner: &str, settled: &[Settled], released: &[i64]) -> sqlx::Result<u64> {
    let now = now_ms();
    let mut lost = 0;
    let mut tx = db.begin_write().await?;
    for chunk in released.chunks(ID_CHUNK) {
        let sql = format!(
            "UPDATE deliveries SET channel = NULL WHERE lease_owner = $1 AND status = 'sending' \
             AND channel IN ('custom', 'subscribe') AND id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(owner);
        for id in chunk {
            q = q.bind(id);
        }
        q.execute(&mut *tx).await?;
    }
    // Sends, nearly every row, are recorded a chunk per statement: row by row, a batch
    // took a round trip each and the worker sent nothing meanwhile.
    let (sent, others): (Vec<&Settled>, Vec<&Settled>) =
        settled.iter().partition(|s| matches!(s.outcome, Outcome::Sent { .. } | Outcome::Unconfirmed { .. }));
    for chunk in sent.chunks(SENT_CHUNK) {
        let affected = record_sent(&mut tx, owner, now, chunk).await?;
        lost += chunk.len() as u64 - affected;
    }
    const MINE: &str = "lease_owner = $1 AND status = 'sending' AND id = $2";
    for s in others {
        let q = match &s.outcome {
            Outcome::Sent { .. } | Outcome::Unconfirmed { .. } => unreachable!("recorded above"),
            Outcome::Held => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE deliveries SET status = 'held', channel = 'digest', fallback = $3, \
                 lease_owner = NULL, lease_until = NULL WHERE {MINE}"
            )))
            .bind(owner)
            .bind(s.id)
            .bind(&s.fallback),
            Outcome::Failed { reason, errcode } => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE deliveries SET status = $6, failure = $3, errcode = $4, fallback = $5, \
                 lease_owner = NULL, lease_until = NULL WHERE {MINE}"
            )))
            .bind(owner)
            .bind(s.id)
            .bind(reason)
            .bind(*errcode)
            .bind(&s.fallback)
            // A student with no WeChat is not reachable rather than failed (shown apart).
            .bind(if reason == super::reasons::NOT_BOUND { "unbound" } else { "failed" }),
            Outcome::Retry { at, reason, errcode, in_doubt } => sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = $3, failure = $4, errcode = $5, \
                 fallback = $6, channel = CASE WHEN $7 = 1 THEN channel ELSE NULL END, \
                 lease_owner = NULL, lease_until = NULL WHERE {MINE}"
            )))
            .bind(owner)
            .bind(s.id)
            .bind(*at)
            .bind(reason)
            .bind(*errcode)
            .bind(&s.fallback)
            .bind(i64::from(*in_doubt)),
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

/// Rows per statement when recording sends (5 parameters each).
const SENT_CHUNK: usize = 128;

/// Records a chunk of sends in one statement; returns how many rows `owner` still held.
/// A customer-service message the platform accepted is in the student's chat at once (no
/// job result ever follows one), so it counts as delivered when sent; an unconfirmed one
/// does not.
async fn record_sent(tx: &mut sqlx::AnyConnection, owner: &str, now: i64, chunk: &[&Settled]) -> sqlx::Result<u64> {
    let rows = (0..chunk.len())
        .map(|i| {
            let p = 3 + i * 5;
            format!(
                "SELECT CAST(${} AS BIGINT) AS id, CAST(${} AS TEXT) AS channel, CAST(${} AS BIGINT) AS msgid, \
                 CAST(${} AS TEXT) AS fallback, CAST(${} AS BIGINT) AS delivered",
                p,
                p + 1,
                p + 2,
                p + 3,
                p + 4
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let sql = format!(
        "UPDATE deliveries SET status = 'sent', channel = v.channel, msgid = v.msgid, fallback = v.fallback, \
         sent_at = $2, sent_by = $1, failure = NULL, \
         delivered_at = CASE WHEN v.delivered = 1 THEN $2 ELSE deliveries.delivered_at END, errcode = NULL, lease_owner = NULL, lease_until = NULL \
         FROM ({rows}) AS v WHERE deliveries.id = v.id AND deliveries.lease_owner = $1 AND deliveries.status = 'sending'"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(owner).bind(now);
    for s in chunk {
        let (channel, msgid, delivered) = match &s.outcome {
            Outcome::Sent { channel, msgid } => (*channel, *msgid, *channel == Channel::Custom),
            Outcome::Unconfirmed { channel } => (*channel, None, false),
            _ => unreachable!("only sends"),
        };
        q = q.bind(s.id).bind(channel.as_str()).bind(msgid).bind(&s.fallback).bind(i64::from(delivered));
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
