//! Simulated followers, for tests and the console's simulator:
//! - `POST /sim/users {nickname}` → `{openid}` (follows; a subscribe event is sent);
//! - `POST /sim/users/{openid}/messages` with a message or event → sent to the webhook
//!   signed (and encrypted) like the platform does; answers the decoded passive reply;
//! - `GET /sim/users/{openid}/inbox` → everything that follower received, in order;
//! - `PUT /sim/faults {error_rate, errcodes, latency_ms}` for server-API calls;
//! - `GET /sim/stats`, `POST /sim/tokens/revoke`, `PATCH /sim/users/{openid} {blocked}`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use poem::http::StatusCode;
use poem::web::{Data, Json, Path};
use poem::{get, handler, post, put, IntoResponse, Response, Route};
use serde::Deserialize;
use serde_json::{json, Value};
use shared::ErrorBody;

use super::state::{random_id, Faults, InboxItem, SimUser};
use super::webhook::reply_json;
use super::MockPlatform;
use crate::wechat::incoming::{Body, Event};
use crate::wechat::xml::XmlWriter;
use crate::wechat::Incoming;

pub fn routes() -> Route {
    Route::new()
        .at("/users", post(create_user).get(list_users))
        .at("/users/:openid", poem::patch(update_user))
        .at("/users/:openid/messages", post(send_message))
        .at("/users/:openid/inbox", get(inbox))
        .at("/faults", put(set_faults).get(get_faults))
        .at("/settings", put(set_settings))
        .at("/stats", get(stats))
        .at("/tokens/revoke", post(revoke_tokens))
}

fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    Json(ErrorBody::new(code, message)).with_status(status).into_response()
}

/// Why the simulator cannot send a message, as an HTTP answer.
struct Refusal(StatusCode, &'static str, String);

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal(status, code, message.into())
    }

    fn into_response(self) -> Response {
        refuse(self.0, self.1, self.2)
    }
}

#[derive(Deserialize)]
struct NewUser {
    nickname: String,
}

/// A simulated message or event. `type` is text, image, voice, video, shortvideo,
/// location, link, event, scan, subscribe, unsubscribe (anything else is sent as an
/// unknown message type). `msg_id` and `create_time` may be given to replay a message.
#[derive(Deserialize, Default)]
struct SimMessage {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    event_key: String,
    /// Extra XML fields of an event, by element name (e.g. `Latitude`).
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    latitude: f64,
    #[serde(default)]
    longitude: f64,
    #[serde(default)]
    label: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    title: String,
    msg_id: Option<i64>,
    create_time: Option<i64>,
}

fn openid() -> String {
    format!("o{}", random_id(27))
}

#[handler]
async fn create_user(mock: Data<&Arc<MockPlatform>>, Json(new): Json<NewUser>) -> Response {
    let openid = openid();
    mock.state().users.insert(openid.clone(), SimUser::new(openid.clone(), new.nickname));
    let event = SimMessage { kind: "subscribe".into(), ..SimMessage::default() };
    match deliver(&mock, &openid, event).await {
        Ok(delivery) => Json(json!({ "openid": openid, "delivery": delivery })).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

#[handler]
fn list_users(mock: Data<&Arc<MockPlatform>>) -> Json<Value> {
    let state = mock.state();
    let users: Vec<Value> = state
        .users
        .values()
        .map(|u| json!({ "openid": u.openid, "nickname": u.nickname, "following": u.following, "remark": u.remark, "tags": u.tags, "blocked": u.blocked }))
        .collect();
    Json(json!(users))
}

#[handler]
fn update_user(mock: Data<&Arc<MockPlatform>>, Path(openid): Path<String>, Json(patch): Json<Value>) -> Response {
    let mut state = mock.state();
    let Some(user) = state.users.get_mut(&openid) else {
        return refuse(StatusCode::NOT_FOUND, "not_found", "no such follower");
    };
    if let Some(blocked) = patch["blocked"].as_bool() {
        user.blocked = blocked;
    }
    StatusCode::NO_CONTENT.into_response()
}

#[handler]
async fn send_message(
    mock: Data<&Arc<MockPlatform>>,
    Path(openid): Path<String>,
    Json(message): Json<SimMessage>,
) -> Response {
    match deliver(&mock, &openid, message).await {
        Ok(delivery) => Json(delivery).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

#[handler]
fn inbox(mock: Data<&Arc<MockPlatform>>, Path(openid): Path<String>) -> Response {
    match mock.state().users.get(&openid) {
        Some(user) => Json(json!(user.inbox)).into_response(),
        None => refuse(StatusCode::NOT_FOUND, "not_found", "no such follower"),
    }
}

#[handler]
fn set_faults(mock: Data<&Arc<MockPlatform>>, Json(faults): Json<Faults>) -> Response {
    if !(0.0..=1.0).contains(&faults.error_rate) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "error_rate must be between 0 and 1");
    }
    mock.state().faults = faults;
    StatusCode::NO_CONTENT.into_response()
}

#[handler]
fn get_faults(mock: Data<&Arc<MockPlatform>>) -> Json<Faults> {
    Json(mock.state().faults.clone())
}

#[handler]
fn set_settings(mock: Data<&Arc<MockPlatform>>, Json(settings): Json<Value>) -> StatusCode {
    if let Some(size) = settings["page_size"].as_u64() {
        mock.state().page_size = size.clamp(1, 10_000) as usize;
    }
    StatusCode::NO_CONTENT
}

#[handler]
fn stats(mock: Data<&Arc<MockPlatform>>) -> Json<Value> {
    let state = mock.state();
    Json(
        json!({ "token_requests": state.token_requests, "api_calls": state.api_calls, "followers": state.users.len() }),
    )
}

/// Every access token stops working at once (as after a secret reset).
#[handler]
fn revoke_tokens(mock: Data<&Arc<MockPlatform>>) -> StatusCode {
    let mut state = mock.state();
    state.tokens.clear();
    state.stable = None;
    StatusCode::NO_CONTENT
}

/// Builds the platform message, updates the follower's state, sends it, records the reply.
async fn deliver(mock: &Arc<MockPlatform>, openid: &str, message: SimMessage) -> Result<Value, Refusal> {
    let incoming = build(mock, openid, &message)?;
    let delivery =
        mock.deliver(&incoming).await.map_err(|e| Refusal::new(StatusCode::BAD_GATEWAY, "webhook_failed", e))?;
    let reply = delivery.reply.as_ref().map(reply_json);
    if let Some(reply_value) = &reply {
        if let Some(user) = mock.state().users.get_mut(openid) {
            user.inbox.push(InboxItem {
                channel: "passive",
                msg_type: reply_value["msg_type"].as_str().unwrap_or_default().to_string(),
                content: reply_value["content"].as_str().map(str::to_string),
                title: reply_value["articles"][0]["title"].as_str().map(str::to_string),
                url: reply_value["articles"][0]["url"].as_str().map(str::to_string),
                at: chrono::Utc::now().timestamp_millis(),
                raw: reply_value.clone(),
            });
        }
    }
    Ok(json!({ "status": delivery.status, "reply": reply, "body": delivery.body, "xml": incoming.to_xml() }))
}

fn build(mock: &Arc<MockPlatform>, openid: &str, m: &SimMessage) -> Result<Incoming, Refusal> {
    let mut state = mock.state();
    let msg_id = m.msg_id.unwrap_or_else(|| state.next_id());
    let user = state
        .users
        .get_mut(openid)
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, "not_found", "no such follower"))?;
    let following = user.following;
    let must_follow = || {
        if following {
            Ok(())
        } else {
            Err(Refusal::new(StatusCode::CONFLICT, "not_following", "this follower has unfollowed"))
        }
    };
    let body = match m.kind.as_str() {
        "subscribe" => {
            user.following = true;
            user.subscribe_time = chrono::Utc::now().timestamp();
            user.acted();
            Body::Event(Event::Subscribe { scene: None, ticket: None })
        }
        "unsubscribe" => {
            user.following = false;
            Body::Event(Event::Unsubscribe)
        }
        "scan" => {
            let ticket = m.ticket.clone();
            let entry = state
                .qr
                .get(&ticket)
                .cloned()
                .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, "unknown_ticket", "no such QR ticket"))?;
            if entry.expires.is_some_and(|t| t <= Instant::now()) {
                return Err(Refusal::new(StatusCode::GONE, "expired_ticket", "this QR code has expired"));
            }
            let user = state.users.get_mut(openid).expect("checked above");
            user.acted();
            if user.following {
                Body::Event(Event::Scan { scene: entry.scene, ticket: Some(ticket) })
            } else {
                user.following = true;
                user.subscribe_time = chrono::Utc::now().timestamp();
                Body::Event(Event::Subscribe { scene: Some(entry.scene), ticket: Some(ticket) })
            }
        }
        "event" => {
            must_follow()?;
            user.acted();
            let mut w = XmlWriter::new();
            w.text("ToUserName", &mock.settings.account_id).text("FromUserName", openid).number("CreateTime", 0);
            w.text("MsgType", "event").text("Event", &m.event);
            if !m.event_key.is_empty() {
                w.text("EventKey", &m.event_key);
            }
            for (name, value) in &m.fields {
                w.text(name, value);
            }
            let parsed = Incoming::parse(&w.finish())
                .map_err(|e| Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_event", e.to_string()))?;
            parsed.body
        }
        kind => {
            must_follow()?;
            user.wrote();
            match kind {
                "text" => Body::Text { msg_id, content: m.content.clone() },
                "image" => Body::Image {
                    msg_id,
                    pic_url: format!("http://mmbiz.qpic.cn/mock/{msg_id}.jpg"),
                    media_id: random_id(32),
                },
                "voice" => Body::Voice {
                    msg_id,
                    media_id: random_id(32),
                    format: "amr".into(),
                    recognition: (!m.content.is_empty()).then(|| m.content.clone()),
                },
                "video" => Body::Video { msg_id, media_id: random_id(32), thumb_media_id: random_id(32) },
                "shortvideo" => Body::ShortVideo { msg_id, media_id: random_id(32), thumb_media_id: random_id(32) },
                "location" => Body::Location {
                    msg_id,
                    latitude: m.latitude,
                    longitude: m.longitude,
                    scale: 15,
                    label: m.label.clone(),
                },
                "link" => {
                    Body::Link { msg_id, title: m.title.clone(), description: m.content.clone(), url: m.url.clone() }
                }
                other => Body::Unknown { msg_type: other.to_string() },
            }
        }
    };
    Ok(Incoming {
        to: mock.settings.account_id.clone(),
        openid: openid.to_string(),
        create_time: m.create_time.unwrap_or_else(|| chrono::Utc::now().timestamp()),
        body,
    })
}
