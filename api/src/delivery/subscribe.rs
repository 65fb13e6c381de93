//! Subscribe notifications (订阅通知), the channel after template messages: a student
//! subscribes with WeChat's button on their pages (`<wx-open-subscribe>`), the platform
//! tells us with `subscribe_msg_popup_event` (and later `…_change_event` when they
//! change it in WeChat's settings), and each send is followed by `…_sent_event`.
//! Each follower's state per template is kept here: a long-term subscription (长期订阅,
//! open to education accounts) holds until rejected; one-time grants are counted and each
//! send uses one. Which subscribe template carries each kind of message is mapped like
//! template messages (`subscribe_mappings`).

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{StudentSubscriptions, SubscriptionState, TemplateMapping};

use super::templates::{check_mapping, mapping_of};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::{now_ms, Db, Flag};
use crate::error::{ApiResult, NoContent};
use crate::portal::StudentAuth;
use crate::state::AppState;
use crate::wechat::incoming::SubscribeItem;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Event;

pub async fn mapping(db: &Db, kind: &str) -> sqlx::Result<Option<TemplateMapping>> {
    mapping_of(db, "subscribe_mappings", kind).await
}

pub async fn mappings(db: &Db) -> sqlx::Result<Vec<TemplateMapping>> {
    let mut all = Vec::new();
    for kind in super::templates::kinds() {
        if let Some(m) = mapping(db, &kind.kind).await? {
            all.push(m);
        }
    }
    Ok(all)
}

/// A one-time subscription was used by a send (long-term ones are not used up).
pub async fn used(db: &Db, openid: &str, template_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE subscriptions SET remaining = remaining - 1, updated_at = $3 \
         WHERE openid = $1 AND template_id = $2 AND long_term = FALSE AND remaining > 0",
    )
    .bind(openid)
    .bind(template_id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The platform said the student has no subscription left (43101): believe it.
pub async fn lapsed(db: &Db, openid: &str, template_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE subscriptions SET accepted = FALSE, remaining = 0, updated_at = $3 WHERE openid = $1 AND template_id = $2")
        .bind(openid)
        .bind(template_id)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Whether a subscribe template is long-term, as it was when mapped (unmapped ones are
/// taken as one-time: a grant counted, not a standing permission).
async fn long_term(db: &Db, template_id: &str) -> sqlx::Result<bool> {
    let flag: Option<Flag> =
        sqlx::query_scalar("SELECT long_term FROM subscribe_mappings WHERE template_id = $1 LIMIT 1")
            .bind(template_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(flag.is_some_and(|f| f.0))
}

/// A popup answer or a later change: accept adds a one-time grant (or keeps a long-term
/// subscription), reject ends it.
async fn answered(db: &Db, openid: &str, item: &SubscribeItem, popup: bool) -> sqlx::Result<()> {
    let accept = item.status == "accept";
    let long = long_term(db, &item.template_id).await?;
    let grant = i64::from(accept && popup && !long);
    sqlx::query(
        "INSERT INTO subscriptions (openid, template_id, accepted, long_term, remaining, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (openid, template_id) DO UPDATE SET accepted = $3, long_term = $4, \
         remaining = CASE WHEN $3 THEN subscriptions.remaining + $5 ELSE 0 END, updated_at = $6",
    )
    .bind(openid)
    .bind(&item.template_id)
    .bind(accept)
    .bind(long)
    .bind(grant)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The webhook rule for the three subscribe events (they get no reply).
pub async fn on_event(ctx: Context) -> HandlerResult {
    let (db, openid) = (&ctx.state.db, ctx.incoming.openid.as_str());
    match ctx.incoming.event() {
        Some(Event::SubscribeMsgPopup { items }) => {
            for item in items {
                answered(db, openid, item, true).await?;
            }
        }
        Some(Event::SubscribeMsgChange { items }) => {
            for item in items {
                answered(db, openid, item, false).await?;
            }
        }
        Some(Event::SubscribeMsgSent { items }) => {
            for item in items {
                let msgid = item.msg_id.as_deref().and_then(|m| m.parse::<i64>().ok()).unwrap_or_default();
                let status = if item.error_code.unwrap_or(0) == 0 {
                    "success".to_string()
                } else {
                    format!("failed:{}", item.status)
                };
                super::jobs::finished(db, "subscribe", msgid, Some(openid), &status, [None; 4]).await?;
                if item.error_code == Some(43101) {
                    lapsed(db, openid, &item.template_id).await?;
                }
            }
        }
        _ => {}
    }
    Ok(None)
}

/// A follower's subscriptions (their record, their settings page).
pub async fn of_openid(db: &Db, openid: &str) -> sqlx::Result<Vec<SubscriptionState>> {
    let rows: Vec<(String, Flag, Flag, i64)> = sqlx::query_as(
        "SELECT template_id, accepted, long_term, remaining FROM subscriptions WHERE openid = $1 ORDER BY template_id",
    )
    .bind(openid)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(template_id, accepted, long_term, remaining)| SubscriptionState {
            template_id,
            accepted: accepted.0,
            long_term: long_term.0,
            remaining,
        })
        .collect())
}

pub struct SubscribeApi;

#[OpenApi]
impl SubscribeApi {
    /// What the student's page needs for WeChat's subscribe button: the subscribe
    /// templates notices go by, and where the student stands with each.
    #[oai(path = "/v1/portal/notification-subscriptions", method = "get", tag = "ApiTags::Portal")]
    async fn student(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<StudentSubscriptions>> {
        let mut template_ids: Vec<String> = mappings(&state.db).await?.into_iter().map(|m| m.template_id).collect();
        template_ids.dedup();
        Ok(Json(StudentSubscriptions { template_ids, states: of_openid(&state.db, &auth.0).await? }))
    }

    /// Choose the subscribe template for a kind of message and which keyword holds each
    /// value (admins).
    #[oai(path = "/v1/settings/subscribe-templates/:kind", method = "put", tag = "ApiTags::Notices")]
    async fn set(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        kind: Path<String>,
        body: Json<TemplateMapping>,
    ) -> ApiResult<Json<TemplateMapping>> {
        auth.0.require_admin()?;
        let mapping = body.0;
        let templates = state.wechat.client.subscribe_templates().await.ok();
        let known = templates
            .as_ref()
            .map(|list| list.iter().map(|t| (t.pri_tmpl_id.clone(), t.content.clone())).collect::<Vec<_>>());
        check_mapping(&kind.0, &mapping, known.as_deref())?;
        let template_id = mapping.template_id.trim().to_string();
        let long = templates.iter().flatten().any(|t| t.pri_tmpl_id == template_id && t.kind == 3);
        let fields = serde_json::to_string(&mapping.fields).map_err(crate::error::ApiError::internal)?;
        sqlx::query(
            "INSERT INTO subscribe_mappings (kind, template_id, fields, long_term, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (kind) DO UPDATE SET template_id = $2, fields = $3, long_term = $4, updated_at = $5",
        )
        .bind(&kind.0)
        .bind(&template_id)
        .bind(&fields)
        .bind(long)
        .bind(now_ms())
        .execute(state.db.pool())
        .await?;
        Audit::by(&auth.0, "subscribe_template_mapped")
            .target(format!("kind:{}", kind.0))
            .detail(template_id.clone())
            .record(state.db.pool())
            .await?;
        Ok(Json(TemplateMapping { kind: kind.0, template_id, fields: mapping.fields }))
    }

    /// Stop sending a kind of message as a subscribe notification.
    #[oai(path = "/v1/settings/subscribe-templates/:kind", method = "delete", tag = "ApiTags::Notices")]
    async fn unset(&self, state: Data<&AppState>, auth: BearerAuth, kind: Path<String>) -> ApiResult<NoContent> {
        auth.0.require_admin()?;
        sqlx::query("DELETE FROM subscribe_mappings WHERE kind = $1").bind(&kind.0).execute(state.db.pool()).await?;
        Audit::by(&auth.0, "subscribe_template_unmapped")
            .target(format!("kind:{}", kind.0))
            .record(state.db.pool())
            .await?;
        Ok(NoContent::Done)
    }
}
