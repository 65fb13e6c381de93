//! `/activities`: the teacher's side. Teachers act on the activities they published,
//! admins on all; anything else answers 404.

use chrono::{DateTime, Duration, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, Json};
use poem_openapi::{ApiResponse, OpenApi};
use shared::{
    Activity, ActivityCheckin, ActivityReport, Audience, CheckinSession, NewActivity, NewCheckinSession, NoShowCount,
    Page, PageQuery,
};

use super::report;
use super::store::{self, ActivityRow};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::{BearerAuth, Caller};
use crate::checkin::sessions::{self, Creator};
use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::http::sheet::{self, FileFormat};
use crate::people::Scope;
use crate::state::AppState;
use crate::stats::Period;

#[derive(ApiResponse)]
enum ActivityMade {
    #[oai(status = 201)]
    Created(Json<Activity>),
}

#[derive(ApiResponse)]
enum SessionMade {
    #[oai(status = 201)]
    Created(Json<CheckinSession>),
}

/// How long before the activity its check-in opens, unless the teacher says otherwise.
const CHECKIN_OPENS_BEFORE_MINUTES: i64 = 15;

/// The session an activity's check-in is: its sign-ups with a place are the audience;
/// the times default to the activity's (open 15 minutes before, late after the start,
/// closed at the end).
fn checkin_session(activity: &ActivityRow, students: Vec<i64>, body: ActivityCheckin) -> NewCheckinSession {
    let start = to_time(activity.starts_at);
    let starts_at = body.starts_at.unwrap_or(start - Duration::minutes(CHECKIN_OPENS_BEFORE_MINUTES));
    let ends_at = body.ends_at.unwrap_or(to_time(activity.ends_at));
    // The default lateness stays inside the session when its times were moved.
    let late_after = body.late_after.or_else(|| (ends_at > starts_at).then(|| start.clamp(starts_at, ends_at)));
    NewCheckinSession {
        title: activity.title.clone(),
        audience: Audience { students, ..Audience::default() },
        starts_at,
        ends_at,
        late_after,
        methods: body.methods,
        rotate_seconds: body.rotate_seconds,
        geofence: body.geofence,
    }
}

async fn make_checkin(db: &Db, caller: &Caller, activity: &ActivityRow, body: ActivityCheckin) -> ApiResult<i64> {
    if activity.cancelled_at.is_some() {
        return Err(ApiError::conflict("activity_cancelled", "the activity was cancelled"));
    }
    if activity.checkin_session_id.is_some() {
        return Err(ApiError::conflict("checkin_exists", "this activity already has its check-in session"));
    }
    let students: Vec<i64> = sqlx::query_scalar(
        "SELECT student_id FROM activity_signups WHERE activity_id = $1 AND status = 'signed_up' ORDER BY student_id",
    )
    .bind(activity.id)
    .fetch_all(db.pool())
    .await?;
    if students.is_empty() {
        return Err(ApiError::conflict("nobody_signed_up", "nobody holds a place at this activity"));
    }
    let new = checkin_session(activity, students, body);
    // The sign-ups are the audience whoever they are: the activity's audience was
    // checked against the teacher's scope when it was published.
    let creator = Creator::Teacher { user_id: caller.user_id, scope: Scope::All };
    sessions::create(db, creator, &new, Some(activity.id), Audit::by(caller, "checkin_created")).await
}

pub struct ActivitiesApi;

#[OpenApi(prefix_path = "/v1/activities", tag = "ApiTags::Activities")]
impl ActivitiesApi {
    /// Publish an activity or lecture. Students sign up with its four-digit code
    /// (`报名 1234`), from the menu, or on their page. `public` (every bound student) is
    /// for admins.
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<NewActivity>,
    ) -> ApiResult<ActivityMade> {
        let id = store::create(&state.db, &auth.0, &body.0).await?;
        let row = store::row(&state.db, id).await?.ok_or_else(|| ApiError::not_found("activity"))?;
        Ok(ActivityMade::Created(Json(row.into_dto())))
    }

    /// Activities you published (admins: all), newest start first.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<Activity>>> {
        Ok(Json(store::list(&state.db, &auth.0, PageQuery::new(page.0, per_page.0)).await?))
    }

    /// Students who took a place at activities starting in `[from, until)` (default: the
    /// last 30 days; at most 400) and did not check in, most no-shows first (100 at most).
    #[oai(path = "/no-shows", method = "get")]
    async fn no_shows(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        from: Query<Option<DateTime<Utc>>>,
        until: Query<Option<DateTime<Utc>>>,
    ) -> ApiResult<Json<Vec<NoShowCount>>> {
        let period = Period::parse(from.0, until.0, Utc::now())?;
        Ok(Json(report::no_shows(&state.db, Scope::of(&auth.0), period).await?))
    }

    /// The activity with its sign-ups (places, the waiting list in order, cancellations),
    /// attendance once its check-in session exists, and no-shows once that is closed.
    #[oai(path = "/:id", method = "get")]
    async fn report(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<ActivityReport>> {
        let row = store::visible(&state.db, &auth.0, id.0).await?;
        Ok(Json(report::report(&state.db, row).await?))
    }

    /// Cancel the activity: no more sign-ups; the list stays.
    #[oai(path = "/:id/cancel", method = "post")]
    async fn cancel(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Activity>> {
        let row = store::visible(&state.db, &auth.0, id.0).await?;
        store::cancel(&state.db, &auth.0, &row).await?;
        let row = store::row(&state.db, row.id).await?.ok_or_else(|| ApiError::not_found("activity"))?;
        Ok(Json(row.into_dto()))
    }

    /// Make the activity's check-in session: its roll is everyone with a place (and
    /// follows the places until sign-ups close). 409 `checkin_exists`, `nobody_signed_up`.
    #[oai(path = "/:id/checkin", method = "post")]
    async fn checkin(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<ActivityCheckin>,
    ) -> ApiResult<SessionMade> {
        let row = store::visible(&state.db, &auth.0, id.0).await?;
        let session = make_checkin(&state.db, &auth.0, &row, body.0).await?;
        let session =
            sessions::row(&state.db, session).await?.ok_or_else(|| ApiError::not_found("check-in session"))?;
        Ok(SessionMade::Created(Json(sessions::dto(&state.db, session).await?)))
    }

    /// The sign-ups as CSV or XLSX (Chinese headers). Written to the audit log.
    #[oai(path = "/:id/export", method = "get")]
    async fn export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        format: Query<Option<FileFormat>>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        let row = store::visible(&state.db, &auth.0, id.0).await?;
        let session = match row.checkin_session_id {
            Some(id) => sessions::row(&state.db, id).await?,
            None => None,
        };
        let closed = session.as_ref().is_some_and(|s| s.closes_at() <= now_ms());
        let list = report::signups(&state.db, row.id, session.map(|s| s.id)).await?;
        Audit::by(&auth.0, "activity_exported")
            .target(format!("activity:{}", row.id))
            .detail(format!("{} 行", list.len()))
            .record(state.db.pool())
            .await?;
        let sheet = report::sheet("报名", &list, closed);
        sheet::file(&format!("activity-{}-signups", row.id), format.0.unwrap_or(FileFormat::Csv), &sheet)
    }
}
