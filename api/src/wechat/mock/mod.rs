//! A faithful stand-in for the WeChat platform, served at `/mock-wechat` in mock mode and
//! runnable alone (`banji mock-wechat`) so several replicas can share one.
//!
//! It answers the server API with the real paths, shapes and error codes, and models the
//! rules that matter: tokens that rotate (`/cgi-bin/token`) or stay stable
//! (`stable_token`), 43004 for non-followers, the 48-hour customer-service window and its
//! cap, templates only for verified service accounts, mass quotas, the 100-tag limit,
//! `client_msg_id` idempotency, QR scans, OAuth codes, and job-finish events POSTed back.
//! Simulated followers (`/sim/…`) send messages to the webhook, signed and encrypted
//! like the platform does, and keep an inbox of everything they received.

mod api;
pub mod mass;
pub mod media;
mod messages;
mod misc;
mod oauth;
mod people;
mod sim;
mod sim_build;
mod sim_menu;
mod sim_scan;
pub mod state;
mod templates;
mod tokens;
mod webhook;

use std::sync::{Arc, Mutex, MutexGuard};

use poem::web::Json;
use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, Route};
use serde_json::{json, Value};

use self::state::{Failure, MockState};
use super::config::{AccountKind, MessageMode, WechatConfig};
use super::crypto::MessageCrypto;

/// How the mock presents itself and where it delivers messages.
#[derive(Clone)]
pub struct MockSettings {
    pub appid: String,
    pub secret: String,
    pub token: String,
    pub crypto: Option<MessageCrypto>,
    pub mode: MessageMode,
    pub kind: AccountKind,
    pub account_id: String,
    /// The Banji webhook, e.g. `http://127.0.0.1:8080/wechat`.
    pub webhook_url: String,
    /// This mock's own base URL (for QR and OAuth links).
    pub base_url: String,
}

impl MockSettings {
    pub fn from_config(config: &WechatConfig, webhook_url: String, base_url: String) -> MockSettings {
        use secrecy::ExposeSecret;
        MockSettings {
            appid: config.appid.clone(),
            secret: config.secret.expose_secret().to_string(),
            token: config.token().to_string(),
            crypto: config.crypto(),
            mode: if config.crypto().is_some() { config.mock_mode } else { MessageMode::Plain },
            kind: config.kind,
            account_id: super::config::MOCK_ACCOUNT_ID.to_string(),
            webhook_url,
            base_url,
        }
    }
}

pub struct MockPlatform {
    pub settings: MockSettings,
    state: Mutex<MockState>,
    http: reqwest::Client,
    /// Job results are posted a few at a time, as the platform's own notifier does: a
    /// fan-out of 100 000 sends does not open 100 000 connections to the webhook.
    reporters: tokio::sync::Semaphore,
}

impl MockPlatform {
    pub fn new(settings: MockSettings) -> Arc<MockPlatform> {
        let http = super::http_client(std::time::Duration::from_secs(10));
        Arc::new(MockPlatform {
            settings,
            state: Mutex::new(MockState::new()),
            http,
            reporters: tokio::sync::Semaphore::new(8),
        })
    }

    pub fn state(&self) -> MutexGuard<'_, MockState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a follower without telling the webhook (for bulk set-ups); returns the openid.
    pub fn add_follower(&self, nickname: &str) -> String {
        let openid = format!("o{}", state::random_id(27));
        self.state().users.insert(openid.clone(), state::SimUser::new(openid.clone(), nickname.to_string()));
        openid
    }

    /// How many times a token was handed out (the tests' "one token request").
    pub fn token_requests(&self) -> u64 {
        self.state().token_requests
    }

    /// The mock's routes, to mount at `/mock-wechat` (or serve alone).
    pub fn routes(self: &Arc<Self>) -> impl Endpoint<Output = Response> {
        let server_api = Route::new()
            .nest("/cgi-bin", api::routes())
            .nest("/sns", oauth::sns_routes())
            .nest("/wxa", templates::wxa_routes())
            .nest("/wxaapi", templates::wxaapi_routes())
            .around(faults);
        Route::new()
            .nest("/connect", oauth::authorize_routes())
            .nest("/sim", sim::routes())
            .at("/cgi-bin/showqrcode", poem::get(misc::show_qrcode))
            .nest("/", server_api)
            .data(self.clone())
    }
}

/// `banji mock-wechat`: the mock alone, at the root of its own address.
pub async fn serve_alone(
    mut config: WechatConfig,
    listen: std::net::SocketAddr,
    webhook: String,
    mode: MessageMode,
) -> anyhow::Result<()> {
    use poem::listener::{Acceptor, Listener, TcpListener};
    let acceptor = TcpListener::bind(listen).into_acceptor().await?;
    let bound = acceptor.local_addr().first().and_then(|a| a.as_socket_addr().copied()).unwrap_or(listen);
    config.mock_mode = mode;
    let base = format!("http://{bound}");
    let mock = MockPlatform::new(MockSettings::from_config(&config, webhook.clone(), base.clone()));
    println!("mock WeChat platform on {base} (appid {}), delivering to {webhook}", config.appid);
    tracing::info!(%base, "mock WeChat platform listening");
    poem::Server::new_with_acceptor(acceptor).run(mock.routes()).await?;
    Ok(())
}

/// The platform's JSON: `errcode: 0` plus the fields on success, the code and message on failure.
pub fn wx(result: Result<Value, Failure>) -> Response {
    let body = match result {
        Ok(Value::Object(mut fields)) => {
            fields.entry("errcode").or_insert(json!(0));
            fields.entry("errmsg").or_insert(json!("ok"));
            Value::Object(fields)
        }
        Ok(_) => json!({ "errcode": 0, "errmsg": "ok" }),
        Err((code, message)) => json!({ "errcode": code, "errmsg": message }),
    };
    Json(body).into_response()
}

/// Reads a JSON body the way the platform does: malformed is 47001.
pub fn json_body(body: &str) -> Result<Value, Failure> {
    serde_json::from_str(body).map_err(|_| (47001, "data format error"))
}

/// Fault injection for server-API calls: added latency, and a share of calls failing
/// with one of the configured codes.
async fn faults<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let mock = req.data::<Arc<MockPlatform>>().cloned();
    if let Some(mock) = mock {
        let (latency, failure, lose) = {
            let mut state = mock.state();
            state.api_calls += 1;
            let faults = state.faults.clone();
            let fail = faults.error_rate > 0.0 && rand::random::<f64>() < faults.error_rate;
            let code = faults.errcodes.get(rand::random_range(0..faults.errcodes.len().max(1))).copied().unwrap_or(-1);
            let lose = faults.lost_answer_rate > 0.0 && rand::random::<f64>() < faults.lost_answer_rate;
            (faults.latency_ms, fail.then_some((code, faults.http_status)), lose)
        };
        if latency > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
        }
        match failure {
            Some((_, Some(status))) => {
                let status = poem::http::StatusCode::from_u16(status).unwrap_or(poem::http::StatusCode::BAD_GATEWAY);
                return Ok("mock fault injected".with_status(status).into_response());
            }
            Some((code, None)) => return Ok(wx(Err((code, "mock fault injected")))),
            None => {}
        }
        if lose {
            let _done = next.call(req).await?.into_response();
            return Ok("mock fault injected: answer lost"
                .with_status(poem::http::StatusCode::GATEWAY_TIMEOUT)
                .into_response());
        }
    }
    Ok(next.call(req).await?.into_response())
}
