//! `BearerAuth` resolves the `Authorization: Bearer …` header to a `Caller`: a console
//! login (JWT whose session is still live) or an API token (`bj_…`). API tokens with only
//! the `read` scope are refused on anything but GET/HEAD, here, for every endpoint. A
//! disabled account, or one still waiting for approval, is nobody, however it got a token.

use poem::http::Method;
use poem::Request;
use poem_openapi::auth::Bearer;
use poem_openapi::SecurityScheme;
use shared::{Role, Scope};

use super::jwt::JwtProblem;
use crate::db::Flag;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Clone)]
pub enum Via {
    /// A console login; the id of its session.
    Session(i64),
    ApiToken {
        id: i64,
        scopes: Vec<Scope>,
    },
    /// A text command from the teacher's bound WeChat (no login behind it).
    Message,
}

/// Through which channel an action came, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The console in a browser.
    Web,
    /// The teacher's phone pages (a login started by WeChat's web authorisation) or a
    /// text command sent to the account.
    WeChat,
    /// An API token.
    Api,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::WeChat => "wechat",
            Channel::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Channel {
        match s {
            "wechat" => Channel::WeChat,
            "api" => Channel::Api,
            _ => Channel::Web,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub via: Via,
    /// The client address of the request, for the audit log.
    pub ip: Option<String>,
    pub channel: Channel,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn require_admin(&self) -> ApiResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::forbidden("admin_only", "this action is for administrators"))
        }
    }

    /// An account acting without a login (a text command, a signed link): (id, username, role).
    fn without_login((user_id, username, role): (i64, String, String), channel: Channel) -> Caller {
        Caller {
            user_id,
            username,
            role: Role::parse(&role).unwrap_or(Role::Teacher),
            via: Via::Message,
            ip: None,
            channel,
        }
    }

    /// The bound teacher behind a WeChat (their `teacher_profiles.openid`), acting by a
    /// text command: scoped exactly like their console login. None for anyone else — a
    /// student, an unbound follower, a disabled account or one waiting for approval.
    pub async fn of_wechat(db: &crate::db::Db, openid: &str) -> sqlx::Result<Option<Caller>> {
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT u.id, u.username, u.role FROM teacher_profiles tp JOIN users u ON u.id = tp.user_id \
             WHERE tp.openid = $1 AND u.disabled = FALSE AND u.pending = FALSE",
        )
        .bind(openid)
        .fetch_optional(db.pool())
        .await?;
        Ok(row.map(|row| Caller::without_login(row, Channel::WeChat)))
    }

    /// A live account (enabled, approved) acting through `channel` without a login: a
    /// signed link made for it being opened.
    pub async fn of_user(db: &crate::db::Db, user_id: i64, channel: Channel) -> sqlx::Result<Option<Caller>> {
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT id, username, role FROM users WHERE id = $1 AND disabled = FALSE AND pending = FALSE",
        )
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
        Ok(row.map(|row| Caller::without_login(row, channel)))
    }

    /// Managing one's own credentials needs a console login, not an API token.
    pub fn session_id(&self) -> ApiResult<i64> {
        match self.via {
            Via::Session(id) => Ok(id),
            Via::ApiToken { .. } | Via::Message => {
                Err(ApiError::forbidden("session_required", "this action needs a console login, not an API token"))
            }
        }
    }
}

/// A JWT from `/auth/login`, or an API token created at `/api-tokens`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT or bj_ API token", checker = "authenticate")]
pub struct BearerAuth(pub Caller);

async fn authenticate(req: &Request, bearer: Bearer) -> poem::Result<Caller> {
    let state = req.data::<AppState>().ok_or_else(|| poem::Error::from(ApiError::internal("AppState missing")))?;
    let mut caller = resolve(state, &bearer.token).await?;
    caller.ip = crate::http::client_ip(req);
    if let Via::ApiToken { scopes, .. } = &caller.via {
        let safe = req.method() == Method::GET || req.method() == Method::HEAD;
        if !safe && !scopes.contains(&Scope::Write) {
            return Err(ApiError::forbidden("insufficient_scope", "this API token has no write scope").into());
        }
    }
    Ok(caller)
}

#[derive(sqlx::FromRow)]
struct SessionCaller {
    id: i64,
    username: String,
    role: String,
    disabled: Flag,
    pending: Flag,
    revoked_at: Option<i64>,
    channel: String,
}

async fn resolve(state: &AppState, token: &str) -> ApiResult<Caller> {
    if token.starts_with(crate::api_tokens::SECRET_PREFIX) {
        return crate::api_tokens::resolve(&state.db, token)
            .await?
            .ok_or_else(|| ApiError::unauthorized("invalid_token", "unknown, expired or revoked API token"));
    }
    let (user_id, session_id) = state.jwt.verify(token).map_err(|problem| match problem {
        JwtProblem::Expired => ApiError::unauthorized("token_expired", "access token expired; refresh it"),
        JwtProblem::Invalid => ApiError::unauthorized("invalid_token", "invalid access token"),
    })?;
    let row: Option<SessionCaller> = sqlx::query_as(
        "SELECT u.id, u.username, u.role, u.disabled, u.pending, s.revoked_at, s.channel \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.user_id = $2",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(state.db.pool())
    .await?;
    match row {
        Some(row) if row.revoked_at.is_none() && !row.disabled.0 && !row.pending.0 => Ok(Caller {
            user_id: row.id,
            username: row.username,
            role: Role::parse(&row.role).unwrap_or(Role::Teacher),
            via: Via::Session(session_id),
            ip: None,
            channel: Channel::parse(&row.channel),
        }),
        _ => Err(ApiError::unauthorized("session_revoked", "this login has ended; log in again")),
    }
}
