//! `/notices/{id}/report`, `/receipts`, `/reminders`, `/comments`: the teacher's side of
//! a notice once it is out. Teachers act on their own notices, admins on all.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, Json};
use poem_openapi::{ApiResponse, OpenApi};
use shared::{
    Comment, CommentVisibility, Missing, NewComment, NoticeReport, Page, PageQuery, Receipt, RemindRequest, Reminder,
    ReminderReach, StreamTicket,
};

use super::comments::{self, Author, Viewer};
use super::live::{self, ReportChanged};
use super::reminders::{self, Limits, Requester};
use super::report::{self, ReceiptQuery};
use super::{export, votes};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::{BearerAuth, Caller};
use crate::db::{to_time, Db};
use crate::error::ApiResult;
use crate::http::live::LiveEvents;
use crate::http::sheet::{self, FileFormat};
use crate::notices::store::{self, NoticeRow};
use crate::people::Scope;
use crate::state::AppState;

#[derive(ApiResponse)]
enum ReminderMade {
    #[oai(status = 201)]
    Created(Json<Reminder>),
}

#[derive(ApiResponse)]
enum CommentMade {
    #[oai(status = 201)]
    Created(Json<Comment>),
}

pub fn limits(state: &AppState) -> Limits {
    Limits::new(state.config.remind_interval_minutes, state.config.remind_max)
}

pub async fn teacher_name(db: &Db, user_id: i64) -> sqlx::Result<String> {
    let name: Option<String> = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(name.unwrap_or_else(|| "老师".into()))
}

/// A teacher (or admin) reminds those who owe `row`, from the console or from WeChat:
/// within the limits, audited, and the senders and open reports told.
pub async fn remind_by(
    state: &AppState,
    caller: &Caller,
    row: &NoticeRow,
    request: &RemindRequest,
) -> ApiResult<Reminder> {
    let by = Requester {
        name: teacher_name(&state.db, caller.user_id).await?,
        user_id: Some(caller.user_id),
        student_id: None,
    };
    let reminder = reminders::remind(&state.db, row, request, by, limits(state)).await?;
    Audit::by(caller, "notice_reminded")
        .target(format!("notice:{}", row.id))
        .detail(format!("{} 位学生", reminder.recipients))
        .record(state.db.pool())
        .await?;
    state.delivery.wake();
    live::changed(&state.kv, [row.id]).await;
    Ok(reminder)
}

/// Tells the student about a teacher's answer and wakes the senders.
pub async fn after_reply(state: &AppState, notice_id: i64, comment_id: i64, student: Option<i64>) -> ApiResult<()> {
    if let Some(student) = student {
        if reminders::notify_reply(&state.db, notice_id, comment_id, student).await? {
            state.delivery.wake();
        }
    }
    live::changed(&state.kv, [notice_id]).await;
    Ok(())
}

async fn report_of(state: &AppState, row: NoticeRow) -> ApiResult<NoticeReport> {
    let db = &state.db;
    let id = row.id;
    let tallies = report::tallies(db, id).await?;
    let last = tallies.iter().filter_map(|t| t.last).max();
    let (timeline, bucket_seconds) = report::timeline(db, id, row.sent_at.unwrap_or(row.created_at), last).await?;
    let vote = match row.vote() {
        Some(spec) => Some(votes::tally(db, id, &spec, true).await?),
        None => None,
    };
    let (comments, open_questions) = comments::counts(db, id).await?;
    let reminder_deliveries: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE notice_id = $1 AND kind LIKE 'reminder:%'")
            .bind(id)
            .fetch_one(db.pool())
            .await?;
    let attachment_downloads: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(downloads), 0) AS BIGINT) FROM notice_attachments WHERE notice_id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    Ok(NoticeReport {
        notice_id: id,
        requires_confirmation: row.requires_confirmation.0,
        sent_at: row.sent_at.map(to_time),
        funnel: report::funnel(&tallies),
        classes: report::classes(&tallies, None),
        timeline,
        bucket_seconds,
        vote,
        comments,
        open_questions,
        reminders: reminders::list(db, id).await?,
        reminder_policy: reminders::policy(db, id, None, limits(state)).await?,
        reminder_deliveries,
        attachment_downloads,
        title: row.title,
    })
}

pub struct ReceiptsApi;

#[OpenApi(prefix_path = "/v1/notices", tag = "ApiTags::Notices")]
impl ReceiptsApi {
    /// The notice's report: funnel, classes, reads over time, vote, comments, reminders.
    #[oai(path = "/:id/report", method = "get")]
    async fn report(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<NoticeReport>> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        Ok(Json(report_of(&state, row).await?))
    }

    /// A ticket for `GET …/report/events` (single use, valid a minute).
    #[oai(path = "/:id/report/ticket", method = "post")]
    async fn ticket(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<StreamTicket>> {
        store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        let ticket = live::issue_ticket(&state.kv, id.0, auth.0.user_id).await?;
        Ok(Json(StreamTicket { ticket, expires_in: crate::http::live::ticket_lifetime().as_secs() as i64 }))
    }

    /// Server-sent events: `report` each time the report changed (fetch it again).
    #[oai(path = "/:id/report/events", method = "get")]
    async fn events(
        &self,
        state: Data<&AppState>,
        id: Path<i64>,
        ticket: Query<String>,
    ) -> ApiResult<LiveEvents<ReportChanged>> {
        live::redeem(&state.kv, id.0, &ticket.0).await?;
        let stream = live::stream(&state.kv, id.0).await?;
        Ok(LiveEvents::new("report", stream))
    }

    /// Recipients (everyone, or who has not read / not confirmed), by class and 学号.
    #[oai(path = "/:id/receipts", method = "get")]
    async fn receipts(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        missing: Query<Option<Missing>>,
        class_id: Query<Option<i64>>,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<Receipt>>> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        let query = ReceiptQuery { missing: missing.0, class_id: class_id.0, search: q.0.unwrap_or_default() };
        Ok(Json(report::receipts(&state.db, row.id, &query, PageQuery::new(page.0, per_page.0)).await?))
    }

    /// The same list as CSV or XLSX (Chinese headers). Written to the audit log.
    #[oai(path = "/:id/receipts/export", method = "get")]
    async fn export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        format: Query<Option<FileFormat>>,
        missing: Query<Option<Missing>>,
        class_id: Query<Option<i64>>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        let query = ReceiptQuery { missing: missing.0, class_id: class_id.0, search: String::new() };
        let list = report::all(&state.db, row.id, &query).await?;
        Audit::by(&auth.0, "receipts_exported")
            .target(format!("notice:{}", row.id))
            .detail(format!("{} 行", list.len()))
            .record(state.db.pool())
            .await?;
        let (what, sheet_name) = match missing.0 {
            None => ("receipts", "回执"),
            Some(Missing::Read) => ("unread", "未读名单"),
            Some(Missing::Confirmation) => ("unconfirmed", "未确认名单"),
        };
        let name = format!("notice-{}-{what}", row.id);
        sheet::file(&name, format.0.unwrap_or(FileFormat::Xlsx), &export::sheet(sheet_name, &list))
    }

    /// Reminders sent for this notice.
    #[oai(path = "/:id/reminders", method = "get")]
    async fn reminders(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<Vec<Reminder>>> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        Ok(Json(reminders::list(&state.db, row.id).await?))
    }

    /// Before reminding: how many have not read (or confirmed), in the whole notice or one
    /// class, and how many of them a reminder now would reach.
    #[oai(path = "/:id/reminders/reach", method = "get")]
    async fn reach(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        missing: Query<Option<Missing>>,
        class_id: Query<Option<i64>>,
    ) -> ApiResult<Json<ReminderReach>> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        let request = RemindRequest { missing: missing.0.unwrap_or_default(), class_id: class_id.0 };
        Ok(Json(reminders::reach(&state.db, row.id, &request, limits(&state)).await?))
    }

    /// Remind who has not read (or confirmed), within the interval and count allowed.
    #[oai(path = "/:id/reminders", method = "post")]
    async fn remind(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<RemindRequest>,
    ) -> ApiResult<ReminderMade> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        Ok(ReminderMade::Created(Json(remind_by(&state, &auth.0, &row, &body.0).await?)))
    }

    /// The whole thread: hidden comments and private questions included.
    #[oai(path = "/:id/comments", method = "get")]
    async fn comments(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Vec<Comment>>> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        Ok(Json(comments::list(&state.db, row.id, Viewer::Teacher(auth.0.user_id)).await?))
    }

    /// A teacher's comment, or a reply (`parent_id`); the student answered is told.
    #[oai(path = "/:id/comments", method = "post")]
    async fn comment(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewComment>,
    ) -> ApiResult<CommentMade> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        let author = Author::Teacher { id: auth.0.user_id, name: teacher_name(&state.db, auth.0.user_id).await? };
        let written = comments::write(&state.db, row.id, author, body.0).await?;
        after_reply(&state, row.id, written.comment.id, written.notify_student).await?;
        Ok(CommentMade::Created(Json(written.comment)))
    }

    /// Hide a comment from students (or show it again).
    #[oai(path = "/:id/comments/:comment_id/visibility", method = "put")]
    async fn visibility(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        comment_id: Path<i64>,
        body: Json<CommentVisibility>,
    ) -> ApiResult<Json<Comment>> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        let comment = comments::set_hidden(&state.db, row.id, comment_id.0, body.0.hidden, auth.0.user_id).await?;
        Audit::by(&auth.0, if body.0.hidden { "comment_hidden" } else { "comment_shown" })
            .target(format!("comment:{}", comment.id))
            .record(state.db.pool())
            .await?;
        live::changed(&state.kv, [row.id]).await;
        Ok(Json(comment))
    }
}
