//! Third-party API tokens: `bj_…` bearer secrets with `read`/`write` scopes, owned by a
//! user and acting with that user's role. The secret is shown once and stored hashed.
//! Changing or resetting the owner's password, or disabling the owner, revokes them all.

use chrono::Utc;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{ApiToken, CreatedApiToken, NewApiToken, Page, PageQuery, Role, Scope};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::{random_secret, secret_hash, BearerAuth, Caller, Via};
use crate::db::{now_ms, to_ms, to_time, Db, Flag};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::state::AppState;

/// Every API token starts with this, which is how `BearerAuth` tells it from a JWT.
pub const SECRET_PREFIX: &str = "bj_";

/// `last_used_at` is written at most this often per token, not on every request.
const LAST_USED_GRANULARITY_MS: i64 = 60_000;

fn parse_scopes(text: &str) -> Vec<Scope> {
    text.split(',').filter_map(Scope::parse).collect()
}

#[derive(sqlx::FromRow)]
struct TokenCaller {
    id: i64,
    scopes: String,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
    user_id: i64,
    username: String,
    role: String,
    disabled: Flag,
    pending: Flag,
}

/// The caller an API token stands for, if it is live.
pub async fn resolve(db: &Db, secret: &str) -> sqlx::Result<Option<Caller>> {
    let row: Option<TokenCaller> = sqlx::query_as(
        "SELECT t.id, t.scopes, t.expires_at, t.revoked_at, t.last_used_at, \
                u.id AS user_id, u.username, u.role, u.disabled, u.pending \
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
    )
    .bind(secret_hash(secret))
    .fetch_optional(db.pool())
    .await?;
    let now = now_ms();
    let live = |r: &TokenCaller| {
        r.revoked_at.is_none() && !r.disabled.0 && !r.pending.0 && r.expires_at.is_none_or(|at| at > now)
    };
    let Some(row) = row.filter(live) else {
        return Ok(None);
    };
    if row.last_used_at.is_none_or(|at| now - at > LAST_USED_GRANULARITY_MS) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(row.id)
            .execute(db.pool())
            .await?;
    }
    Ok(Some(Caller {
        user_id: row.user_id,
        username: row.username,
        role: Role::parse(&row.role).unwrap_or(Role::Teacher),
        via: Via::ApiToken { id: row.id, scopes: parse_scopes(&row.scopes) },
        channel: crate::auth::Channel::Api,
        ip: None,
    }))
}

/// Revokes every live API token of a user (see `auth::revoke_credentials`).
pub async fn revoke_all(tx: &mut sqlx::AnyConnection, user_id: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected())
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    scopes: String,
    prefix: String,
    created_at: i64,
    expires_at: Option<i64>,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> Self {
        ApiToken {
            id: r.id,
            name: r.name,
            scopes: parse_scopes(&r.scopes),
            prefix: r.prefix,
            created_at: to_time(r.created_at),
            expires_at: r.expires_at.map(to_time),
            last_used_at: r.last_used_at.map(to_time),
            revoked_at: r.revoked_at.map(to_time),
        }
    }
}

const TOKEN_COLUMNS: &str = "id, name, scopes, prefix, created_at, expires_at, last_used_at, revoked_at";

#[derive(ApiResponse)]
enum TokenCreated {
    /// The token, with its secret shown this once.
    #[oai(status = 201)]
    Created(Json<CreatedApiToken>),
}

pub struct ApiTokensApi;

#[OpenApi(prefix_path = "/v1/api-tokens", tag = "ApiTags::ApiTokens")]
impl ApiTokensApi {
    /// My API tokens, newest first (secrets are never shown again).
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<ApiToken>>> {
        let query = PageQuery::new(page.0, per_page.0);
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE user_id = $1")
            .bind(auth.0.user_id)
            .fetch_one(state.db.pool())
            .await?;
        let rows: Vec<TokenRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
        )))
        .bind(auth.0.user_id)
        .bind(query.limit())
        .bind(query.offset())
        .fetch_all(state.db.pool())
        .await?;
        Ok(Json(Page::new(rows.into_iter().map(Into::into).collect(), total, query)))
    }

    /// Create an API token acting as me. Needs a console login (not another API token).
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<NewApiToken>,
    ) -> ApiResult<TokenCreated> {
        let caller = auth.0;
        caller.session_id()?;
        body.validate(Utc::now())?;
        let mut scopes = body.scopes.clone();
        scopes.sort();
        scopes.dedup();
        let scopes_text = scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",");
        let secret = format!("{SECRET_PREFIX}{}", random_secret());
        let prefix: String = secret.chars().take(10).collect();
        let mut tx = state.db.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, scopes, token_hash, prefix, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(caller.user_id)
        .bind(body.name.trim())
        .bind(&scopes_text)
        .bind(secret_hash(&secret))
        .bind(&prefix)
        .bind(now_ms())
        .bind(body.expires_at.map(to_ms))
        .fetch_one(&mut *tx)
        .await?;
        Audit::by(&caller, "api_token_created")
            .target(format!("api_token:{id}"))
            .detail(format!(
                "{}（{}）",
                body.name.trim(),
                scopes
                    .iter()
                    .map(|s| if s.as_str() == "write" { "读写" } else { "只读" })
                    .collect::<Vec<_>>()
                    .join("、")
            ))
            .record(&mut *tx)
            .await?;
        let row: TokenRow =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1")))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(TokenCreated::Created(Json(CreatedApiToken { token: row.into(), secret })))
    }

    /// Revoke one of my API tokens (admins may revoke anyone's). It stops working at once.
    #[oai(path = "/:id", method = "delete")]
    async fn revoke(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        let caller = auth.0;
        let owner: Option<i64> = sqlx::query_scalar("SELECT user_id FROM api_tokens WHERE id = $1")
            .bind(id.0)
            .fetch_optional(state.db.pool())
            .await?;
        // Someone else's token is "not found" to a non-admin, not "forbidden".
        if owner.is_none_or(|owner| owner != caller.user_id && !caller.is_admin()) {
            return Err(ApiError::not_found("API token"));
        }
        let mut tx = state.db.begin_write().await?;
        let revoked = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if revoked > 0 {
            Audit::by(&caller, "api_token_revoked").target(format!("api_token:{}", id.0)).record(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(NoContent::Done)
    }
}
