//! The request helper: JSON over gloo-net with the session's bearer token, one silent
//! refresh and retry when the access token has expired, and statuses mapped to a typed
//! `ClientError` that pages match on.

pub mod activities;
pub mod audit;
pub mod auth;
pub mod autoreply;
pub mod broadcast;
pub mod checkin;
pub mod desk;
pub mod documents;
pub mod guides;
pub mod inbox;
pub mod mass;
pub mod menus;
pub mod notices;
pub mod people;
pub mod portal;
pub mod qrcodes;
pub mod receipts;
pub mod search;
pub mod simulator;
pub mod stats;
pub mod tokens;
pub mod topics;
pub mod users;
pub mod wechat;

use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::ErrorBody;

use crate::session;

#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// The login is over (or never was); the session has been cleared.
    Unauthorized,
    /// A 401 from an endpoint that does not need a login (a failed login).
    Rejected(ErrorBody),
    Forbidden(ErrorBody),
    NotFound(ErrorBody),
    Conflict(ErrorBody),
    /// 422 with per-field problems, or 400.
    Validation(ErrorBody),
    RateLimited {
        retry_after: u64,
    },
    /// 503: a part of the server (its database or cache, the WeChat platform) is away
    /// for now; `code` says which.
    Unavailable {
        code: String,
        retry_after: u64,
    },
    Network,
    Server,
}

impl ClientError {
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Rejected(b)
            | ClientError::Forbidden(b)
            | ClientError::NotFound(b)
            | ClientError::Conflict(b)
            | ClientError::Validation(b) => Some(&b.code),
            ClientError::Unavailable { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The server's message for one field, if any.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            ClientError::Validation(b) => b.fields.as_ref()?.get(name).cloned(),
            _ => None,
        }
    }
}

pub type ApiResult<T> = Result<T, ClientError>;

const BASE: &str = "/api/v1";

/// A request body: JSON text, or a file as it is.
#[derive(Clone, Copy)]
enum Body<'a> {
    Json(&'a str),
    File(&'a web_sys::File),
}

async fn raw(method: Method, path: &str, body: Option<Body<'_>>, token: Option<&str>) -> ApiResult<Response> {
    let mut req = RequestBuilder::new(&format!("{BASE}{path}")).method(method);
    if let Some(token) = token {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let sent = match body {
        Some(Body::Json(json)) => req.header("Content-Type", "application/json").body(json.to_string()),
        Some(Body::File(file)) => {
            req.header("Content-Type", "application/octet-stream").body(wasm_bindgen::JsValue::from(file.clone()))
        }
        None => req.build(),
    };
    let req = sent.map_err(|_| ClientError::Network)?;
    req.send().await.map_err(|_| ClientError::Network)
}

async fn error_of(resp: Response, authed: bool) -> ClientError {
    let status = resp.status();
    let retry_after = resp.headers().get("retry-after").and_then(|v| v.parse().ok()).unwrap_or(60);
    let body = resp.json::<ErrorBody>().await.unwrap_or_else(|_| ErrorBody::new("unknown", format!("HTTP {status}")));
    match status {
        401 if authed => {
            session::expire();
            ClientError::Unauthorized
        }
        401 => ClientError::Rejected(body),
        403 => ClientError::Forbidden(body),
        404 => ClientError::NotFound(body),
        409 => ClientError::Conflict(body),
        429 => ClientError::RateLimited { retry_after },
        503 => ClientError::Unavailable { code: body.code, retry_after },
        500..=599 => ClientError::Server,
        _ => ClientError::Validation(body),
    }
}

/// Sends with the session's token; on a 401 refreshes once and retries.
async fn send(method: Method, path: &str, body: Option<String>, authed: bool) -> ApiResult<Response> {
    send_body(method, path, body.as_deref().map(Body::Json), authed).await
}

async fn send_body(method: Method, path: &str, body: Option<Body<'_>>, authed: bool) -> ApiResult<Response> {
    if !authed {
        let resp = raw(method, path, body, None).await?;
        return if resp.ok() { Ok(resp) } else { Err(error_of(resp, false).await) };
    }
    session::ensure_fresh().await;
    let token = session::access_token().ok_or(ClientError::Unauthorized)?;
    let resp = raw(method.clone(), path, body, Some(&token)).await?;
    let resp = if resp.status() == 401 && session::refresh().await {
        let token = session::access_token().ok_or(ClientError::Unauthorized)?;
        raw(method, path, body, Some(&token)).await?
    } else {
        resp
    };
    if resp.ok() {
        Ok(resp)
    } else {
        Err(error_of(resp, true).await)
    }
}

fn json<B: Serialize>(body: &B) -> Option<String> {
    serde_json::to_string(body).ok()
}

async fn decode<T: DeserializeOwned>(resp: Response) -> ApiResult<T> {
    resp.json::<T>().await.map_err(|_| ClientError::Server)
}

pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    decode(send(Method::GET, path, None, true).await?).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    decode(send(Method::POST, path, json(body), true).await?).await
}

/// POST answered with 204.
pub async fn post_done<B: Serialize>(path: &str, body: &B) -> ApiResult<()> {
    send(Method::POST, path, json(body), true).await.map(|_| ())
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    decode(send(Method::PUT, path, json(body), true).await?).await
}

/// PUT answered with 204.
pub async fn put_done<B: Serialize>(path: &str, body: &B) -> ApiResult<()> {
    send(Method::PUT, path, json(body), true).await.map(|_| ())
}

/// Uploads a file as the body; the answer is JSON.
pub async fn upload<T: DeserializeOwned>(path: &str, file: &web_sys::File) -> ApiResult<T> {
    decode(send_body(Method::POST, path, Some(Body::File(file)), true).await?).await
}

/// Fetches a file with the session's token and hands it to the browser to save.
pub async fn download(path: &str, file_name: &str) -> ApiResult<()> {
    let resp = send(Method::GET, path, None, true).await?;
    let bytes = resp.binary().await.map_err(|_| ClientError::Network)?;
    save(&bytes, file_name)
}

/// Hands bytes to the browser to save as `file_name`.
pub fn save(bytes: &[u8], file_name: &str) -> ApiResult<()> {
    let parts = web_sys::js_sys::Array::new();
    parts.push(&web_sys::js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|_| ClientError::Server)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ClientError::Server)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or(ClientError::Server)?;
    let link: web_sys::HtmlAnchorElement =
        wasm_bindgen::JsCast::unchecked_into(document.create_element("a").map_err(|_| ClientError::Server)?);
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    decode(send(Method::PATCH, path, json(body), true).await?).await
}

pub async fn delete(path: &str) -> ApiResult<()> {
    send(Method::DELETE, path, None, true).await.map(|_| ())
}

/// GET for the endpoints that need no login (what every page shows).
pub async fn get_public<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    decode(send(Method::GET, path, None, false).await?).await
}

/// For the endpoints that need no login (login, refresh, logout).
pub async fn post_public<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    decode(send(Method::POST, path, json(body), false).await?).await
}

/// `?page=…&per_page=…&key=value` with values percent-encoded; empty values are left out.
pub fn query(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", encode(v))).collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Percent-encodes a value for a URL query.
pub fn encode(value: &str) -> String {
    String::from(web_sys::js_sys::encode_uri_component(value))
}
