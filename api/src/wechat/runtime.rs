//! `Wechat`: everything the running app needs to talk to the platform, built at start.
//! In mock mode (no `WECHAT_APPID`) without `WECHAT_API_BASE`, the mock platform runs in
//! this process at `/mock-wechat` and the client points there; with `WECHAT_API_BASE`
//! set, a shared `banji mock-wechat` (or the real platform) is used instead.

use std::net::SocketAddr;
use std::sync::Arc;

use super::crypto::MessageCrypto;
use super::mock::{MockPlatform, MockSettings};
use super::webhook::log::MessageLog;
use super::webhook::router::Router;
use super::{WechatClient, WechatConfig};
use crate::db::Db;
use crate::kv::Kv;

pub struct Wechat {
    pub config: WechatConfig,
    pub crypto: Option<MessageCrypto>,
    pub client: WechatClient,
    pub router: Router,
    pub log: MessageLog,
    /// The in-process mock platform, when there is one.
    pub mock: Option<Arc<MockPlatform>>,
}

impl Wechat {
    pub fn start(
        mut config: WechatConfig,
        bound: SocketAddr,
        public_url: &str,
        kv: Kv,
        db: Db,
        router: Router,
        data_dir: &std::path::Path,
    ) -> Wechat {
        let mock = if config.mock && !config.external_api {
            let host = if bound.ip().is_unspecified() { "127.0.0.1".to_string() } else { bound.ip().to_string() };
            let host = if bound.is_ipv6() && !bound.ip().is_unspecified() { format!("[{host}]") } else { host };
            let local = format!("http://{host}:{}", bound.port());
            config.api_base = format!("{local}/mock-wechat");
            if !config.external_oauth {
                config.oauth_base = format!("{public_url}/mock-wechat");
            }
            let settings =
                MockSettings::from_config(&config, format!("{local}/wechat"), format!("{public_url}/mock-wechat"));
            Some(MockPlatform::new(settings))
        } else {
            None
        };
        let client = WechatClient::new(&config, kv.clone());
        let log = MessageLog::start(db, kv, router.secrets(), Some(data_dir));
        Wechat { crypto: config.crypto(), client, router, log, mock, config }
    }
}
