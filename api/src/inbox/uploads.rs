//! Files a teacher uploads in 消息 to answer with: checked against what the platform takes
//! for that kind (`media_limits`: type from the bytes, size, a voice note's length) before
//! anything is kept, so a refusal is a clear 422 at once rather than a platform error at
//! sending time. Kept under `BANJI_DATA_DIR/inbox-uploads`; only their uploader may send
//! them.

use shared::InboxUpload;

use crate::db::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wechat::client::media::{check_upload, MediaKind};

/// Banji's cover for a music answer without one (the platform requires a thumbnail).
pub const MUSIC_COVER: &[u8] = include_bytes!("../../assets/music-cover.jpg");
/// How long a news picture's link works (the platform fetches it when the follower opens).
const PICTURE_LINK_SECS: i64 = 30 * 24 * 3600;
/// Temporary media lasts 3 days on the platform; a cached id is used until an hour before.
const PLATFORM_MEDIA_MS: i64 = (3 * 24 - 1) * 3600 * 1000;

/// An upload as the answer reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upload {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub path: String,
}

impl Upload {
    pub fn into_dto(self, state: &AppState) -> InboxUpload {
        let url = super::media::link(state, &format!("u:{}", self.id));
        InboxUpload {
            id: self.id,
            kind: self.kind,
            file_name: self.file_name,
            content_type: self.content_type,
            size: self.size,
            url,
        }
    }
}

fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "audio/amr" => "amr",
        "audio/mpeg" => "mp3",
        "video/mp4" => "mp4",
        _ => "bin",
    }
}

/// Checks and keeps a file for `user` to answer with as `kind`.
pub async fn store(state: &AppState, user: i64, kind: &str, file_name: &str, bytes: &[u8]) -> ApiResult<Upload> {
    let media_kind =
        MediaKind::parse(kind).ok_or_else(|| ApiError::field("kind", "is image, voice, video or thumb"))?;
    if bytes.is_empty() {
        return Err(ApiError::field("file", "is empty"));
    }
    let content_type = check_upload(media_kind, bytes)
        .map_err(|refusal| ApiError::unprocessable("media_refused", refusal.message()))?;
    let name: String = file_name.chars().filter(|c| !c.is_control() && !"/\\\"".contains(*c)).take(120).collect();
    let name = if name.trim().is_empty() { format!("{kind}.{}", extension(content_type)) } else { name };
    let relative = format!("inbox-uploads/{}.{}", uuid::Uuid::new_v4().simple(), extension(content_type));
    let full = state.config.data_dir.join(&relative);
    if let Some(folder) = full.parent() {
        tokio::fs::create_dir_all(folder).await.map_err(ApiError::internal)?;
    }
    tokio::fs::write(&full, bytes).await.map_err(ApiError::internal)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO inbox_uploads (user_id, kind, file_name, content_type, size, path, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(user)
    .bind(kind)
    .bind(&name)
    .bind(content_type)
    .bind(bytes.len() as i64)
    .bind(&relative)
    .bind(now_ms())
    .fetch_one(state.db.pool())
    .await?;
    Ok(Upload {
        id,
        kind: kind.into(),
        file_name: name,
        content_type: content_type.into(),
        size: bytes.len() as i64,
        path: relative,
    })
}

/// The caller's own upload; 404 for anyone else's.
pub async fn own(state: &AppState, user: i64, id: i64) -> ApiResult<Upload> {
    sqlx::query_as(
        "SELECT id, kind, file_name, content_type, size, path FROM inbox_uploads WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or_else(|| ApiError::not_found("upload"))
}

pub async fn read(state: &AppState, upload: &Upload) -> ApiResult<Vec<u8>> {
    tokio::fs::read(state.config.data_dir.join(&upload.path)).await.map_err(|_| ApiError::not_found("upload"))
}

/// The address the platform fetches an uploaded picture from (a news article's).
pub fn picture_url(state: &AppState, id: i64) -> Option<String> {
    let token = state.jwt.issue_media_link(&format!("u:{id}"), PICTURE_LINK_SECS).ok()?;
    Some(format!("{}/inbox-media/{token}", state.config.public_url))
}

/// The platform's media id for an upload that answers again and again (an auto-reply's
/// file): uploaded as temporary media once and reused until shortly before it expires.
pub async fn platform_media(state: &AppState, id: i64, kind: MediaKind) -> ApiResult<String> {
    let row: Option<(String, String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT file_name, path, platform_media_id, platform_media_until FROM inbox_uploads WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    let (file_name, path, cached, until) = row.ok_or_else(|| ApiError::not_found("upload"))?;
    let now = now_ms();
    if let (Some(media_id), Some(until)) = (cached, until) {
        if until > now {
            return Ok(media_id);
        }
    }
    let bytes = tokio::fs::read(state.config.data_dir.join(&path)).await.map_err(|_| ApiError::not_found("upload"))?;
    let uploaded = state
        .wechat
        .client
        .upload_media(kind, &file_name, &bytes)
        .await
        .map_err(|e| e.to_api_error("WeChat did not take the file"))?;
    sqlx::query("UPDATE inbox_uploads SET platform_media_id = $1, platform_media_until = $2 WHERE id = $3")
        .bind(&uploaded.media_id)
        .bind(now + PLATFORM_MEDIA_MS)
        .bind(id)
        .execute(state.db.pool())
        .await?;
    Ok(uploaded.media_id)
}
