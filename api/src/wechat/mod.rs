//! The WeChat Official Account platform: the only module that knows its wire formats.
//!
//! - `signature`, `crypto`, `xml`: the protocol's primitives (SHA-1 signatures, safe-mode
//!   AES, bounded XML).
//! - `incoming`, `reply`: what followers send and what we answer, as typed values.
//! - `webhook`: `GET/POST /wechat` — verification, decryption, dedup, the time budget,
//!   the message log — and `router`, where domain modules register their rules.
//! - `client`: the server API (reqwest) with the shared access token.
//! - `mock`: a faithful stand-in for the platform, used in mock mode and by the tests.
//!
//! Domain code sees `Incoming`, `Reply` and the client's typed calls only.

pub mod client;
pub mod config;
pub mod crypto;
pub mod incoming;
pub mod mock;
pub mod reply;
mod routes;
mod runtime;
pub mod signature;
pub mod webhook;
pub mod xml;

pub use client::{Blame, WechatClient, WechatError};
pub use config::{AccountKind, WechatConfig};
pub use incoming::{Body, Event, Incoming};
pub use reply::Reply;
pub use routes::{AboutApi, WechatApi};
pub use runtime::Wechat;

/// An HTTP client for talking to the platform (or, from the mock, to the webhook).
/// rustls uses the ring provider (no C toolchain for aws-lc); it is installed on first use.
pub fn http_client(timeout: std::time::Duration) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(timeout)
        .pool_idle_timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("HTTP client builds")
}
