//! `/portal/topics`: a bound student's topics on their phone — the open ones they may
//! join, one topic's page, writing, liking and reporting posts, proposing a topic.

use std::time::Duration;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, AttachmentType, Binary, Json};
use poem_openapi::{ApiResponse, OpenApi};
use shared::{NewPost, NewTopic, PostReport, Topic, TopicImage, TopicPage, TopicPost};

use super::images;
use super::posts::{self, Viewer};
use super::store::{self, Member};
use crate::api_tags::ApiTags;
use crate::db::{now_ms, to_time};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::portal::StudentAuth;
use crate::state::AppState;

/// Topics a student may propose in a day.
const PROPOSALS_PER_DAY: u64 = 3;

async fn member(state: &AppState, openid: &str) -> ApiResult<Member> {
    Member::of_openid(&state.db, openid)
        .await?
        .ok_or_else(|| ApiError::forbidden("not_bound", "bind your student number first"))
}

/// An open (or locked, or closed) topic the student may join.
async fn topic_for(state: &AppState, member: &Member, id: i64) -> ApiResult<store::TopicRow> {
    store::row(&state.db, id)
        .await?
        .filter(|t| t.status() != shared::TopicStatus::Proposed && t.status() != shared::TopicStatus::Rejected)
        .filter(|t| store::may_join(t, member))
        .ok_or_else(|| ApiError::not_found("topic"))
}

#[derive(ApiResponse)]
enum Written {
    #[oai(status = 201)]
    Post(Json<TopicPost>),
}

#[derive(ApiResponse)]
enum Kept {
    #[oai(status = 201)]
    Image(Json<TopicImage>),
}

/// A picture as a response, shown in place (named by its type).
pub fn picture_of(id: i64, bytes: Vec<u8>, content_type: &str) -> Attachment<Vec<u8>> {
    let ext = content_type.rsplit('/').next().unwrap_or("jpg");
    Attachment::new(bytes).attachment_type(AttachmentType::Inline).filename(format!("picture-{id}.{ext}"))
}

#[derive(ApiResponse)]
enum Proposed {
    #[oai(status = 201)]
    Topic(Json<Topic>),
}

pub struct PortalTopicsApi;

#[OpenApi(prefix_path = "/v1/portal/topics", tag = "ApiTags::Portal")]
impl PortalTopicsApi {
    /// The open topics this student may join, newest first (403 `not_bound` for a follower
    /// bound to no student).
    #[oai(path = "/", method = "get")]
    async fn list(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<Vec<Topic>>> {
        let member = member(&state, &auth.0).await?;
        let mut topics = Vec::new();
        for row in store::joinable(&state.db, &member).await? {
            topics.push(store::dto(&state.db, &row, false).await?);
        }
        Ok(Json(topics))
    }

    /// Propose a topic (a title and a description): a teacher opens or rejects it. Three a
    /// day at most (429).
    #[oai(path = "/", method = "post")]
    async fn propose(&self, state: Data<&AppState>, auth: StudentAuth, body: Json<NewTopic>) -> ApiResult<Proposed> {
        let member = member(&state, &auth.0).await?;
        body.0.validate()?;
        let key = format!("topic-proposals:{}", member.student_id);
        if let Some(wait) = state.kv.hit(&key, PROPOSALS_PER_DAY, Duration::from_secs(86_400)).await? {
            return Err(ApiError::too_many_requests("too many proposals today", wait.as_secs()));
        }
        let now = now_ms();
        // Proposed for the student's class, as a start: the teacher who opens it may widen it.
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO topics (title, description, proposed_by, classes, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'proposed', $5, $5) RETURNING id",
        )
        .bind(body.0.title.trim())
        .bind(body.0.description.trim())
        .bind(member.student_id)
        .bind(member.class_id.map(|c| c.to_string()).unwrap_or_default())
        .bind(now)
        .fetch_one(state.db.pool())
        .await?;
        let row = store::row(&state.db, id).await?.ok_or_else(|| ApiError::internal("the topic just made is gone"))?;
        Ok(Proposed::Topic(Json(store::dto(&state.db, &row, false).await?)))
    }

    /// A topic's page: pinned posts first, then newest (`sort=hot`: most liked) with their
    /// replies; an anonymous author shows as 匿名同学; held posts only the reader's own.
    #[oai(path = "/:id", method = "get")]
    async fn page(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        sort: Query<Option<String>>,
    ) -> ApiResult<Json<TopicPage>> {
        let member = member(&state, &auth.0).await?;
        let topic = topic_for(&state, &member, id.0).await?;
        let hot = sort.0.as_deref() == Some("hot");
        let posts = posts::page(&state.db, topic.id, Viewer::Student(member.student_id), hot).await?;
        let muted_until = posts::muted_until(&state.db, topic.id, member.student_id).await?.map(to_time);
        Ok(Json(TopicPage { topic: store::dto(&state.db, &topic, false).await?, posts, muted_until }))
    }

    /// Write a post, or a reply to one (`parent_id`). A post with a word of the list is
    /// held for review (`status: held`). 409 `topic_closed` / `topic_locked`, 403 `muted`,
    /// 429 when posting too fast.
    #[oai(path = "/:id/posts", method = "post")]
    async fn write(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        body: Json<NewPost>,
    ) -> ApiResult<Written> {
        let member = member(&state, &auth.0).await?;
        let topic = topic_for(&state, &member, id.0).await?;
        Ok(Written::Post(Json(posts::write(&state, &topic, &member, &body.0, "page").await?)))
    }

    /// Keep a picture (JPEG, PNG, GIF or WebP as the body, 5 MB at most, 20 an hour) for a
    /// post about to be written here: the post names it in `images`.
    #[oai(path = "/:id/images", method = "post")]
    async fn picture(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        body: Binary<Vec<u8>>,
    ) -> ApiResult<Kept> {
        let member = member(&state, &auth.0).await?;
        let topic = topic_for(&state, &member, id.0).await?;
        let id = images::upload(&state, &topic, &member, &body.0).await?;
        Ok(Kept::Image(Json(TopicImage { id })))
    }

    /// A picture of a post this student may see (or their own).
    #[oai(path = "/images/:id", method = "get")]
    async fn image(&self, state: Data<&AppState>, auth: StudentAuth, id: Path<i64>) -> ApiResult<Attachment<Vec<u8>>> {
        let member = member(&state, &auth.0).await?;
        let (bytes, content_type) = images::file(&state, id.0, Some(&member)).await?;
        Ok(picture_of(id.0, bytes, &content_type))
    }

    /// Like a post.
    #[oai(path = "/posts/:id/like", method = "put")]
    async fn like(&self, state: Data<&AppState>, auth: StudentAuth, id: Path<i64>) -> ApiResult<Json<TopicPost>> {
        let member = member(&state, &auth.0).await?;
        Ok(Json(posts::like(&state.db, &member, id.0, true).await?))
    }

    /// Take a like back.
    #[oai(path = "/posts/:id/like", method = "delete")]
    async fn unlike(&self, state: Data<&AppState>, auth: StudentAuth, id: Path<i64>) -> ApiResult<Json<TopicPost>> {
        let member = member(&state, &auth.0).await?;
        Ok(Json(posts::like(&state.db, &member, id.0, false).await?))
    }

    /// Report a post to the teachers (once per student; 20 reports an hour at most).
    #[oai(path = "/posts/:id/report", method = "post")]
    async fn report(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        body: Json<PostReport>,
    ) -> ApiResult<NoContent> {
        let member = member(&state, &auth.0).await?;
        posts::report(&state, &member, id.0, &body.0.reason).await?;
        Ok(NoContent::Done)
    }
}
