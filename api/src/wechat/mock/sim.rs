//! Simulated followers, for tests and the console's simulator:
//! - `POST /sim/users {nickname}` → `{openid}` (follows; a subscribe event is sent);
//! - `POST /sim/users/{openid}/messages` with a message or event → sent to the webhook
//!   signed (and encrypted) like the platform does; answers the decoded passive reply;
//! - `GET /sim/users/{openid}/inbox` → everything that follower received, in order;
//! - `GET /sim/users/{openid}/conversation` → what it sent and received, interleaved;
//! - `GET /sim/users/{openid}/menu` → the published menu as that follower sees it;
//! - `PUT /sim/faults {error_rate, errcodes, latency_ms, http_status}` for server-API calls;
//! - `GET /sim/stats`, `POST /sim/tokens/revoke`, `PATCH /sim/users/{openid} {blocked}`;
//! - `GET /sim/scan?ticket=…`: where a QR code's image points; a page to scan it as one
//!   of the followers (or as someone new, who then follows).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use poem::http::StatusCode;
use poem::web::{Data, Form, Html, Json, Path, Query};
use poem::{get, handler, post, put, IntoResponse, Response, Route};
use serde::Deserialize;
use serde_json::{json, Value};
use shared::ErrorBody;

use super::state::{random_id, Faults, InboxItem, SentItem, SimUser};
use super::webhook::reply_json;
use super::MockPlatform;
use crate::wechat::incoming::{Body, Event};
use crate::wechat::xml::XmlWriter;
use crate::wechat::Incoming;

pub fn routes() -> Route {
    Route::new()
        .at("/users", post(create_user).get(list_users))
        .at("/users/bulk", post(create_users))
        .at("/users/:openid", poem::patch(update_user))
        .at("/users/:openid/messages", post(send_message))
        .at("/users/:openid/inbox", get(inbox))
        .at("/users/:openid/conversation", get(conversation))
        .at("/users/:openid/menu", get(super::sim_menu::user_menu))
        .at("/scan", get(scan_page).post(scan_submit))
        .at("/faults", put(set_faults).get(get_faults))
        .at("/settings", put(set_settings))
        .at("/stats", get(stats))
        .at("/tokens/revoke", post(revoke_tokens))
}

pub(super) fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
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

/// What the follower did, in a few words.
fn describe_sent(incoming: &Incoming) -> String {
    match &incoming.body {
        Body::Text { content, .. } => content.clone(),
        Body::Location { label, latitude, longitude, .. } => format!("位置 {label} ({latitude}, {longitude})"),
        Body::Link { title, url, .. } => format!("链接 {title} {url}"),
        Body::Event(Event::Subscribe { scene: None, .. }) => "关注公众号".to_string(),
        Body::Event(Event::Subscribe { scene: Some(scene), .. }) => format!("扫码关注（{scene}）"),
        Body::Event(Event::Unsubscribe) => "取消关注".to_string(),
        Body::Event(Event::Scan { scene, .. }) => format!("扫码（{scene}）"),
        Body::Event(Event::Click { key }) => format!("点击菜单 {key}"),
        Body::Event(Event::Location { latitude, longitude, .. }) => format!("上报位置 ({latitude}, {longitude})"),
        Body::Event(event) => match event.key() {
            Some(key) if !key.is_empty() => format!("事件 {} {key}", event.name()),
            _ => format!("事件 {}", event.name()),
        },
        _ => format!("[{}]", incoming.msg_type()),
    }
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
    if let Some(user) = mock.state().users.get_mut(openid) {
        user.sent.push(SentItem {
            seq: super::state::next_seq(),
            msg_type: incoming.msg_type().to_string(),
            content: describe_sent(&incoming),
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
            user.inbox.push(InboxItem {
                seq: super::state::next_seq(),
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
            match m.event.as_str() {
                "subscribe" => {
                    user.following = true;
                    user.subscribe_time = chrono::Utc::now().timestamp();
                }
                "unsubscribe" => user.following = false,
                _ => must_follow()?,
            }
            // Following and these menu actions open the 3-messages-a-minute window;
            // reported locations, views and the like do not.
            if matches!(m.event.as_str(), "subscribe" | "CLICK" | "scancode_push" | "scancode_waitmsg") {
                user.acted();
            }
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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\
         <title>{title}</title><h1>{title}</h1>{body}"
    ))
}

#[derive(Deserialize)]
struct ScanQuery {
    #[serde(default)]
    ticket: String,
}

/// Where a QR code leads on the mock: pick who scans it.
#[handler]
fn scan_page(mock: Data<&Arc<MockPlatform>>, Query(q): Query<ScanQuery>) -> Html<String> {
    let users: Vec<(String, String, bool)> =
        mock.state().users.values().map(|u| (u.openid.clone(), u.nickname.clone(), u.following)).collect();
    let ticket = escape(&q.ticket);
    let buttons: String = users
        .iter()
        .map(|(openid, nickname, following)| {
            format!(
                "<li><form method=post><input type=hidden name=ticket value=\"{ticket}\">\
                 <input type=hidden name=openid value=\"{}\"><button>{}</button> <small>{}</small></form></li>",
                escape(openid),
                escape(nickname),
                if *following { "已关注" } else { "未关注" }
            )
        })
        .collect();
    page(
        "模拟扫码",
        &format!(
            "<p>选择扫码的微信用户：</p><ul>{buttons}</ul>\
             <form method=post><input type=hidden name=ticket value=\"{ticket}\">\
             <input name=nickname placeholder=\"新用户昵称\" required> <button>以新用户扫码（并关注）</button></form>"
        ),
    )
}

#[derive(Deserialize)]
struct ScanForm {
    ticket: String,
    #[serde(default)]
    openid: String,
    #[serde(default)]
    nickname: String,
}

#[handler]
async fn scan_submit(mock: Data<&Arc<MockPlatform>>, Form(form): Form<ScanForm>) -> Response {
    let openid = if form.openid.is_empty() {
        let nickname = form.nickname.trim();
        if nickname.is_empty() {
            return page("模拟扫码", "<p>请选择用户或填写昵称。</p>")
                .with_status(StatusCode::BAD_REQUEST)
                .into_response();
        }
        // Someone new: not following yet, so the scan arrives as a subscribe with the scene.
        let openid = openid();
        let mut user = SimUser::new(openid.clone(), nickname.to_string());
        user.following = false;
        mock.state().users.insert(openid.clone(), user);
        openid
    } else {
        form.openid
    };
    let scan = SimMessage { kind: "scan".into(), ticket: form.ticket, ..SimMessage::default() };
    match deliver(&mock, &openid, scan).await {
        Ok(delivery) => {
            let reply = delivery["reply"]["content"].as_str().unwrap_or("（无回复）");
            page("已扫码", &format!("<p>公众号回复：</p><blockquote>{}</blockquote>", escape(reply))).into_response()
        }
        Err(Refusal(status, _, message)) => {
            page("扫码失败", &format!("<p>{}</p>", escape(&message))).with_status(status).into_response()
        }
    }
}
