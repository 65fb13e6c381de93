//! Live pages (an open notice report, a check-in's live view) follow changes through
//! server-sent events. Whatever changes the thing publishes on the Kv channel of its
//! topic (`report:<id>`, `checkin:<id>`); the page's stream subscribes to it and tells the
//! browser, at most about once per `COALESCE`, to fetch again. With Redis the channel is
//! shared, so a change recorded by one replica reaches a page another replica serves.
//!
//! EventSource cannot send an Authorization header, so a stream takes a ticket:
//! single-use, a minute long, bound to the topic and the user who asked for it.
//!
//! `LiveEvents` is the answer: the spec describes each event as what a client reads from
//! it — `{ event, data }`, `data` the JSON of the change — where poem-openapi's own
//! `EventStream` documents an `array`, which no event is.

use std::time::Duration;

use futures_util::stream::{self, BoxStream, StreamExt};
use poem::web::sse::{Event, SSE};
use poem::{IntoResponse, Response};
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::ToJSON;
use poem_openapi::ApiResponse;

use crate::error::{ApiError, ApiResult};
use crate::kv::{Kv, Subscription};

const TICKET_FOR: Duration = Duration::from_secs(60);
/// Changes closer together than this reach the browser as one event.
const COALESCE: Duration = Duration::from_millis(700);

/// Tells open pages of this topic that something changed. Never fails the caller.
pub async fn changed(kv: &Kv, topic: &str) {
    match kv.publish(topic, "changed").await {
        // Redis away: its circuit has said so once; open pages poll again when it is back.
        Err(err) if err.is_outage() => tracing::debug!(error = %err, topic, "live change not published"),
        Err(err) => tracing::warn!(error = %err, topic, "could not publish a live change"),
        Ok(()) => {}
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

/// Comments keep a quiet stream open through proxies.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A stream of changes answered as server-sent events named `event`, each `data` the
/// change's JSON.
pub struct LiveEvents<T> {
    event: &'static str,
    changes: BoxStream<'static, T>,
}

impl<T: ToJSON + Send + 'static> LiveEvents<T> {
    pub fn new(event: &'static str, changes: BoxStream<'static, T>) -> Self {
        LiveEvents { event, changes }
    }
}

impl<T: ToJSON + Send + 'static> Payload for LiveEvents<T> {
    const CONTENT_TYPE: &'static str = "text/event-stream";

    fn schema_ref() -> MetaSchemaRef {
        let string = |description| {
            MetaSchemaRef::Inline(Box::new(MetaSchema { description: Some(description), ..MetaSchema::new("string") }))
        };
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some("One server-sent event."),
            required: vec!["event", "data"],
            properties: vec![
                ("event", string("What changed (`report`, `checkin`): fetch it again.")),
                ("data", string("The change as JSON, e.g. `{\"notice_id\":12}`.")),
            ],
            ..MetaSchema::new("object")
        }))
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: ToJSON + Send + 'static> IntoResponse for LiveEvents<T> {
    fn into_response(self) -> Response {
        let event = self.event;
        let events = self.changes.map(move |change| Event::message(change.to_json_string()).event_type(event));
        SSE::new(events).keep_alive(KEEP_ALIVE).into_response()
    }
}

impl<T: ToJSON + Send + 'static> ApiResponse for LiveEvents<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The stream: a first event at once, then one per burst of changes.",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType { content_type: Self::CONTENT_TYPE, schema: Self::schema_ref() }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}
