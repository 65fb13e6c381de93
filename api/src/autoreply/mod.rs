//! Auto-replies (自动回复): rules teachers manage that answer what followers send, after
//! Banji's fixed commands (`crate::conversation`) and before a teacher has to. Account-wide
//! rules are edited by admins (and teachers an admin names); each teacher's own rules
//! answer the students of their classes and groups while their switch is on (开启/关闭自动回复,
//! also from WeChat: `wechat`). The order a message meets them: fixed commands → the
//! student's teachers' rules → account-wide rules → default rules.
//!
//! - `matcher`: the rules compiled (automaton, regex set) and their conditions.
//! - `store`: the table, edits and who may make them; `checks`: what an edit must pass;
//!   `pattern`: the regex guard.
//! - `answer`: turning a rule into the replies a follower gets (the webhook's entry point
//!   is `answer::respond`); `follower`: who wrote.
//! - `insights`: what each rule answered by day, and what nothing answered, grouped.
//! - `files`: import and export as CSV/XLSX; `routes`: the console's API; `conflicts`: two
//!   teachers of one student answering the same word; `try_it`: the editor's try-it box.
//!
//! Every replica answers from its own compiled copy (`Rules`). A change rebuilds this
//! replica's at once and is published on the Kv topic `auto-rules`, so the others rebuild
//! theirs; a replica that missed the message (Redis away) still notices within
//! `POLL` by comparing the table's signature.

pub mod answer;
mod checks;
mod conflicts;
pub mod files;
pub mod follower;
pub mod insights;
pub mod matcher;
pub mod pattern;
mod routes;
pub mod store;
pub mod try_it;
pub mod wechat;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

pub use routes::AutoRepliesApi;

use self::matcher::Matcher;
use crate::db::Db;
use crate::state::AppState;

/// The Kv topic a change is announced on.
pub const TOPIC: &str = "auto-rules";
/// How often a replica compares the table with what it compiled, in case it missed news.
const POLL: Duration = Duration::from_secs(30);

/// The rules this replica answers with.
pub struct Rules {
    current: RwLock<Arc<Matcher>>,
    /// What the table looked like when compiled: (rules, last change, switches off).
    signature: Mutex<(i64, i64, i64)>,
    /// This replica, so it does not rebuild again on its own announcement.
    me: String,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            current: RwLock::new(Arc::new(Matcher::default())),
            signature: Mutex::new((-1, -1, -1)),
            me: uuid::Uuid::new_v4().simple().to_string(),
        }
    }
}

async fn signature(db: &Db) -> sqlx::Result<(i64, i64, i64)> {
    let (count, last): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MAX(updated_at) FROM auto_rules").fetch_one(db.pool()).await?;
    let off: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auto_reply_off").fetch_one(db.pool()).await?;
    Ok((count, last.unwrap_or(0), off))
}

impl Rules {
    pub fn current(&self) -> Arc<Matcher> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Compiles the table's enabled rules again.
    pub async fn reload(&self, db: &Db) -> sqlx::Result<()> {
        let seen = signature(db).await?;
        let rules = store::enabled(db).await?;
        let off: HashSet<i64> =
            sqlx::query_scalar("SELECT user_id FROM auto_reply_off").fetch_all(db.pool()).await?.into_iter().collect();
        let built = tokio::task::spawn_blocking(move || Matcher::build(rules, off))
            .await
            .map_err(|e| sqlx::Error::Protocol(format!("compiling the auto-reply rules failed: {e}")))?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(built);
        *self.signature.lock().unwrap_or_else(|e| e.into_inner()) = seen;
        Ok(())
    }

    async fn reload_if_stale(&self, db: &Db) -> sqlx::Result<()> {
        let now = signature(db).await?;
        let known = *self.signature.lock().unwrap_or_else(|e| e.into_inner());
        if now != known {
            self.reload(db).await?;
        }
        Ok(())
    }
}

/// After an edit: this replica answers with it at once, the others when they hear.
pub async fn changed(state: &AppState) {
    if let Err(err) = state.autoreply.reload(&state.db).await {
        tracing::error!(error = %err, "could not rebuild the auto-reply rules");
    }
    if let Err(err) = state.kv.publish(TOPIC, &state.autoreply.me).await {
        tracing::warn!(error = %err, "could not announce an auto-reply change; other replicas notice within a minute");
    }
}

/// Keeps this replica's rules current: rebuilds on another replica's announcement, and
/// checks the table every `POLL` for one it missed.
pub async fn listen_forever(state: AppState) {
    let rules = state.autoreply.clone();
    loop {
        let mut subscription = match state.kv.subscribe(TOPIC).await {
            Ok(s) => Some(s),
            Err(err) => {
                tracing::debug!(error = %err, "auto-reply announcements unavailable; polling");
                None
            }
        };
        let mut poll = tokio::time::interval(POLL);
        poll.tick().await;
        loop {
            let heard = async {
                match subscription.as_mut() {
                    Some(s) => s.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                message = heard => match message {
                    Some(from) if from == rules.me => {}
                    Some(_) => {
                        if let Err(err) = rules.reload(&state.db).await {
                            tracing::warn!(error = %err, "could not rebuild the auto-reply rules");
                        }
                    }
                    None => break,
                },
                _ = poll.tick() => {
                    if let Err(err) = rules.reload_if_stale(&state.db).await {
                        tracing::debug!(error = %err, "could not check the auto-reply rules");
                    }
                    if subscription.is_none() {
                        break;
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
