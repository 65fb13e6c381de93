//! Where a message is answered: a teacher's answer from 消息 goes to the follower as a
//! customer-service message of its kind (text, image, voice, video, music, news). Files
//! the teacher uploaded (`uploads`) go to the platform as temporary media at this moment
//! (they last 3 days there). Every answer is a row of `inbox_replies` with its outcome,
//! and audited.
//!
//! WeChat takes customer-service messages only within 48 hours of the follower's last
//! message, five of them (45015, 45047). Outside that the answer is not lost: it becomes a
//! delivery of kind `reply:inbox` (ref_id = the answer) that the channel planner carries
//! like a notice — template, mass, or the digest handed over when the student next writes
//! — with a link to their conversation page (`/s/messages`), and the thread shows how it
//! went.

use serde_json::json;
use shared::{NewInboxReply, ThreadMessage};

use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::{now_ms, to_time};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wechat::client::media::MediaKind;
use crate::wechat::client::messages::{CustomMessage, NewsArticle};

use super::uploads::MUSIC_COVER;

/// What an answer says, as the thread keeps it.
struct Kept {
    kind: String,
    /// The text, or for other kinds a short description ("[图片]", the title).
    content: String,
    payload: Option<serde_json::Value>,
    upload_id: Option<i64>,
}

/// Answers the follower `openid` (already checked to be in the caller's scope).
pub async fn answer(state: &AppState, caller: &Caller, openid: &str, body: NewInboxReply) -> ApiResult<ThreadMessage> {
    body.validate()?;
    let kind = body.kind().to_string();
    let upload = match body.upload_id {
        Some(id) => Some(super::uploads::own(state, caller.user_id, id).await?),
        None => None,
    };
    if let Some(upload) = &upload {
        let wanted = match kind.as_str() {
            "music" => "thumb",
            "news" => "image",
            other => other,
        };
        if upload.kind != wanted {
            return Err(ApiError::field("upload_id", format!("a {kind} answer takes a {wanted} file")));
        }
    }
    let trimmed = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_string();
    let (title, description, url) = (trimmed(&body.title), trimmed(&body.description), trimmed(&body.url));
    let kept = Kept {
        content: match kind.as_str() {
            "text" => body.text.trim().to_string(),
            "image" => "[图片]".into(),
            "voice" => "[语音]".into(),
            "video" if title.is_empty() => "[视频]".into(),
            _ => title.clone(),
        },
        payload: (!matches!(kind.as_str(), "text" | "image" | "voice"))
            .then(|| json!({ "title": title, "description": description, "url": url })),
        upload_id: upload.as_ref().map(|u| u.id),
        kind: kind.clone(),
    };
    let message = build(state, &kind, &body, upload.as_ref(), (&title, &description, &url)).await?;
    let outcome = state.wechat.client.send_custom_message(openid, &message).await;
    let author: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
        .bind(caller.user_id)
        .fetch_optional(state.db.pool())
        .await?
        .unwrap_or_else(|| caller.username.clone());
    let window_closed = matches!(outcome.as_ref().err().and_then(|e| e.code()), Some(45015) | Some(45047));
    let (status, failure) = match &outcome {
        Ok(()) => ("sent", None),
        Err(_) if window_closed => ("pending", None),
        Err(err) => ("failed", Some(err.reason())),
    };
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO inbox_replies (openid, user_id, author_name, kind, content, status, failure, created_at, payload, \
         upload_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(openid)
    .bind(caller.user_id)
    .bind(&author)
    .bind(&kept.kind)
    .bind(&kept.content)
    .bind(status)
    .bind(&failure)
    .bind(now)
    .bind(kept.payload.as_ref().map(|p| p.to_string()))
    .bind(kept.upload_id)
    .fetch_one(state.db.pool())
    .await?;
    let planned = if window_closed { planned(state, id, openid).await? } else { false };
    let said = match (&outcome, planned) {
        (Ok(()), _) => "已发送".to_string(),
        (Err(_), true) => "不在48小时内，改由通知渠道送达".to_string(),
        (Err(err), false) => format!("未送达：{}", err.reason()),
    };
    Audit::by(caller, "inbox_replied")
        .target(format!("follower:{openid}"))
        .detail(said)
        .record(state.db.pool())
        .await?;
    super::live::changed(&state.kv).await;
    match outcome {
        Ok(()) => super::handled(&state.db, openid, caller.user_id).await?,
        Err(_) if planned => {
            super::handled(&state.db, openid, caller.user_id).await?;
            state.delivery.wake();
        }
        Err(err) if err.code() == Some(43004) => {
            return Err(ApiError::conflict("not_following", "this follower no longer follows the account"))
        }
        Err(_) if window_closed => {
            mark_failed(state, id, "不在48小时内，且对方未绑定学生身份，无法改由通知送达").await?;
            return Err(ApiError::conflict(
                "outside_window",
                "WeChat lets the account write only within 48 hours of the follower's last message (and a few times)",
            ));
        }
        Err(err) => return Err(err.to_api_error("WeChat did not take the answer")),
    }
    let mut answer = super::messages(state, openid).await?;
    answer.retain(|m| m.direction == "out" && m.at == to_time(now) && m.author.as_deref() == Some(author.as_str()));
    answer.pop().ok_or_else(|| ApiError::internal("the answer just kept is missing"))
}

/// The platform message for an answer, uploading its file as temporary media.
async fn build(
    state: &AppState,
    kind: &str,
    body: &NewInboxReply,
    upload: Option<&super::uploads::Upload>,
    (title, description, url): (&str, &str, &str),
) -> ApiResult<CustomMessage> {
    let platform_media = |kind: MediaKind| async move {
        let upload = upload.ok_or_else(|| ApiError::field("upload_id", "is required"))?;
        let bytes = super::uploads::read(state, upload).await?;
        let uploaded = state
            .wechat
            .client
            .upload_media(kind, &upload.file_name, &bytes)
            .await
            .map_err(|e| e.to_api_error("WeChat did not take the file"))?;
        ApiResult::Ok(uploaded.media_id)
    };
    Ok(match kind {
        "text" => CustomMessage::Text { content: body.text.trim().to_string() },
        "image" => CustomMessage::Image { media_id: platform_media(MediaKind::Image).await? },
        "voice" => CustomMessage::Voice { media_id: platform_media(MediaKind::Voice).await? },
        "video" => CustomMessage::Video {
            media_id: platform_media(MediaKind::Video).await?,
            thumb_media_id: String::new(),
            title: title.into(),
            description: description.into(),
        },
        "music" => {
            let thumb_media_id = match upload {
                Some(_) => platform_media(MediaKind::Thumb).await?,
                None => {
                    let cover = state.wechat.client.upload_media(MediaKind::Thumb, "cover.jpg", MUSIC_COVER).await;
                    cover.map_err(|e| e.to_api_error("WeChat did not take the cover"))?.media_id
                }
            };
            CustomMessage::Music {
                title: title.into(),
                description: description.into(),
                musicurl: url.into(),
                hqmusicurl: url.into(),
                thumb_media_id,
            }
        }
        _ => {
            // The platform fetches a news picture by URL when the follower opens it.
            let picurl = upload.and_then(|u| super::uploads::picture_url(state, u.id)).unwrap_or_default();
            CustomMessage::News {
                articles: vec![NewsArticle {
                    title: title.into(),
                    description: description.into(),
                    url: url.into(),
                    picurl,
                }],
            }
        }
    })
}

/// The answer becomes a delivery the planner carries (for a bound student); false when
/// the follower is bound to no student (nothing else can reach them).
async fn planned(state: &AppState, reply_id: i64, openid: &str) -> sqlx::Result<bool> {
    let mut tx = state.db.begin_write().await?;
    let delivery: Option<i64> = sqlx::query_scalar(
        "INSERT INTO deliveries (notice_id, kind, recipient, student_id, class_id, openid, status, ref_id, created_at) \
         SELECT NULL, $1, 's:' || s.id, s.id, s.class_id, s.openid, 'pending', $2, $3 FROM students s \
         WHERE s.openid = $4 RETURNING id",
    )
    .bind(format!("reply:inbox:{reply_id}"))
    .bind(reply_id)
    .bind(now_ms())
    .bind(openid)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(delivery) = delivery {
        sqlx::query("UPDATE inbox_replies SET delivery_id = $1 WHERE id = $2")
            .bind(delivery)
            .bind(reply_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(delivery.is_some())
}

async fn mark_failed(state: &AppState, reply_id: i64, reason: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE inbox_replies SET status = 'failed', failure = $1 WHERE id = $2")
        .bind(reason)
        .bind(reply_id)
        .execute(state.db.pool())
        .await?;
    Ok(())
}
