//! `/inbox`: the threads a teacher sees, one thread, a text answer, marking handled.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{InboxThread, InboxThreadDetail, NewInboxReply, Page, PageQuery, ThreadMessage};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::{now_ms, to_time};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::people::Scope;
use crate::state::AppState;
use crate::wechat::client::messages::CustomMessage;

pub struct InboxApi;

#[derive(ApiResponse)]
enum ReplySent {
    #[oai(status = 201)]
    Sent(Json<ThreadMessage>),
}

#[OpenApi(prefix_path = "/v1/inbox", tag = "ApiTags::Inbox")]
impl InboxApi {
    /// The threads the caller sees (a teacher: their students'; an admin: every
    /// follower's), newest activity first; `waiting` for those a teacher still owes an
    /// answer (未处理); `mine` for those the caller answered or handled (我的); a class; the
    /// latest message's type (`text`, `image` …); `q` in the name, 学号 or latest text.
    #[oai(path = "/threads", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn threads(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        waiting: Query<Option<bool>>,
        mine: Query<Option<bool>>,
        class_id: Query<Option<i64>>,
        kind: Query<Option<String>>,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<InboxThread>>> {
        let query = super::ThreadQuery {
            waiting: waiting.0.unwrap_or(false),
            mine: mine.0.unwrap_or(false).then_some(auth.0.user_id),
            class_id: class_id.0,
            kind: kind.0,
            q: q.0.unwrap_or_default(),
        };
        let page = PageQuery::new(page.0, per_page.0);
        Ok(Json(super::threads(&state.db, Scope::of(&auth.0), &query, page).await?))
    }

    /// One thread with its latest 200 messages, oldest first.
    #[oai(path = "/threads/:openid", method = "get")]
    async fn thread(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        openid: Path<String>,
    ) -> ApiResult<Json<InboxThreadDetail>> {
        Ok(Json(super::detail(&state.db, Scope::of(&auth.0), &openid.0).await?))
    }

    /// Answer with text, as a customer-service message: WeChat delivers it only within 48
    /// hours of the follower's last message (409 `outside_window` otherwise). The answer
    /// is kept with its outcome either way, and the thread no longer waits once it is sent.
    #[oai(path = "/threads/:openid/replies", method = "post")]
    async fn reply(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        openid: Path<String>,
        body: Json<NewInboxReply>,
    ) -> ApiResult<ReplySent> {
        let caller = auth.0;
        Scope::of(&caller).follower(&state.db, &openid.0).await?;
        body.validate()?;
        let text = body.0.text.trim().to_string();
        let author: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
            .bind(caller.user_id)
            .fetch_optional(state.db.pool())
            .await?
            .unwrap_or_else(|| caller.username.clone());
        let outcome =
            state.wechat.client.send_custom_message(&openid.0, &CustomMessage::Text { content: text.clone() }).await;
        let failure = outcome.as_ref().err().map(|e| e.reason());
        let now = now_ms();
        sqlx::query(
            "INSERT INTO inbox_replies (openid, user_id, author_name, kind, content, status, failure, created_at) \
             VALUES ($1, $2, $3, 'text', $4, $5, $6, $7)",
        )
        .bind(&openid.0)
        .bind(caller.user_id)
        .bind(&author)
        .bind(&text)
        .bind(if outcome.is_ok() { "sent" } else { "failed" })
        .bind(&failure)
        .bind(now)
        .execute(state.db.pool())
        .await?;
        Audit::by(&caller, "inbox_replied")
            .target(format!("follower:{}", openid.0))
            .detail(if outcome.is_ok() {
                "已发送".to_string()
            } else {
                format!("未送达：{}", failure.clone().unwrap_or_default())
            })
            .record(state.db.pool())
            .await?;
        match outcome {
            Ok(()) => {
                super::handled(&state.db, &openid.0, caller.user_id).await?;
                Ok(ReplySent::Sent(Json(ThreadMessage {
                    at: to_time(now),
                    direction: "out".into(),
                    kind: "text".into(),
                    text: Some(text),
                    author: Some(author),
                    status: Some("sent".into()),
                    failure: None,
                })))
            }
            Err(err) if matches!(err.code(), Some(45015) | Some(45047)) => Err(ApiError::conflict(
                "outside_window",
                "WeChat lets the account write only within 48 hours of the follower's last message (and a few times)",
            )),
            Err(err) if err.code() == Some(43004) => {
                Err(ApiError::conflict("not_following", "this follower no longer follows the account"))
            }
            Err(err) => Err(err.to_api_error("WeChat did not take the answer")),
        }
    }

    /// Mark the thread handled (已处理): nothing waits in it until they write again.
    #[oai(path = "/threads/:openid/handled", method = "post")]
    async fn handled(&self, state: Data<&AppState>, auth: BearerAuth, openid: Path<String>) -> ApiResult<NoContent> {
        Scope::of(&auth.0).follower(&state.db, &openid.0).await?;
        super::handled(&state.db, &openid.0, auth.0.user_id).await?;
        Ok(NoContent::Done)
    }
}
