//! `/inbox`: the threads a teacher sees, one thread, answering (`replies`), files to answer
//! with (`uploads`), a thread's export, marking handled, and the live stream.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, Binary, Json};
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiRequest, ApiResponse, Multipart, OpenApi};
use shared::{
    InboxChanged, InboxThread, InboxThreadDetail, InboxUpload, NewInboxReply, Page, PageQuery, StreamTicket,
    ThreadMessage,
};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::http::live as stream;
use crate::http::sheet::FileFormat;
use crate::people::Scope;
use crate::state::AppState;

pub struct InboxApi;

#[derive(Multipart)]
struct UploadForm {
    file: Upload,
}

#[derive(ApiRequest)]
enum UploadBody {
    Form(UploadForm),
    /// The file as the body.
    Raw(Binary<Vec<u8>>),
}

#[derive(ApiResponse)]
enum Uploaded {
    #[oai(status = 201)]
    Created(Json<InboxUpload>),
}

#[derive(ApiResponse)]
enum ReplySent {
    #[oai(status = 201)]
    Sent(Json<ThreadMessage>),
}

#[OpenApi(prefix_path = "/v1/inbox", tag = "ApiTags::Inbox")]
impl InboxApi {
    /// The threads the caller sees (a teacher: their students'; an admin: every
    /// follower's), newest activity first; `waiting` for those a teacher still owes an
    /// answer (未处理); `mine` for those the caller answered or handled (我的); a class; the
    /// latest message's type (`text`, `image` …); `q` in the name, 学号 or latest text.
    #[oai(path = "/threads", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn threads(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        waiting: Query<Option<bool>>,
        mine: Query<Option<bool>>,
        class_id: Query<Option<i64>>,
        kind: Query<Option<String>>,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<InboxThread>>> {
        let query = super::ThreadQuery {
            waiting: waiting.0.unwrap_or(false),
            mine: mine.0.unwrap_or(false).then_some(auth.0.user_id),
            class_id: class_id.0,
            kind: kind.0,
            q: q.0.unwrap_or_default(),
        };
        let page = PageQuery::new(page.0, per_page.0);
        Ok(Json(super::threads(&state.db, Scope::of(&auth.0), &query, page).await?))
    }

    /// One thread with its latest 200 messages, oldest first.
    #[oai(path = "/threads/:openid", method = "get")]
    async fn thread(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        openid: Path<String>,
    ) -> ApiResult<Json<InboxThreadDetail>> {
        Ok(Json(super::detail(&state, Scope::of(&auth.0), &openid.0).await?))
    }

    /// Answer as a customer-service message of any kind (text, image, voice, video,
    /// music, news; files uploaded first to `/inbox/uploads`). Outside WeChat's 48-hour
    /// window (or past its 5 messages) the answer goes through the channel planner
    /// instead, as a delivery linking to the student's conversation page (`status`
    /// `pending`, then how it went); a follower bound to no student cannot be reached that
    /// way (409 `outside_window`). Kept with its outcome either way, and audited.
    #[oai(path = "/threads/:openid/replies", method = "post")]
    async fn reply(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        openid: Path<String>,
        body: Json<NewInboxReply>,
    ) -> ApiResult<ReplySent> {
        Scope::of(&auth.0).follower(&state.db, &openid.0).await?;
        Ok(ReplySent::Sent(Json(super::replies::answer(&state, &auth.0, &openid.0, body.0).await?)))
    }

    /// The thread's whole history (both ways, events too) as CSV or XLSX; audited.
    #[oai(path = "/threads/:openid/export", method = "get")]
    async fn export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        openid: Path<String>,
        format: Query<Option<FileFormat>>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        Scope::of(&auth.0).follower(&state.db, &openid.0).await?;
        let format = format.0.unwrap_or(FileFormat::Csv);
        let (file, rows) = super::history::thread_file(&state.db, &openid.0, format).await?;
        Audit::by(&auth.0, "thread_exported")
            .target(format!("follower:{}", openid.0))
            .detail(format!("{rows} 行"))
            .record(state.db.pool())
            .await?;
        Ok(file)
    }

    /// Upload a file to answer with: `kind` is `image` (JPEG, PNG, GIF ≤ 10 MB), `voice`
    /// (AMR or MP3 ≤ 2 MB and 60 s), `video` (MP4 ≤ 10 MB) or `thumb` (a music cover, JPEG
    /// ≤ 64 KB) — what WeChat takes; anything else is refused at once (422
    /// `media_refused`, saying why).
    #[oai(path = "/uploads", method = "post")]
    async fn upload(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        kind: Query<String>,
        body: UploadBody,
    ) -> ApiResult<Uploaded> {
        let (file_name, bytes) = match body {
            UploadBody::Form(form) => {
                let name = form.file.file_name().unwrap_or_default().to_string();
                (name, form.file.into_vec().await.map_err(|e| ApiError::bad_request("bad_upload", e.to_string()))?)
            }
            UploadBody::Raw(raw) => (String::new(), raw.0),
        };
        let upload = super::uploads::store(&state, auth.0.user_id, &kind.0, &file_name, &bytes).await?;
        Ok(Uploaded::Created(Json(upload.into_dto(&state))))
    }

    /// A single-use ticket (60 s) for the live stream (EventSource sends no headers).
    #[oai(path = "/live/ticket", method = "post")]
    async fn ticket(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<StreamTicket>> {
        let ticket = stream::issue_ticket(&state.kv, super::live::TOPIC, auth.0.user_id).await?;
        Ok(Json(StreamTicket { ticket, expires_in: stream::ticket_lifetime().as_secs() as i64 }))
    }

    /// Server-sent events: `inbox` at once, then each time a follower writes, a teacher
    /// answers or a thread is marked handled — ask for the threads again.
    #[oai(path = "/live/events", method = "get")]
    async fn events(
        &self,
        state: Data<&AppState>,
        ticket: Query<String>,
    ) -> ApiResult<stream::LiveEvents<InboxChanged>> {
        use futures_util::StreamExt;
        stream::redeem(&state.kv, super::live::TOPIC, &ticket.0).await?;
        let ticks = stream::ticks(&state.kv, super::live::TOPIC)
            .await?
            .map(|()| InboxChanged { at: chrono::Utc::now() })
            .boxed();
        Ok(stream::LiveEvents::new("inbox", ticks))
    }

    /// Mark the thread handled (已处理): nothing waits in it until they write again.
    #[oai(path = "/threads/:openid/handled", method = "post")]
    async fn handled(&self, state: Data<&AppState>, auth: BearerAuth, openid: Path<String>) -> ApiResult<NoContent> {
        Scope::of(&auth.0).follower(&state.db, &openid.0).await?;
        super::handled(&state.db, &openid.0, auth.0.user_id).await?;
        super::live::changed(&state.kv).await;
        Ok(NoContent::Done)
    }
}
