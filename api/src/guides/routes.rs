//! `/guides`: the console's side of procedures. Every teacher reads them all and may write
//! one; a teacher changes and deletes only their own, admins any (403 `not_your_guide`).

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{Guide, GuideSummary, NewGuide, Page, PageQuery, PortalGuide};

use super::{portal, store};
use crate::api_tags::ApiTags;
use crate::auth::BearerAuth;
use crate::error::{ApiResult, NoContent};
use crate::state::AppState;

#[derive(ApiResponse)]
enum GuideMade {
    #[oai(status = 201)]
    Created(Json<Guide>),
}

pub struct GuidesApi;

#[OpenApi(prefix_path = "/v1/guides", tag = "ApiTags::Guides")]
impl GuidesApi {
    /// Every procedure, drafts too, recently changed first; narrowed by words in the
    /// title, summary, when/where, steps or tags. `can_edit` says which are the caller's to change.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<GuideSummary>>> {
        let page = PageQuery::new(page.0, per_page.0);
        Ok(Json(store::list(&state.db, &auth.0, q.0.as_deref(), page).await?))
    }

    /// Write a procedure. Its office, the documents of its materials and its contacts
    /// must exist (422 naming the field). Published ones are findable in the search.
    #[oai(path = "/", method = "post")]
    async fn create(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewGuide>) -> ApiResult<GuideMade> {
        let id = store::create(&state.db, &auth.0, &body.0).await?;
        let row = store::row(&state.db, id).await?;
        Ok(GuideMade::Created(Json(store::guide(&state.db, &auth.0, row).await?)))
    }

    /// A procedure as a student will see it, from the editor's unsaved content: steps
    /// rendered and sanitised, materials and contacts resolved.
    #[oai(path = "/preview", method = "post")]
    async fn preview(
        &self,
        state: Data<&AppState>,
        _auth: BearerAuth,
        body: Json<NewGuide>,
    ) -> ApiResult<Json<PortalGuide>> {
        let mut draft = body.0;
        draft.steps.truncate(shared::guides::MAX_STEPS);
        if draft.steps.iter().any(|s| s.chars().count() > shared::guides::MAX_STEP_CHARS) {
            return Err(crate::error::ApiError::field("steps", "a step is too long"));
        }
        Ok(Json(portal::shown(&state.db, 0, &draft).await?))
    }

    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Guide>> {
        let row = store::row(&state.db, id.0).await?;
        Ok(Json(store::guide(&state.db, &auth.0, row).await?))
    }

    /// Replace a procedure (its author, or an admin).
    #[oai(path = "/:id", method = "put")]
    async fn replace(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewGuide>,
    ) -> ApiResult<Json<Guide>> {
        store::replace(&state.db, &auth.0, id.0, &body.0).await?;
        let row = store::row(&state.db, id.0).await?;
        Ok(Json(store::guide(&state.db, &auth.0, row).await?))
    }

    /// Delete a procedure (its author, or an admin).
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        store::delete(&state.db, &auth.0, id.0).await?;
        Ok(NoContent::Done)
    }
}
