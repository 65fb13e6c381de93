use shared::{
    ChangePasswordRequest, LoginResponse, PasswordResetCodeRequest, PasswordResetRequest, RefreshRequest, User,
};

use super::ApiResult;

/// Exchanges the grant WeChat's authorisation gave a bound teacher's phone for a login.
pub async fn wechat_sign_in(grant: String) -> ApiResult<LoginResponse> {
    super::post_public("/auth/wechat", &shared::WechatSignInRequest { grant }).await
}

pub async fn refresh(refresh_token: String) -> ApiResult<LoginResponse> {
    super::post_public("/auth/refresh", &RefreshRequest { refresh_token }).await
}

pub async fn logout(refresh_token: String) -> ApiResult<()> {
    super::send(gloo_net::http::Method::POST, "/auth/logout", super::json(&RefreshRequest { refresh_token }), false)
        .await
        .map(|_| ())
}

pub async fn me() -> ApiResult<User> {
    super::get("/me").await
}

pub async fn change_password(request: &ChangePasswordRequest) -> ApiResult<()> {
    super::post_done("/me/password", request).await
}

/// 忘记密码: asks for a code sent to the account's WeChat (answered alike for any name).
pub async fn ask_reset_code(username: String) -> ApiResult<()> {
    let body = super::json(&PasswordResetCodeRequest { username });
    super::send(gloo_net::http::Method::POST, "/auth/password-reset/code", body, false).await.map(|_| ())
}

/// 忘记密码: the code and the new password.
pub async fn reset_password(request: &PasswordResetRequest) -> ApiResult<()> {
    super::send(gloo_net::http::Method::POST, "/auth/password-reset", super::json(request), false).await.map(|_| ())
}
