//! `ApiError`: the one error type of the API.
//!
//! Each variant is one HTTP status with the JSON body `{ code, message, fields? }`;
//! deriving `ApiResponse` documents them in the spec and lets handlers use `?`.
//! Internal errors are logged (inside the request's span, so with its request id) and
//! answered with a bare 500 that leaks nothing.
//!
//! The enum also lists what poem answers before a handler runs (an unreadable body is
//! 400, a body in the wrong content type 415, one over the limit 413; `http::context`
//! gives them this JSON shape), so every operation's spec names every status it can
//! answer: the spec is what third parties and the fuzzer in CI hold the API to.

use std::collections::BTreeMap;
use std::fmt::Display;

use poem_openapi::payload::Json;
use poem_openapi::ApiResponse;
use shared::{ErrorBody, FieldErrors};

#[derive(ApiResponse, Debug)]
pub enum ApiError {
    /// The request is malformed: unreadable JSON, a missing or mistyped parameter.
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Credentials are missing, invalid, expired or revoked.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// The caller is known but may not do this.
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// No such resource, or not one the caller may see.
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// The request conflicts with the current state (a taken name, the last admin).
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// The body is larger than the server accepts (1 MiB; uploads more).
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// The body is not in a content type this operation takes (or has none).
    #[oai(status = 415)]
    UnsupportedMediaType(Json<ErrorBody>),
    /// The request body was read but a field is invalid; `fields` says which.
    #[oai(status = 422)]
    Unprocessable(Json<ErrorBody>),
    /// Too many attempts; retry after the number of seconds in `Retry-After`.
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
    /// Something failed on the server; the log has the details under the request id.
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// The WeChat platform failed or refused Banji itself; `message` says how.
    #[oai(status = 502)]
    BadGateway(Json<ErrorBody>),
    /// Busy or unreachable for now; retry after the number of seconds in `Retry-After`.
    /// `code` says what: `database_unavailable`, `cache_unavailable` (Banji's own database
    /// or Redis is away), `busy` (a burst of logins), or the WeChat platform's.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
}

fn body(code: &str, message: impl Into<String>) -> Json<ErrorBody> {
    Json(ErrorBody::new(code, message))
}

impl ApiError {
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        ApiError::BadRequest(body(code, message))
    }

    pub fn unauthorized(code: &str, message: impl Into<String>) -> Self {
        ApiError::Unauthorized(body(code, message))
    }

    pub fn forbidden(code: &str, message: impl Into<String>) -> Self {
        ApiError::Forbidden(body(code, message))
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound(body("not_found", format!("{what} not found")))
    }

    /// A 404 with its own code, when "not found" needs saying why.
    pub fn not_found_code(code: &str, message: impl Into<String>) -> Self {
        ApiError::NotFound(body(code, message))
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        ApiError::Conflict(body(code, message))
    }

    pub fn bad_gateway(code: &str, message: impl Into<String>) -> Self {
        ApiError::BadGateway(body(code, message))
    }

    /// A 422 with a code of its own and no `fields` (the input as a whole is refused).
    pub fn unprocessable(code: &str, message: impl Into<String>) -> Self {
        ApiError::Unprocessable(body(code, message))
    }

    pub fn too_many_requests(message: impl Into<String>, retry_after_secs: u64) -> Self {
        ApiError::TooManyRequests(body("rate_limited", message), retry_after_secs.max(1))
    }

    pub fn unavailable(code: &str, message: impl Into<String>, retry_after_secs: u64) -> Self {
        ApiError::Unavailable(body(code, message), retry_after_secs.max(1))
    }

    /// One field's problem, as a 422 with `fields`.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut fields = BTreeMap::new();
        fields.insert(field.to_string(), message.into());
        ApiError::validation(fields)
    }

    pub fn validation(fields: BTreeMap<String, String>) -> Self {
        let summary = fields.iter().map(|(f, m)| format!("{f} {m}")).collect::<Vec<_>>().join("; ");
        ApiError::Unprocessable(Json(ErrorBody {
            code: "validation_failed".into(),
            message: summary,
            fields: Some(fields),
        }))
    }

    /// Logs the cause and answers a 500 without it.
    pub fn internal(cause: impl Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        ApiError::Internal(body("internal", "internal server error"))
    }

    pub fn body(&self) -> &ErrorBody {
        match self {
            ApiError::BadRequest(b)
            | ApiError::Unauthorized(b)
            | ApiError::Forbidden(b)
            | ApiError::NotFound(b)
            | ApiError::Conflict(b)
            | ApiError::PayloadTooLarge(b)
            | ApiError::UnsupportedMediaType(b)
            | ApiError::Unprocessable(b)
            | ApiError::TooManyRequests(b, _)
            | ApiError::Internal(b)
            | ApiError::BadGateway(b)
            | ApiError::Unavailable(b, _) => b,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest(_) => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::Conflict(_) => 409,
            ApiError::PayloadTooLarge(_) => 413,
            ApiError::UnsupportedMediaType(_) => 415,
            ApiError::Unprocessable(_) => 422,
            ApiError::TooManyRequests(..) => 429,
            ApiError::Internal(_) => 500,
            ApiError::BadGateway(_) => 502,
            ApiError::Unavailable(..) => 503,
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::validation(errors.0.into_iter().map(|(field, problem)| (field, problem.message())).collect())
    }
}

/// The database is away: a 503 the client may retry. Not logged per request; the
/// health watch (`crate::health`) says once when it goes and once when it is back.
pub fn database_unavailable() -> ApiError {
    ApiError::unavailable("database_unavailable", "the database cannot be reached for now; retry shortly", 2)
}

/// The shared cache (Redis) is away; logged once by its circuit (`crate::kv`).
pub fn cache_unavailable() -> ApiError {
    ApiError::unavailable("cache_unavailable", "the shared cache cannot be reached for now; retry shortly", 2)
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        if crate::db::is_unavailable(&err) {
            return database_unavailable();
        }
        ApiError::internal(format_args!("database: {err}"))
    }
}

impl From<crate::kv::KvError> for ApiError {
    fn from(err: crate::kv::KvError) -> Self {
        if err.is_outage() {
            return cache_unavailable();
        }
        ApiError::internal(format_args!("kv: {err}"))
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        if err.downcast_ref::<sqlx::Error>().is_some_and(crate::db::is_unavailable) {
            return database_unavailable();
        }
        if err.downcast_ref::<crate::kv::KvError>().is_some_and(|e| e.is_outage()) {
            return cache_unavailable();
        }
        ApiError::internal(format_args!("{err:#}"))
    }
}

/// Turns a unique-constraint violation into a 409 with `code`, anything else into a 500.
pub fn on_unique(err: sqlx::Error, code: &str, message: &str) -> ApiError {
    if crate::db::is_unique_violation(&err) {
        ApiError::conflict(code, message)
    } else {
        err.into()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Success without a body (204), shared by every delete/revoke endpoint.
#[derive(ApiResponse, Debug)]
pub enum NoContent {
    #[oai(status = 204)]
    Done,
}
