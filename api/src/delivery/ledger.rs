//! What a worker keeps while a batch is in flight: its leases, renewed every third of a
//! lease for as long as the batch takes (a slow platform can take far longer than one
//! lease for a batch; without the heartbeat another replica took the rows back while
//! they were still being sent, and sent or held them again), and the outcomes not yet
//! recorded, written when a wave of customer-service messages returns and when the
//! batch ends, retried while the database is briefly away (the rows stay this worker's
//! as long as the heartbeat gets through; a record that never does leaves them to
//! `lease::reclaim`).

use std::future::Future;
use std::time::{Duration, Instant};

use super::lease::{self, Outcome, Settled};
use crate::state::AppState;

/// Runs `work` while renewing the lease of the rows `ids` in hand.
pub async fn while_held<T>(state: &AppState, ids: &[i64], work: impl Future<Output = T>) -> T {
    let lease = lease_of(state);
    let owner = state.delivery.owner();
    let heartbeat = async {
        let every = lease / 3;
        loop {
            tokio::time::sleep(every).await;
            match lease::renew(&state.db, owner, lease, ids).await {
                Ok(held) if (held as usize) < ids.len() => {
                    tracing::debug!(held, in_hand = ids.len(), "lease renewed (the other rows are settled or lost)")
                }
                Ok(_) => {}
                Err(err) if crate::db::is_unavailable(&err) => {
                    tracing::debug!(error = %err, "could not renew the delivery lease: the database is away")
                }
                Err(err) => tracing::warn!(error = %err, "could not renew the delivery lease; retrying"),
            }
        }
    };
    tokio::select! {
        biased;
        out = work => out,
        _ = heartbeat => unreachable!("the heartbeat never stops"),
    }
}

pub fn lease_of(state: &AppState) -> Duration {
    Duration::from_secs(state.config.lease_secs)
}

/// Outcomes settled but not yet recorded, and rows whose customer-service mark comes off.
pub struct Ledger<'a> {
    state: &'a AppState,
    unrecorded: Vec<Settled>,
    released: Vec<i64>,
    /// Rows taken back from this worker before they were sent or their outcome recorded.
    pub lost: u64,
    /// A quota ran out: the rest of the day waits until then.
    pub deferred: Option<i64>,
}

impl<'a> Ledger<'a> {
    pub fn new(state: &'a AppState) -> Ledger<'a> {
        Ledger { state, unrecorded: Vec::new(), released: Vec::new(), lost: 0, deferred: None }
    }

    pub fn settle(&mut self, settled: Settled) {
        if let Outcome::Deferred { until } = settled.outcome {
            self.deferred = Some(until);
        }
        self.unrecorded.push(settled);
    }

    /// A customer-service message refused (nothing sent): the row goes on to another
    /// channel, and must not look like a send in doubt meanwhile.
    pub fn release(&mut self, id: i64) {
        self.released.push(id);
    }

    /// Records what is settled. A failure is retried (a record is one transaction, so a
    /// failed one changed nothing) for up to a lease; then the error is returned and the
    /// rows are left to run out.
    pub async fn flush(&mut self) -> sqlx::Result<()> {
        if self.unrecorded.is_empty() && self.released.is_empty() {
            return Ok(());
        }
        let owner = self.state.delivery.owner();
        let started = Instant::now();
        let mut wait = Duration::from_millis(100);
        loop {
            match lease::record(&self.state.db, owner, &self.unrecorded, &self.released).await {
                Ok(lost) => {
                    self.lost += lost;
                    self.unrecorded.clear();
                    self.released.clear();
                    return Ok(());
                }
                Err(err) if started.elapsed() + wait < lease_of(self.state) => {
                    if crate::db::is_unavailable(&err) {
                        tracing::debug!(rows = self.unrecorded.len(), "recording deliveries waits for the database");
                    } else {
                        tracing::warn!(error = %err, rows = self.unrecorded.len(), "recording deliveries failed; retrying");
                    }
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(2));
                }
                Err(err) => return Err(err),
            }
        }
    }
}
