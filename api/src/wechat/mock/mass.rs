//! Mass messages on the mock, as the platform has them since drafts replaced
//! `material/add_news`:
//! - `draft/add|get|delete`: articles kept by media_id (the cover must be permanent
//!   material, else 40007); an `mpnews` mass sends a draft's media_id;
//! - `media/uploadvideo`: a temporary video made into an `mpvideo` media_id;
//! - `message/mass/sendall` (everyone, or exactly the followers carrying a tag) and
//!   `message/mass/send` (2 to 10 000 openids, service accounts): a follower who does not
//!   follow, or who has had 4 mass messages this month (service accounts), is filtered; one
//!   who refuses the account's messages is an error; subscription accounts send once a
//!   day (45028); `clientmsgid` is idempotent (45065); then MASSSENDJOBFINISH with
//!   TotalCount, FilterCount, SentCount and ErrorCount is pushed to the webhook (unless
//!   `lose_results` is set: the platform's push failed for good, only `mass/get` tells);
//! - `message/mass/preview`: to that one follower's inbox only, 100 a day, outside quotas;
//! - `message/mass/get` and `message/mass/delete` (a sent message; afterwards `DELETE`).

use std::collections::HashMap;
use std::sync::Arc;

use poem::handler;
use poem::web::{Data, Query};
use poem::Response;
use serde_json::{json, Value};

use super::api::{authed, Params};
use super::media::KEPT_FOR;
use super::messages::now_ms;
use super::state::{next_seq, this_month, today, Failure, InboxItem, MockState, PeriodCount, MASS_PER_MONTH};
use super::{json_body, wx, MockPlatform};
use crate::wechat::client::mass::{DraftArticle, MAX_DRAFT_ARTICLES};
use crate::wechat::client::messages::MassMessage;
use crate::wechat::config::AccountKind;
use crate::wechat::incoming::Event;

/// Previews an account may send a day.
pub const PREVIEWS_PER_DAY: u32 = 100;

/// What the mock remembers of mass messages besides their status (`MockState::mass_sent`).
#[derive(Default)]
pub struct MassBook {
    /// Drafts by media_id.
    pub drafts: HashMap<String, Vec<DraftArticle>>,
    /// `mpvideo` media_ids: (title, description).
    pub videos: HashMap<String, (String, String)>,
    /// Each mass send's result, by msg_id, as the job-finish event says it.
    pub results: HashMap<i64, Event>,
    pub previews_today: PeriodCount,
    /// Job results are not pushed to the webhook (a push that failed for good).
    pub lose_results: bool,
}

impl MockPlatform {
    /// Pushes a mass send's result (again, or late after `lose_results`); false when unknown.
    pub fn push_mass_result(self: &Arc<Self>, msg_id: i64) -> bool {
        let event = self.state().mass.results.get(&msg_id).cloned();
        event.map(|e| self.report("mphelper".to_string(), e)).is_some()
    }
}

/// Whether the media a mass message carries exist: uploaded media (3 days) or material for
/// images and voice, a made video for `mpvideo`, a draft for `mpnews`.
fn media_known(state: &MockState, message: &MassMessage) -> Result<(), Failure> {
    let temporary =
        |id: &str| state.media.get(id).is_some_and(|m| m.created.elapsed() < KEPT_FOR) || state.materials.contains(id);
    let known = match message {
        MassMessage::Text { content } if content.trim().is_empty() => return Err((44003, "empty content")),
        MassMessage::Text { .. } => true,
        MassMessage::Image { media_ids } => !media_ids.is_empty() && media_ids.iter().all(|id| temporary(id)),
        MassMessage::Voice { media_id } => temporary(media_id),
        MassMessage::MpVideo { media_id } => state.mass.videos.contains_key(media_id),
        MassMessage::MpNews { media_id } => state.mass.drafts.contains_key(media_id),
    };
    if known {
        Ok(())
    } else {
        Err((40007, "invalid media_id"))
    }
}

/// What the follower's phone shows of a mass message: (text, title, link).
fn shown(state: &MockState, message: &MassMessage, base: &str) -> (Option<String>, Option<String>, Option<String>) {
    let file = |id: &str| Some(format!("{base}/sim/media/{id}/file"));
    match message {
        MassMessage::Text { content } => (Some(content.clone()), None, None),
        MassMessage::Image { media_ids } => (None, None, media_ids.first().and_then(|id| file(id))),
        MassMessage::Voice { media_id } => (None, None, file(media_id)),
        MassMessage::MpVideo { media_id } => {
            let (title, description) = state.mass.videos.get(media_id).cloned().unwrap_or_default();
            (Some(description), Some(title), None)
        }
        MassMessage::MpNews { media_id } => {
            let first = state.mass.drafts.get(media_id).and_then(|a| a.first().cloned());
            let url = format!("https://mp.weixin.qq.com/s/mock-{media_id}");
            (first.as_ref().map(|a| a.digest.clone()), first.map(|a| a.title), Some(url))
        }
    }
}

fn push(
    state: &mut MockState,
    openid: &str,
    channel: &'static str,
    shown: &(Option<String>, Option<String>, Option<String>),
    raw: &Value,
) {
    if let Some(user) = state.users.get_mut(openid) {
        let (content, title, url) = shown.clone();
        let msg_type = raw["msgtype"].as_str().unwrap_or_default().to_string();
        user.inbox.push(InboxItem {
            seq: next_seq(),
            channel,
            msg_type,
            content,
            title,
            url,
            at: now_ms(),
            raw: raw.clone(),
        });
    }
}

/// Who a mass send is meant for: a list, everyone, or a tag's followers.
fn targets(state: &MockState, raw: &Value, by_list: bool) -> Result<Vec<String>, Failure> {
    if by_list {
        let list: Vec<String> = raw["touser"]
            .as_array()
            .ok_or((40003, "touser missing"))?
            .iter()
            .filter_map(|o| o.as_str().map(str::to_string))
            .collect();
        if list.len() < 2 || list.len() > 10_000 {
            return Err((40130, "invalid openid list size, at least two openid"));
        }
        return Ok(list);
    }
    if raw["filter"]["is_to_all"].as_bool().unwrap_or(false) {
        return Ok(state.users.values().filter(|u| u.following).map(|u| u.openid.clone()).collect());
    }
    let tag = raw["filter"]["tag_id"].as_i64().ok_or((40003, "tag_id missing"))?;
    if !state.tags.contains_key(&tag) {
        return Err((40003, "invalid tag id"));
    }
    Ok(state.users.values().filter(|u| u.following && u.tags.contains(&tag)).map(|u| u.openid.clone()).collect())
}

/// Delivers a mass message to the chosen followers and reports the counts.
fn mass(mock: &Arc<MockPlatform>, q: &Params, body: &str, by_list: bool) -> Result<Value, Failure> {
    let mut state = authed(mock, q)?;
    let raw = json_body(body)?;
    let message = MassMessage::from_json(&raw).ok_or((47001, "data format error"))?;
    let kind = mock.settings.kind;
    if by_list && kind == AccountKind::Subscription {
        return Err((48001, "api unauthorized"));
    }
    media_known(&state, &message)?;
    let clientmsgid = raw["clientmsgid"].as_str().map(str::to_string);
    if clientmsgid.as_ref().is_some_and(|id| state.mass_ids.contains_key(id)) {
        return Err((45065, "clientmsgid exist"));
    }
    let targets = targets(&state, &raw, by_list)?;
    if kind == AccountKind::Subscription {
        if state.mass_sendall_today.get(today()) >= 1 {
            return Err((45028, "has no masssend quota"));
        }
        state.mass_sendall_today.add(today());
    }
    let shown = shown(&state, &message, &mock.settings.base_url);
    let (mut sent, mut filtered, mut errors) = (0, 0, 0);
    let month = this_month();
    for openid in &targets {
        let Some(user) = state.users.get_mut(openid) else {
            filtered += 1;
            continue;
        };
        let over_quota = kind != AccountKind::Subscription && user.mass_this_month.get(month) >= MASS_PER_MONTH;
        if !user.following || over_quota {
            filtered += 1;
            continue;
        }
        if user.blocked {
            errors += 1;
            continue;
        }
        user.mass_this_month.add(month);
        push(&mut state, openid, "mass", &shown, &raw);
        sent += 1;
    }
    let msg_id = state.next_id();
    let msg_data_id = state.next_id();
    if let Some(id) = clientmsgid {
        state.mass_ids.insert(id, msg_id);
    }
    state.mass_sent.insert(msg_id, "SEND_SUCCESS");
    let event = Event::MassSendJobFinish {
        msg_id,
        status: "send success".into(),
        total: targets.len() as i64,
        filtered,
        sent,
        errors,
    };
    state.mass.results.insert(msg_id, event.clone());
    let lost = state.mass.lose_results;
    drop(state);
    if !lost {
        // The platform reports mass results from its mass-send helper account.
        mock.report("mphelper".to_string(), event);
    }
    Ok(json!({ "errmsg": "send job submission success", "msg_id": msg_id, "msg_data_id": msg_data_id }))
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

#[handler]
pub fn mass_delete(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let body = json_body(&body)?;
        let msg_id = body["msg_id"].as_i64().ok_or((40003, "msg_id missing"))?;
        match state.mass_sent.get(&msg_id) {
            Some(&"SEND_SUCCESS") => {}
            _ => return Err((40003, "invalid msg_id")),
        }
        // One article of a news message goes; without article_idx (or 0) the whole message.
        if body["article_idx"].as_u64().unwrap_or(0) == 0 {
            state.mass_sent.insert(msg_id, "DELETE");
        }
        Ok(json!({}))
    })())
}

#[handler]
pub fn mass_preview(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let raw = json_body(&body)?;
        let message = MassMessage::from_json(&raw).ok_or((47001, "data format error"))?;
        let openid = raw["touser"].as_str().ok_or((40003, "invalid openid"))?.to_string();
        media_known(&state, &message)?;
        if !state.user(&openid)?.following {
            return Err((43004, "require subscribe"));
        }
        if state.mass.previews_today.get(today()) >= PREVIEWS_PER_DAY {
            return Err((45009, "reach max api daily quota limit"));
        }
        state.mass.previews_today.add(today());
        let shown = shown(&state, &message, &mock.settings.base_url);
        push(&mut state, &openid, "preview", &shown, &raw);
        let msg_id = state.next_id();
        Ok(json!({ "errmsg": "preview success", "msg_id": msg_id }))
    })())
}

#[handler]
pub fn draft_add(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let articles: Vec<DraftArticle> =
            serde_json::from_value(json_body(&body)?["articles"].clone()).map_err(|_| (47001, "data format error"))?;
        if articles.is_empty() || articles.len() > MAX_DRAFT_ARTICLES {
            return Err((47001, "data format error"));
        }
        for article in &articles {
            if article.title.trim().is_empty() || article.title.chars().count() > 64 {
                return Err((45003, "title size out of limit"));
            }
            if article.content.trim().is_empty() {
                return Err((44004, "empty content"));
            }
            if !state.materials.contains(&article.thumb_media_id) {
                return Err((40007, "invalid media_id"));
            }
        }
        let media_id = super::state::random_id(43);
        state.mass.drafts.insert(media_id.clone(), articles);
        Ok(json!({ "media_id": media_id }))
    })())
}

#[handler]
pub fn draft_get(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let state = authed(&mock, &q)?;
        let media_id = json_body(&body)?["media_id"].as_str().unwrap_or_default().to_string();
        let articles = state.mass.drafts.get(&media_id).ok_or((40007, "invalid media_id"))?;
        Ok(json!({ "news_item": articles }))
    })())
}

#[handler]
pub fn draft_delete(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let media_id = json_body(&body)?["media_id"].as_str().unwrap_or_default().to_string();
        state.mass.drafts.remove(&media_id).ok_or((40007, "invalid media_id"))?;
        Ok(json!({}))
    })())
}

#[handler]
pub fn upload_video(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let body = json_body(&body)?;
        let media_id = body["media_id"].as_str().unwrap_or_default();
        let is_video = state.media.get(media_id).is_some_and(|m| {
            m.kind == crate::wechat::client::media::MediaKind::Video && m.created.elapsed() < KEPT_FOR
        });
        if !is_video {
            return Err((40007, "invalid media_id"));
        }
        let text = |field: &str| body[field].as_str().unwrap_or_default().to_string();
        let made = super::state::random_id(64);
        state.mass.videos.insert(made.clone(), (text("title"), text("description")));
        Ok(json!({ "type": "video", "media_id": made, "created_at": chrono::Utc::now().timestamp() }))
    })())
}
