//! `AppState`: what every handler may use, built once at start and shared by `.data()`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::auth::{JwtKeys, LoginThrottle};
use crate::config::Config;
use crate::db::Db;
use crate::kv::Kv;
use crate::wechat::webhook::router::Router;
use crate::wechat::Wechat;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub kv: Kv,
    pub jwt: Arc<JwtKeys>,
    pub throttle: LoginThrottle,
    pub wechat: Arc<Wechat>,
    /// This replica's delivery worker (its name, and the bell that wakes it).
    pub delivery: Arc<crate::delivery::Engine>,
    /// Follow-up work a request leaves behind (tags and remarks after a binding): tracked so
    /// a stopping server lets it finish and tests can wait for it to settle.
    pub background: tokio_util::task::TaskTracker,
    /// The auto-reply rules this replica answers with (`autoreply`).
    pub autoreply: Arc<crate::autoreply::Rules>,
    /// The daily broadcast's weather, when this installation has one.
    pub weather: Option<crate::broadcast::weather::Weather>,
}

impl AppState {
    /// Connects the store (migrating it) and the Kv, loads the signing key, and starts the
    /// WeChat side (`bound` is the address the server listens on, for the mock platform).
    pub async fn init(config: Config, bound: std::net::SocketAddr, router: Router) -> anyhow::Result<AppState> {
        let db = Db::connect(&config.database_url, config.database_schema.as_deref(), config.db_wait).await?;
        db.migrate().await?;
        let kv = match &config.redis_url {
            Some(url) => Kv::redis_with_timeout(url, &config.kv_prefix, config.kv_timeout)
                .await
                .context("connecting to REDIS_URL")?,
            None => Kv::memory(&config.kv_prefix),
        };
        let jwt = Arc::new(JwtKeys::load(&config, &db).await.context("loading the JWT secret")?);
        let throttle =
            LoginThrottle::new(kv.clone(), config.login_max_failures, Duration::from_secs(config.login_window_secs));
        let wechat = Wechat::start(
            config.wechat.clone(),
            bound,
            &config.public_url,
            kv.clone(),
            db.clone(),
            router,
            &config.data_dir,
        );
        let delivery = Arc::new(crate::delivery::Engine::new());
        let autoreply = Arc::new(crate::autoreply::Rules::default());
        autoreply.reload(&db).await.context("compiling the auto-reply rules")?;
        let weather = crate::broadcast::weather::from_config(&config, kv.clone());
        Ok(AppState {
            weather,
            config: Arc::new(config),
            db,
            kv,
            jwt,
            throttle,
            wechat: Arc::new(wechat),
            delivery,
            background: Default::default(),
            autoreply,
        })
    }
}
