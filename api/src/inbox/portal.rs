//! `/portal/messages`: a student's conversation with the school on their page — what they
//! wrote (in WeChat or here) and what teachers answered — and writing a new message.

use std::time::Duration;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{NewStudentMessage, ThreadMessage};

use crate::api_tags::ApiTags;
use crate::db::{now_ms, to_time};
use crate::error::{ApiError, ApiResult};
use crate::portal::StudentAuth;
use crate::state::AppState;

/// Messages a follower may write from the page in an hour.
const WRITES_PER_HOUR: u64 = 20;

pub struct PortalMessagesApi;

#[derive(ApiResponse)]
enum Written {
    #[oai(status = 201)]
    Created(Json<ThreadMessage>),
}

#[OpenApi(prefix_path = "/v1/portal/messages", tag = "ApiTags::Portal")]
impl PortalMessagesApi {
    /// The reader's conversation with the school, oldest first (the latest 200).
    #[oai(path = "/", method = "get")]
    async fn list(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<Vec<ThreadMessage>>> {
        Ok(Json(super::messages(&state, &auth.0).await?))
    }

    /// Write to the teachers from the page: it joins the reader's thread as if sent in
    /// WeChat, waiting for an answer. At most 20 an hour (429).
    #[oai(path = "/", method = "post")]
    async fn write(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        body: Json<NewStudentMessage>,
    ) -> ApiResult<Written> {
        let openid = auth.0;
        let key = format!("portal:messages:{openid}");
        if let Some(wait) = state.kv.hit(&key, WRITES_PER_HOUR, Duration::from_secs(3600)).await? {
            return Err(ApiError::too_many_requests("too many messages; try again later", wait.as_secs()));
        }
        body.validate()?;
        let text = body.0.text.trim().to_string();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO wechat_messages (openid, msg_type, content, created_time, received_at, raw_xml) \
             VALUES ($1, 'text', $2, $3, $4, '')",
        )
        .bind(&openid)
        .bind(&text)
        .bind(now / 1000)
        .bind(now)
        .execute(state.db.pool())
        .await?;
        super::waiting(&state.db, &openid, "text").await?;
        super::live::changed(&state.kv).await;
        Ok(Written::Created(Json(ThreadMessage::new(to_time(now), "in", "text", Some(text)))))
    }
}
