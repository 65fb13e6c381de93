//! `/portal/broadcast`: a student's (or a bound teacher's) subscription to the daily
//! broadcast from their page, the same as 「订阅 每日播报」 by message, and the page a
//! day's broadcast links to.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::broadcast::parse_time;
use shared::{BroadcastDay, BroadcastSubscribe, BroadcastSubscription};

use super::subscribers;
use crate::api_tags::ApiTags;
use crate::error::{ApiError, ApiResult};
use crate::portal::StudentAuth;
use crate::state::AppState;

pub struct PortalBroadcastApi;

#[OpenApi(prefix_path = "/v1/portal/broadcast", tag = "ApiTags::Portal")]
impl PortalBroadcastApi {
    /// Whether this WeChat receives the daily broadcast (每日播报), and at what time.
    #[oai(path = "/", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<BroadcastSubscription>> {
        Ok(Json(subscribers::of(&state.db, &auth.0).await?))
    }

    /// Subscribe, or change the time (`HH:MM`, China time; absent: the time kept, or
    /// 07:30). Only a bound student or teacher may (403 `not_bound`).
    #[oai(path = "/", method = "put")]
    async fn subscribe(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        body: Json<BroadcastSubscribe>,
    ) -> ApiResult<Json<BroadcastSubscription>> {
        let asked = match body.0.time.as_deref() {
            Some(time) => Some(parse_time(time).ok_or_else(|| ApiError::field("time", "not a time of day (HH:MM)"))?),
            None => None,
        };
        if !subscribers::may_subscribe(&state.db, &auth.0).await? {
            return Err(ApiError::forbidden("not_bound", "bind your student number first"));
        }
        let kept = subscribers::minute_of(&state.db, &auth.0).await?;
        let minute = asked.or(kept).unwrap_or(shared::broadcast::DEFAULT_MINUTE);
        subscribers::subscribe(&state.db, &auth.0, minute).await?;
        Ok(Json(subscribers::of(&state.db, &auth.0).await?))
    }

    /// The broadcast its message linked to, if it was this WeChat's (404 otherwise);
    /// opening it counts as read.
    #[oai(path = "/days/:id", method = "get")]
    async fn day(&self, state: Data<&AppState>, auth: StudentAuth, id: Path<i64>) -> ApiResult<Json<BroadcastDay>> {
        match super::sends::open(&state.db, &auth.0, id.0).await? {
            Some(day) => Ok(Json(day)),
            None => Err(ApiError::not_found("broadcast")),
        }
    }

    /// Stop receiving it (nothing to stop is no error).
    #[oai(path = "/", method = "delete")]
    async fn unsubscribe(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<BroadcastSubscription>> {
        subscribers::unsubscribe(&state.db, &auth.0).await?;
        Ok(Json(subscribers::of(&state.db, &auth.0).await?))
    }
}
