//! 每日播报 in the console: how the last days went, and the curated items' queue.

use shared::{BroadcastItem, BroadcastOverview, NewBroadcastItem};

use super::ApiResult;

pub async fn overview() -> ApiResult<BroadcastOverview> {
    super::get("/broadcast/overview").await
}

pub async fn items() -> ApiResult<Vec<BroadcastItem>> {
    super::get("/broadcast/items").await
}

pub async fn add_item(item: NewBroadcastItem) -> ApiResult<BroadcastItem> {
    super::post("/broadcast/items", &item).await
}

pub async fn take_back(id: i64) -> ApiResult<()> {
    super::delete(&format!("/broadcast/items/{id}")).await
}
