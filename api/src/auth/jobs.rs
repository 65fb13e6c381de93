//! Background upkeep of logins: expired refresh tokens and long-ended sessions are pruned
//! hourly, so the tables grow with the number of users, not with every refresh.

use std::time::Duration;

use crate::db::Db;

const EVERY: Duration = Duration::from_secs(3600);

/// Runs until the process ends.
pub async fn prune_sessions_forever(db: Db) {
    let mut ticks = tokio::time::interval(EVERY);
    loop {
        ticks.tick().await;
        match super::sessions::prune(&db).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "pruned expired logins"),
            Err(err) => tracing::warn!(error = %err, "pruning expired logins failed"),
        }
    }
}
