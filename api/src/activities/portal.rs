//! `/portal/activities`: the student's page. A student sees the activities open to them
//! (their audience names them) and those they joined; an activity they may not join is
//! one they cannot see (404).

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::StudentActivity;

use super::signups::{self, Refusal};
use super::store::{self, ActivityRow};
use crate::api_tags::ApiTags;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::people::students::row_by_openid;
use crate::portal::StudentAuth;
use crate::state::AppState;

/// Joined activities stay on the page this long after they end.
const JOINED_SHOWN_DAYS: i64 = 30;

async fn student(db: &Db, openid: &str) -> ApiResult<i64> {
    let row = row_by_openid(db, openid).await?;
    row.map(|s| s.id).ok_or_else(|| ApiError::forbidden("not_bound", "bind your student number first"))
}

/// The open activities the student may join, and those they joined, soonest first.
pub async fn activities_of(db: &Db, student_id: i64) -> sqlx::Result<Vec<ActivityRow>> {
    let open = store::open(db).await?;
    let eligible = store::eligible_among(db, student_id, &open).await?;
    let mut list: Vec<ActivityRow> = open.into_iter().filter(|a| eligible.contains(&a.id)).collect();
    for joined in store::joined(db, student_id, JOINED_SHOWN_DAYS).await? {
        if !list.iter().any(|a| a.id == joined.id) {
            list.push(joined);
        }
    }
    list.sort_by_key(|a| (a.starts_at, a.id));
    Ok(list)
}

async fn view(db: &Db, id: i64, student_id: i64) -> ApiResult<StudentActivity> {
    let row = store::row(db, id).await?.ok_or_else(|| ApiError::not_found("activity"))?;
    Ok(signups::for_student(db, row, student_id).await?)
}

pub struct PortalActivitiesApi;

#[OpenApi(prefix_path = "/v1/portal/activities", tag = "ApiTags::Portal")]
impl PortalActivitiesApi {
    /// Activities open to you, and those you signed up for (or wait for).
    #[oai(path = "/", method = "get")]
    async fn list(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<Vec<StudentActivity>>> {
        let me = student(&state.db, &auth.0).await?;
        let mut out = Vec::new();
        for row in activities_of(&state.db, me).await? {
            out.push(signups::for_student(&state.db, row, me).await?);
        }
        Ok(Json(out))
    }

    /// Sign up: a place while there is one, else the waiting list. 409 `signup_closed`.
    #[oai(path = "/:id/signup", method = "post")]
    async fn sign_up(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<StudentActivity>> {
        let me = student(&state.db, &auth.0).await?;
        store::row(&state.db, id.0).await?.ok_or_else(|| ApiError::not_found("activity"))?;
        signups::sign_up(&state.db, id.0, me).await?.map_err(Refusal::into_error)?;
        signups::roll_changed(&state, id.0).await?;
        Ok(Json(view(&state.db, id.0, me).await?))
    }

    /// Cancel your sign-up (until the deadline); the first on the waiting list moves up.
    /// 409 `signup_closed`, `not_signed_up`.
    #[oai(path = "/:id/signup", method = "delete")]
    async fn cancel(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<StudentActivity>> {
        let me = student(&state.db, &auth.0).await?;
        store::row(&state.db, id.0).await?.ok_or_else(|| ApiError::not_found("activity"))?;
        signups::cancel(&state.db, id.0, me).await?.map_err(Refusal::into_error)?;
        signups::roll_changed(&state, id.0).await?;
        Ok(Json(view(&state.db, id.0, me).await?))
    }
}
