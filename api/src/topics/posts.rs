//! Posts: written on the page or by 「#话题 …」 (`write`, the one path both take: the
//! audience, the topic's state, the student's mute, the rate limits — counted first, then
//! checked, refused when they cannot be counted — and the word list), read as a page
//! (`page`), liked, reported.

use std::time::Duration;

use shared::topics::MAX_POST_CHARS;
use shared::{NewPost, PostStatus, TopicPost};

use super::store::{self, Member, TopicRow};
use super::words;
use crate::db::{now_ms, to_time, Db, Flag};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Posts a student may write in a minute, and in an hour.
pub const PER_MINUTE: u64 = 5;
pub const PER_HOUR: u64 = 30;
/// Reports a student may make in an hour.
pub const REPORTS_PER_HOUR: u64 = 20;

/// Writes `new` in `topic` for `member`, or says why not (codes the API answers and the
/// WeChat reply words).
pub async fn write(
    state: &AppState,
    topic: &TopicRow,
    member: &Member,
    new: &NewPost,
    via: &str,
) -> ApiResult<TopicPost> {
    let db = &state.db;
    may_write(db, topic, member).await?;
    let body = new.body.trim();
    if body.is_empty() || body.chars().count() > MAX_POST_CHARS {
        return Err(ApiError::field("body", format!("1 to {MAX_POST_CHARS} characters")));
    }
    if new.anonymous && !topic.anonymous_allowed.0 {
        return Err(ApiError::field("anonymous", "this topic does not take anonymous posts"));
    }
    if let Some(parent) = new.parent_id {
        let ok: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM topic_posts WHERE id = $1 AND topic_id = $2 AND parent_id IS NULL AND status = 'shown'",
        )
        .bind(parent)
        .bind(topic.id)
        .fetch_optional(db.pool())
        .await?;
        if ok.is_none() {
            return Err(ApiError::field("parent_id", "not a post of this topic"));
        }
    }
    super::images::check(db, topic.id, member.student_id, &new.images).await?;
    for (key, max, window) in [
        (format!("topic-posts:m:{}", member.student_id), PER_MINUTE, Duration::from_secs(60)),
        (format!("topic-posts:h:{}", member.student_id), PER_HOUR, Duration::from_secs(3600)),
    ] {
        let wait = state.kv.hit(&key, max, window).await?;
        if let Some(wait) = wait {
            return Err(ApiError::too_many_requests("posting too fast", wait.as_secs()));
        }
    }
    let held_for = words::hits(&words::list(db).await?, body);
    let status = if held_for.is_empty() { PostStatus::Shown } else { PostStatus::Held };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO topic_posts (topic_id, parent_id, student_id, class_id, body, anonymous, status, held_for, via, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(topic.id)
    .bind(new.parent_id)
    .bind(member.student_id)
    .bind(member.class_id)
    .bind(body)
    .bind(new.anonymous)
    .bind(status.as_str())
    .bind(held_for.join("、"))
    .bind(via)
    .bind(now_ms())
    .fetch_one(db.pool())
    .await?;
    super::images::attach(db, id, member.student_id, &new.images).await?;
    let post = one(db, id, Viewer::Student(member.student_id)).await?;
    post.ok_or_else(|| ApiError::internal("the post just written is gone"))
}

/// Whether `member` may write in `topic` now: they may join it (404), it is open (409
/// `topic_closed`) and not locked (409 `topic_locked`), they are not muted in it (403).
pub async fn may_write(db: &Db, topic: &TopicRow, member: &Member) -> ApiResult<()> {
    if !store::may_join(topic, member) {
        return Err(ApiError::not_found("topic"));
    }
    if !topic.is_open() {
        return Err(ApiError::conflict("topic_closed", "the topic is closed"));
    }
    if topic.locked.0 {
        return Err(ApiError::conflict("topic_locked", "the topic is locked: no new posts"));
    }
    if let Some(until) = muted_until(db, topic.id, member.student_id).await? {
        return Err(ApiError::forbidden("muted", format!("muted in this topic until {}", to_time(until).to_rfc3339())));
    }
    Ok(())
}

pub async fn muted_until(db: &Db, topic: i64, student: i64) -> sqlx::Result<Option<i64>> {
    let until: Option<i64> =
        sqlx::query_scalar("SELECT until FROM topic_mutes WHERE topic_id = $1 AND student_id = $2")
            .bind(topic)
            .bind(student)
            .fetch_optional(db.pool())
            .await?;
    Ok(until.filter(|u| *u > now_ms()))
}

/// Who reads: a student (anonymous authors hidden, held posts only their own) or a teacher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Student(i64),
    Teacher,
}

#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    topic_id: i64,
    parent_id: Option<i64>,
    student_id: Option<i64>,
    name: Option<String>,
    class_name: Option<String>,
    anonymous: Flag,
    body: String,
    status: String,
    held_for: String,
    pinned: Flag,
    likes: i64,
    open_reports: i64,
    created_at: i64,
    liked: i64,
}

const SELECT: &str = "SELECT p.id, p.topic_id, p.parent_id, p.student_id, s.name, c.name AS class_name, p.anonymous, \
    p.body, p.status, p.held_for, p.pinned, p.likes, p.open_reports, p.created_at, \
    (SELECT COUNT(*) FROM topic_likes l WHERE l.post_id = p.id AND l.student_id = $1) AS liked \
    FROM topic_posts p LEFT JOIN students s ON s.id = p.student_id LEFT JOIN classes c ON c.id = p.class_id";

impl PostRow {
    fn dto(self, viewer: Viewer) -> TopicPost {
        let mine = matches!(viewer, Viewer::Student(me) if self.student_id == Some(me));
        let hide_author = self.anonymous.0 && viewer != Viewer::Teacher && !mine;
        let teacher = viewer == Viewer::Teacher;
        TopicPost {
            id: self.id,
            topic_id: self.topic_id,
            parent_id: self.parent_id,
            student_id: if teacher { self.student_id } else { None },
            author: if hide_author { shared::topics::ANONYMOUS.into() } else { self.name.unwrap_or_default() },
            class_name: if hide_author { None } else { self.class_name },
            anonymous: self.anonymous.0,
            body: self.body,
            status: PostStatus::parse(&self.status).unwrap_or(PostStatus::Hidden),
            held_for: (teacher && !self.held_for.is_empty()).then_some(self.held_for),
            pinned: self.pinned.0,
            likes: self.likes,
            liked: self.liked > 0,
            mine,
            open_reports: if teacher { self.open_reports } else { 0 },
            created_at: to_time(self.created_at),
            images: Vec::new(),
            replies: Vec::new(),
        }
    }
}

fn me(viewer: Viewer) -> i64 {
    match viewer {
        Viewer::Student(id) => id,
        Viewer::Teacher => 0,
    }
}

pub async fn one(db: &Db, id: i64, viewer: Viewer) -> sqlx::Result<Option<TopicPost>> {
    let row: Option<PostRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE p.id = $2")))
        .bind(me(viewer))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    let Some(mut post) = row.map(|r| r.dto(viewer)) else { return Ok(None) };
    post.images = super::images::of_posts(db, &[post.id]).await?.remove(&post.id).unwrap_or_default();
    Ok(Some(post))
}

/// What a student may see of a topic's posts: shown, and their own held.
fn visible(viewer: Viewer) -> &'static str {
    match viewer {
        Viewer::Student(_) => "(p.status = 'shown' OR (p.status = 'held' AND p.student_id = $1))",
        Viewer::Teacher => "TRUE",
    }
}

/// Posts shown on a page.
const PAGE: i64 = 100;

/// A topic's posts with their replies: pinned first, then newest (or, `hot`, most liked).
pub async fn page(db: &Db, topic: i64, viewer: Viewer, hot: bool) -> sqlx::Result<Vec<TopicPost>> {
    let order = if hot { "p.pinned DESC, p.likes DESC, p.id DESC" } else { "p.pinned DESC, p.id DESC" };
    let rows: Vec<PostRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE p.topic_id = $2 AND p.parent_id IS NULL AND {} ORDER BY {order} LIMIT {PAGE}",
        visible(viewer)
    )))
    .bind(me(viewer))
    .bind(topic)
    .fetch_all(db.pool())
    .await?;
    let mut posts: Vec<TopicPost> = rows.into_iter().map(|r| r.dto(viewer)).collect();
    if posts.is_empty() {
        return Ok(posts);
    }
    let parents = store::join_ids(&posts.iter().map(|p| p.id).collect::<Vec<_>>());
    let replies: Vec<PostRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE p.topic_id = $2 AND p.parent_id IN ({parents}) AND {} ORDER BY p.id",
        visible(viewer)
    )))
    .bind(me(viewer))
    .bind(topic)
    .fetch_all(db.pool())
    .await?;
    let mut ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    ids.extend(replies.iter().map(|r| r.id));
    let mut pictures = super::images::of_posts(db, &ids).await?;
    for post in posts.iter_mut() {
        post.images = pictures.remove(&post.id).unwrap_or_default();
    }
    for reply in replies {
        let mut reply = reply.dto(viewer);
        reply.images = pictures.remove(&reply.id).unwrap_or_default();
        if let Some(post) = posts.iter_mut().find(|p| Some(p.id) == reply.parent_id) {
            post.replies.push(reply);
        }
    }
    Ok(posts)
}

/// A post a student may act on: shown, in a topic they may join.
async fn reachable(db: &Db, member: &Member, post: i64) -> ApiResult<TopicRow> {
    let topic: Option<i64> = sqlx::query_scalar("SELECT topic_id FROM topic_posts WHERE id = $1 AND status = 'shown'")
        .bind(post)
        .fetch_optional(db.pool())
        .await?;
    let topic = match topic {
        Some(t) => store::row(db, t).await?,
        None => None,
    };
    topic.filter(|t| store::may_join(t, member)).ok_or_else(|| ApiError::not_found("post"))
}

/// Likes a post, or takes the like back; the post as it now stands.
pub async fn like(db: &Db, member: &Member, post: i64, on: bool) -> ApiResult<TopicPost> {
    reachable(db, member, post).await?;
    let mut tx = db.begin_write().await?;
    let changed = if on {
        sqlx::query("INSERT INTO topic_likes (post_id, student_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
    } else {
        sqlx::query("DELETE FROM topic_likes WHERE post_id = $1 AND student_id = $2")
    }
    .bind(post)
    .bind(member.student_id)
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    if changed > 0 {
        sqlx::query("UPDATE topic_posts SET likes = likes + $1 WHERE id = $2")
            .bind(if on { 1 } else { -1 })
            .bind(post)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    one(db, post, Viewer::Student(member.student_id)).await?.ok_or_else(|| ApiError::not_found("post"))
}

/// Reports a post (once per student): it joins the review queue.
pub async fn report(state: &AppState, member: &Member, post: i64, reason: &str) -> ApiResult<()> {
    let db = &state.db;
    reachable(db, member, post).await?;
    let key = format!("topic-reports:{}", member.student_id);
    let wait = state.kv.hit(&key, REPORTS_PER_HOUR, Duration::from_secs(3600)).await?;
    if let Some(wait) = wait {
        return Err(ApiError::too_many_requests("too many reports", wait.as_secs()));
    }
    let reason: String = reason.trim().chars().take(200).collect();
    let mut tx = db.begin_write().await?;
    let new = sqlx::query(
        "INSERT INTO topic_reports (post_id, student_id, reason, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(post)
    .bind(member.student_id)
    .bind(reason)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if new > 0 {
        sqlx::query("UPDATE topic_posts SET reports = reports + 1, open_reports = open_reports + 1 WHERE id = $1")
            .bind(post)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
