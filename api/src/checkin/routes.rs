//! The teachers' check-in endpoints (`/checkins`): sessions, the projector's display,
//! the live view and its stream, the roll and the tries, 补签, close and reopen, and the
//! notice to the absent. Statistics and exports are in `stats_routes`.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{
    AbsentNotice, AbsentNoticeSent, AttendanceEntry, AttendanceStatus, CheckinAttempt, CheckinDisplay, CheckinReport,
    CheckinSession, ManualCheckin, NewCheckinSession, Page, PageQuery, ReopenRequest, SessionState, StreamTicket,
};

use super::live;
use super::roll::{self, RollQuery};
use super::sessions::{self, Creator};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::http::live as stream;
use crate::people::Scope;
use crate::state::AppState;

#[derive(ApiResponse)]
enum SessionMade {
    #[oai(status = 201)]
    Created(Json<CheckinSession>),
}

#[derive(ApiResponse)]
enum NoticeMade {
    #[oai(status = 201)]
    Created(Json<AbsentNoticeSent>),
}

/// What the live stream says: this session changed (fetch it again).
#[derive(Debug, Clone, poem_openapi::Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SessionChanged {
    pub session_id: i64,
}

pub struct CheckinApi;

#[OpenApi(prefix_path = "/v1/checkins", tag = "ApiTags::Checkin")]
impl CheckinApi {
    /// Open a check-in session (发起签到) for classes, groups or students in your scope.
    /// Its roll — the students expected — is fixed now.
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<NewCheckinSession>,
    ) -> ApiResult<SessionMade> {
        let creator = Creator::Teacher { user_id: auth.0.user_id, scope: Scope::of(&auth.0) };
        let id = sessions::create(&state.db, creator, &body.0, None, Audit::by(&auth.0, "checkin_created")).await?;
        let row = sessions::row(&state.db, id).await?.ok_or_else(|| ApiError::not_found("check-in session"))?;
        Ok(SessionMade::Created(Json(sessions::dto(&state.db, row).await?)))
    }

    /// Sessions you made, and class cadres' sessions of your classes (admins: all),
    /// newest start first.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        #[oai(name = "state")] session_state: Query<Option<SessionState>>,
        q: Query<Option<String>>,
        /// Whose roll holds students of this class (or a cadre of it opened).
        class_id: Query<Option<i64>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<CheckinSession>>> {
        let page = PageQuery::new(page.0, per_page.0);
        let q = q.0.as_deref().unwrap_or("");
        Ok(Json(sessions::list(&state.db, &auth.0, session_state.0, q, class_id.0, page).await?))
    }

    /// The live view: counts overall and by class, the latest 20 check-ins.
    #[oai(path = "/:id", method = "get")]
    async fn report(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<CheckinReport>> {
        let row = sessions::visible(&state.db, &auth.0, id.0).await?;
        Ok(Json(live::report(&state.db, row).await?))
    }

    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        let row = sessions::visible(&state.db, &auth.0, id.0).await?;
        sessions::delete(&state.db, &row, Audit::by(&auth.0, "checkin_deleted")).await?;
        Ok(NoContent::Done)
    }

    /// What the projector shows: the current code (digits and WeChat QR image), when it
    /// rotates, the count and the latest names.
    #[oai(path = "/:id/display", method = "get")]
    async fn display(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<CheckinDisplay>> {
        let row = sessions::visible(&state.db, &auth.0, id.0).await?;
        Ok(Json(live::display(&state, row).await?))
    }

    /// A single-use ticket (60 s) for the live stream (EventSource sends no headers).
    #[oai(path = "/:id/live/ticket", method = "post")]
    async fn ticket(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<StreamTicket>> {
        let row = sessions::visible(&state.db, &auth.0, id.0).await?;
        let ticket = stream::issue_ticket(&state.kv, &live::topic(row.id), auth.0.user_id).await?;
        Ok(Json(StreamTicket { ticket, expires_in: stream::ticket_lifetime().as_secs() as i64 }))
    }

    /// Server-sent events: `checkin` each time a check-in, 补签 or removal is recorded.
    #[oai(path = "/:id/live/events", method = "get")]
    async fn events(
        &self,
        state: Data<&AppState>,
        id: Path<i64>,
        ticket: Query<String>,
    ) -> ApiResult<stream::LiveEvents<SessionChanged>> {
        use futures_util::StreamExt;
        let topic = live::topic(id.0);
        stream::redeem(&state.kv, &topic, &ticket.0).await?;
        let session_id = id.0;
        let ticks = stream::ticks(&state.kv, &topic).await?.map(move |()| SessionChanged { session_id }).boxed();
        Ok(stream::LiveEvents::new("checkin", ticks))
    }

    /// The roll: present, late or absent, by class and 学号.
    #[oai(path = "/:id/roll", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn roll(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        status: Query<Option<AttendanceStatus>>,
        class_id: Query<Option<i64>>,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<AttendanceEntry>>> {
        let row = sessions::visible(&state.db, &auth.0, id.0).await?;
        let query = RollQuery { status: status.0, class_id: class_id.0, q: q.0.unwrap_or_default() };
        Ok(Json(roll::list(&state.db, row.id, &query, PageQuery::new(page.0, per_page.0)).await?))
    }

    /// Every try, accepted or refused (and why), newest first. Coordinates only for the
    /// students whose record the caller holds (their class's teachers, admins).
    #[oai(path = "/:id/attempts", method = "get")]
    async fn attempts(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        refused: Query<Option<bool>>,
        flagged: Query<Option<bool>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<CheckinAttempt>>> {
        let row = sessions::visible(&state.db, &auth.0, id.0).await?;
        let page = PageQuery::new(page.0, per_page.0);
        let records = crate::people::Scope::of(&auth.0).record_classes(&state.db).await?;
        Ok(Json(roll::attempts(&state.db, &records, row.id, refused.0, flagged.0, page).await?))
    }

    /// 补签 (`present: true`) or taking a check-in away, with a reason (audited).
    #[oai(path = "/:id/manual", method = "post")]
    async fn manual(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<ManualCheckin>,
    ) -> ApiResult<Json<AttendanceEntry>> {
        let row = sessions::visible(&state.db, &auth.0, id.0).await?;
        let action = if body.0.present { "checkin_added" } else { "checkin_removed" };
        roll::manual(&state.db, &row, auth.0.user_id, &body.0, Audit::by(&auth.0, action)).await?;
        live::changed(&state.kv, row.id).await;
        let entry = roll::entry(&state.db, row.id, body.0.student_id).await?;
        Ok(Json(entry.ok_or_else(|| ApiError::not_found("student on this session's roll"))?))
    }

    /// Stop taking check-ins now.
    #[oai(path = "/:id/close", method = "post")]
    async fn close(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<CheckinSession>> {
        let row = sessions::visible(&state.db, &auth.0, id.0).await?;
        sessions::close(&state.db, &row, Audit::by(&auth.0, "checkin_closed")).await?;
        live::changed(&state.kv, row.id).await;
        Ok(Json(sessions::dto(&state.db, sessions::visible(&state.db, &auth.0, id.0).await?).await?))
    }

    /// Take check-ins again until a new end.
    #[oai(path = "/:id/reopen", method = "post")]
    async fn reopen(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<ReopenRequest>,
    ) -> ApiResult<Json<CheckinSession>> {
        let row = sessions::visible(&state.db, &auth.0, id.0).await?;
        sessions::reopen(&state.db, &row, body.0.ends_at, Audit::by(&auth.0, "checkin_reopened")).await?;
        live::changed(&state.kv, row.id).await;
        Ok(Json(sessions::dto(&state.db, sessions::visible(&state.db, &auth.0, id.0).await?).await?))
    }

    /// A notice to every student not checked in, made and sent now.
    #[oai(path = "/:id/absent-notice", method = "post")]
    async fn absent_notice(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<AbsentNotice>,
    ) -> ApiResult<NoticeMade> {
        let row = sessions::visible(&state.db, &auth.0, id.0).await?;
        let sent = roll::notify_absent(&state.db, &row, &auth.0, body.0).await?;
        state.delivery.wake();
        Ok(NoticeMade::Created(Json(sent)))
    }
}
