//! Messages on the mock: customer-service messages inside the window and cap, and mass
//! sends (quotas), followed — like the platform — by a MASSSENDJOBFINISH event to the
//! webhook. Template messages and subscribe notifications are in `templates`.

use std::sync::Arc;

use poem::handler;
use poem::web::{Data, Query};
use poem::Response;
use serde_json::{json, Value};

use super::api::{authed, Params};
use super::media::KEPT_FOR;
use super::state::{this_month, today, InboxItem, MASS_PER_MONTH};
use super::{json_body, wx, MockPlatform};
use crate::wechat::client::messages::{CustomMessage, MassMessage};
use crate::wechat::config::AccountKind;
use crate::wechat::incoming::{Body, Event};
use crate::wechat::Incoming;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// What the follower's phone shows of a message: (text, title, link). Media link to the
/// file, as the phone would show the picture or play the voice.
pub(super) fn summary(message: &CustomMessage, base: &str) -> (Option<String>, Option<String>, Option<String>) {
    let file = |id: &str| Some(format!("{base}/sim/media/{id}/file"));
    match message {
        CustomMessage::Image { media_id } | CustomMessage::Voice { media_id } => (None, None, file(media_id)),
        CustomMessage::Video { media_id, title, description, .. } => {
            (Some(description.clone()), Some(title.clone()), file(media_id))
        }
        CustomMessage::Music { title, description, musicurl, .. } => {
            (Some(description.clone()), Some(title.clone()), Some(musicurl.clone()))
        }
        CustomMessage::Text { content } => (Some(content.clone()), None, None),
        CustomMessage::News { articles } => {
            let first = articles.first();
            (first.map(|a| a.description.clone()), first.map(|a| a.title.clone()), first.map(|a| a.url.clone()))
        }
        CustomMessage::MsgMenu { head_content, .. } => (Some(head_content.clone()), None, None),
        CustomMessage::MiniProgramPage { title, pagepath, .. } => (None, Some(title.clone()), Some(pagepath.clone())),
        _ => (None, None, None),
    }
}

/// The temporary media a customer-service message carries (a thumbnail may be left out).
fn media_ids(message: &CustomMessage) -> Vec<&str> {
    match message {
        CustomMessage::Image { media_id } | CustomMessage::Voice { media_id } => vec![media_id],
        CustomMessage::Video { media_id, thumb_media_id, .. } => {
            [media_id, thumb_media_id].into_iter().filter(|id| !id.is_empty()).map(String::as_str).collect()
        }
        CustomMessage::Music { thumb_media_id, .. } if !thumb_media_id.is_empty() => vec![thumb_media_id],
        _ => vec![],
    }
}

#[handler]
pub fn custom_send(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        if !mock.settings.kind.has_customer_service() {
            return Err((48001, "api unauthorized"));
        }
        let raw = json_body(&body)?;
        let (openid, message) = CustomMessage::from_json(&raw).map_err(|_| (47001, "data format error"))?;
        if media_ids(&message).iter().any(|id| state.media.get(*id).is_none_or(|m| m.created.elapsed() >= KEPT_FOR)) {
            return Err((40007, "invalid media_id"));
        }
        let user = state.user(&openid)?;
        user.take_custom_slot()?;
        let (content, title, url) = summary(&message, &mock.settings.base_url);
        user.inbox.push(InboxItem {
            seq: super::state::next_seq(),
            channel: "custom",
            msg_type: message.msg_type().into(),
            content,
            title,
            url,
            at: now_ms(),
            raw,
        });
        Ok(json!({}))
    })())
}

/// Delivers a mass message to the chosen followers and reports the counts.
fn mass(mock: &Arc<MockPlatform>, q: &Params, body: &str, by_list: bool) -> Result<Value, (i64, &'static str)> {
    let mut state = authed(mock, q)?;
    let raw = json_body(body)?;
    let message = MassMessage::from_json(&raw).ok_or((47001, "data format error"))?;
    let kind = mock.settings.kind;
    if by_list && kind == AccountKind::Subscription {
        return Err((48001, "api unauthorized"));
    }
    let clientmsgid = raw["clientmsgid"].as_str().map(str::to_string);
    if let Some(id) = &clientmsgid {
        if state.mass_ids.contains_key(id) {
            return Err((45065, "clientmsgid exist"));
        }
    }
    if kind == AccountKind::Subscription {
        if state.mass_sendall_today.get(today()) >= 1 {
            return Err((45028, "has no masssend quota"));
        }
        state.mass_sendall_today.add(today());
    }
    let targets: Vec<String> = if by_list {
        let list: Vec<String> = raw["touser"]
            .as_array()
            .ok_or((40003, "touser missing"))?
            .iter()
            .filter_map(|o| o.as_str().map(str::to_string))
            .collect();
        if list.len() < 2 || list.len() > 10_000 {
            return Err((40130, "invalid openid list size, at least two openid"));
        }
        list
    } else if raw["filter"]["is_to_all"].as_bool().unwrap_or(false) {
        state.users.keys().cloned().collect()
    } else {
        let tag = raw["filter"]["tag_id"].as_i64().ok_or((40003, "tag_id missing"))?;
        if !state.tags.contains_key(&tag) {
            return Err((40003, "invalid tag id"));
        }
        state.users.values().filter(|u| u.tags.contains(&tag)).map(|u| u.openid.clone()).collect()
    };
    let content = match &message {
        MassMessage::Text { content } => Some(content.clone()),
        _ => None,
    };
    let (mut sent, mut filtered) = (0, 0);
    let month = this_month();
    for openid in &targets {
        let Some(user) = state.users.get_mut(openid) else {
            filtered += 1;
            continue;
        };
        let over_quota = kind != AccountKind::Subscription && user.mass_this_month.get(month) >= MASS_PER_MONTH;
        if !user.following || user.blocked || over_quota {
            filtered += 1;
            continue;
        }
        user.mass_this_month.add(month);
        let msg_type = raw["msgtype"].as_str().unwrap_or_default().to_string();
        user.inbox.push(InboxItem {
            seq: super::state::next_seq(),
            channel: "mass",
            msg_type,
            content: content.clone(),
            title: None,
            url: None,
            at: now_ms(),
            raw: raw.clone(),
        });
        sent += 1;
    }
    let msg_id = state.next_id();
    if let Some(id) = clientmsgid {
        state.mass_ids.insert(id, msg_id);
    }
    state.mass_sent.insert(msg_id, "SEND_SUCCESS");
    drop(state);
    let total = targets.len() as i64;
    let event = Event::MassSendJobFinish {
        msg_id,
        status: "send success".into(),
        total,
        filtered: filtered as i64,
        sent: sent as i64,
        errors: 0,
    };
    // The platform reports mass results from its mass-send helper account.
    mock.report("mphelper".to_string(), event);
    Ok(json!({ "errmsg": "send job submission success", "msg_id": msg_id, "msg_data_id": msg_id + 1 }))
}

#[handler]
pub fn mass_sendall(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx(mass(&mock, &q, &body, false))
}

#[handler]
pub fn mass_send(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx(mass(&mock, &q, &body, true))
}

#[handler]
pub fn mass_get(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let state = authed(&mock, &q)?;
        let msg_id = json_body(&body)?["msg_id"].as_i64().ok_or((40003, "msg_id missing"))?;
        let status = state.mass_sent.get(&msg_id).ok_or((40003, "invalid msg_id"))?;
        Ok(json!({ "msg_id": msg_id, "msg_status": status }))
    })())
}

impl MockPlatform {
    /// Posts a job-finish event to the webhook shortly after, as the platform does.
    pub(super) fn report(self: &Arc<Self>, from: String, event: Event) {
        let mock = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let Ok(_turn) = mock.reporters.acquire().await else { return };
            let incoming = Incoming {
                to: mock.settings.account_id.clone(),
                openid: from,
                create_time: chrono::Utc::now().timestamp(),
                body: Body::Event(event),
            };
            // Like the platform, a push that gets no answer is tried three times in all.
            for attempt in 1..=3 {
                match mock.deliver(&incoming).await {
                    Ok(delivery) if delivery.status == 200 => return,
                    Ok(delivery) => tracing::warn!(status = delivery.status, attempt, "a job result was refused"),
                    Err(err) => tracing::warn!(error = %err, attempt, "mock could not report a job result"),
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
    }
}
