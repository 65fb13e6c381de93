//! `/mass`: the console's 群发助手 — what the caller may send to, the quota for an
//! audience, a preview to the caller's own WeChat, sending, the history with the
//! platform's counts, asking the platform again, and deleting a sent message.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{
    MassAudience, MassPreviewRequest, MassPreviewSent, MassQuota, MassSend, MassTargets, NewMassSend, Page, PageQuery,
};

use super::{audience, quota, results, send, store};
use crate::api_tags::ApiTags;
use crate::auth::BearerAuth;
use crate::error::ApiResult;
use crate::state::AppState;

pub struct MassApi;

#[derive(ApiResponse)]
enum Sent {
    /// The platform took the message (`submitted`); its result follows.
    #[oai(status = 201)]
    Created(Json<MassSend>),
}

#[OpenApi(prefix_path = "/v1/mass", tag = "ApiTags::Mass")]
impl MassApi {
    /// The WeChat tags the caller may send to (an admin: every managed tag; a teacher: the
    /// tags of their classes and of the groups they own), whether they may send to every
    /// follower (admins) and to a list of openids (service accounts).
    #[oai(path = "/targets", method = "get")]
    async fn targets(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<MassTargets>> {
        Ok(Json(audience::targets(&state, &auth.0).await?))
    }

    /// The account's quota as it stands for this audience: a service account's followers
    /// receive 4 mass messages a month (notices carried by mass included) and the platform
    /// filters those past it; a subscription account sends one a day. 404 `unknown_tag` /
    /// `unknown_follower` for an audience the caller may not send to; 403 `admin_only` for
    /// everyone as a teacher.
    #[oai(path = "/quota", method = "post")]
    async fn quota(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<MassAudience>,
    ) -> ApiResult<Json<MassQuota>> {
        let resolved = audience::resolve(&state, &auth.0, &body.0).await?;
        Ok(Json(quota::of(&state, &resolved).await?))
    }

    /// Send the message to the caller's own bound WeChat only, as followers would see it
    /// (409 `no_bound_wechat` when the caller has not bound theirs). Files are uploaded
    /// first to `/inbox/uploads`. Audited.
    #[oai(path = "/preview", method = "post")]
    async fn preview(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<MassPreviewRequest>,
    ) -> ApiResult<Json<MassPreviewSent>> {
        Ok(Json(send::preview(&state, &auth.0, body.0).await?))
    }

    /// Send a mass message now to every follower (admins), a tag or a list of 2 to 10 000
    /// openids. Refused before the platform is asked when nobody could receive it (409
    /// `mass_quota_used`, `no_recipients`); a platform refusal is recorded as a failed send
    /// and answered with its reason. The job result (MASSSENDJOBFINISH) follows. Audited.
    #[oai(path = "/sends", method = "post")]
    async fn send(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewMassSend>) -> ApiResult<Sent> {
        Ok(Sent::Created(Json(send::send(&state, &auth.0, body.0).await?)))
    }

    /// The mass sends the caller may see (an admin: all; a teacher: their own), newest first.
    #[oai(path = "/sends", method = "get")]
    async fn sends(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<MassSend>>> {
        Ok(Json(store::list(&state.db, &auth.0, PageQuery::new(page.0, per_page.0)).await?))
    }

    /// One mass send with its counts: 成功 (`sent`), 失败 (`errors`), 过滤 (`filtered`).
    #[oai(path = "/sends/:id", method = "get")]
    async fn one(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<MassSend>> {
        Ok(Json(store::one(&state.db, &auth.0, id.0).await?))
    }

    /// Ask the platform now how a send still waiting for its result went (`mass/get`).
    #[oai(path = "/sends/:id/check", method = "post")]
    async fn check(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<MassSend>> {
        store::one(&state.db, &auth.0, id.0).await?;
        results::apply_stored(&state.db, Some(id.0), None).await?;
        results::ask(&state, id.0).await?;
        Ok(Json(store::one(&state.db, &auth.0, id.0).await?))
    }

    /// Delete a sent mass message on WeChat (all of it, or the `article_idx`-th article of
    /// a news message, from 1): followers keep the card, the article stops opening. 409
    /// `not_sent` / `already_deleted`. Audited.
    #[oai(path = "/sends/:id", method = "delete")]
    async fn delete(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        article_idx: Query<Option<u32>>,
    ) -> ApiResult<Json<MassSend>> {
        Ok(Json(send::delete(&state, &auth.0, id.0, article_idx.0).await?))
    }
}
