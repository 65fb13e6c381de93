//! `/stats`: the dashboard of a period and the hot ranking. Teachers see the statistics
//! of their own notices, admins of all.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{Dashboard, HotNotice};

use super::period::{bounded, HOT_DAYS, HOT_LIMIT};
use super::{dashboard, hot, Period};
use crate::api_tags::ApiTags;
use crate::auth::BearerAuth;
use crate::db::now_ms;
use crate::error::ApiResult;
use crate::people::Scope;
use crate::state::AppState;

pub struct StatsApi;

#[OpenApi(prefix_path = "/v1/stats", tag = "ApiTags::Stats")]
impl StatsApi {
    /// The numbers of the notices sent in `[from, until)` (default: the last 30 days; at
    /// most 400 days): by category, urgency and day (China time), mean read and
    /// confirmation rates, median time to read, classes by read rate, students with most
    /// unread (20 each).
    #[oai(path = "/dashboard", method = "get")]
    async fn dashboard(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Sent at or after this time.
        from: Query<Option<DateTime<Utc>>>,
        /// Sent before this time.
        until: Query<Option<DateTime<Utc>>>,
    ) -> ApiResult<Json<Dashboard>> {
        let period = Period::parse(from.0, until.0, Utc::now())?;
        Ok(Json(dashboard::dashboard(&state.db, Scope::of(&auth.0), period).await?))
    }

    /// The notices with most activity in the last `days` days (1–90, default 7), best
    /// first: score = first reads + 3 × comments + 2 × attachment downloads made then.
    #[oai(path = "/hot", method = "get")]
    async fn hot(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        days: Query<Option<i64>>,
        /// How many notices (1–50, default 10).
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<Vec<HotNotice>>> {
        let days = bounded("days", days.0, HOT_DAYS)?;
        let limit = bounded("limit", limit.0, HOT_LIMIT)?;
        let until = now_ms();
        let since = until - days * 86_400_000;
        Ok(Json(hot::hot(&state.db, Scope::of(&auth.0), since, until, limit).await?))
    }
}
