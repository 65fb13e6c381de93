//! The platform's server API: typed calls over one `call` helper that attaches the
//! shared access token, maps `errcode`s to `WechatError`, renews the token once on
//! 40001/40014/42001, retries transient failures with backoff, and logs every call with
//! its errcode and latency (never its token or secret).

mod error;
pub mod keywords;
pub mod mass;
pub mod media;
mod media_limits;
pub mod menus;
pub mod messages;
pub mod oauth;
pub mod tags;
pub mod templates;
mod token;
pub mod users;

use std::sync::Arc;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub use error::{describe, Blame, WechatError};

use super::config::{AccountKind, WechatConfig};
use crate::kv::Kv;

pub type WechatResult<T> = Result<T, WechatError>;

/// Attempts for a transient failure (the first try included).
const ATTEMPTS: u32 = 3;

/// What may be tried again after a transient failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Reads, calls that set a state, and sends carrying an idempotency key
    /// (`client_msg_id`, `clientmsgid`): trying again is harmless.
    Safe,
    /// Calls that would act twice (customer-service sends, creating a tag or a conditional
    /// menu): tried again only when the platform said it did nothing (busy, too
    /// frequent), never after a timeout or a 5xx, whose outcome is unknown.
    IfNotDone,
    /// Never tried again (an OAuth code works once).
    Never,
}

impl Repeat {
    fn allows(self, err: &WechatError) -> bool {
        match self {
            Repeat::Safe => err.is_transient(),
            Repeat::IfNotDone => err.is_transient() && err.left_nothing_done(),
            Repeat::Never => false,
        }
    }
}

#[derive(Clone)]
pub struct WechatClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    api_base: String,
    oauth_base: String,
    /// Where `showqrcode` lives: mp.weixin.qq.com, or the mock.
    qr_base: String,
    appid: String,
    secret: SecretString,
    kind: AccountKind,
    kv: Kv,
}

/// An answer the platform sends on success for calls with nothing else to say.
#[derive(Debug, serde::Deserialize)]
pub struct Ok {}

impl WechatClient {
    pub fn new(config: &WechatConfig, kv: Kv) -> WechatClient {
        let http = super::http_client(Duration::from_secs(10));
        let qr_base = if config.mock { config.api_base.clone() } else { "https://mp.weixin.qq.com".to_string() };
        WechatClient {
            inner: Arc::new(Inner {
                http,
                api_base: config.api_base.clone(),
                oauth_base: config.oauth_base.clone(),
                qr_base,
                appid: config.appid.clone(),
                secret: config.secret.clone(),
                kind: config.kind,
                kv,
            }),
        }
    }

    pub fn appid(&self) -> &str {
        &self.inner.appid
    }

    pub fn kind(&self) -> AccountKind {
        self.inner.kind
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.inner.api_base, path)
    }

    /// GET with the access token added to the query.
    pub(crate) async fn get<T: DeserializeOwned>(&self, path: &'static str, query: &[(&str, &str)]) -> WechatResult<T> {
        let query: Vec<(String, String)> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.call(path, Repeat::Safe, |http, url, token| http.get(url).query(&[("access_token", token)]).query(&query))
            .await
    }

    /// POST of a JSON body with the access token in the query (safe to repeat).
    pub(crate) async fn post<T: DeserializeOwned>(&self, path: &'static str, body: &impl Serialize) -> WechatResult<T> {
        self.post_with(path, body, Repeat::Safe).await
    }

    /// POST of a JSON body, repeated after a transient failure only as `repeat` allows.
    pub(crate) async fn post_with<T: DeserializeOwned>(
        &self,
        path: &'static str,
        body: &impl Serialize,
        repeat: Repeat,
    ) -> WechatResult<T> {
        let body = serde_json::to_vec(body).map_err(|e| WechatError::Invalid(e.to_string()))?;
        self.call(path, repeat, |http, url, token| {
            http.post(url)
                .query(&[("access_token", token)])
                .header("content-type", "application/json; charset=utf-8")
                .body(body.clone())
        })
        .await
    }

    /// Sends a request built by `make` (again for each attempt, with the current token).
    /// A rejected token is renewed once (a request refused for its token did nothing, so
    /// it is always sent again, and does not use up a transient attempt).
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        path: &'static str,
        repeat: Repeat,
        make: impl Fn(&reqwest::Client, String, &str) -> reqwest::RequestBuilder,
    ) -> WechatResult<T> {
        self.call_reading(path, repeat, decode::<T>, make).await
    }

    /// `call` with another reader of the answer (a file rather than JSON).
    pub(crate) async fn call_reading<T, Fut>(
        &self,
        path: &'static str,
        repeat: Repeat,
        read: impl Fn(reqwest::Result<reqwest::Response>) -> Fut,
        make: impl Fn(&reqwest::Client, String, &str) -> reqwest::RequestBuilder,
    ) -> WechatResult<T>
    where
        Fut: std::future::Future<Output = WechatResult<T>>,
    {
        let mut renewed = false;
        let mut attempt = 0;
        loop {
            let token = self.access_token().await?;
            let result = self.send(path, make(&self.inner.http, self.url(path), &token), &read).await;
            match result {
                Err(err) if err.is_token_error() && !renewed => {
                    renewed = true;
                    self.expire_access_token(&token).await;
                }
                Err(err) if repeat.allows(&err) && attempt + 1 < ATTEMPTS => {
                    attempt += 1;
                    backoff(attempt).await
                }
                other => return other,
            }
        }
    }

    /// A call that needs no access token (token endpoints, OAuth), with the same
    /// error mapping and logging, repeated as `repeat` allows.
    pub(crate) async fn call_plain<T: DeserializeOwned>(
        &self,
        path: &'static str,
        repeat: Repeat,
        make: impl Fn(&reqwest::Client, String) -> reqwest::RequestBuilder,
    ) -> WechatResult<T> {
        let mut attempt = 0;
        loop {
            match self.send(path, make(&self.inner.http, self.url(path)), decode::<T>).await {
                Err(err) if repeat.allows(&err) && attempt + 1 < ATTEMPTS => {
                    attempt += 1;
                    backoff(attempt).await
                }
                other => return other,
            }
        }
    }

    async fn send<T, Fut>(
        &self,
        path: &'static str,
        request: reqwest::RequestBuilder,
        read: impl Fn(reqwest::Result<reqwest::Response>) -> Fut,
    ) -> WechatResult<T>
    where
        Fut: std::future::Future<Output = WechatResult<T>>,
    {
        let started = Instant::now();
        let result = read(request.send().await).await;
        let ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(_) => tracing::info!(api = path, errcode = 0, ms, "wechat call"),
            Err(err) => {
                tracing::warn!(api = path, errcode = err.code().unwrap_or(0), ms, error = %err, "wechat call failed")
            }
        }
        result
    }

    fn secret(&self) -> &str {
        self.inner.secret.expose_secret()
    }
}

async fn backoff(attempt: u32) {
    use rand::Rng;
    let base = 100u64 << (attempt - 1);
    let jitter = rand::rng().random_range(0..base / 2 + 1);
    tokio::time::sleep(Duration::from_millis(base + jitter)).await;
}

/// A transport failure, without its URL: reqwest's error text includes the URL, whose
/// query carries the access token (or, for OAuth, the app secret).
pub(crate) fn network_error(e: reqwest::Error) -> WechatError {
    if e.is_timeout() {
        WechatError::Timeout
    } else {
        WechatError::Network(e.without_url().to_string())
    }
}

async fn decode<T: DeserializeOwned>(response: reqwest::Result<reqwest::Response>) -> WechatResult<T> {
    let network = network_error;
    let response = response.map_err(network)?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(network)?;
    if status.is_server_error() {
        return Err(WechatError::Http(status.as_u16()));
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| {
        if status.is_success() {
            WechatError::Decode("not JSON".into())
        } else {
            WechatError::Http(status.as_u16())
        }
    })?;
    if let Some(code) = value.get("errcode").and_then(Value::as_i64).filter(|&c| c != 0) {
        let message = value.get("errmsg").and_then(Value::as_str).unwrap_or_default().to_string();
        return Err(WechatError::Api { code, message });
    }
    serde_json::from_value(value).map_err(|e| WechatError::Decode(e.to_string()))
}
