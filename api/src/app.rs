//! `Application`: the server built from a `Config`, bound but not yet running, so tests
//! can start it on port 0 and ask which port it got.

use std::time::Duration;

use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::Server;

use crate::config::Config;
use crate::state::AppState;
use crate::wechat::webhook::router::Router;

pub struct Application {
    state: AppState,
    acceptor: TcpAcceptor,
    port: u16,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        Application::build_with_router(config, crate::conversation::router()).await
    }

    /// With another set of message rules (tests use this to add slow or failing handlers).
    pub async fn build_with_router(mut config: Config, router: Router) -> anyhow::Result<Application> {
        let acceptor = TcpListener::bind(config.listen).into_acceptor().await?;
        let bound = acceptor.local_addr().first().and_then(|a| a.as_socket_addr().copied()).unwrap_or(config.listen);
        if !config.public_url_explicit {
            config.public_url = format!("http://{bound}");
        }
        let state = AppState::init(config, bound, router).await?;
        Ok(Application { state, acceptor, port: bound.port() })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM, then lets in-flight requests finish (10 s at most).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let pruning = tokio::spawn(crate::auth::jobs::prune_sessions_forever(self.state.db.clone()));
        let positions = tokio::spawn(crate::checkin::location::purge_forever(
            self.state.db.clone(),
            self.state.config.location_retention_days,
        ));
        let messages = tokio::spawn(crate::wechat::webhook::privacy::purge_forever(
            self.state.db.clone(),
            self.state.config.message_retention_days,
        ));
        let health = tokio::spawn(crate::health::watch_forever(self.state.clone()));
        let media = tokio::spawn(crate::inbox::media::fetch_forever(self.state.clone()));
        let rules = tokio::spawn(crate::autoreply::listen_forever(self.state.clone()));
        let mass = tokio::spawn(crate::mass::follow_forever(self.state.clone()));
        let search = tokio::spawn(crate::search::sources::keep_forever(self.state.db.clone()));
        let broadcast = self
            .state
            .config
            .broadcast_enabled
            .then(|| tokio::spawn(crate::broadcast::run::run_forever(self.state.clone())));
        let log = self.state.wechat.log.clone();
        let delivery = crate::delivery::spawn(self.state.clone());
        let engine = self.state.delivery.clone();
        let background = self.state.background.clone();
        let app = crate::routes::build(self.state);
        let served = Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(app, shutdown_signal(), Some(Duration::from_secs(10)))
            .await;
        pruning.abort();
        positions.abort();
        messages.abort();
        health.abort();
        media.abort();
        rules.abort();
        mass.abort();
        search.abort();
        if let Some(broadcast) = broadcast {
            broadcast.abort();
        }
        // The batch in hand is sent and recorded before the process ends.
        engine.stop();
        if let Some(worker) = delivery {
            if tokio::time::timeout(Duration::from_secs(20), worker).await.is_err() {
                tracing::warn!("the delivery worker did not stop in time; its leases will run out");
            }
        }
        background.close();
        if tokio::time::timeout(Duration::from_secs(10), background.wait()).await.is_err() {
            tracing::warn!("platform follow-ups did not finish in time; `banji tags resync` repairs tags");
        }
        // Messages received but not yet stored: written, or kept for the next start.
        log.close(Duration::from_secs(10)).await;
        served
    }
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("shutting down");
}
