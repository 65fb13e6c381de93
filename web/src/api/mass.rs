//! The mass-send assistant (群发助手): what the caller may send to, the quota for an
//! audience, a preview to their own WeChat, sending, the history, asking again, deleting.

use shared::{
    MassAudience, MassContent, MassPreviewRequest, MassPreviewSent, MassQuota, MassSend, MassTargets, NewMassSend, Page,
};

use super::{query, ApiResult};

pub async fn targets() -> ApiResult<MassTargets> {
    super::get("/mass/targets").await
}

pub async fn quota(audience: &MassAudience) -> ApiResult<MassQuota> {
    super::post("/mass/quota", audience).await
}

pub async fn preview(message: MassContent) -> ApiResult<MassPreviewSent> {
    super::post("/mass/preview", &MassPreviewRequest { message }).await
}

pub async fn send(message: MassContent, audience: MassAudience) -> ApiResult<MassSend> {
    super::post("/mass/sends", &NewMassSend { message, audience }).await
}

pub async fn sends(page: u32) -> ApiResult<Page<MassSend>> {
    super::get(&format!("/mass/sends{}", query(&[("page", page.to_string())]))).await
}

pub async fn check(id: i64) -> ApiResult<MassSend> {
    super::post(&format!("/mass/sends/{id}/check"), &serde_json::json!({})).await
}

pub async fn delete(id: i64) -> ApiResult<()> {
    super::delete(&format!("/mass/sends/{id}")).await
}
