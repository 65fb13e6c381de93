//! A bound teacher signs in on the phone through WeChat's web authorisation: the portal's
//! OAuth callback (`portal::oauth`), coming back for a `/t/…` page, asks `grant` for a
//! one-time grant for the openid WeChat vouched for — only a teacher whose WeChat is bound
//! (`teacher_profiles.openid`), enabled and approved gets one — and the page exchanges it
//! at `POST /auth/wechat` for a console login recorded as a WeChat login (shorter-lived,
//! see `sessions`). The login is then an ordinary one: same scope, same refresh, same
//! revocation; every action through it is audited with the channel `wechat`.
//!
//! Why a grant and not the tokens themselves in the fragment: a refresh token lives hours;
//! a grant lives two minutes, works once, and is taken only by the page whose nonce came
//! back with it (the nonce check is the student pages', in the browser).

use std::time::Duration;

use poem::web::Data;
use poem::Request;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{LoginResponse, WechatSignInRequest};

use super::{sessions, Caller, Channel};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::error::{ApiError, ApiResult};
use crate::http::{client_ip, user_agent};
use crate::state::AppState;
use crate::users::store;

const GRANT_FOR: Duration = Duration::from_secs(120);

fn key(grant: &str) -> String {
    format!("auth:wechat-grant:{}", super::secret_hash(grant))
}

/// A one-time grant for the bound teacher behind `openid`, or None for anyone else (a
/// student, an unbound follower, a disabled or unapproved account).
pub async fn grant(state: &AppState, openid: &str) -> ApiResult<Option<String>> {
    let Some(teacher) = Caller::of_wechat(&state.db, openid).await? else { return Ok(None) };
    let grant = super::random_secret();
    state.kv.set(&key(&grant), &teacher.user_id.to_string(), Some(GRANT_FOR)).await?;
    Ok(Some(grant))
}

pub struct WechatSignInApi;

#[OpenApi(prefix_path = "/v1/auth", tag = "ApiTags::Auth")]
impl WechatSignInApi {
    /// Exchange the grant a bound teacher's phone came back with from WeChat's web
    /// authorisation (`/t/…#grant=…`, see `GET /portal/oauth`) for a login. The grant
    /// works once, for two minutes. The login is a WeChat login: its refresh tokens last
    /// 12 hours, and it ends when the teacher unbinds their WeChat.
    #[oai(path = "/wechat", method = "post")]
    async fn sign_in(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<WechatSignInRequest>,
    ) -> ApiResult<Json<LoginResponse>> {
        let user_id = state.kv.take(&key(body.0.grant.trim())).await?.and_then(|v| v.parse::<i64>().ok());
        let refused = || {
            ApiError::unauthorized(
                "grant_invalid",
                "this sign-in link has expired or was used; open the page from WeChat again",
            )
        };
        let Some(user_id) = user_id else { return Err(refused()) };
        let mut user = store::get(state.db.pool(), user_id).await?.ok_or_else(refused)?;
        if user.disabled.0 || user.pending.0 {
            return Err(refused());
        }
        let ip = client_ip(req);
        let login = sessions::start_on(&state.db, Channel::WeChat, user.id, ip.clone(), user_agent(req)).await?;
        user.last_login_at = Some(store::touch_last_login(&state.db, user.id).await?);
        Audit::anonymous(&user.username, "login", ip)
            .actor_id(user.id)
            .channel(Channel::WeChat)
            .record(state.db.pool())
            .await?;
        Ok(Json(LoginResponse {
            access_token: state.jwt.issue(user.id, login.session_id)?,
            refresh_token: login.refresh_token,
            token_type: "Bearer".into(),
            expires_in: super::jwt::ACCESS_TOKEN_SECS,
            user: user.into_user(),
        }))
    }
}
