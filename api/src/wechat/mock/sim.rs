//! Simulated followers, for tests and the console's simulator:
//! - `POST /sim/users {nickname}` → `{openid}` (follows; a subscribe event is sent);
//! - `POST /sim/users/{openid}/messages` with a message or event → sent to the webhook
//!   signed (and encrypted) like the platform does; answers the decoded passive reply;
//! - `GET /sim/users/{openid}/inbox` → everything that follower received, in order;
//! - `GET /sim/users/{openid}/conversation` → what it sent and received, interleaved;
//! - `GET /sim/users/{openid}/menu` → the published menu as that follower sees it;
//! - `PUT /sim/faults {error_rate, errcodes, latency_ms, http_status}` for server-API calls;
//! - `GET /sim/stats`, `POST /sim/tokens/revoke`, `PATCH /sim/users/{openid} {blocked}`;
//! - `GET /sim/scan?ticket=…`: where a QR code's image points (`sim_scan`);
//! - `POST /sim/media/expire`: every temporary media file expires (`media`);
//!   `GET /sim/media/{media_id}/file`: a media file as a phone would load it.
//!
//! A message becomes the platform's XML in `sim_build`.

use std::collections::BTreeMap;
use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Json, Path};
use poem::{get, handler, post, put, IntoResponse, Response, Route};
use serde::Deserialize;
use serde_json::{json, Value};
use shared::ErrorBody;

use super::state::{random_id, Faults, InboxItem, SentItem, SimUser};
use super::webhook::reply_json;
use super::MockPlatform;
use crate::wechat::client::messages::CustomMessage;

pub fn routes() -> Route {
    Route::new()
        .at("/users", post(create_user).get(list_users))
        .at("/users/bulk", post(create_users))
        .at("/users/:openid", poem::patch(update_user))
        .at("/users/:openid/messages", post(send_message))
        .at("/users/:openid/inbox", get(inbox))
        .at("/users/:openid/conversation", get(conversation))
        .at("/users/:openid/menu", get(super::sim_menu::user_menu))
        .at("/users/:openid/subscribe", post(super::templates::sim_subscribe))
        .at("/scan", get(super::sim_scan::scan_page).post(super::sim_scan::scan_submit))
        .at("/media/expire", post(super::media::expire))
        .at("/media/:media_id/file", get(super::media::video_file))
        .at("/faults", put(set_faults).get(get_faults))
        .at("/settings", put(set_settings))
        .at("/stats", get(stats))
        .at("/tokens/revoke", post(revoke_tokens))
}

pub(super) fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    Json(ErrorBody::new(code, message)).with_status(status).into_response()
}

/// Why the simulator cannot send a message, as an HTTP answer.
pub(super) struct Refusal(pub StatusCode, pub &'static str, pub String);

impl Refusal {
    pub(super) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
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
pub(super) struct SimMessage {
    #[serde(rename = "type")]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) content: String,
    #[serde(default)]
    pub(super) event: String,
    #[serde(default)]
    pub(super) event_key: String,
    /// Extra XML fields of an event, by element name (e.g. `Latitude`).
    #[serde(default)]
    pub(super) fields: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) ticket: String,
    #[serde(default)]
    pub(super) latitude: f64,
    #[serde(default)]
    pub(super) longitude: f64,
    #[serde(default)]
    pub(super) label: String,
    #[serde(default)]
    pub(super) url: String,
    #[serde(default)]
    pub(super) title: String,
    pub(super) msg_id: Option<i64>,
    /// The media id of an image, voice or video, as in a replayed message (the mock
    /// holds no such file unless it made it); a sample the mock keeps when absent.
    pub(super) media_id: Option<String>,
    pub(super) create_time: Option<i64>,
}

pub(super) fn new_openid() -> String {
    format!("o{}", random_id(27))
}

#[handler]
async fn create_user(mock: Data<&Arc<MockPlatform>>, Json(new): Json<NewUser>) -> Response {
    let openid = new_openid();
    mock.state().users.insert(openid.clone(), SimUser::new(openid.clone(), new.nickname));
    let event = SimMessage { kind: "subscribe".into(), ..SimMessage::default() };
    match deliver(&mock, &openid, event).await {
        Ok(delivery) => Json(json!({ "openid": openid, "delivery": delivery })).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

#[derive(Deserialize)]
struct NewUsers {
    count: usize,
    #[serde(default)]
    nickname: String,
}

/// Many followers at once, without telling the webhook (a school's followers before
/// Banji arrived); returns their openids.
#[handler]
fn create_users(mock: Data<&Arc<MockPlatform>>, Json(new): Json<NewUsers>) -> Response {
    if new.count == 0 || new.count > 100_000 {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "count must be 1 to 100000");
    }
    let openids: Vec<String> = (0..new.count).map(|i| mock.add_follower(&format!("{}{i}", new.nickname))).collect();
    Json(json!({ "openids": openids })).into_response()
}

#[handler]
fn list_users(mock: Data<&Arc<MockPlatform>>) -> Json<Value> {
    let state = mock.state();
    let users: Vec<Value> = state
        .users
        .values()
        .map(|u| {
            json!({ "openid": u.openid, "nickname": u.nickname, "following": u.following, "remark": u.remark,
                    "tags": u.tags, "blocked": u.blocked, "received": u.inbox.len() })
        })
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
    // Turning one template's messages off (or on again) in WeChat.
    for (field, refuse) in [("refuse_templates", true), ("accept_templates", false)] {
        for id in patch[field].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if refuse {
                user.refused_templates.insert(id.to_string());
            } else {
                user.refused_templates.remove(id);
            }
        }
    }
    // Unfollowing here does not tell the webhook: Banji's view drifts, as after an outage.
    if let Some(following) = patch["following"].as_bool() {
        user.following = following;
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

/// Both directions, oldest first: `{direction: "out" | "in", at, msg_type, content, …}`.
#[handler]
fn conversation(mock: Data<&Arc<MockPlatform>>, Path(openid): Path<String>) -> Response {
    let state = mock.state();
    let Some(user) = state.users.get(&openid) else {
        return refuse(StatusCode::NOT_FOUND, "not_found", "no such follower");
    };
    let mut items: Vec<Value> = user
        .sent
        .iter()
        .map(|s| json!({ "direction": "out", "seq": s.seq, "at": s.at, "msg_type": s.msg_type, "content": s.content }))
        .chain(user.inbox.iter().map(|m| {
            json!({ "direction": "in", "seq": m.seq, "at": m.at, "channel": m.channel, "msg_type": m.msg_type,
                    "content": m.content, "title": m.title, "url": m.url })
        }))
        .collect();
    items.sort_by_key(|item| item["seq"].as_u64().unwrap_or_default());
    Json(json!(items)).into_response()
}

#[handler]
fn set_faults(mock: Data<&Arc<MockPlatform>>, Json(faults): Json<Faults>) -> Response {
    if !(0.0..=1.0).contains(&faults.error_rate) || !(0.0..=1.0).contains(&faults.lost_answer_rate) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "rates must be between 0 and 1");
    }
    if faults.http_status.is_some_and(|s| !(400..=599).contains(&s)) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "http_status must be 400 to 599");
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
    if let Some(quota) = settings["template_daily_quota"].as_u64() {
        mock.state().template_daily_quota = quota.min(u64::from(u32::MAX)) as u32;
    }
    if let Some(url) = settings["webhook_url"].as_str() {
        mock.state().webhook_url = Some(url.to_string());
    }
    if let Some(words) = settings["blocked_words"].as_array() {
        mock.state().blocked_words = words.iter().filter_map(|w| w.as_str().map(str::to_string)).collect();
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
pub(super) async fn deliver(mock: &Arc<MockPlatform>, openid: &str, message: SimMessage) -> Result<Value, Refusal> {
    let incoming = super::sim_build::build(mock, openid, &message)?;
    if let Some(user) = mock.state().users.get_mut(openid) {
        user.sent.push(SentItem {
            seq: super::state::next_seq(),
            msg_type: incoming.msg_type().to_string(),
            content: super::sim_build::describe_sent(&incoming),
            at: chrono::Utc::now().timestamp_millis(),
        });
    }
    let delivery =
        mock.deliver(&incoming).await.map_err(|e| Refusal::new(StatusCode::BAD_GATEWAY, "webhook_failed", e))?;
    let reply = delivery.reply.as_ref().map(reply_json);
    if let Some(reply_value) = &reply {
        if let Some(user) = mock.state().users.get_mut(openid) {
            // A replayed message (a platform retry) does not show its reply twice.
            if !user.replied.insert(incoming.dedup_key()) {
                return Ok(
                    json!({ "status": delivery.status, "reply": reply, "body": delivery.body, "xml": incoming.to_xml() }),
                );
            }
            // The phone shows a passive reply as it shows the same message sent later: the
            // picture, the player, the card.
            let shown = delivery.reply.as_ref().and_then(|r| match r {
                crate::wechat::Reply::Video { media_id, title, description } => Some(CustomMessage::Video {
                    media_id: media_id.clone(),
                    thumb_media_id: String::new(),
                    title: title.clone(),
                    description: description.clone(),
                }),
                media @ (crate::wechat::Reply::Image { .. }
                | crate::wechat::Reply::Voice { .. }
                | crate::wechat::Reply::Music { .. }) => CustomMessage::from_reply(media),
                _ => None,
            });
            let (content, title, url) =
                shown.map(|m| super::messages::summary(&m, &mock.settings.base_url)).unwrap_or_default();
            user.inbox.push(InboxItem {
                seq: super::state::next_seq(),
                channel: "passive",
                msg_type: reply_value["msg_type"].as_str().unwrap_or_default().to_string(),
                content: content.or_else(|| reply_value["content"].as_str().map(str::to_string)),
                title: title.or_else(|| reply_value["articles"][0]["title"].as_str().map(str::to_string)),
                url: url.or_else(|| reply_value["articles"][0]["url"].as_str().map(str::to_string)),
                at: chrono::Utc::now().timestamp_millis(),
                raw: reply_value.clone(),
            });
        }
    }
    Ok(json!({ "status": delivery.status, "reply": reply, "body": delivery.body, "xml": incoming.to_xml() }))
}
