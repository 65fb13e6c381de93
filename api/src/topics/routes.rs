//! `/topics`: the console's 话题 — topics (open one, approve or reject a proposal, close,
//! lock, allow anonymous posts), their posts with authors, the review queue (held by the
//! word list, or reported) and what a teacher does with a post, muting a student in a
//! topic, the word list (admins), activity over time and the export. Every change is
//! audited.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, Json};
use poem_openapi::{ApiResponse, OpenApi};
use shared::{
    ModerationWords, NewTopic, PostReview, ReviewAction, Topic, TopicActivity, TopicMute, TopicPage, TopicPatch,
    TopicPost, TopicStatus,
};

use super::posts::{self, Viewer};
use super::store::{self, TopicRow};
use super::{report, words};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::{BearerAuth, Caller};
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::http::sheet::{self, FileFormat};
use crate::state::AppState;

#[derive(ApiResponse)]
enum Opened {
    #[oai(status = 201)]
    Topic(Json<Topic>),
}

async fn moderated(db: &Db, caller: &Caller, id: i64) -> ApiResult<TopicRow> {
    let topic = store::row(db, id).await?.ok_or_else(|| ApiError::not_found("topic"))?;
    if !store::may_moderate(&topic, caller) {
        return Err(ApiError::forbidden("not_yours", "only the topic's teacher or an admin may do this"));
    }
    Ok(topic)
}

/// The topic's post a teacher acts on, with its topic.
async fn post_of(db: &Db, caller: &Caller, post: i64) -> ApiResult<TopicRow> {
    let topic: Option<i64> = sqlx::query_scalar("SELECT topic_id FROM topic_posts WHERE id = $1")
        .bind(post)
        .fetch_optional(db.pool())
        .await?;
    moderated(db, caller, topic.ok_or_else(|| ApiError::not_found("post"))?).await
}

pub struct TopicsApi;

#[OpenApi(prefix_path = "/v1/topics", tag = "ApiTags::Topics")]
impl TopicsApi {
    /// Every topic, newest first: proposals waiting, open, closed.
    #[oai(path = "/", method = "get")]
    async fn list(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Vec<Topic>>> {
        let mut topics = Vec::new();
        for row in store::rows(&state.db, None).await? {
            let teacher = store::may_moderate(&row, &auth.0);
            topics.push(store::dto(&state.db, &row, teacher).await?);
        }
        Ok(Json(topics))
    }

    /// Open a topic (any teacher): for everyone, or some classes and groups.
    #[oai(path = "/", method = "post")]
    async fn open(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewTopic>) -> ApiResult<Opened> {
        body.0.validate()?;
        let now = now_ms();
        let mut tx = state.db.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO topics (title, description, owner_id, classes, groups_of, anonymous_allowed, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7) RETURNING id",
        )
        .bind(body.0.title.trim())
        .bind(body.0.description.trim())
        .bind(auth.0.user_id)
        .bind(store::join_ids(&body.0.classes))
        .bind(store::join_ids(&body.0.groups))
        .bind(body.0.anonymous_allowed)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        Audit::by(&auth.0, "topic_opened")
            .target(format!("topic:{id}"))
            .detail(body.0.title.trim())
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
        let row = store::row(&state.db, id).await?.ok_or_else(|| ApiError::internal("the topic just made is gone"))?;
        Ok(Opened::Topic(Json(store::dto(&state.db, &row, true).await?)))
    }

    /// Change a topic: approve (`status: open`, the teacher becomes its owner) or reject a
    /// proposal, close or reopen, lock, allow anonymous posts, reword the description.
    /// Its teacher or an admin (403 `not_yours`).
    #[oai(path = "/:id", method = "patch")]
    async fn change(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<TopicPatch>,
    ) -> ApiResult<Json<Topic>> {
        let topic = moderated(&state.db, &auth.0, id.0).await?;
        let patch = body.0;
        if let Some(description) = &patch.description {
            shared::validate::optional_label(description, shared::topics::MAX_TOPIC_DESCRIPTION_CHARS)
                .map_err(|_| ApiError::field("description", "at most 300 characters"))?;
        }
        let mut tx = state.db.begin_write().await?;
        let mut done = Vec::new();
        if let Some(status) = patch.status {
            let owner = if topic.owner_id.is_none() && status == TopicStatus::Open {
                Some(auth.0.user_id)
            } else {
                topic.owner_id
            };
            sqlx::query("UPDATE topics SET status = $1, owner_id = $2 WHERE id = $3")
                .bind(status.as_str())
                .bind(owner)
                .bind(topic.id)
                .execute(&mut *tx)
                .await?;
            done.push(format!("status={}", status.as_str()));
        }
        for (value, column) in [(patch.locked, "locked"), (patch.anonymous_allowed, "anonymous_allowed")] {
            if let Some(on) = value {
                sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE topics SET {column} = $1 WHERE id = $2")))
                    .bind(on)
                    .bind(topic.id)
                    .execute(&mut *tx)
                    .await?;
                done.push(format!("{column}={on}"));
            }
        }
        if let Some(description) = &patch.description {
            sqlx::query("UPDATE topics SET description = $1 WHERE id = $2")
                .bind(description.trim())
                .bind(topic.id)
                .execute(&mut *tx)
                .await?;
            done.push("description".into());
        }
        sqlx::query("UPDATE topics SET updated_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(topic.id)
            .execute(&mut *tx)
            .await?;
        Audit::by(&auth.0, "topic_changed")
            .target(format!("topic:{}", topic.id))
            .detail(done.join(", "))
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
        let row = store::row(&state.db, topic.id).await?.ok_or_else(|| ApiError::not_found("topic"))?;
        Ok(Json(store::dto(&state.db, &row, true).await?))
    }

    /// A topic with every post (held and hidden too) and who wrote it, anonymous or not.
    #[oai(path = "/:id/posts", method = "get")]
    async fn posts(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<TopicPage>> {
        let topic = store::row(&state.db, id.0).await?.ok_or_else(|| ApiError::not_found("topic"))?;
        let posts = posts::page(&state.db, topic.id, Viewer::Teacher, false).await?;
        let teacher = store::may_moderate(&topic, &auth.0);
        Ok(Json(TopicPage { topic: store::dto(&state.db, &topic, teacher).await?, posts, muted_until: None }))
    }

    /// The review queue: posts the word list held, and shown posts with reports not yet
    /// looked at, oldest first, in the topics this teacher moderates.
    #[oai(path = "/queue", method = "get")]
    async fn queue(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Vec<TopicPost>>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM topic_posts WHERE status = 'held' OR (status = 'shown' AND open_reports > 0) ORDER BY id LIMIT 200",
        )
        .fetch_all(state.db.pool())
        .await?;
        let mut queue = Vec::new();
        for id in ids {
            let Some(post) = posts::one(&state.db, id, Viewer::Teacher).await? else { continue };
            let topic = store::row(&state.db, post.topic_id).await?;
            if topic.is_some_and(|t| store::may_moderate(&t, &auth.0)) {
                queue.push(post);
            }
        }
        Ok(Json(queue))
    }

    /// Act on a post: approve (show a held post; a reported one's reports are dismissed),
    /// hide, pin, unpin.
    #[oai(path = "/posts/:id/review", method = "post")]
    async fn review(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<PostReview>,
    ) -> ApiResult<Json<TopicPost>> {
        post_of(&state.db, &auth.0, id.0).await?;
        let (sql, action) = match body.0.action {
            ReviewAction::Approve => {
                ("UPDATE topic_posts SET status = 'shown', open_reports = 0 WHERE id = $1", "topic_post_approved")
            }
            ReviewAction::Hide => {
                ("UPDATE topic_posts SET status = 'hidden', open_reports = 0 WHERE id = $1", "topic_post_hidden")
            }
            ReviewAction::Pin => ("UPDATE topic_posts SET pinned = TRUE WHERE id = $1", "topic_post_pinned"),
            ReviewAction::Unpin => ("UPDATE topic_posts SET pinned = FALSE WHERE id = $1", "topic_post_unpinned"),
        };
        let mut tx = state.db.begin_write().await?;
        sqlx::query(sql).bind(id.0).execute(&mut *tx).await?;
        Audit::by(&auth.0, action).target(format!("topic_post:{}", id.0)).record(&mut *tx).await?;
        tx.commit().await?;
        Ok(Json(posts::one(&state.db, id.0, Viewer::Teacher).await?.ok_or_else(|| ApiError::not_found("post"))?))
    }

    /// Mute a student in a topic for a time (1 minute to 30 days): they read, but may not post.
    #[oai(path = "/:id/mutes", method = "post")]
    async fn mute(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<TopicMute>,
    ) -> ApiResult<NoContent> {
        let topic = moderated(&state.db, &auth.0, id.0).await?;
        if !(1..=30 * 24 * 60).contains(&body.0.minutes) {
            return Err(ApiError::field("minutes", "1 minute to 30 days"));
        }
        let student: Option<i64> = sqlx::query_scalar("SELECT id FROM students WHERE id = $1")
            .bind(body.0.student_id)
            .fetch_optional(state.db.pool())
            .await?;
        let student = student.ok_or_else(|| ApiError::field("student_id", "no such student"))?;
        let until = now_ms() + body.0.minutes * 60_000;
        let mut tx = state.db.begin_write().await?;
        sqlx::query(
            "INSERT INTO topic_mutes (topic_id, student_id, until, muted_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (topic_id, student_id) DO UPDATE SET until = $3, muted_by = $4",
        )
        .bind(topic.id)
        .bind(student)
        .bind(until)
        .bind(auth.0.user_id)
        .execute(&mut *tx)
        .await?;
        Audit::by(&auth.0, "topic_student_muted")
            .target(format!("topic:{}", topic.id))
            .detail(format!("student:{student} {} 分钟", body.0.minutes))
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(NoContent::Done)
    }

    /// A post's picture (any teacher).
    #[oai(path = "/images/:id", method = "get")]
    async fn image(&self, state: Data<&AppState>, _auth: BearerAuth, id: Path<i64>) -> ApiResult<Attachment<Vec<u8>>> {
        let (bytes, content_type) = super::images::file(&state, id.0, None).await?;
        Ok(super::portal::picture_of(id.0, bytes, &content_type))
    }

    /// The word list: a post containing one of them is held for review.
    #[oai(path = "/words", method = "get")]
    async fn words(&self, state: Data<&AppState>, _auth: BearerAuth) -> ApiResult<Json<ModerationWords>> {
        Ok(Json(ModerationWords { words: words::list(&state.db).await? }))
    }

    /// Replace the word list (admins; at most 2 000 words of 30 characters).
    #[oai(path = "/words", method = "put")]
    async fn set_words(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<ModerationWords>,
    ) -> ApiResult<Json<ModerationWords>> {
        auth.0.require_admin()?;
        if body.0.words.len() > words::MAX_WORDS
            || body.0.words.iter().any(|w| w.trim().chars().count() > words::MAX_WORD_CHARS)
        {
            return Err(ApiError::field("words", "at most 2 000 words of 30 characters"));
        }
        let kept = words::replace(&state.db, &body.0.words).await?;
        Audit::by(&auth.0, "moderation_words_changed")
            .detail(format!("{} 个词", kept.len()))
            .record(state.db.pool())
            .await?;
        Ok(Json(ModerationWords { words: kept }))
    }

    /// A topic's activity: posts and participants per day (China time) and per class.
    #[oai(path = "/:id/activity", method = "get")]
    async fn activity(
        &self,
        state: Data<&AppState>,
        _auth: BearerAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<TopicActivity>> {
        let topic = store::row(&state.db, id.0).await?.ok_or_else(|| ApiError::not_found("topic"))?;
        Ok(Json(report::activity(&state.db, topic.id).await?))
    }

    /// Every post of a topic as a sheet (CSV, or `format=xlsx`): time, class, student (also
    /// of anonymous posts), text, status, likes, reports. Written to the audit log.
    #[oai(path = "/:id/export", method = "get")]
    async fn export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        format: Query<Option<FileFormat>>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        let topic = moderated(&state.db, &auth.0, id.0).await?;
        let rows = report::export_rows(&state.db, topic.id).await?;
        let sheet = report::sheet(rows);
        Audit::by(&auth.0, "topic_exported")
            .target(format!("topic:{}", topic.id))
            .detail(format!("{} 行", sheet.rows.len()))
            .record(state.db.pool())
            .await?;
        sheet::file(&format!("topic-{}", topic.id), format.0.unwrap_or(FileFormat::Csv), &sheet)
    }
}
