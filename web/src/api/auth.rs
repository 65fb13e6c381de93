use shared::{ChangePasswordRequest, LoginRequest, LoginResponse, RefreshRequest, User};

use super::ApiResult;

pub async fn login(request: &LoginRequest) -> ApiResult<LoginResponse> {
    super::post_public("/auth/login", request).await
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
