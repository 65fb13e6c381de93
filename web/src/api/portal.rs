//! What the student pages call, with the student token WeChat's authorisation gave.
//! The token lives in sessionStorage; when it is missing or expired the page goes
//! through WeChat again (`/api/v1/portal/oauth?next=…`).

use gloo_net::http::{Method, RequestBuilder, Response};
use gloo_storage::{SessionStorage, Storage};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::{BindRequest, Classmate, Page, PortalMe, TeacherProfile};

use super::{query, ApiResult, ClientError};

const TOKEN_KEY: &str = "banji.student";

/// Takes `#token=…` from the address (and forgets it there), or the saved token.
pub fn token() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok().unwrap_or_default();
    if let Some(token) = hash.strip_prefix("#token=") {
        let token = String::from(web_sys::js_sys::decode_uri_component(token).ok()?);
        let _ = SessionStorage::set(TOKEN_KEY, &token);
        if let Ok(history) = window.history() {
            // The query stays (a check-in link's `?code=…`).
            let path =
                window.location().pathname().unwrap_or_default() + &window.location().search().unwrap_or_default();
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
        return Some(token);
    }
    SessionStorage::get::<String>(TOKEN_KEY).ok()
}

/// `#error=…` WeChat's authorisation came back with.
pub fn oauth_error() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#error=").map(str::to_string)
}

/// Sends the browser through WeChat's authorisation, back to this page.
pub fn authorise() {
    SessionStorage::delete(TOKEN_KEY);
    if let Some(window) = web_sys::window() {
        // The query too: a check-in link carries its code (`?code=…`).
        let path = window.location().pathname().unwrap_or_else(|_| "/s/".into());
        let path = path + &window.location().search().unwrap_or_default();
        let _ = window.location().set_href(&format!("/api/v1/portal/oauth?next={}", super::encode(&path)));
    }
}

/// A request with the student token; an error status becomes a `ClientError`.
pub(super) async fn request<B: Serialize>(method: Method, path: &str, body: Option<&B>) -> ApiResult<Response> {
    let token = token().ok_or(ClientError::Unauthorized)?;
    let req = RequestBuilder::new(&format!("/api/v1/portal{path}"))
        .method(method)
        .header("Authorization", &format!("Bearer {token}"));
    let req = match body {
        Some(b) => req.json(b).map_err(|_| ClientError::Network)?,
        None => req.build().map_err(|_| ClientError::Network)?,
    };
    let resp = req.send().await.map_err(|_| ClientError::Network)?;
    if resp.ok() {
        return Ok(resp);
    }
    let status = resp.status();
    let retry_after = resp.headers().get("retry-after").and_then(|v| v.parse().ok()).unwrap_or(60);
    let body = resp
        .json::<shared::ErrorBody>()
        .await
        .unwrap_or_else(|_| shared::ErrorBody::new("unknown", format!("HTTP {status}")));
    Err(match status {
        401 => ClientError::Unauthorized,
        403 => ClientError::Forbidden(body),
        404 => ClientError::NotFound(body),
        409 => ClientError::Conflict(body),
        429 => ClientError::RateLimited { retry_after },
        500..=599 => ClientError::Server,
        _ => ClientError::Validation(body),
    })
}

pub(super) async fn send<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> ApiResult<T> {
    request(method, path, body).await?.json().await.map_err(|_| ClientError::Server)
}

pub async fn me() -> ApiResult<PortalMe> {
    send::<(), _>(Method::GET, "/me", None).await
}

pub async fn bind(request: &BindRequest) -> ApiResult<PortalMe> {
    send(Method::POST, "/bind", Some(request)).await
}

pub async fn unbind() -> ApiResult<()> {
    let token = token().ok_or(ClientError::Unauthorized)?;
    let resp = RequestBuilder::new("/api/v1/portal/unbind")
        .method(Method::POST)
        .header("Authorization", &format!("Bearer {token}"))
        .build()
        .map_err(|_| ClientError::Network)?
        .send()
        .await
        .map_err(|_| ClientError::Network)?;
    if resp.ok() {
        Ok(())
    } else {
        Err(ClientError::Server)
    }
}

pub async fn classmates() -> ApiResult<Vec<Classmate>> {
    send::<(), _>(Method::GET, "/classmates", None).await
}

pub async fn teachers(search: String, page: u32) -> ApiResult<Page<TeacherProfile>> {
    send::<(), _>(Method::GET, &format!("/teachers{}", query(&[("q", search), ("page", page.to_string())])), None).await
}
