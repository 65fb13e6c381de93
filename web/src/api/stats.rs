//! The statistics page: a period's dashboard and the hot ranking.

use chrono::{DateTime, Utc};
use shared::{Dashboard, HotNotice};

use super::{query, ApiResult};

/// Notices sent in `[from, until)`.
pub async fn dashboard(from: DateTime<Utc>, until: DateTime<Utc>) -> ApiResult<Dashboard> {
    let q = query(&[("from", from.to_rfc3339()), ("until", until.to_rfc3339())]);
    super::get(&format!("/stats/dashboard{q}")).await
}

/// The notices most read, commented on and downloaded in the last `days` days.
pub async fn hot(days: u32, limit: u32) -> ApiResult<Vec<HotNotice>> {
    super::get(&format!("/stats/hot{}", query(&[("days", days.to_string()), ("limit", limit.to_string())]))).await
}
