//! The notice page inside WeChat (`/portal/notices/{id}…`): opening it is reading it,
//! 收到 confirms it, and on it the student votes, comments or asks the teachers
//! privately. A class cadre sees there how their class is doing and may remind it.
//!
//! A page is shown to its recipients, and to anyone when the notice went to every
//! follower; only recipients' opens are recorded. Withdrawn notices show 已撤回.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{
    Ballot, ClassProgress, ClassmateReceipt, Comment, Missing, NewComment, RemindRequest, Reminder,
    StudentNoticeDetail, StudentVote,
};

use super::comments::{self, Author, Viewer};
use super::reading::{self, MyRow, Reader};
use super::reminders::{self, Requester};
use super::report::{self, ReceiptQuery};
use super::routes::{after_reply, limits};
use super::{live, votes};
use crate::api_tags::ApiTags;
use crate::db::{to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::notices::store::{self, NoticeRow};
use crate::portal::StudentAuth;
use crate::state::AppState;

#[derive(ApiResponse)]
enum CommentMade {
    #[oai(status = 201)]
    Created(Json<Comment>),
}

#[derive(ApiResponse)]
enum ReminderMade {
    #[oai(status = 201)]
    Created(Json<Reminder>),
}

/// A notice the reader may see, their row of it (if a recipient), and who they are.
struct Opened {
    notice: NoticeRow,
    mine: Option<MyRow>,
    reader: Reader,
}

fn is_out(notice: &NoticeRow) -> bool {
    matches!(notice.status.as_str(), "sending" | "sent")
}

async fn opened(db: &Db, id: i64, openid: &str) -> ApiResult<Opened> {
    let notice = store::row(db, id).await?.ok_or_else(|| ApiError::not_found("notice"))?;
    let reader = reading::reader(db, openid).await?;
    let mine = reading::my_row(db, notice.id, &reader).await?;
    let shown = is_out(&notice) || notice.status == "withdrawn";
    if !shown {
        return Err(ApiError::not_found("notice"));
    }
    if mine.is_none() && !notice.audience().public {
        // A link forwarded to a student who has not bound yet: say what to do (the page
        // offers binding and comes back), rather than that the notice does not exist.
        if reader.student_id.is_none() {
            return Err(ApiError::forbidden("not_bound", "bind your student number to read this notice"));
        }
        return Err(ApiError::not_found("notice"));
    }
    Ok(Opened { notice, mine, reader })
}

/// A bound student may write and vote; a follower bound to no one only reads.
fn bound(reader: &Reader) -> ApiResult<(i64, String)> {
    reader
        .student_id
        .zip(reader.student_name.clone())
        .ok_or_else(|| ApiError::forbidden("not_bound", "bind your student number first"))
}

async fn cadre_classes(state: &AppState, o: &Opened) -> ApiResult<Vec<ClassProgress>> {
    let Some(student) = o.reader.student_id else { return Ok(Vec::new()) };
    let classes = crate::people::cadres::current_classes(&state.db, student).await?;
    if classes.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let tallies = report::tallies(&state.db, o.notice.id).await?;
    for c in report::classes(&tallies, Some(&classes)) {
        let Some(class_id) = c.class_id else { continue };
        out.push(ClassProgress {
            class_id,
            class_name: c.class_name,
            recipients: c.recipients,
            read: c.read,
            confirmed: c.confirmed,
            reminder_policy: reminders::policy(&state.db, o.notice.id, Some(class_id), limits(state)).await?,
        });
    }
    Ok(out)
}

async fn detail(state: &AppState, o: Opened) -> ApiResult<StudentNoticeDetail> {
    let db = &state.db;
    let withdrawn = o.notice.status == "withdrawn";
    let vote = match o.notice.vote().filter(|_| !withdrawn) {
        Some(spec) => {
            let may_vote = o.mine.is_some() && o.reader.student_id.is_some();
            Some(votes::for_student(db, &o.notice, spec, o.reader.student_id, may_vote).await?)
        }
        None => None,
    };
    let comments = comments::count_for_student(db, o.notice.id, o.reader.student_id).await?;
    let cadre_classes = if withdrawn { Vec::new() } else { cadre_classes(state, &o).await? };
    let attachments = if withdrawn { Vec::new() } else { store::attachments(db, o.notice.id).await? };
    let n = o.notice;
    Ok(StudentNoticeDetail {
        id: n.id,
        urgency: n.urgency(),
        body_html: if withdrawn { String::new() } else { crate::notices::markdown::render(&n.body) },
        title: n.title,
        category: n.category_name,
        author: n.author_name,
        sent_at: n.sent_at.map(to_time),
        deadline: n.deadline.map(to_time),
        requires_confirmation: n.requires_confirmation.0,
        withdrawn,
        corrected_at: n.corrected_at.map(to_time),
        attachments,
        recipient: o.mine.is_some(),
        read_at: o.mine.as_ref().and_then(|m| m.read_at).map(to_time),
        confirmed_at: o.mine.as_ref().and_then(|m| m.confirmed_at).map(to_time),
        vote,
        comments,
        cadre_classes,
    })
}

/// Opens notice `id` for the WeChat `openid`: a recipient's first open records that they
/// read it. The page's API call and the page's first view (`page`) both read it here.
pub(super) async fn read(state: &AppState, id: i64, openid: &str) -> ApiResult<StudentNoticeDetail> {
    let mut o = opened(&state.db, id, openid).await?;
    if is_out(&o.notice) {
        if let Some(mine) = o.mine.as_mut() {
            if reading::record_open(&state.db, mine).await? {
                live::changed(&state.kv, [o.notice.id]).await;
            }
        }
    }
    detail(state, o).await
}

/// The reader must be a current cadre of the class.
async fn cadre_of(state: &AppState, reader: &Reader, class_id: i64) -> ApiResult<(i64, String)> {
    let (student, name) = bound(reader)?;
    if !crate::people::cadres::current_classes(&state.db, student).await?.contains(&class_id) {
        return Err(ApiError::forbidden("not_cadre", "only the class's cadres may see this"));
    }
    Ok((student, name))
}

pub struct PortalReceiptsApi;

#[OpenApi(prefix_path = "/v1/portal/notices", tag = "ApiTags::Portal")]
impl PortalReceiptsApi {
    /// One notice as its page shows it. A recipient's first open records that they read it.
    #[oai(path = "/:id", method = "get")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<StudentNoticeDetail>> {
        Ok(Json(read(&state, id.0, &auth.0).await?))
    }

    /// 收到/确认: recorded once, for a recipient of a notice that asks for it.
    #[oai(path = "/:id/confirm", method = "post")]
    async fn confirm(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<StudentNoticeDetail>> {
        let mut o = opened(&state.db, id.0, &auth.0).await?;
        if !is_out(&o.notice) {
            return Err(ApiError::conflict("notice_withdrawn", "the notice was withdrawn"));
        }
        if !o.notice.requires_confirmation.0 {
            return Err(ApiError::conflict("no_confirmation", "this notice does not ask for confirmation"));
        }
        let mine =
            o.mine.as_mut().ok_or_else(|| ApiError::forbidden("not_recipient", "this notice was not sent to you"))?;
        if reading::confirm(&state.db, mine).await? {
            live::changed(&state.kv, [o.notice.id]).await;
        }
        Ok(Json(detail(&state, o).await?))
    }

    /// Vote (or change the vote while it is open).
    #[oai(path = "/:id/vote", method = "put")]
    async fn vote(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        body: Json<Ballot>,
    ) -> ApiResult<Json<StudentVote>> {
        let o = opened(&state.db, id.0, &auth.0).await?;
        let spec = o.notice.vote().ok_or_else(|| ApiError::not_found("vote"))?;
        let (student, _) = bound(&o.reader)?;
        if o.mine.is_none() {
            return Err(ApiError::forbidden("not_recipient", "only the notice's recipients vote"));
        }
        votes::cast(&state.db, &o.notice, &spec, student, &body.0).await?;
        live::changed(&state.kv, [o.notice.id]).await;
        Ok(Json(votes::for_student(&state.db, &o.notice, spec, Some(student), true).await?))
    }

    /// The thread as the reader sees it: public comments and their own questions.
    #[oai(path = "/:id/comments", method = "get")]
    async fn comments(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<Vec<Comment>>> {
        let o = opened(&state.db, id.0, &auth.0).await?;
        Ok(Json(comments::list(&state.db, o.notice.id, Viewer::Student(o.reader.student_id)).await?))
    }

    /// Comment publicly, ask the teachers privately (`private`), or reply (`parent_id`).
    #[oai(path = "/:id/comments", method = "post")]
    async fn comment(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        body: Json<NewComment>,
    ) -> ApiResult<CommentMade> {
        let o = opened(&state.db, id.0, &auth.0).await?;
        if !is_out(&o.notice) {
            return Err(ApiError::conflict("notice_withdrawn", "the notice was withdrawn"));
        }
        let (student, name) = bound(&o.reader)?;
        let written = comments::write(&state.db, o.notice.id, Author::Student { id: student, name }, body.0).await?;
        after_reply(&state, o.notice.id, written.comment.id, None).await?;
        Ok(CommentMade::Created(Json(written.comment)))
    }

    /// A cadre's list of classmates who have not read (or confirmed).
    #[oai(path = "/:id/classes/:class_id/receipts", method = "get")]
    async fn class_receipts(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        class_id: Path<i64>,
        missing: Query<Option<Missing>>,
    ) -> ApiResult<Json<Vec<ClassmateReceipt>>> {
        let o = opened(&state.db, id.0, &auth.0).await?;
        cadre_of(&state, &o.reader, class_id.0).await?;
        let query = ReceiptQuery {
            missing: Some(missing.0.unwrap_or_default()),
            class_id: Some(class_id.0),
            search: String::new(),
        };
        let list = report::all(&state.db, o.notice.id, &query).await?;
        Ok(Json(
            list.into_iter()
                .map(|r| ClassmateReceipt {
                    name: r.name,
                    student_no: r.student_no.unwrap_or_default(),
                    bound: r.bound,
                    read: r.read_at.is_some(),
                    confirmed: r.confirmed_at.is_some(),
                })
                .collect(),
        ))
    }

    /// A cadre reminds their class (the same limits as a teacher's reminder).
    #[oai(path = "/:id/classes/:class_id/reminders", method = "post")]
    async fn class_remind(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        class_id: Path<i64>,
        body: Json<RemindRequest>,
    ) -> ApiResult<ReminderMade> {
        let o = opened(&state.db, id.0, &auth.0).await?;
        let (student, name) = cadre_of(&state, &o.reader, class_id.0).await?;
        let request = RemindRequest { missing: body.0.missing, class_id: Some(class_id.0) };
        let by = Requester { name: format!("班干部 {name}"), user_id: None, student_id: Some(student) };
        let reminder = reminders::remind(&state.db, &o.notice, &request, by, limits(&state)).await?;
        state.delivery.wake();
        live::changed(&state.kv, [o.notice.id]).await;
        Ok(ReminderMade::Created(Json(reminder)))
    }
}
