//! `GET /wechat` (the platform's URL check) and `POST /wechat` (every message and event).
//!
//! A POST is verified and opened (`envelope`; in safe mode only encrypted ones), checked
//! against the requests already seen (`replay`: a signed request carries one message),
//! claimed once across replicas (`dedup`: a platform retry is answered as the first
//! attempt was), logged without positions or secrets (`log`, `privacy`), routed
//! (`router`) under a time budget, and answered: the reply XML (encrypted when the
//! request was), or `success`. A handler still running when the budget ends finishes in
//! the background and its answer goes out as a customer-service message, so the platform
//! always hears back well within its 5 seconds.

pub mod dedup;
pub mod envelope;
pub mod log;
mod log_rows;
pub mod privacy;
pub mod replay;
pub mod router;

use std::sync::Arc;
use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{get, handler, IntoResponse, Response, Route};

use self::dedup::Seen;
use self::envelope::{Rejection, WebhookQuery};
use self::replay::Verdict;
use crate::state::AppState;
use crate::wechat::client::messages::CustomMessage;
use crate::wechat::{Body, Event, Incoming, Reply};

pub fn routes() -> Route {
    Route::new().at("/", get(verify).post(receive))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A refusal is answered with a 4xx and logged; the platform retries a refused request
/// twice more, then gives up (its follower sees "该公众号暂时无法提供服务"). No refusal
/// is answered `success`: a safe-mode account receiving plaintext is misconfigured (the
/// platform's mode and `WECHAT_MESSAGE_MODE` differ) or under attack, and both must show.
fn rejected(reason: Rejection) -> Response {
    match reason {
        Rejection::Plaintext => tracing::warn!(
            reason = %reason,
            "webhook request rejected; if the platform's 消息加解密方式 is not 安全模式, set WECHAT_MESSAGE_MODE to match it"
        ),
        _ => tracing::warn!(reason = %reason, "webhook request rejected"),
    }
    let code = match reason {
        Rejection::Xml(_) | Rejection::NoEncrypt | Rejection::EncryptType => StatusCode::BAD_REQUEST,
        _ => StatusCode::FORBIDDEN,
    };
    let body = shared::ErrorBody::new("webhook_rejected", reason.to_string());
    poem::web::Json(body).with_status(code).into_response()
}

#[handler]
async fn verify(state: Data<&AppState>, Query(query): Query<WebhookQuery>) -> Response {
    match envelope::verify_get(state.wechat.config.token(), &query, now()) {
        Ok(echostr) => echostr.with_content_type("text/plain; charset=utf-8").into_response(),
        Err(reason) => rejected(reason),
    }
}

/// The platform gives up after 5 s; whatever is slow (the handler, the Kv, the
/// database), it hears from us before this.
const DEADLINE: Duration = Duration::from_millis(4500);

#[handler]
async fn receive(state: Data<&AppState>, Query(query): Query<WebhookQuery>, body: String) -> Response {
    let wechat = &state.wechat;
    let config = &wechat.config;
    let opened = match envelope::open(config.token(), wechat.crypto.as_ref(), config.message_mode, &query, &body, now())
    {
        Ok(opened) => opened,
        Err(reason) => return rejected(reason),
    };
    match replay::check(&state.kv, &query, &opened.incoming, now()).await {
        Ok(Verdict::Fresh | Verdict::Retry) => {}
        Ok(Verdict::Replayed) => return rejected(Rejection::Replayed),
        // Without the memory a replay cannot be told from a new request: refuse (the
        // platform retries within seconds) rather than take one in blind.
        Err(err) => {
            tracing::error!(error = %err, "webhook replay memory unavailable; request refused");
            let body = shared::ErrorBody::new("unavailable", "try again shortly");
            return poem::web::Json(body).with_status(StatusCode::SERVICE_UNAVAILABLE).into_response();
        }
    }
    let encrypted = opened.encrypted;
    match tokio::time::timeout(DEADLINE, take_in(&state, opened)).await {
        Ok(reply_xml) => answer(&state, reply_xml.as_deref(), encrypted),
        Err(_) => {
            tracing::error!("webhook deadline reached; acknowledged without a reply");
            answer(&state, None, encrypted)
        }
    }
}

/// Claims, logs and routes one verified message; the reply XML to answer with, if any.
async fn take_in(state: &AppState, opened: envelope::Opened) -> Option<String> {
    let incoming = Arc::new(opened.incoming);
    let key = incoming.dedup_key();
    match dedup::claim(&state.kv, &key).await {
        Ok(Seen::First) => {}
        Ok(Seen::Again(reply)) => {
            tracing::info!(key = %key, "platform retry answered from the first attempt");
            return reply;
        }
        // Without the Kv we cannot tell a retry; handling twice beats not at all.
        Err(err) => tracing::error!(error = %err, "webhook dedup unavailable"),
    }
    match &incoming.body {
        Body::Unknown { msg_type } => {
            tracing::info!(msg_type = %msg_type, "unknown message type stored and acknowledged")
        }
        Body::Event(Event::Unknown { event, .. }) => {
            tracing::info!(event = %event, "unknown event stored and acknowledged")
        }
        _ => {}
    }
    state.wechat.log.record(&incoming, &opened.raw);
    let reply = reply_within_budget(state.clone(), incoming.clone()).await;
    if let Some(reply) = &reply {
        state.wechat.log.record_reply(&incoming.openid, reply);
    }
    let xml = reply.map(|r| r.to_xml(&incoming.openid, &incoming.to, now()));
    if let Err(err) = dedup::remember(&state.kv, &key, xml.as_deref()).await {
        tracing::error!(error = %err, "could not remember the webhook reply");
    }
    xml
}

fn answer(state: &AppState, reply_xml: Option<&str>, encrypted: bool) -> Response {
    let wechat = &state.wechat;
    let body = envelope::seal(reply_xml, encrypted, wechat.crypto.as_ref(), wechat.config.token(), now());
    let content_type = if reply_xml.is_some() { "text/xml; charset=utf-8" } else { "text/plain; charset=utf-8" };
    body.with_content_type(content_type).into_response()
}

/// Runs the router; past the budget, answers nothing now and sends the reply later.
async fn reply_within_budget(state: AppState, incoming: Arc<Incoming>) -> Option<Reply> {
    let budget = Duration::from_millis(state.wechat.config.reply_budget_ms);
    let mut task = tokio::spawn(state.wechat.router.dispatch(state.clone(), incoming.clone()));
    match tokio::time::timeout(budget, &mut task).await {
        Ok(Ok(Ok(reply))) => reply,
        Ok(Ok(Err(err))) => {
            tracing::error!(error = %err, "message handler failed");
            None
        }
        Ok(Err(panic)) => {
            tracing::error!(error = %panic, "message handler panicked");
            None
        }
        Err(_) => {
            tracing::warn!(budget_ms = budget.as_millis() as u64, "message handler is slow; replying later");
            tokio::spawn(async move {
                if let Ok(Ok(Some(reply))) = task.await {
                    send_late(&state, &incoming.openid, &reply).await;
                }
            });
            None
        }
    }
}

/// The follower just wrote to us, so a customer-service message is allowed (where the
/// account has the API at all).
async fn send_late(state: &AppState, openid: &str, reply: &Reply) {
    let client = &state.wechat.client;
    if !client.kind().has_customer_service() {
        tracing::warn!("a late reply was dropped: subscription accounts cannot send customer-service messages");
        return;
    }
    let Some(message) = CustomMessage::from_reply(reply) else {
        tracing::warn!("a late reply was dropped: it has no customer-service form");
        return;
    };
    if let Err(err) = client.send_custom_message(openid, &message).await {
        tracing::warn!(error = %err, "late reply could not be sent");
    } else {
        state.wechat.log.record_reply(openid, reply);
    }
}
