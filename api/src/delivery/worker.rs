//! The loop each replica runs: start scheduled notices that are due, take back rows from
//! workers that died, then — within the shared budgets — claim a batch, choose channels,
//! send (several at a time), and record, renewing the batch's leases all the while
//! (`ledger`). Only rows whose mark says they are still this worker's are sent. It idles
//! on a bell rung when a notice is sent, and polls besides, so rows made by another
//! replica are seen too.

use std::time::{Duration, Instant};

use super::dispatch::dispatch;
use super::lease;
use super::ledger::{self, Ledger};
use super::rate::{self, Budgets, Grant};
use crate::db::now_ms;
use crate::notices::lifecycle;
use crate::state::AppState;

/// Rows claimed at a time.
const BATCH: u64 = 256;
/// Attempts before a row that keeps failing transiently is given up.
pub const MAX_ATTEMPTS: i64 = 5;
/// How often scheduled notices and expired leases are looked at.
const HOUSEKEEPING: Duration = Duration::from_secs(1);
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How often the platform's list of blocked template messages is read.
const BLOCKED_POLL: Duration = Duration::from_secs(300);

enum Round {
    Idle,
    Worked,
    Wait(Duration),
}

pub async fn run(state: AppState) {
    let engine = state.delivery.clone();
    tracing::info!(worker = engine.owner(), "delivery worker started");
    let mut last_housekeeping: Option<Instant> = None;
    let mut last_blocked_poll = Instant::now();
    while !engine.stopping() {
        if last_blocked_poll.elapsed() >= BLOCKED_POLL {
            last_blocked_poll = Instant::now();
            match super::refusals::poll_blocked(&state).await {
                Ok(0) => {}
                Ok(back) => tracing::warn!(back, "WeChat blocked template messages; those rows go by the next channel"),
                Err(err) => tracing::debug!(error = %err, "could not read the blocked template messages"),
            }
        }
        if last_housekeeping.is_none_or(|t| t.elapsed() >= HOUSEKEEPING) {
            match housekeeping(&state).await {
                Err(err) if crate::health::is_outage(&err) => {
                    tracing::debug!(error = %err, "delivery housekeeping waits for the database")
                }
                Err(err) => tracing::warn!(error = %err, "delivery housekeeping failed"),
                Ok(()) => {}
            }
            last_housekeeping = Some(Instant::now());
        }
        let pause = match round(&state).await {
            Ok(Round::Worked) => continue,
            Ok(Round::Idle) => IDLE_POLL,
            Ok(Round::Wait(d)) => d.min(HOUSEKEEPING * 5),
            // The database or the cache away: logged once by their watch; pause and try again.
            Err(err) if crate::health::is_outage(&err) => {
                tracing::debug!(error = %err, "delivery paused: a dependency is away");
                Duration::from_secs(1)
            }
            Err(err) => {
                tracing::warn!(error = %err, "delivery round failed");
                Duration::from_secs(1)
            }
        };
        tokio::select! {
            _ = engine.bell.notified() => {}
            _ = tokio::time::sleep(pause) => {}
        }
    }
    tracing::info!(worker = engine.owner(), "delivery worker stopped");
}

async fn housekeeping(state: &AppState) -> anyhow::Result<()> {
    let started = lifecycle::start_due(&state.db).await?;
    if started > 0 {
        tracing::info!(started, "scheduled notices started");
    }
    let reclaimed = lease::reclaim(&state.db, state.delivery.owner()).await?;
    if reclaimed > 0 {
        tracing::warn!(
            reclaimed,
            "took back delivery rows left in flight (a worker stopped, or lost the database mid-batch)"
        );
    }
    sqlx::query("UPDATE notices SET paused_until = NULL, status_note = '' WHERE paused_until IS NOT NULL AND paused_until <= $1")
        .bind(now_ms())
        .execute(state.db.pool())
        .await?;
    let late = super::jobs::sweep(&state.db).await?;
    if late > 0 {
        tracing::info!(late, "applied job results that arrived while their sends were being recorded");
    }
    lease::finish(&state.db).await?;
    Ok(())
}

fn budgets(state: &AppState) -> Budgets {
    Budgets { per_minute: state.config.send_per_minute, per_day: state.config.send_per_day }
}

async fn round(state: &AppState) -> anyhow::Result<Round> {
    let owner = state.delivery.owner();
    let granted = match rate::take(&state.kv, budgets(state), BATCH).await? {
        Grant::Send(n) => n,
        Grant::WaitMinute(d) => return Ok(Round::Wait(d)),
        Grant::WaitDay(until) => {
            pause_until(state, until).await?;
            return Ok(Round::Wait(Duration::from_millis((until - now_ms()).max(0) as u64)));
        }
    };
    let rows = lease::claim(&state.db, owner, ledger::lease_of(state), granted as i64).await?;
    if rows.is_empty() {
        rate::give_back(&state.kv, granted).await?;
        return Ok(Round::Idle);
    }
    let notices: std::collections::BTreeSet<i64> = rows.iter().filter_map(|r| r.notice_id).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut ledger = Ledger::new(state);
    let calls = ledger::while_held(state, &ids, async {
        let calls = dispatch(state, rows, &mut ledger).await?;
        ledger.flush().await?;
        anyhow::Ok(calls)
    })
    .await?;
    rate::give_back(&state.kv, granted.saturating_sub(calls)).await?;
    crate::receipts::live::changed(&state.kv, notices).await;
    if ledger.lost > 0 {
        tracing::warn!(
            lost = ledger.lost,
            "delivery rows were taken back by another worker before this one was done with them"
        );
    }
    if let Some(until) = ledger.deferred {
        rate::spend_day(&state.kv, budgets(state)).await?;
        pause_until(state, until).await?;
    }
    lease::finish(&state.db).await?;
    Ok(Round::Worked)
}

/// Sending notices that still have rows waiting say when sending resumes.
async fn pause_until(state: &AppState, until: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE notices SET paused_until = $1, status_note = $2 WHERE status = 'sending' AND (paused_until IS NULL OR paused_until < $1)",
    )
    .bind(until)
    .bind("The account's sending quota for today is used up; the rest go out after midnight (China time).")
    .execute(state.db.pool())
    .await?;
    Ok(())
}
