//! `/auth/*` (login, refresh, logout) and `/me` (who am I, change my password).

use poem::web::Data;
use poem::Request;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{ChangePasswordRequest, LoginRequest, LoginResponse, RefreshRequest, User};

use super::sessions::{self, Login, Refresh};
use super::{passwords, BearerAuth};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::http::{client_ip, user_agent};
use crate::state::AppState;
use crate::users::store::{self, UserRow};

pub struct AuthApi;

fn throttled(wait: std::time::Duration) -> ApiError {
    ApiError::too_many_requests("too many failed attempts; try again later", wait.as_secs_f64().ceil() as u64)
}

fn pending_approval() -> ApiError {
    ApiError::forbidden("pending_approval", "this account waits for an administrator's approval")
}

fn login_response(state: &AppState, user: UserRow, login: Login) -> ApiResult<LoginResponse> {
    Ok(LoginResponse {
        access_token: state.jwt.issue(user.id, login.session_id)?,
        refresh_token: login.refresh_token,
        token_type: "Bearer".into(),
        expires_in: super::jwt::ACCESS_TOKEN_SECS,
        user: user.into_user(),
    })
}

#[OpenApi(prefix_path = "/v1/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Log in with a username and password.
    ///
    /// Failed attempts are limited per username and per client address (5 a minute by
    /// default); past the limit the answer is 429 with `Retry-After`. A try is counted
    /// before the password is checked, so parallel guesses get no more than the limit. A
    /// burst larger than the server checks at once waits, or gets 503 `busy`.
    #[oai(path = "/login", method = "post")]
    async fn login(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<LoginRequest>,
    ) -> ApiResult<Json<LoginResponse>> {
        body.validate()?;
        let username = body.username.trim().to_lowercase();
        let ip = client_ip(req);
        if let Some(wait) = state.throttle.reserve(&username, ip.as_deref()).await? {
            return Err(throttled(wait));
        }
        let user = store::find_by_username(&state.db, &username).await?;
        let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
        let verified = passwords::verify(body.0.password, stored_hash).await?;
        let mut user = match user {
            Some(user) if verified => user,
            _ => {
                Audit::anonymous(&username, "login_failed", ip).record(state.db.pool()).await?;
                return Err(ApiError::unauthorized("invalid_credentials", "wrong username or password"));
            }
        };
        state.throttle.succeeded(&username, ip.as_deref()).await?;
        if user.disabled.0 {
            Audit::anonymous(&username, "login_failed", ip).detail("账号已停用").record(state.db.pool()).await?;
            return Err(ApiError::forbidden("account_disabled", "this account has been disabled"));
        }
        if user.pending.0 {
            return Err(pending_approval());
        }
        let login = sessions::start(&state.db, user.id, ip.clone(), user_agent(req)).await?;
        user.last_login_at = Some(store::touch_last_login(&state.db, user.id).await?);
        Audit::anonymous(&user.username, "login", ip).actor_id(user.id).record(state.db.pool()).await?;
        Ok(Json(login_response(&state, user, login)?))
    }

    /// Exchange a refresh token for a new access token and the next refresh token.
    ///
    /// Each refresh token works once. Presenting one that was already exchanged ends the
    /// whole login (it was copied), and the answer is 401 `refresh_token_reused`.
    #[oai(path = "/refresh", method = "post")]
    async fn refresh(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<RefreshRequest>,
    ) -> ApiResult<Json<LoginResponse>> {
        match sessions::rotate(&state.db, &body.refresh_token).await? {
            Refresh::Rotated { user_id, login } => {
                let user = store::get(state.db.pool(), user_id).await?.ok_or_else(|| ApiError::not_found("user"))?;
                if user.disabled.0 {
                    sessions::revoke(state.db.pool(), login.session_id, "account_disabled").await?;
                    return Err(ApiError::forbidden("account_disabled", "this account has been disabled"));
                }
                if user.pending.0 {
                    sessions::revoke(state.db.pool(), login.session_id, "pending_approval").await?;
                    return Err(pending_approval());
                }
                Ok(Json(login_response(&state, user, login)?))
            }
            Refresh::Reused { user_id, session_id } => {
                let name = store::get(state.db.pool(), user_id).await?.map(|u| u.username).unwrap_or_default();
                Audit::anonymous(&name, "refresh_token_reused", client_ip(req))
                    .actor_id(user_id)
                    .target(format!("session:{session_id}"))
                    .detail("已用过的刷新令牌再次出现，该次登录已被撤销")
                    .record(state.db.pool())
                    .await?;
                Err(ApiError::unauthorized(
                    "refresh_token_reused",
                    "this refresh token was already used; the login has been ended, log in again",
                ))
            }
            Refresh::Unknown | Refresh::Expired | Refresh::Revoked => {
                Err(ApiError::unauthorized("invalid_refresh_token", "refresh token unknown, expired or revoked"))
            }
        }
    }

    /// End the login this refresh token belongs to (its access tokens stop working too).
    ///
    /// Answers 204 whether or not the token was known, so it reveals nothing.
    #[oai(path = "/logout", method = "post")]
    async fn logout(&self, state: Data<&AppState>, req: &Request, body: Json<RefreshRequest>) -> ApiResult<NoContent> {
        if let Some((session_id, user_id)) = sessions::session_of(&state.db, &body.refresh_token).await? {
            sessions::revoke(state.db.pool(), session_id, "logout").await?;
            let name = store::get(state.db.pool(), user_id).await?.map(|u| u.username).unwrap_or_default();
            Audit::anonymous(&name, "logout", client_ip(req))
                .actor_id(user_id)
                .target(format!("session:{session_id}"))
                .record(state.db.pool())
                .await?;
        }
        Ok(NoContent::Done)
    }
}

pub struct MeApi;

#[OpenApi(prefix_path = "/v1/me", tag = "ApiTags::Me")]
impl MeApi {
    /// The account making the request.
    #[oai(path = "/", method = "get")]
    async fn me(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<User>> {
        let user = store::get(state.db.pool(), auth.0.user_id).await?.ok_or_else(|| ApiError::not_found("user"))?;
        Ok(Json(user.into_user()))
    }

    /// Change my password. Needs the current one; every other login of mine is ended and
    /// every API token of mine is revoked.
    #[oai(path = "/password", method = "post")]
    async fn change_password(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<ChangePasswordRequest>,
    ) -> ApiResult<NoContent> {
        let caller = auth.0;
        let session_id = caller.session_id()?;
        body.validate()?;
        if let Some(wait) = state.throttle.reserve(&caller.username, caller.ip.as_deref()).await? {
            return Err(throttled(wait));
        }
        let user = store::get(state.db.pool(), caller.user_id).await?.ok_or_else(|| ApiError::not_found("user"))?;
        let body = body.0;
        if !passwords::verify(body.old_password, Some(user.password_hash)).await? {
            Audit::by(&caller, "password_change_failed").record(state.db.pool()).await?;
            return Err(ApiError::field("old_password", "is incorrect"));
        }
        state.throttle.succeeded(&caller.username, caller.ip.as_deref()).await?;
        let hash = passwords::hash(body.new_password).await?;
        let mut tx = state.db.begin_write().await?;
        store::set_password(&mut *tx, caller.user_id, &hash).await?;
        let tokens =
            crate::auth::revoke_credentials(&mut tx, caller.user_id, Some(session_id), "password_changed").await?;
        Audit::by(&caller, "password_changed")
            .target(format!("user:{}", caller.user_id))
            .detail(format!("撤销了 {tokens} 个 API 令牌"))
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(NoContent::Done)
    }
}
