//! Live pages (an open notice report, a check-in's live view) follow changes through
//! server-sent events. Whatever changes the thing publishes on the Kv channel of its
//! topic (`report:<id>`, `checkin:<id>`); the page's stream subscribes to it and tells the
//! browser, at most about once per `COALESCE`, to fetch again. With Redis the channel is
//! shared, so a change recorded by one replica reaches a page another replica serves.
//!
//! EventSource cannot send an Authorization header, so a stream takes a ticket:
//! single-use, a minute long, bound to the topic and the user who asked for it.

use std::time::Duration;

use futures_util::stream::{self, BoxStream, StreamExt};

use crate::error::{ApiError, ApiResult};
use crate::kv::{Kv, Subscription};

const TICKET_FOR: Duration = Duration::from_secs(60);
/// Changes closer together than this reach the browser as one event.
const COALESCE: Duration = Duration::from_millis(700);

/// Tells open pages of this topic that something changed. Never fails the caller.
pub async fn changed(kv: &Kv, topic: &str) {
    if let Err(err) = kv.publish(topic, "changed").await {
        tracing::warn!(error = %err, topic, "could not publish a live change");
    }
}

/// A ticket for one stream of `topic`, for `user_id` (a teacher, or a student's id
/// prefixed as the caller likes: the value is only handed back).
pub async fn issue_ticket(kv: &Kv, topic: &str, user_id: i64) -> ApiResult<String> {
    let ticket = uuid::Uuid::new_v4().simple().to_string();
    kv.set(&format!("live-ticket:{ticket}"), &format!("{topic}|{user_id}"), Some(TICKET_FOR)).await?;
    Ok(ticket)
}

pub fn ticket_lifetime() -> Duration {
    TICKET_FOR
}

/// Uses up a ticket; it must have been issued for this topic. Gives the user it was for.
/// Taking it is one atomic step, so of racing redemptions exactly one opens a stream.
pub async fn redeem(kv: &Kv, topic: &str, ticket: &str) -> ApiResult<i64> {
    let value = kv.take(&format!("live-ticket:{ticket}")).await?;
    let bad = || ApiError::unauthorized("ticket_invalid", "the stream ticket is unknown, used or expired");
    let (for_topic, user) = value.as_deref().and_then(|v| v.rsplit_once('|')).ok_or_else(bad)?;
    if for_topic != topic {
        return Err(bad());
    }
    user.parse::<i64>().map_err(|_| bad())
}

/// A first tick at once (the page fetches a fresh state), then one per burst of changes.
pub async fn ticks(kv: &Kv, topic: &str) -> ApiResult<BoxStream<'static, ()>> {
    let subscription = kv.subscribe(topic).await?;
    let rest = stream::unfold(subscription, move |mut sub: Subscription| async move {
        sub.next().await?;
        // Swallow what follows closely, so a burst of changes is one fetch.
        let until = tokio::time::Instant::now() + COALESCE;
        while let Ok(Some(_)) = tokio::time::timeout_at(until, sub.next()).await {}
        Some(((), sub))
    });
    Ok(stream::once(async {}).chain(rest).boxed())
}
