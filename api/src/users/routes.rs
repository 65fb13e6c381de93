//! `/users`: account management, for admins only.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{NewUser, Page, PageQuery, Role, User, UserPatch};

use super::store;
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::state::AppState;

pub struct UsersApi;

#[derive(ApiResponse)]
enum UserCreated {
    #[oai(status = 201)]
    Created(Json<User>),
}

#[OpenApi(prefix_path = "/v1/users", tag = "ApiTags::Users")]
impl UsersApi {
    /// List accounts, optionally searching username and display name, or by role.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Text to find in the username or display name.
        q: Query<Option<String>>,
        role: Query<Option<Role>>,
        /// Only accounts that do (true) or do not (false) wait for approval.
        pending: Query<Option<bool>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<User>>> {
        auth.0.require_admin()?;
        let page = PageQuery::new(page.0, per_page.0);
        Ok(Json(store::list(&state.db, q.0.as_deref().unwrap_or(""), role.0, pending.0, page).await?))
    }

    /// Create an account.
    #[oai(path = "/", method = "post")]
    async fn create(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewUser>) -> ApiResult<UserCreated> {
        auth.0.require_admin()?;
        let row = super::create(&state.db, body.0, Audit::by(&auth.0, "user_created")).await?;
        Ok(UserCreated::Created(Json(row.into_user())))
    }

    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<User>> {
        auth.0.require_admin()?;
        let row = store::get(state.db.pool(), id.0).await?.ok_or_else(|| ApiError::not_found("user"))?;
        Ok(Json(row.into_user()))
    }

    /// Change display name, role, enabled state or password. The last enabled admin
    /// cannot be demoted or disabled (409 `last_admin`).
    #[oai(path = "/:id", method = "patch")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<UserPatch>,
    ) -> ApiResult<Json<User>> {
        auth.0.require_admin()?;
        let row = super::update(&state.db, id.0, body.0, |action| Audit::by(&auth.0, action)).await?;
        Ok(Json(row.into_user()))
    }

    /// Approve a teacher who registered themselves: they can log in from now on.
    #[oai(path = "/:id/approve", method = "post")]
    async fn approve(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<User>> {
        auth.0.require_admin()?;
        let mut tx = state.db.begin_write().await?;
        let user = store::get(&mut *tx, id.0).await?.ok_or_else(|| ApiError::not_found("user"))?;
        sqlx::query("UPDATE users SET pending = FALSE, updated_at = $1 WHERE id = $2")
            .bind(crate::db::now_ms())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        Audit::by(&auth.0, "user_approved")
            .target(format!("user:{}", id.0))
            .detail(user.username)
            .record(&mut *tx)
            .await?;
        let row = store::get(&mut *tx, id.0).await?.ok_or_else(|| ApiError::not_found("user"))?;
        tx.commit().await?;
        crate::search::sources::teacher(&state.db, id.0).await?;
        Ok(Json(row.into_user()))
    }

    /// Delete an account with its logins and API tokens. The last enabled admin cannot be deleted.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        auth.0.require_admin()?;
        super::delete(&state.db, id.0, Audit::by(&auth.0, "user_deleted")).await?;
        Ok(NoContent::Done)
    }
}
