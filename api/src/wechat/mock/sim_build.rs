//! A simulated follower's message or event as the platform would send it: the follower's
//! state moves (following, the customer-service window), media they send is a built-in
//! sample the mock keeps (`media`), and the result is the platform's `Incoming`.

use std::sync::Arc;
use std::time::Instant;

use poem::http::StatusCode;

use super::sim::{Refusal, SimMessage};
use super::MockPlatform;
use crate::wechat::client::media::MediaKind;
use crate::wechat::incoming::{Body, Event};
use crate::wechat::xml::XmlWriter;
use crate::wechat::Incoming;

/// What the follower did, in a few words.
pub(super) fn describe_sent(incoming: &Incoming) -> String {
    match &incoming.body {
        Body::Text { content, .. } => content.clone(),
        Body::Location { label, latitude, longitude, .. } => format!("位置 {label} ({latitude}, {longitude})"),
        Body::Link { title, url, .. } => format!("链接 {title} {url}"),
        Body::Image { .. } => "[图片]".to_string(),
        Body::Voice { .. } => "[语音]".to_string(),
        Body::Video { .. } | Body::ShortVideo { .. } => "[视频]".to_string(),
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

pub(super) fn build(mock: &Arc<MockPlatform>, openid: &str, m: &SimMessage) -> Result<Incoming, Refusal> {
    // What a follower sends as media: the sample of its kind, kept as temporary media.
    let media = match m.kind.as_str() {
        _ if m.media_id.is_some() => m.media_id.clone(),
        "image" => Some(mock.sample_media(MediaKind::Image)),
        "voice" => Some(mock.sample_media(MediaKind::Voice)),
        "video" | "shortvideo" => Some(mock.sample_media(MediaKind::Video)),
        _ => None,
    };
    let thumb = matches!(m.kind.as_str(), "video" | "shortvideo").then(|| mock.sample_media(MediaKind::Thumb));
    let (media_id, thumb_media_id) = (media.unwrap_or_default(), thumb.unwrap_or_default());
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
                    pic_url: format!("{}/sim/media/{media_id}/file", mock.settings.base_url),
                    media_id,
                },
                "voice" => Body::Voice {
                    msg_id,
                    media_id,
                    format: "amr".into(),
                    recognition: (!m.content.is_empty()).then(|| m.content.clone()),
                },
                "video" => Body::Video { msg_id, media_id, thumb_media_id },
                "shortvideo" => Body::ShortVideo { msg_id, media_id, thumb_media_id },
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
