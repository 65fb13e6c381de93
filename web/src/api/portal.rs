//! What the student pages call, with the student token WeChat's authorisation gave.
//! The token lives in sessionStorage; when it is missing or expired the page goes
//! through WeChat again (`/api/v1/portal/oauth?next=…&nonce=…`).
//!
//! A token is taken only from the authorisation this browser started: before leaving,
//! the page keeps a random nonce (a flow started by a menu button or a pushed link gets
//! one from the server; every start also leaves it as the `banji_oauth` cookie); the way back carries
//! `#token=…&nonce=…`, and a token whose nonce is not the kept one is ignored. Otherwise a link carrying someone else's
//! token (`/s/bind#token=…`) would sign the student in as that someone, and binding would
//! tie the other person's WeChat to the student's record.

use gloo_net::http::{Method, RequestBuilder, Response};
use gloo_storage::{SessionStorage, Storage};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::{BindRequest, Classmate, PortalMe};

use super::{ApiResult, ClientError};

const TOKEN_KEY: &str = "banji.student";
/// The nonce of the authorisation this browser started, until it comes back.
const NONCE_KEY: &str = "banji.oauth.nonce";

/// One `key=value` of a fragment like `#token=…&nonce=…`, decoded.
pub(crate) fn fragment_value(hash: &str, key: &str) -> Option<String> {
    let value = hash.trim_start_matches('#').split('&').find_map(|pair| pair.strip_prefix(&format!("{key}=")))?;
    web_sys::js_sys::decode_uri_component(value).ok().map(String::from)
}

/// Takes `#token=…` from the address (and forgets it there) when it answers the
/// authorisation this browser started; otherwise the saved token.
pub fn token() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok().unwrap_or_default();
    if let Some(token) = fragment_value(&hash, "token") {
        let given = fragment_value(&hash, "nonce");
        let ours = nonce_is_ours(given.as_deref());
        if let Ok(history) = window.history() {
            // The query stays (a check-in link's `?code=…`).
            let path =
                window.location().pathname().unwrap_or_default() + &window.location().search().unwrap_or_default();
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
        if !ours {
            // Not from our authorisation: never used, and no earlier token either.
            SessionStorage::delete(TOKEN_KEY);
            return None;
        }
        let _ = SessionStorage::set(TOKEN_KEY, &token);
        return Some(token);
    }
    SessionStorage::get::<String>(TOKEN_KEY).ok()
}

/// The nonce the server kept for the flow (the `banji_oauth` cookie, for the whole site),
/// and forgets it.
fn take_nonce_cookie() -> Option<String> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window()?.document()?.dyn_into::<web_sys::HtmlDocument>().ok()?;
    let cookies = document.cookie().ok()?;
    let nonce = cookies.split(';').find_map(|c| c.trim().strip_prefix("banji_oauth=")).map(str::to_string);
    let _ = document.set_cookie("banji_oauth=; Path=/; Max-Age=0");
    nonce
}

/// 128 random bits as hex, from the browser's cryptographic generator.
fn new_nonce() -> Option<String> {
    let mut bytes = [0u8; 16];
    web_sys::window()?.crypto().ok()?.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether `given` (the nonce that came back) is the one this browser kept for the
/// authorisation it started (each kept nonce is forgotten).
pub(crate) fn nonce_is_ours(given: Option<&str>) -> bool {
    let kept = [SessionStorage::get::<String>(NONCE_KEY).ok(), take_nonce_cookie()];
    SessionStorage::delete(NONCE_KEY);
    kept.into_iter().flatten().any(|n| !n.is_empty() && given == Some(n.as_str()))
}

/// Sends the browser through WeChat's authorisation to the teacher's phone page it is on
/// (a bound teacher comes back with a grant).
pub fn authorise_teacher() {
    let (Some(window), Some(nonce)) = (web_sys::window(), new_nonce()) else { return };
    let _ = SessionStorage::set(NONCE_KEY, &nonce);
    let path = window.location().pathname().unwrap_or_else(|_| "/t/".into());
    let _ = window.location().set_href(&format!("/api/v1/portal/oauth?next={}&nonce={nonce}", super::encode(&path)));
}

/// `#error=…` WeChat's authorisation came back with.
pub fn oauth_error() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#error=").map(str::to_string)
}

/// Sends the browser through WeChat's authorisation, back to this page.
pub fn authorise() {
    SessionStorage::delete(TOKEN_KEY);
    let (Some(window), Some(nonce)) = (web_sys::window(), new_nonce()) else { return };
    let _ = SessionStorage::set(NONCE_KEY, &nonce);
    // The query too: a check-in link carries its code (`?code=…`).
    let path = window.location().pathname().unwrap_or_else(|_| "/s/".into());
    let path = path + &window.location().search().unwrap_or_default();
    let _ = window.location().set_href(&format!("/api/v1/portal/oauth?next={}&nonce={nonce}", super::encode(&path)));
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
    answer(req.send().await.map_err(|_| ClientError::Network)?).await
}

/// A file as the body, with the student token.
pub(super) async fn request_file(path: &str, file: &web_sys::File) -> ApiResult<Response> {
    let token = token().ok_or(ClientError::Unauthorized)?;
    let req = RequestBuilder::new(&format!("/api/v1/portal{path}"))
        .method(Method::POST)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/octet-stream")
        .body(wasm_bindgen::JsValue::from(file.clone()))
        .map_err(|_| ClientError::Network)?;
    answer(req.send().await.map_err(|_| ClientError::Network)?).await
}

/// The response, or its error status as a `ClientError`.
async fn answer(resp: Response) -> ApiResult<Response> {
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
        503 => ClientError::Unavailable { code: body.code, retry_after },
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

/// The subscribe templates for WeChat's subscribe button, and where the reader stands.
pub async fn subscribe_state() -> ApiResult<shared::StudentSubscriptions> {
    send::<(), _>(Method::GET, "/notification-subscriptions", None).await
}

/// The reader's conversation with the school, oldest first.
pub async fn messages() -> ApiResult<Vec<shared::ThreadMessage>> {
    send::<(), _>(Method::GET, "/messages", None).await
}

/// Writes to the teachers from the page.
pub async fn write_message(text: String) -> ApiResult<shared::ThreadMessage> {
    send(Method::POST, "/messages", Some(&shared::NewStudentMessage { text })).await
}

/// Whether the reader receives the daily broadcast (每日播报), and when.
pub async fn broadcast() -> ApiResult<shared::BroadcastSubscription> {
    send::<(), _>(Method::GET, "/broadcast", None).await
}

/// Subscribes to the daily broadcast at `time` (`HH:MM`), or changes the time.
pub async fn subscribe_broadcast(time: String) -> ApiResult<shared::BroadcastSubscription> {
    send(Method::PUT, "/broadcast", Some(&shared::BroadcastSubscribe { time: Some(time) })).await
}

/// A day's broadcast (opening it counts as read).
pub async fn broadcast_day(id: i64) -> ApiResult<shared::BroadcastDay> {
    send::<(), _>(Method::GET, &format!("/broadcast/days/{id}"), None).await
}

/// Stops the daily broadcast.
pub async fn unsubscribe_broadcast() -> ApiResult<shared::BroadcastSubscription> {
    send::<(), _>(Method::DELETE, "/broadcast", None).await
}
