//! `/qrcodes`: the console's side. Admins see every code; a teacher the codes of their
//! classes and groups and those they made (`Scope::qrcodes`); anything else answers 404.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::qrcodes::PERMANENT_QUOTA;
use shared::{NewQrCode, Page, PageQuery, QrCode, QrQuota};

use super::store;
use crate::api_tags::ApiTags;
use crate::auth::BearerAuth;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::people::Scope;
use crate::state::AppState;

#[derive(ApiResponse)]
enum QrCodeMade {
    #[oai(status = 201)]
    Created(Json<QrCode>),
}

pub struct QrCodesApi;

#[OpenApi(prefix_path = "/v1/qrcodes", tag = "ApiTags::QrCodes")]
impl QrCodesApi {
    /// Make a QR code with a purpose: `join_class` (the class's tag and the invitation to
    /// bind; the class is mirrored as a tag if it was not), `join_group` (the group's tag),
    /// `sign_up` (the activity's sign-up card) or `open_page` (a link to a `/s/…` page).
    /// With `expire_seconds` (60 to 2 592 000) it is temporary, without it permanent — one
    /// of the account's 100 000, which the platform never gives back.
    #[oai(path = "/", method = "post")]
    async fn create(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewQrCode>) -> ApiResult<QrCodeMade> {
        let id = store::create(&state, &auth.0, &body.0).await?;
        let row = store::row(&state.db, id).await?.ok_or_else(|| ApiError::not_found("QR code"))?;
        Ok(QrCodeMade::Created(Json(row.into_dto(&state.wechat.client))))
    }

    /// The QR codes you see, newest first, with their scans and the follows they brought.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<QrCode>>> {
        Ok(Json(store::list(&state, Scope::of(&auth.0), PageQuery::new(page.0, per_page.0)).await?))
    }

    /// How many permanent codes the account has made, of the 100 000 it may.
    #[oai(path = "/quota", method = "get")]
    async fn quota(&self, state: Data<&AppState>, _auth: BearerAuth) -> ApiResult<Json<QrQuota>> {
        Ok(Json(QrQuota { permanent_used: store::permanent_used(&state.db).await?, permanent_limit: PERMANENT_QUOTA }))
    }

    /// One code (for its print view).
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<QrCode>> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        Ok(Json(row.into_dto(&state.wechat.client)))
    }

    /// Delete a code from the console. WeChat cannot delete a permanent code: it keeps
    /// working, and a scan of it is answered that it was stopped; a temporary one runs out.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        store::hide(&state.db, &auth.0, &row).await?;
        Ok(NoContent::Done)
    }
}
