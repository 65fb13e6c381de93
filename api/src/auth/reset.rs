//! 忘记密码: a teacher whose WeChat is bound resets their password with a 6-digit code the
//! account sends to that WeChat; everyone else asks an admin (whose reset exists).
//!
//! The code reaches the teacher two ways: the login page's 忘记密码 asks for it by username
//! and it is pushed as a customer-service message (which WeChat delivers only within 48
//! hours of the teacher's last message), or the teacher sends 「重置密码」 to the account
//! and it comes back in the reply (always delivered). One live code per account, 10
//! minutes, used once. The page's request answers alike whether or not the account
//! exists or has WeChat, so it tells an outsider nothing; requests and wrong codes are
//! counted before anything is looked up (per account and per address) and refused past
//! their limits. A reset ends every login and API token of the account, like a change.

use std::time::Duration;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{PasswordResetCodeRequest, PasswordResetRequest};

use super::passwords;
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::http::client_ip;
use crate::state::AppState;
use crate::users::store;
use crate::wechat::client::messages::CustomMessage;

const CODE_FOR: Duration = Duration::from_secs(600);
/// Codes asked for from the login page, per account and per address, in an hour.
const ASKS_PER_ACCOUNT: u64 = 3;
const ASKS_PER_ADDRESS: u64 = 10;
const ASK_WINDOW: Duration = Duration::from_secs(3600);
/// Wrong codes per account and per address in ten minutes: a million codes, one live.
const GUESSES_PER_ACCOUNT: u64 = 5;
const GUESSES_PER_ADDRESS: u64 = 10;
const GUESS_WINDOW: Duration = Duration::from_secs(600);

fn code_key(user_id: i64) -> String {
    format!("auth:reset:{user_id}")
}

/// Counts a try under each key first; refuses when any is past its limit.
async fn count_first(state: &AppState, keys: &[(String, u64)], window: Duration, what: &str) -> ApiResult<()> {
    for (key, max) in keys {
        if let Some(wait) = state.kv.hit(key, *max, window).await? {
            return Err(ApiError::too_many_requests(format!("too many {what}; try again later"), wait.as_secs()));
        }
    }
    Ok(())
}

/// The (enabled) teacher bound to `openid`, if any.
async fn teacher_of(state: &AppState, openid: &str) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "SELECT u.id, u.username FROM teacher_profiles p JOIN users u ON u.id = p.user_id \
         WHERE p.openid = $1 AND u.disabled = FALSE",
    )
    .bind(openid)
    .fetch_optional(state.db.pool())
    .await
}

async fn new_code(state: &AppState, user_id: i64) -> ApiResult<String> {
    let code = crate::people::students::new_bind_code();
    state.kv.set(&code_key(user_id), &code, Some(CODE_FOR)).await?;
    Ok(code)
}

fn code_message(state: &AppState, username: &str, code: &str) -> String {
    format!(
        "账号 {username} 的密码重置验证码是 {code}，10 分钟内有效，只能使用一次。\n\
         请在登录页点「忘记密码」填写：{}/forgot\n如果不是你本人操作，请忽略本消息。",
        state.config.public_url
    )
}

/// `重置密码` sent to the account: the code in the reply, or why there is none.
pub async fn wechat_code(state: &AppState, openid: &str) -> anyhow::Result<String> {
    let Some((user_id, username)) = teacher_of(state, openid).await? else {
        return Ok("这个微信没有绑定教师账号。学生不需要密码；教师请联系管理员重置密码。".into());
    };
    let key = format!("auth:reset:asks:name:{username}");
    if state.kv.hit(&key, ASKS_PER_ACCOUNT, ASK_WINDOW).await?.is_some() {
        return Ok("重置验证码请求过于频繁，请一小时后再试。".into());
    }
    let code = crate::people::students::new_bind_code();
    state.kv.set(&code_key(user_id), &code, Some(CODE_FOR)).await?;
    Ok(code_message(state, &username, &code))
}

pub struct PasswordResetApi;

#[OpenApi(prefix_path = "/v1/auth/password-reset", tag = "ApiTags::Auth")]
impl PasswordResetApi {
    /// 忘记密码: send a reset code to the account's bound WeChat. Answers 204 whether or
    /// not the account exists or has WeChat bound; at most 3 an hour per account and 10
    /// per address (429). WeChat delivers it only within 48 hours of the teacher's last
    /// message to the account; sending 「重置密码」 to the account always brings one.
    #[oai(path = "/code", method = "post")]
    async fn code(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        body: Json<PasswordResetCodeRequest>,
    ) -> ApiResult<NoContent> {
        let username = body.0.username.trim().to_lowercase();
        let ip = client_ip(req);
        let mut keys = vec![(format!("auth:reset:asks:name:{username}"), ASKS_PER_ACCOUNT)];
        keys.extend(ip.as_ref().map(|ip| (format!("auth:reset:asks:ip:{ip}"), ASKS_PER_ADDRESS)));
        count_first(&state, &keys, ASK_WINDOW, "reset codes").await?;
        let Some(user) = store::find_by_username(&state.db, &username).await? else { return Ok(NoContent::Done) };
        let openid: Option<String> = sqlx::query_scalar("SELECT openid FROM teacher_profiles WHERE user_id = $1")
            .bind(user.id)
            .fetch_optional(state.db.pool())
            .await?
            .flatten();
        let (Some(openid), false) = (openid, user.disabled.0) else { return Ok(NoContent::Done) };
        let code = new_code(&state, user.id).await?;
        let content = code_message(&state, &user.username, &code);
        // Outside the 48-hour window the push is refused; the page says how to get one anyway.
        if let Err(err) = state.wechat.client.send_custom_message(&openid, &CustomMessage::Text { content }).await {
            tracing::info!(user = user.id, error = %err.reason(), "reset code not pushed");
        }
        Audit::anonymous(&user.username, "password_reset_requested", ip)
            .actor_id(user.id)
            .record(state.db.pool())
            .await?;
        Ok(NoContent::Done)
    }

    /// 忘记密码: set a new password with the code WeChat brought. Wrong codes are limited
    /// per account and per address (429); a reset ends every login and API token.
    #[oai(path = "/", method = "post")]
    async fn reset(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        body: Json<PasswordResetRequest>,
    ) -> ApiResult<NoContent> {
        body.validate()?;
        let form = body.0;
        let username = form.username.trim().to_lowercase();
        let ip = client_ip(req);
        let mut keys = vec![(format!("auth:reset:guesses:name:{username}"), GUESSES_PER_ACCOUNT)];
        keys.extend(ip.as_ref().map(|ip| (format!("auth:reset:guesses:ip:{ip}"), GUESSES_PER_ADDRESS)));
        count_first(&state, &keys, GUESS_WINDOW, "wrong reset codes").await?;
        let wrong = || ApiError::field("code", "is wrong or has expired; ask for a new one");
        let user = store::find_by_username(&state.db, &username).await?.ok_or_else(wrong)?;
        // Used once: of racing resets with one code, one takes it.
        let code = form.code.trim();
        if !state.kv.delete_if_eq(&code_key(user.id), code).await? {
            return Err(wrong());
        }
        for (key, _) in &keys {
            state.kv.refund(key, GUESS_WINDOW).await?;
        }
        let hash = passwords::hash(form.new_password).await?;
        let mut tx = state.db.begin_write().await?;
        store::set_password(&mut *tx, user.id, &hash).await?;
        let tokens = super::revoke_credentials(&mut tx, user.id, None, "password_reset").await?;
        Audit::anonymous(&user.username, "password_reset_by_wechat", ip)
            .actor_id(user.id)
            .target(format!("user:{}", user.id))
            .detail(format!("撤销了 {tokens} 个 API 令牌"))
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(NoContent::Done)
    }
}
