//! `/inbox/quick-replies`: each teacher's saved answers (快捷回复), in the order they were
//! saved; the console inserts one into the answer box with a click. Nobody sees another's.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{NewQuickReply, QuickReply, MAX_QUICK_REPLIES};

use crate::api_tags::ApiTags;
use crate::auth::BearerAuth;
use crate::db::now_ms;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::state::AppState;

pub struct QuickRepliesApi;

#[derive(ApiResponse)]
enum Saved {
    #[oai(status = 201)]
    Created(Json<QuickReply>),
}

#[OpenApi(prefix_path = "/v1/inbox/quick-replies", tag = "ApiTags::Inbox")]
impl QuickRepliesApi {
    /// The caller's saved answers, oldest first.
    #[oai(path = "/", method = "get")]
    async fn list(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Vec<QuickReply>>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, text FROM quick_replies WHERE user_id = $1 ORDER BY position, id")
                .bind(auth.0.user_id)
                .fetch_all(state.db.pool())
                .await?;
        Ok(Json(rows.into_iter().map(|(id, text)| QuickReply { id, text }).collect()))
    }

    /// Save an answer (at most 50 each: 409 `too_many` beyond).
    #[oai(path = "/", method = "post")]
    async fn create(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewQuickReply>) -> ApiResult<Saved> {
        body.validate()?;
        let user = auth.0.user_id;
        let (count, last): (i64, Option<i64>) =
            sqlx::query_as("SELECT COUNT(*), MAX(position) FROM quick_replies WHERE user_id = $1")
                .bind(user)
                .fetch_one(state.db.pool())
                .await?;
        if count >= MAX_QUICK_REPLIES as i64 {
            return Err(ApiError::conflict("too_many", format!("at most {MAX_QUICK_REPLIES} saved answers")));
        }
        let text = body.0.text.trim().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO quick_replies (user_id, text, position, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user)
        .bind(&text)
        .bind(last.unwrap_or(0) + 1)
        .bind(now_ms())
        .fetch_one(state.db.pool())
        .await?;
        Ok(Saved::Created(Json(QuickReply { id, text })))
    }

    /// Change a saved answer's text.
    #[oai(path = "/:id", method = "put")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewQuickReply>,
    ) -> ApiResult<Json<QuickReply>> {
        body.validate()?;
        let text = body.0.text.trim().to_string();
        let changed = sqlx::query("UPDATE quick_replies SET text = $1 WHERE id = $2 AND user_id = $3")
            .bind(&text)
            .bind(id.0)
            .bind(auth.0.user_id)
            .execute(state.db.pool())
            .await?;
        if changed.rows_affected() == 0 {
            return Err(ApiError::not_found("quick reply"));
        }
        Ok(Json(QuickReply { id: id.0, text }))
    }

    /// Delete a saved answer.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        let gone = sqlx::query("DELETE FROM quick_replies WHERE id = $1 AND user_id = $2")
            .bind(id.0)
            .bind(auth.0.user_id)
            .execute(state.db.pool())
            .await?;
        if gone.rows_affected() == 0 {
            return Err(ApiError::not_found("quick reply"));
        }
        Ok(NoContent::Done)
    }
}
