//! The mock platform's simulator (`/mock-wechat/sim/…`), served only in mock mode: make
//! simulated followers, send as them, read what they received. Not part of `/api/v1`
//! and needs no login, like the mock platform itself.

use gloo_net::http::{Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use shared::ErrorBody;

use super::{ApiResult, ClientError};

const BASE: &str = "/mock-wechat/sim";

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SimFollower {
    pub openid: String,
    pub nickname: String,
    pub following: bool,
}

/// One line of a follower's conversation: sent by it (`out`) or received (`in`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ConversationItem {
    pub direction: String,
    pub at: i64,
    /// passive, custom, template or mass (for what it received).
    #[serde(default)]
    pub channel: Option<String>,
    pub msg_type: String,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

async fn checked(resp: Result<Response, gloo_net::Error>) -> ApiResult<Response> {
    let resp = resp.map_err(|_| ClientError::Network)?;
    if resp.ok() {
        return Ok(resp);
    }
    let status = resp.status();
    let body = resp.json::<ErrorBody>().await.unwrap_or_else(|_| ErrorBody::new("unknown", format!("HTTP {status}")));
    Err(match status {
        404 => ClientError::NotFound(body),
        409 => ClientError::Conflict(body),
        500..=599 => ClientError::Server,
        _ => ClientError::Validation(body),
    })
}

async fn post(path: &str, body: &Value) -> ApiResult<Value> {
    let req = Request::post(&format!("{BASE}{path}")).json(body).map_err(|_| ClientError::Network)?;
    checked(req.send().await).await?.json().await.map_err(|_| ClientError::Server)
}

pub async fn followers() -> ApiResult<Vec<SimFollower>> {
    checked(Request::get(&format!("{BASE}/users")).send().await).await?.json().await.map_err(|_| ClientError::Server)
}

/// A new follower (it follows at once); its openid.
pub async fn create(nickname: &str) -> ApiResult<String> {
    let answer = post("/users", &json!({ "nickname": nickname })).await?;
    answer["openid"].as_str().map(str::to_string).ok_or(ClientError::Server)
}

/// Sends a message or event as `openid` (see the mock's `SimMessage`).
pub async fn send(openid: &str, message: &Value) -> ApiResult<()> {
    post(&format!("/users/{}/messages", super::encode(openid)), message).await.map(drop)
}

pub async fn conversation(openid: &str) -> ApiResult<Vec<ConversationItem>> {
    let url = format!("{BASE}/users/{}/conversation", super::encode(openid));
    checked(Request::get(&url).send().await).await?.json().await.map_err(|_| ClientError::Server)
}

/// A button of the menu a follower sees (the platform's shape).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SimButton {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    pub name: String,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub sub_button: Vec<SimButton>,
}

#[derive(Deserialize)]
struct SimMenu {
    button: Vec<SimButton>,
}

/// The published menu as `openid` sees it; empty when none is published.
pub async fn menu(openid: &str) -> ApiResult<Vec<SimButton>> {
    let url = format!("{BASE}/users/{}/menu", super::encode(openid));
    match checked(Request::get(&url).send().await).await {
        Ok(resp) => resp.json::<SimMenu>().await.map(|m| m.button).map_err(|_| ClientError::Server),
        Err(ClientError::NotFound(b)) if b.code == "no_menu" => Ok(Vec::new()),
        Err(err) => Err(err),
    }
}
