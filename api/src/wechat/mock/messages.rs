//! Messages on the mock: customer-service messages inside the window and cap. Template
//! messages and subscribe notifications are in `templates`, mass sends in `mass`.

use std::sync::Arc;

use poem::handler;
use poem::web::{Data, Query};
use poem::Response;
use serde_json::json;

use super::api::{authed, Params};
use super::media::KEPT_FOR;
use super::state::InboxItem;
use super::{json_body, wx, MockPlatform};
use crate::wechat::client::messages::CustomMessage;
use crate::wechat::incoming::{Body, Event};
use crate::wechat::Incoming;

pub(super) fn now_ms() -> i64 {
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
