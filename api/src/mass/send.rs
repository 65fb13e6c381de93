//! Sending a mass message, previewing it, deleting it.
//!
//! A send is recorded before the platform is asked (`sending`, with its idempotency key
//! `clientmsgid`), so a repeat after a lost answer is refused by the platform rather than
//! sent twice; then `submitted` with the platform's msg_id and the recipients Banji
//! expected (`mass_recipients`, counted against the monthly quota by the planner), or
//! `failed` with the platform's reason. The job result follows (`results`).
//!
//! A preview goes to the sender's own bound WeChat only (`mass/preview`), outside every
//! quota: what the followers would see, before anyone sees it.

use shared::{MassPreviewRequest, MassPreviewSent, MassSend, NewMassSend};

use super::audience::{self, Resolved};
use super::{compose, quota, results, store};
use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::{bulk, now_ms};
use crate::delivery::planner::MASS_PER_MONTH;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wechat::client::messages::MassAudience as To;

async fn author_name(state: &AppState, caller: &Caller) -> ApiResult<String> {
    let name: Option<String> = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
        .bind(caller.user_id)
        .fetch_optional(state.db.pool())
        .await?;
    Ok(name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| caller.username.clone()))
}

/// Sends a mass message now; the answer is the send as recorded (`submitted`).
pub async fn send(state: &AppState, caller: &Caller, body: NewMassSend) -> ApiResult<MassSend> {
    body.message.validate()?;
    let audience = audience::resolve(state, caller, &body.audience).await?;
    let standing = quota::of(state, &audience).await?;
    quota::enforce(&standing)?;
    let built = compose::build(state, caller, &body.message).await?;
    let clientmsgid = format!("banji-mass-{}", uuid::Uuid::new_v4().simple());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO mass_sends (author_id, author_name, kind, summary, message, audience, tag_id, audience_name, \
         recipients, over_quota, media_id, clientmsgid, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'sending', $13) RETURNING id",
    )
    .bind(caller.user_id)
    .bind(author_name(state, caller).await?)
    .bind(&body.message.kind)
    .bind(compose::summary(&body.message))
    .bind(serde_json::to_string(&body.message).map_err(ApiError::internal)?)
    .bind(audience.kind)
    .bind(audience.tag_id)
    .bind(&audience.name)
    .bind(standing.recipients)
    .bind(standing.over_quota)
    .bind(&built.media_id)
    .bind(&clientmsgid)
    .bind(now_ms())
    .fetch_one(state.db.pool())
    .await?;
    let client = &state.wechat.client;
    let outcome = match (audience.kind, audience.tag_id) {
        ("all", _) => client.mass_send_all(To::All, &built.message, &clientmsgid).await,
        ("tag", Some(tag)) => client.mass_send_all(To::Tag(tag), &built.message, &clientmsgid).await,
        _ => client.mass_send(&audience.openids, &built.message, &clientmsgid).await,
    };
    let detail = format!("{} → {}", body.message.kind, audience.name);
    match outcome {
        Ok(sent) => {
            submitted(state, id, sent.msg_id, sent.msg_data_id, &audience).await?;
            Audit::by(caller, "mass_sent").target(format!("mass:{id}")).detail(detail).record(state.db.pool()).await?;
            store::one(&state.db, caller, id).await
        }
        Err(err) => {
            sqlx::query(
                "UPDATE mass_sends SET status = 'failed', failure = $1, platform_status = $2, finished_at = $3 \
                 WHERE id = $4",
            )
            .bind(err.reason())
            .bind(err.code().map(|c| format!("errcode {c}")))
            .bind(now_ms())
            .bind(id)
            .execute(state.db.pool())
            .await?;
            let detail = format!("{detail}：{}", err.reason());
            Audit::by(caller, "mass_sent").target(format!("mass:{id}")).detail(detail).record(state.db.pool()).await?;
            Err(err.to_api_error("WeChat did not take the mass message"))
        }
    }
}

/// The platform took the send: its ids, and whom it was meant for, in one transaction;
/// then a result that came first is applied.
async fn submitted(
    state: &AppState,
    id: i64,
    msg_id: i64,
    msg_data_id: Option<i64>,
    audience: &Resolved,
) -> ApiResult<()> {
    // Those already past the month's quota are filtered by the platform: not counted again.
    let month = quota::this_month(&state.db, &audience.openids).await?;
    let rows: Vec<(&String, bool)> =
        audience.openids.iter().map(|o| (o, month.get(o).copied().unwrap_or(0) < MASS_PER_MONTH)).collect();
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE mass_sends SET status = 'submitted', msg_id = $1, msg_data_id = $2 WHERE id = $3")
        .bind(msg_id)
        .bind(msg_data_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let columns = ["send_id", "openid", "counted"];
    bulk::insert(&mut tx, state.db.backend(), "mass_recipients", &columns, "", &rows, |q, (openid, counted)| {
        q.bind(id).bind(openid.as_str()).bind(*counted)
    })
    .await?;
    tx.commit().await?;
    results::apply_stored(&state.db, Some(id), None).await?;
    Ok(())
}

/// Sends the message to the caller's own bound WeChat.
pub async fn preview(state: &AppState, caller: &Caller, body: MassPreviewRequest) -> ApiResult<MassPreviewSent> {
    body.message.validate()?;
    let openid: Option<String> =
        sqlx::query_scalar("SELECT openid FROM teacher_profiles WHERE user_id = $1 AND openid IS NOT NULL")
            .bind(caller.user_id)
            .fetch_optional(state.db.pool())
            .await?
            .flatten();
    let openid = openid.ok_or_else(|| {
        ApiError::conflict(
            "no_bound_wechat",
            "a preview goes to your own WeChat: bind it first (account settings, scan the QR code)",
        )
    })?;
    let built = compose::build(state, caller, &body.message).await?;
    state
        .wechat
        .client
        .mass_preview(&openid, &built.message)
        .await
        .map_err(|e| e.to_api_error("WeChat did not send the preview"))?;
    Audit::by(caller, "mass_previewed").detail(body.message.kind.clone()).record(state.db.pool()).await?;
    let sent_to: Option<String> = sqlx::query_scalar(
        "SELECT COALESCE(NULLIF(remark, ''), NULLIF(nickname, '')) FROM followers WHERE openid = $1",
    )
    .bind(&openid)
    .fetch_optional(state.db.pool())
    .await?
    .flatten();
    Ok(MassPreviewSent { sent_to })
}

/// Deletes a sent mass message on the platform (all of it, or one article of a news
/// message): followers keep the card, the article stops opening.
pub async fn delete(state: &AppState, caller: &Caller, id: i64, article_idx: Option<u32>) -> ApiResult<MassSend> {
    let send = store::one(&state.db, caller, id).await?;
    let msg_id = match (send.status.as_str(), send.msg_id) {
        ("submitted" | "success", Some(msg_id)) => msg_id,
        ("deleted", _) => return Err(ApiError::conflict("already_deleted", "this mass message was already deleted")),
        _ => return Err(ApiError::conflict("not_sent", "only a mass message WeChat sent can be deleted")),
    };
    if article_idx.is_some_and(|i| i > 0) && send.kind != "news" {
        return Err(ApiError::field("article_idx", "is only for a news message"));
    }
    state
        .wechat
        .client
        .mass_delete(msg_id, article_idx.filter(|i| *i > 0))
        .await
        .map_err(|e| e.to_api_error("WeChat did not delete the mass message"))?;
    if article_idx.unwrap_or(0) == 0 {
        sqlx::query("UPDATE mass_sends SET status = 'deleted', deleted_at = $1, deleted_by = $2 WHERE id = $3")
            .bind(now_ms())
            .bind(caller.user_id)
            .bind(id)
            .execute(state.db.pool())
            .await?;
    }
    let detail = match article_idx.filter(|i| *i > 0) {
        Some(i) => format!("第 {i} 篇"),
        None => send.summary.clone(),
    };
    Audit::by(caller, "mass_deleted").target(format!("mass:{id}")).detail(detail).record(state.db.pool()).await?;
    store::one(&state.db, caller, id).await
}
