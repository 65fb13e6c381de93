//! `/notices`: compose, target (with a live count), attach, send or schedule, withdraw,
//! and follow a notice's delivery. Teachers act on their own notices; admins on all.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiRequest, ApiResponse, Multipart, Object, OpenApi};
use shared::{
    Attachment, Audience, AudienceCount, Delivery, DeliveryProgress, NewNotice, Notice, NoticeCorrection, NoticePatch,
    NoticeStatus, NoticeSummary, Page, PageQuery, SendRequest, Urgency,
};

use super::store::{self, NoticeQuery};
use super::{attachments, audience, lifecycle};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::people::Scope;
use crate::state::AppState;

#[derive(ApiResponse)]
enum NoticeCreated {
    #[oai(status = 201)]
    Created(Json<Notice>),
}

#[derive(ApiResponse)]
enum AttachmentAdded {
    #[oai(status = 201)]
    Created(Json<Attachment>),
}

/// An audience to count before sending.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
struct AudienceQuestion {
    audience: Audience,
    /// Students who muted this category are counted as muted (unless urgent).
    category_id: Option<i64>,
    #[oai(default)]
    urgency: Urgency,
}

#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
struct MarkdownText {
    body: String,
}

#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
struct RenderedHtml {
    html: String,
}

#[derive(Multipart)]
struct AttachmentForm {
    file: Upload,
}

#[derive(ApiRequest)]
enum AttachmentFile {
    Form(AttachmentForm),
    /// The file as the body; its name in `?name=`.
    Raw(Binary<Vec<u8>>),
}

pub struct NoticesApi;

async fn notice(state: &AppState, scope: Scope, id: i64) -> ApiResult<Notice> {
    let row = store::visible(&state.db, scope, id).await?;
    Ok(store::full(&state.db, row).await?)
}

#[OpenApi(prefix_path = "/v1/notices", tag = "ApiTags::Notices")]
impl NoticesApi {
    /// Notices (teachers: their own), newest first; search words in title and body.
    #[oai(path = "/", method = "get")]
    #[allow(clippy::too_many_arguments)] // one argument per query parameter of the endpoint
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        q: Query<Option<String>>,
        status: Query<Option<NoticeStatus>>,
        category_id: Query<Option<i64>>,
        urgency: Query<Option<Urgency>>,
        author_id: Query<Option<i64>>,
        /// Created at or after this time.
        from: Query<Option<chrono::DateTime<chrono::Utc>>>,
        /// Created before this time.
        until: Query<Option<chrono::DateTime<chrono::Utc>>>,
        /// Sent to students of this class; the read and confirm counts are then the class's.
        class_id: Query<Option<i64>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<NoticeSummary>>> {
        let query = NoticeQuery {
            search: q.0.unwrap_or_default(),
            status: status.0,
            category_id: category_id.0,
            urgency: urgency.0,
            author_id: author_id.0,
            from: from.0.map(crate::db::to_ms),
            until: until.0.map(crate::db::to_ms),
            class_id: class_id.0,
        };
        Ok(Json(store::list(&state.db, Scope::of(&auth.0), &query, PageQuery::new(page.0, per_page.0)).await?))
    }

    /// Draft a notice. Send it with `POST /notices/{id}/send`.
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<NewNotice>,
    ) -> ApiResult<NoticeCreated> {
        let scope = Scope::of(&auth.0);
        let id =
            lifecycle::create(&state.db, scope, auth.0.user_id, body.0, Audit::by(&auth.0, "notice_created")).await?;
        Ok(NoticeCreated::Created(Json(notice(&state, scope, id).await?)))
    }

    /// How many an audience reaches, and how many of them are unbound, not following or
    /// muted — before sending.
    #[oai(path = "/audience-count", method = "post")]
    async fn count(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<AudienceQuestion>,
    ) -> ApiResult<Json<AudienceCount>> {
        let scope = Scope::of(&auth.0);
        if body.0.audience.is_empty() {
            return Ok(Json(AudienceCount::default()));
        }
        audience::check(&state.db, scope, &body.0.audience).await?;
        Ok(Json(audience::count(&state.db, &body.0.audience, body.0.category_id, body.0.urgency).await?))
    }

    /// Markdown as a student will see it (rendered and sanitised).
    #[oai(path = "/preview", method = "post")]
    async fn preview(&self, _auth: BearerAuth, body: Json<MarkdownText>) -> ApiResult<Json<RenderedHtml>> {
        if body.0.body.chars().count() > shared::notices::MAX_BODY_CHARS {
            return Err(ApiError::field(
                "body",
                format!("is longer than {} characters", shared::notices::MAX_BODY_CHARS),
            ));
        }
        Ok(Json(RenderedHtml { html: super::markdown::render(&body.0.body) }))
    }

    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Notice>> {
        Ok(Json(notice(&state, Scope::of(&auth.0), id.0).await?))
    }

    /// Change a draft or scheduled notice.
    #[oai(path = "/:id", method = "patch")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NoticePatch>,
    ) -> ApiResult<Json<Notice>> {
        let scope = Scope::of(&auth.0);
        lifecycle::update(&state.db, scope, id.0, body.0, Audit::by(&auth.0, "notice_updated")).await?;
        Ok(Json(notice(&state, scope, id.0).await?))
    }

    /// Delete a draft or scheduled notice (a sent one is withdrawn instead).
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        let paths =
            lifecycle::delete(&state.db, Scope::of(&auth.0), id.0, Audit::by(&auth.0, "notice_deleted")).await?;
        for path in paths {
            let _ = tokio::fs::remove_file(state.config.data_dir.join(path)).await;
        }
        Ok(NoContent::Done)
    }

    /// Send now, or schedule (`at` in the future). Every recipient gets one delivery row,
    /// made at once (now) or when the time comes.
    #[oai(path = "/:id/send", method = "post")]
    async fn send(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<SendRequest>,
    ) -> ApiResult<Json<Notice>> {
        let scope = Scope::of(&auth.0);
        lifecycle::send(&state.db, scope, id.0, body.0, Audit::by(&auth.0, "notice_sent")).await?;
        state.delivery.wake();
        Ok(Json(notice(&state, scope, id.0).await?))
    }

    /// Withdraw a sent notice: nothing more is pushed; the student page shows 已撤回.
    #[oai(path = "/:id/withdraw", method = "post")]
    async fn withdraw(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Notice>> {
        let scope = Scope::of(&auth.0);
        lifecycle::withdraw(&state.db, scope, id.0, Audit::by(&auth.0, "notice_withdrawn")).await?;
        Ok(Json(notice(&state, scope, id.0).await?))
    }

    /// Correct the title or body of a sent notice (a typo): students see the new text
    /// marked 已修改; nothing is pushed again (send a reminder for that).
    #[oai(path = "/:id/correction", method = "post")]
    async fn correct(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NoticeCorrection>,
    ) -> ApiResult<Json<Notice>> {
        let scope = Scope::of(&auth.0);
        lifecycle::correct(&state.db, scope, id.0, body.0, Audit::by(&auth.0, "notice_corrected")).await?;
        Ok(Json(notice(&state, scope, id.0).await?))
    }

    /// Attach a file (while draft or scheduled). Size- and type-limited.
    #[oai(path = "/:id/attachments", method = "post")]
    async fn attach(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: AttachmentFile,
        /// The file name, when the body is the file itself.
        name: Query<Option<String>>,
    ) -> ApiResult<AttachmentAdded> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        if !matches!(row.status(), NoticeStatus::Draft | NoticeStatus::Scheduled) {
            return Err(ApiError::conflict("notice_sent", "files can be attached only before the notice is sent"));
        }
        let (file_name, bytes) = match body {
            AttachmentFile::Form(form) => {
                let file_name = form.file.file_name().unwrap_or_default().to_string();
                (file_name, form.file.into_vec().await.map_err(|e| ApiError::bad_request("bad_upload", e.to_string()))?)
            }
            AttachmentFile::Raw(raw) => (name.0.unwrap_or_default(), raw.0),
        };
        let stored = attachments::store(
            &state.db,
            &state.config.data_dir,
            state.config.max_attachment_bytes,
            id.0,
            &file_name,
            &bytes,
        )
        .await?;
        Audit::by(&auth.0, "attachment_added")
            .target(format!("notice:{}", id.0))
            .detail(file_name)
            .record(state.db.pool())
            .await?;
        let added = store::attachments(&state.db, id.0).await?.into_iter().find(|a| a.id == stored.id);
        Ok(AttachmentAdded::Created(Json(added.ok_or_else(|| ApiError::internal("attachment vanished"))?)))
    }

    #[oai(path = "/:id/attachments/:attachment_id", method = "get")]
    async fn download(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        attachment_id: Path<i64>,
    ) -> ApiResult<attachments::FileDownload> {
        store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        attachments::download(&state.db, &state.config.data_dir, id.0, attachment_id.0).await
    }

    #[oai(path = "/:id/attachments/:attachment_id", method = "delete")]
    async fn remove(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        attachment_id: Path<i64>,
    ) -> ApiResult<NoContent> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        if !matches!(row.status(), NoticeStatus::Draft | NoticeStatus::Scheduled) {
            return Err(ApiError::conflict("notice_sent", "files can be removed only before the notice is sent"));
        }
        attachments::remove(&state.db, &state.config.data_dir, id.0, attachment_id.0).await?;
        Ok(NoContent::Done)
    }

    /// A sending notice, live: counts by status and channel, rate, time left.
    #[oai(path = "/:id/progress", method = "get")]
    async fn progress(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<DeliveryProgress>> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        Ok(Json(crate::delivery::report::progress(&state.db, &row).await?))
    }

    /// Each recipient's delivery: status, channel, why a better one was not used, why it failed.
    #[oai(path = "/:id/deliveries", method = "get")]
    async fn deliveries(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        status: Query<Option<String>>,
        channel: Query<Option<String>>,
        /// Part of a student's name or 学号.
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<Delivery>>> {
        store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        let page = PageQuery::new(page.0, per_page.0);
        let filter = crate::delivery::report::DeliveryQuery {
            status: status.0,
            channel: channel.0,
            search: q.0.unwrap_or_default(),
        };
        Ok(Json(crate::delivery::report::deliveries(&state.db, id.0, &filter, page).await?))
    }
}
