use shared::{ApiToken, CreatedApiToken, NewApiToken, Page};

use super::{query, ApiResult};

pub async fn list(page: u32) -> ApiResult<Page<ApiToken>> {
    super::get(&format!("/api-tokens{}", query(&[("page", page.to_string())]))).await
}

pub async fn create(token: &NewApiToken) -> ApiResult<CreatedApiToken> {
    super::post("/api-tokens", token).await
}

pub async fn revoke(id: i64) -> ApiResult<()> {
    super::delete(&format!("/api-tokens/{id}")).await
}
