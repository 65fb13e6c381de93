//! The audit log: security-relevant and administrative actions (logins, failed logins,
//! user and role changes, API token creation and revocation), written in the same
//! transaction as the change they describe, and readable by admins at `/audit`. Each
//! entry says through which channel it came (the console, WeChat, an API token).

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{AuditEntry, Page, PageQuery};
use sqlx::{Any, Executor};

use crate::api_tags::ApiTags;
use crate::auth::{BearerAuth, Caller, Channel};
use crate::db::{now_ms, to_time};
use crate::error::ApiResult;
use crate::state::AppState;

/// An entry about to be written.
pub struct Audit<'a> {
    action: &'a str,
    actor_id: Option<i64>,
    actor: &'a str,
    target: Option<String>,
    detail: Option<String>,
    ip: Option<String>,
    channel: Channel,
}

impl<'a> Audit<'a> {
    /// The account acting, if any.
    pub fn actor(&self) -> Option<i64> {
        self.actor_id
    }

    /// An action by an authenticated caller.
    pub fn by(caller: &'a Caller, action: &'a str) -> Self {
        Audit {
            action,
            actor_id: Some(caller.user_id),
            actor: &caller.username,
            target: None,
            detail: None,
            ip: caller.ip.clone(),
            channel: caller.channel,
        }
    }

    /// An action before anyone is authenticated (a login attempt), or from the command line.
    pub fn anonymous(actor: &'a str, action: &'a str, ip: Option<String>) -> Self {
        Audit { action, actor_id: None, actor, target: None, detail: None, ip, channel: Channel::Web }
    }

    /// Done through this channel (e.g. a WeChat sign-in, before any caller exists).
    pub fn channel(mut self, channel: Channel) -> Self {
        self.channel = channel;
        self
    }

    pub fn actor_id(mut self, id: i64) -> Self {
        self.actor_id = Some(id);
        self
    }

    pub fn target(mut self, target: String) -> Self {
        self.target = Some(target);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub async fn record<'c, E: Executor<'c, Database = Any>>(self, exec: E) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor, action, target, detail, ip, channel) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(now_ms())
        .bind(self.actor_id)
        .bind(self.actor)
        .bind(self.action)
        .bind(self.target)
        .bind(self.detail)
        .bind(self.ip)
        .bind(self.channel.as_str())
        .execute(exec)
        .await?;
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    actor: String,
    action: String,
    target: Option<String>,
    detail: Option<String>,
    ip: Option<String>,
    channel: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            id: r.id,
            at: to_time(r.at),
            actor_id: r.actor_id,
            actor: r.actor,
            action: r.action,
            target: r.target,
            detail: r.detail,
            ip: r.ip,
            channel: r.channel,
        }
    }
}

pub struct AuditApi;

#[OpenApi(prefix_path = "/v1/audit", tag = "ApiTags::Audit")]
impl AuditApi {
    /// The audit log, newest first (admins only).
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Only entries by this username (exact).
        actor: Query<Option<String>>,
        /// Only entries with this action, e.g. `login_failed`.
        action: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<AuditEntry>>> {
        auth.0.require_admin()?;
        let query = PageQuery::new(page.0, per_page.0);
        let actor = actor.0.map(|a| a.trim().to_lowercase()).unwrap_or_default();
        let action = action.0.map(|a| a.trim().to_string()).unwrap_or_default();
        const FILTER: &str = "($1 = '' OR actor = $1) AND ($2 = '' OR action = $2)";
        let total: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM audit_log WHERE {FILTER}")))
                .bind(&actor)
                .bind(&action)
                .fetch_one(state.db.pool())
                .await?;
        let rows: Vec<AuditRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, at, actor_id, actor, action, target, detail, ip, channel FROM audit_log \
             WHERE {FILTER} ORDER BY id DESC LIMIT $3 OFFSET $4"
        )))
        .bind(&actor)
        .bind(&action)
        .bind(query.limit())
        .bind(query.offset())
        .fetch_all(state.db.pool())
        .await?;
        Ok(Json(Page::new(rows.into_iter().map(Into::into).collect(), total, query)))
    }
}
