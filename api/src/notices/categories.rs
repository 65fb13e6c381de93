//! Notice categories (教务, 奖助, 就业, 活动, 安全 …): everyone reads the list, admins
//! keep it. Students mute categories they do not want pushed.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{NewCategory, NoticeCategory};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::{now_ms, Db};
use crate::error::{on_unique, ApiError, ApiResult, NoContent};
use crate::state::AppState;

pub async fn all(db: &Db) -> sqlx::Result<Vec<NoticeCategory>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM notice_categories ORDER BY sort, id").fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(|(id, name)| NoticeCategory { id, name }).collect())
}

fn check(name: &str) -> ApiResult<String> {
    shared::validate::label(name, 16).map_err(|p| ApiError::field("name", p.message()))?;
    Ok(name.trim().to_string())
}

pub struct CategoriesApi;

#[derive(ApiResponse)]
enum CategoryCreated {
    #[oai(status = 201)]
    Created(Json<NoticeCategory>),
}

#[OpenApi(prefix_path = "/v1/notice-categories", tag = "ApiTags::Notices")]
impl CategoriesApi {
    #[oai(path = "/", method = "get")]
    async fn list(&self, state: Data<&AppState>, _auth: BearerAuth) -> ApiResult<Json<Vec<NoticeCategory>>> {
        Ok(Json(all(&state.db).await?))
    }

    /// Add a category (admins).
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<NewCategory>,
    ) -> ApiResult<CategoryCreated> {
        auth.0.require_admin()?;
        let name = check(&body.0.name)?;
        let sort: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(sort), 0) + 1 FROM notice_categories")
            .fetch_one(state.db.pool())
            .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO notice_categories (name, sort, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(&name)
        .bind(sort)
        .bind(now_ms())
        .fetch_one(state.db.pool())
        .await
        .map_err(|e| on_unique(e, "category_taken", "a category with this name exists"))?;
        Audit::by(&auth.0, "category_created")
            .target(format!("category:{id}"))
            .detail(name.clone())
            .record(state.db.pool())
            .await?;
        Ok(CategoryCreated::Created(Json(NoticeCategory { id, name })))
    }

    /// Rename a category (admins).
    #[oai(path = "/:id", method = "patch")]
    async fn rename(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewCategory>,
    ) -> ApiResult<Json<NoticeCategory>> {
        auth.0.require_admin()?;
        let name = check(&body.0.name)?;
        let done = sqlx::query("UPDATE notice_categories SET name = $1 WHERE id = $2")
            .bind(&name)
            .bind(id.0)
            .execute(state.db.pool())
            .await
            .map_err(|e| on_unique(e, "category_taken", "a category with this name exists"))?;
        if done.rows_affected() == 0 {
            return Err(ApiError::not_found("category"));
        }
        Audit::by(&auth.0, "category_renamed")
            .target(format!("category:{}", id.0))
            .detail(name.clone())
            .record(state.db.pool())
            .await?;
        Ok(Json(NoticeCategory { id: id.0, name }))
    }

    /// Delete a category (admins). Its notices keep their text, without a category.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        auth.0.require_admin()?;
        let done =
            sqlx::query("DELETE FROM notice_categories WHERE id = $1").bind(id.0).execute(state.db.pool()).await?;
        if done.rows_affected() == 0 {
            return Err(ApiError::not_found("category"));
        }
        Audit::by(&auth.0, "category_deleted").target(format!("category:{}", id.0)).record(state.db.pool()).await?;
        Ok(NoContent::Done)
    }
}
