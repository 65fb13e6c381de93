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
