//! The seed's answers: `{"errcode", "errmsg"}` under the status the problem deserves, and
//! how Banji's own errors and the platform's refusals become them.

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
use shared::ErrorBody;

use crate::error::ApiError;
use crate::wechat::{Blame, WechatError};

/// `{"errcode": 0, "errmsg": "ok"}`, or an error's code and message.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct WxStatus {
    pub errcode: i64,
    pub errmsg: String,
}

pub(super) fn ok() -> Json<WxStatus> {
    Json(WxStatus { errcode: 0, errmsg: "ok".into() })
}

#[derive(ApiResponse, Debug)]
pub enum SeedError {
    /// A field is missing or wrong (`errcode` -1), or the request breaks a platform rule
    /// (the platform's errcode).
    #[oai(status = 400)]
    BadRequest(Json<WxStatus>),
    /// No credentials, or invalid ones.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// The caller is not an administrator.
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// Nothing there (no menu, no such tag).
    #[oai(status = 404)]
    NotFound(Json<WxStatus>),
    /// The request conflicts with Banji's data (a class's tag cannot be deleted here)
    /// or the platform's (a taken tag name).
    #[oai(status = 409)]
    Conflict(Json<WxStatus>),
    /// The body is larger than the server accepts.
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// The body is not in a content type the operation takes (`errcode` -1).
    #[oai(status = 415)]
    UnsupportedMediaType(Json<WxStatus>),
    #[oai(status = 422)]
    Unprocessable(Json<WxStatus>),
    #[oai(status = 500)]
    Internal(Json<WxStatus>),
    /// WeChat failed or refused Banji itself: its errcode and errmsg.
    #[oai(status = 502)]
    Platform(Json<WxStatus>),
    /// WeChat is busy or unreachable: try again later.
    #[oai(status = 503)]
    Unavailable(Json<WxStatus>),
}

pub(super) type SeedResult<T> = Result<Json<T>, SeedError>;

pub(super) fn status(errcode: i64, errmsg: impl Into<String>) -> Json<WxStatus> {
    Json(WxStatus { errcode, errmsg: errmsg.into() })
}

pub(super) fn missing() -> SeedError {
    SeedError::BadRequest(status(-1, "参数缺失或参数错误"))
}

/// The platform's refusal with its own errcode, under the status its blame gives.
pub(super) fn platform(err: WechatError) -> SeedError {
    let blame = err.blame();
    let body = match err {
        WechatError::Api { code, message } => status(code, message),
        other => status(-1, other.to_string()),
    };
    match blame {
        Blame::Unknown => SeedError::NotFound(body),
        Blame::Invalid => SeedError::BadRequest(body),
        Blame::Conflict => SeedError::Conflict(body),
        Blame::Unavailable => SeedError::Unavailable(body),
        Blame::Platform => SeedError::Platform(body),
    }
}

impl From<ApiError> for SeedError {
    fn from(err: ApiError) -> Self {
        let body = err.body().clone();
        match err.status() {
            401 => SeedError::Unauthorized(Json(body)),
            403 => SeedError::Forbidden(Json(body)),
            404 => SeedError::NotFound(status(-1, body.message)),
            409 => SeedError::Conflict(status(-1, body.message)),
            413 => SeedError::PayloadTooLarge(Json(body)),
            415 => SeedError::UnsupportedMediaType(status(-1, body.message)),
            400 | 422 => SeedError::BadRequest(status(-1, body.message)),
            502 => SeedError::Platform(status(-1, body.message)),
            503 => SeedError::Unavailable(status(-1, body.message)),
            _ => SeedError::Internal(status(-1, "internal server error")),
        }
    }
}

impl From<sqlx::Error> for SeedError {
    fn from(err: sqlx::Error) -> Self {
        ApiError::from(err).into()
    }
}
