//! Whether the parts Banji depends on answer: the database and the shared cache.
//!
//! `check` is what `/readyz` answers, bounded so that it is quick whatever is down.
//! `watch_forever` looks every few seconds and logs a dependency going away once and its
//! return once: requests that meet an outage answer 503 without logging each time
//! (`error::database_unavailable`; the Kv's circuit logs the cache's transitions itself).

use std::time::Duration;

use serde::Serialize;

use crate::state::AppState;

/// Each part gets this long to answer a readiness check.
const CHECK_WITHIN: Duration = Duration::from_millis(800);
const WATCH_EVERY: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Ok,
    Unavailable,
}

#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    pub database: Part,
    pub cache: Part,
    /// `redis` or `in-process`.
    pub cache_kind: &'static str,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.database == Part::Ok && self.cache == Part::Ok
    }
}

async fn within<E>(check: impl std::future::Future<Output = Result<(), E>>) -> Part {
    match tokio::time::timeout(CHECK_WITHIN, check).await {
        Ok(Ok(())) => Part::Ok,
        _ => Part::Unavailable,
    }
}

/// Both parts, checked at the same time, each within `CHECK_WITHIN`.
pub async fn check(state: &AppState) -> Readiness {
    let (database, cache) = tokio::join!(within(state.db.ping()), within(state.kv.ping()));
    Readiness { database, cache, cache_kind: if state.kv.is_shared() { "redis" } else { "in-process" } }
}

/// Logs the database going away and coming back, once each. (The cache's circuit does
/// the same for Redis.)
pub async fn watch_forever(state: AppState) {
    let mut was = Part::Ok;
    loop {
        tokio::time::sleep(WATCH_EVERY).await;
        let now = within(state.db.ping()).await;
        if let Some(news) = news(was, now) {
            tracing::warn!("{news}");
        }
        was = now;
    }
}

/// What changed between two looks, if anything: said once per outage and once per return.
fn news(was: Part, now: Part) -> Option<&'static str> {
    match (was, now) {
        (Part::Ok, Part::Unavailable) => Some(
            "the database cannot be reached: requests answer 503 database_unavailable, deliveries pause, \
             received messages wait in memory",
        ),
        (Part::Unavailable, Part::Ok) => Some("the database answers again"),
        _ => None,
    }
}

/// True when the error is a dependency being away, which `watch_forever` (or the Kv's
/// circuit) already logs once: loops that retry log such errors at debug level only.
pub fn is_outage(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<sqlx::Error>().is_some_and(crate::db::is_unavailable)
            || e.downcast_ref::<crate::kv::KvError>().is_some_and(crate::kv::KvError::is_outage)
    })
}

#[cfg(test)]
mod tests {
    use super::{news, Part};

    #[test]
    fn an_outage_seen_many_times_is_news_once_when_it_starts_and_once_when_it_ends() {
        let looks = [Part::Ok, Part::Unavailable, Part::Unavailable, Part::Unavailable, Part::Ok, Part::Ok];
        let said: Vec<&str> = looks.windows(2).filter_map(|w| news(w[0], w[1])).collect();
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].contains("cannot be reached") && said[1].contains("answers again"));
    }
}
