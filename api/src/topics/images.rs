//! Pictures in posts: a student uploads up to three (JPEG, PNG, GIF or WebP, by their first
//! bytes, 5 MB each, 20 an hour) while writing; each waits with no post until the post that
//! names it is written (`attach`, in the same checks as the post). A picture is fetched by
//! whoever may see its post — its author always, a student who may join the topic once the
//! post is shown, a teacher — through the API with their token (the page draws it from a
//! blob).

use std::collections::HashMap;
use std::time::Duration;

use super::posts;
use super::store::{self, Member, TopicRow};
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub const MAX_PER_POST: usize = 3;
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
pub const PER_HOUR: u64 = 20;

/// The picture's content type and extension, from its first bytes.
pub fn kind_of(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(("image/gif", "gif"))
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else {
        None
    }
}

/// Keeps an uploaded picture for a post the student is about to write in `topic`.
pub async fn upload(state: &AppState, topic: &TopicRow, member: &Member, bytes: &[u8]) -> ApiResult<i64> {
    posts::may_write(&state.db, topic, member).await?;
    let Some((content_type, ext)) = kind_of(bytes) else {
        return Err(ApiError::field("file", "a picture (JPEG, PNG, GIF or WebP)"));
    };
    if bytes.len() > MAX_BYTES {
        return Err(ApiError::field("file", "at most 5 MB"));
    }
    let key = format!("topic-images:{}", member.student_id);
    if let Some(wait) = state.kv.hit(&key, PER_HOUR, Duration::from_secs(3600)).await? {
        return Err(ApiError::too_many_requests("too many pictures", wait.as_secs()));
    }
    forget_unused(state, member.student_id).await?;
    let folder = format!("topic-images/{}", topic.id);
    let path = crate::notices::attachments::save(&state.config.data_dir, &folder, &format!("p.{ext}"), bytes).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO topic_images (topic_id, student_id, path, content_type, size, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(topic.id)
    .bind(member.student_id)
    .bind(path)
    .bind(content_type)
    .bind(bytes.len() as i64)
    .bind(now_ms())
    .fetch_one(state.db.pool())
    .await?;
    Ok(id)
}

/// How long a picture no post took is kept.
const UNUSED_FOR_MS: i64 = 24 * 3600 * 1000;

/// Deletes the student's pictures that no post took within a day (files and rows), so an
/// abandoned upload of a minor's photo is not kept. Run at each upload of theirs.
async fn forget_unused(state: &AppState, student: i64) -> ApiResult<()> {
    let stale: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, path FROM topic_images WHERE student_id = $1 AND post_id IS NULL AND created_at < $2",
    )
    .bind(student)
    .bind(now_ms() - UNUSED_FOR_MS)
    .fetch_all(state.db.pool())
    .await?;
    for (id, path) in stale {
        let _ = tokio::fs::remove_file(state.config.data_dir.join(&path)).await;
        sqlx::query("DELETE FROM topic_images WHERE id = $1").bind(id).execute(state.db.pool()).await?;
    }
    Ok(())
}

fn list(ids: &[i64]) -> String {
    store::join_ids(ids)
}

/// Checks that `ids` are at most three of the student's own pictures of `topic` not yet
/// in a post (422 `images` otherwise).
pub async fn check(db: &Db, topic: i64, student: i64, ids: &[i64]) -> ApiResult<()> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != ids.len() || ids.len() > MAX_PER_POST {
        return Err(ApiError::field("images", "at most 3 different pictures"));
    }
    if ids.is_empty() {
        return Ok(());
    }
    let found: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM topic_images WHERE id IN ({}) AND topic_id = $1 AND student_id = $2 AND post_id IS NULL",
        list(ids)
    )))
    .bind(topic)
    .bind(student)
    .fetch_one(db.pool())
    .await?;
    if found != ids.len() as i64 {
        return Err(ApiError::field("images", "not pictures you uploaded for this topic"));
    }
    Ok(())
}

/// Gives `post` its pictures (checked by `check`).
pub async fn attach(db: &Db, post: i64, student: i64, ids: &[i64]) -> sqlx::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE topic_images SET post_id = $1 WHERE id IN ({}) AND student_id = $2 AND post_id IS NULL",
        list(ids)
    )))
    .bind(post)
    .bind(student)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The pictures of these posts, in upload order.
pub async fn of_posts(db: &Db, posts: &[i64]) -> sqlx::Result<HashMap<i64, Vec<i64>>> {
    let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
    if posts.is_empty() {
        return Ok(map);
    }
    let rows: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT post_id, id FROM topic_images WHERE post_id IN ({}) ORDER BY id",
        list(posts)
    )))
    .fetch_all(db.pool())
    .await?;
    for (post, id) in rows {
        map.entry(post).or_default().push(id);
    }
    Ok(map)
}

#[derive(sqlx::FromRow)]
struct PictureRow {
    topic_id: i64,
    student_id: Option<i64>,
    /// Its post, when the post is shown.
    shown_post: Option<i64>,
    path: String,
    content_type: String,
}

/// The picture's bytes and type, if `viewer` may see it (404 otherwise).
pub async fn file(state: &AppState, id: i64, viewer: Option<&Member>) -> ApiResult<(Vec<u8>, String)> {
    let row: Option<PictureRow> = sqlx::query_as(
        "SELECT i.topic_id, i.student_id, p.id AS shown_post, i.path, i.content_type FROM topic_images i \
         LEFT JOIN topic_posts p ON p.id = i.post_id AND p.status = 'shown' WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(PictureRow { topic_id: topic, student_id: author, shown_post, path, content_type }) = row else {
        return Err(ApiError::not_found("picture"));
    };
    if let Some(member) = viewer {
        let own = author == Some(member.student_id);
        let joinable = match store::row(&state.db, topic).await? {
            Some(t) => store::may_join(&t, member),
            None => false,
        };
        if !(own || shown_post.is_some() && joinable) {
            return Err(ApiError::not_found("picture"));
        }
    }
    let bytes = tokio::fs::read(state.config.data_dir.join(path)).await.map_err(|_| ApiError::not_found("picture"))?;
    Ok((bytes, content_type))
}
