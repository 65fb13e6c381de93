//! An open notice report follows the notice live. Whatever changes a notice's receipts
//! (a read, a confirmation, a vote, a comment, a delivery recorded) publishes the notice's
//! id on the Kv's channel `report:<id>`; the report's event stream (server-sent events)
//! subscribes to it and tells the browser, at most about once a second, to fetch the
//! report again. With Redis the channel is shared, so a read recorded by one replica
//! reaches a teacher whose stream another replica serves.
//!
//! EventSource cannot send an Authorization header, so the stream takes a ticket:
//! single-use, a minute long, bound to the notice and the teacher who asked for it.

use std::time::Duration;

use futures_util::stream::{self, BoxStream, StreamExt};
use poem_openapi::Object;

use crate::error::{ApiError, ApiResult};
use crate::kv::{Kv, Subscription};
use crate::state::AppState;

const TICKET_FOR: Duration = Duration::from_secs(60);
/// Changes closer together than this reach the browser as one event.
const COALESCE: Duration = Duration::from_millis(700);

fn channel(notice_id: i64) -> String {
    format!("report:{notice_id}")
}

/// Tells open reports of these notices that something changed. Never fails the caller.
pub async fn changed(kv: &Kv, notice_ids: impl IntoIterator<Item = i64>) {
    for id in notice_ids {
        if let Err(err) = kv.publish(&channel(id), "changed").await {
            tracing::warn!(error = %err, notice = id, "could not publish a report change");
        }
    }
}

pub async fn issue_ticket(state: &AppState, notice_id: i64, user_id: i64) -> ApiResult<String> {
    let ticket = uuid::Uuid::new_v4().simple().to_string();
    state.kv.set(&format!("report-ticket:{ticket}"), &format!("{notice_id}:{user_id}"), Some(TICKET_FOR)).await?;
    Ok(ticket)
}

pub fn ticket_lifetime() -> Duration {
    TICKET_FOR
}

/// Uses up a ticket; it must have been issued for this notice.
pub async fn redeem(state: &AppState, notice_id: i64, ticket: &str) -> ApiResult<i64> {
    let key = format!("report-ticket:{ticket}");
    let value = state.kv.get(&key).await?;
    let _ = state.kv.delete(&key).await;
    let bad = || ApiError::unauthorized("ticket_invalid", "the stream ticket is unknown, used or expired");
    let (notice, user) = value.as_deref().and_then(|v| v.split_once(':')).ok_or_else(bad)?;
    if notice.parse::<i64>().ok() != Some(notice_id) {
        return Err(bad());
    }
    user.parse::<i64>().map_err(|_| bad())
}

/// What the stream says: this notice's report changed.
#[derive(Debug, Clone, Object)]
pub struct ReportChanged {
    pub notice_id: i64,
}

/// A first event at once (the browser fetches a fresh report), then one per burst of changes.
pub async fn stream(kv: &Kv, notice_id: i64) -> ApiResult<BoxStream<'static, ReportChanged>> {
    let subscription = kv.subscribe(&channel(notice_id)).await?;
    let first = stream::once(async move { ReportChanged { notice_id } });
    let rest = stream::unfold(subscription, move |mut sub: Subscription| async move {
        sub.next().await?;
        // Swallow what follows closely, so a burst of reads is one fetch.
        let until = tokio::time::Instant::now() + COALESCE;
        while let Ok(Some(_)) = tokio::time::timeout_at(until, sub.next()).await {}
        Some((ReportChanged { notice_id }, sub))
    });
    Ok(first.chain(rest).boxed())
}
