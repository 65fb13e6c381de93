//! Delivery: getting each notice's rows to their students exactly once, or saying exactly
//! why not (see "Delivery model" in DESIGN.md).
//!
//! A notice's rows are made by `notices::lifecycle` (pending, or failed/muted at once).
//! Here a worker in every replica (`worker`) claims pending rows with a lease (`lease`),
//! renews it while the batch is in flight (`ledger`), picks each one's channel
//! (`planner`: template → subscribe notification → customer-service → mass → digest;
//! what the platform said of a student or notice is kept in `refusals` and `subscribe`), sends with an idempotency
//! key derived from the row (`send`), within budgets shared by the replicas (`rate`), and
//! records the outcome under its lease. The platform's later word on a send (`jobs`), the
//! digest handed out when a student next writes (`digest`) and the report the console
//! shows (`report`) complete the row's story.
//!
//! Exactly once: a row is sent only by the worker whose mark on it succeeded, and settled
//! only by the worker that still holds it. Template and mass sends that may have gone out
//! are repeated with the same key, which the platform refuses as a duplicate (45065).
//! Customer-service messages have no key: one whose outcome is unknown (its answer was
//! lost, or its worker died mid-wave) is recorded as sent with `custom:unknown_outcome`
//! and never repeated — not by that channel, another one, or the digest — because it may
//! already be in the student's chat. The student still has it on their notice list, and a
//! reminder of the unread reaches them if they never opened it.

pub mod digest;
mod dispatch;
pub mod jobs;
mod lease;
mod ledger;
pub mod planner;
pub mod rate;
pub mod reasons;
pub mod refusals;
pub mod report;
pub(crate) mod send;
pub mod subscribe;
pub mod templates;
mod worker;

use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;
use tokio::task::JoinHandle;

pub use planner::Channel;
pub use subscribe::SubscribeApi;
pub use templates::TemplatesApi;

use crate::state::AppState;

/// This replica's delivery worker, as the rest of the app sees it: who it is (the name
/// its leases carry) and a bell to ring when there is new work.
pub struct Engine {
    owner: String,
    bell: Notify,
    stopping: AtomicBool,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

impl Engine {
    pub fn new() -> Engine {
        let owner = format!("w{}-{:06x}", std::process::id(), rand::random::<u32>() & 0xff_ffff);
        Engine { owner, bell: Notify::new(), stopping: AtomicBool::new(false) }
    }

    /// The name this replica's leases carry (and `sent_by` records).
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// New rows are pending (a notice was sent): look now rather than at the next poll.
    pub fn wake(&self) {
        self.bell.notify_one();
    }

    /// Finish the batch in hand, record it, and stop.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.bell.notify_one();
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

/// Starts this replica's worker, unless `BANJI_DELIVERY=off`.
pub fn spawn(state: AppState) -> Option<JoinHandle<()>> {
    state.config.delivery_enabled.then(|| tokio::spawn(worker::run(state)))
}
