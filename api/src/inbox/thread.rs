//! A thread as a teacher (and the student, on `/s/messages`) reads it: what the follower
//! sent (the message log, with the media Banji kept, and their menu clicks), Banji's automatic answers and the
//! teachers' answers (`inbox_replies`, an answer carried outside the window with its
//! delivery's outcome), and the notices pushed to them (their deliveries, with read
//! state) — the latest 200, oldest first.

use chrono::{DateTime, Utc};
use shared::ThreadMessage;

use super::MESSAGE_TYPES;
use crate::db::{now_ms, to_time, Db};
use crate::state::AppState;

/// WeChat's customer-service window after a follower's message, and its cap.
const WINDOW_MS: i64 = 48 * 3600 * 1000;
const WINDOW_CAP: i64 = 5;
/// How many of a thread's latest messages a thread shows.
const THREAD_MESSAGES: i64 = 200;

/// WeChat's customer-service window as far as Banji knows it: 48 hours and 5 messages
/// after the follower's last message in WeChat (a message has a MsgId; what they wrote on
/// the page has none and opens nothing), less the teachers' answers sent since (Banji's
/// passive answers do not count).
pub async fn window(db: &Db, openid: &str) -> sqlx::Result<(Option<DateTime<Utc>>, i64)> {
    let types = MESSAGE_TYPES.map(|t| format!("'{t}'")).join(", ");
    let last: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT MAX(received_at) FROM wechat_messages WHERE openid = $1 AND msg_type IN ({types}) AND msg_id IS NOT NULL"
    )))
    .bind(openid)
    .fetch_one(db.pool())
    .await?;
    let Some(last) = last.filter(|at| at + WINDOW_MS > now_ms()) else { return Ok((None, 0)) };
    let sent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM inbox_replies WHERE openid = $1 AND status = 'sent' AND kind <> 'auto' \
         AND delivery_id IS NULL AND created_at >= $2",
    )
    .bind(openid)
    .bind(last)
    .fetch_one(db.pool())
    .await?;
    Ok((Some(to_time(last + WINDOW_MS)), (WINDOW_CAP - sent).max(0)))
}

#[derive(sqlx::FromRow)]
struct Inbound {
    received_at: i64,
    msg_type: String,
    event_key: Option<String>,
    content: Option<String>,
    media_row: Option<i64>,
    media_status: Option<String>,
    media_type: Option<String>,
    playable_path: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Answer {
    created_at: i64,
    kind: String,
    content: String,
    author_name: String,
    status: String,
    failure: Option<String>,
    payload: Option<String>,
    upload_id: Option<i64>,
    upload_type: Option<String>,
    delivery_status: Option<String>,
    delivery_channel: Option<String>,
    delivery_failure: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Pushed {
    created_at: i64,
    sent_at: Option<i64>,
    notice_id: i64,
    title: String,
    status: String,
    channel: Option<String>,
    read_at: Option<i64>,
}

/// A follower's latest messages every way, oldest first.
pub async fn messages(state: &AppState, openid: &str) -> sqlx::Result<Vec<ThreadMessage>> {
    let db = &state.db;
    let types = MESSAGE_TYPES.map(|t| format!("'{t}'")).join(", ");
    let inbound: Vec<Inbound> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT m.received_at, m.msg_type, m.event_key, m.content, im.id AS media_row, im.status AS media_status, \
         im.content_type AS media_type, im.playable_path FROM wechat_messages m \
         LEFT JOIN inbox_media im ON im.openid = m.openid AND im.msg_id = m.msg_id \
         WHERE m.openid = $1 AND (m.msg_type IN ({types}) OR (m.msg_type = 'event' AND m.event = 'CLICK')) \
         ORDER BY m.received_at DESC, m.id DESC LIMIT {THREAD_MESSAGES}"
    )))
    .bind(openid)
    .fetch_all(db.pool())
    .await?;
    let answers: Vec<Answer> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT r.created_at, r.kind, r.content, r.author_name, r.status, r.failure, r.payload, r.upload_id, \
         u.content_type AS upload_type, d.status AS delivery_status, d.channel AS delivery_channel, \
         d.failure AS delivery_failure FROM inbox_replies r LEFT JOIN inbox_uploads u ON u.id = r.upload_id \
         LEFT JOIN deliveries d ON d.id = r.delivery_id WHERE r.openid = $1 \
         ORDER BY r.created_at DESC, r.id DESC LIMIT {THREAD_MESSAGES}"
    )))
    .bind(openid)
    .fetch_all(db.pool())
    .await?;
    let pushed: Vec<Pushed> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT d.created_at, d.sent_at, d.notice_id, n.title, d.status, d.channel, d.read_at FROM deliveries d \
         JOIN notices n ON n.id = d.notice_id WHERE d.openid = $1 AND d.kind = 'notice' \
         AND d.status NOT IN ('cancelled', 'unbound') ORDER BY d.id DESC LIMIT {THREAD_MESSAGES}"
    )))
    .bind(openid)
    .fetch_all(db.pool())
    .await?;

    let mut messages: Vec<ThreadMessage> = Vec::new();
    // A menu click is worth showing as the button they pressed (what Banji then answered
    // follows it).
    let features = crate::menus::features(state);
    let clicked = |key: &str| {
        let label = features.iter().find(|f| f.key.as_deref() == Some(key)).map(|f| f.label.clone());
        format!("点击菜单：{}", label.unwrap_or_else(|| key.to_string()))
    };
    for m in inbound {
        if m.msg_type == "event" {
            let text = clicked(m.event_key.as_deref().unwrap_or_default());
            messages.push(ThreadMessage::new(to_time(m.received_at), "in", "click", Some(text)));
            continue;
        }
        // A picture's or video's logged text is the platform's URL, not something they said
        // (a voice note's is what the platform heard: kept).
        let text = m.content.filter(|_| !matches!(m.msg_type.as_str(), "image" | "video" | "shortvideo"));
        let mut message = ThreadMessage::new(to_time(m.received_at), "in", &m.msg_type, text);
        if let (Some(row), Some(status)) = (m.media_row, m.media_status) {
            if status == "kept" {
                message.media_url = super::media::link(state, &format!("m:{row}"));
                message.media_type = if m.playable_path.is_some() { Some("audio/wav".into()) } else { m.media_type };
            }
            message.media_state = Some(status);
        }
        messages.push(message);
    }
    for a in answers {
        // Text (the teacher's or Banji's) is the answer itself; other kinds are their file,
        // title and description, the kept content only a label for lists.
        let text = matches!(a.kind.as_str(), "text" | "auto").then_some(a.content);
        let mut message = ThreadMessage::new(to_time(a.created_at), "out", &a.kind, text);
        message.author = Some(a.author_name);
        if let Some(payload) = a.payload.and_then(|p| serde_json::from_str::<serde_json::Value>(&p).ok()) {
            let field = |k: &str| payload[k].as_str().filter(|v| !v.is_empty()).map(str::to_string);
            message.title = field("title");
            message.url = field("url");
            message.text = field("description");
        }
        if let Some(upload) = a.upload_id {
            message.media_url = super::media::link(state, &format!("u:{upload}"));
            message.media_type = a.upload_type;
        }
        // An answer carried by the planner: how its delivery went.
        let (status, channel, failure) = match a.delivery_status {
            Some(delivery) => {
                let status = match delivery.as_str() {
                    "sent" => "sent",
                    "failed" | "muted" => "failed",
                    _ => "pending",
                };
                (status.to_string(), a.delivery_channel, a.delivery_failure)
            }
            None if a.kind == "auto" => (a.status, None, a.failure),
            None => (a.status, Some("custom".into()), a.failure),
        };
        message.status = Some(status);
        message.channel = channel;
        message.failure = failure;
        messages.push(message);
    }
    for p in pushed {
        let mut message = ThreadMessage::new(to_time(p.sent_at.unwrap_or(p.created_at)), "out", "notice", None);
        message.title = Some(p.title);
        message.notice_id = Some(p.notice_id);
        message.status = Some(p.status);
        message.channel = p.channel;
        message.read_at = p.read_at.map(to_time);
        messages.push(message);
    }
    messages.sort_by_key(|m| m.at);
    let skip = messages.len().saturating_sub(THREAD_MESSAGES as usize);
    Ok(messages.split_off(skip))
}
