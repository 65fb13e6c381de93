//! `/desk`: the home page of whoever signed in.

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::Desk;

use crate::api_tags::ApiTags;
use crate::auth::BearerAuth;
use crate::error::ApiResult;
use crate::state::AppState;

pub struct DeskApi;

#[OpenApi(prefix_path = "/v1/desk", tag = "ApiTags::Desk")]
impl DeskApi {
    /// What needs the caller (little-read notices, open check-ins, teachers waiting for
    /// approval), their latest notices with read and confirm counts, their classes by
    /// binding rate, and the setup steps from a fresh install to the first notice.
    #[oai(path = "/", method = "get")]
    async fn desk(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Desk>> {
        Ok(Json(super::desk(&state, &auth.0).await?))
    }
}
