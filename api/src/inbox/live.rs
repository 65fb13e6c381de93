//! Open inboxes follow new messages, answers and handled threads as they happen: each
//! change publishes on the Kv topic `inbox` (one topic for the account — the page asks
//! again for what its caller sees, so the event itself names no one), and the console's
//! stream (`GET /inbox/live/events`) turns it into a server-sent event. With Redis the
//! topic is shared, so a message one replica received reaches a page another serves.

use crate::http::live;
use crate::kv::Kv;

pub const TOPIC: &str = "inbox";

/// Tells open inboxes that something changed. Never fails the caller.
pub async fn changed(kv: &Kv) {
    live::changed(kv, TOPIC).await;
}
