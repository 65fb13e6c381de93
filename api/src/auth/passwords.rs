//! Argon2id password hashing, run on the blocking pool so a login never stalls the
//! async workers that serve everyone else.
//!
//! Each hash takes 19 MiB and a core for a while, so at most `HASHERS` run at once (per
//! replica): a burst of logins waits its turn (up to `WAIT`) instead of taking the
//! server's memory, and past that wait the answer is 503 `busy` with `Retry-After`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::{ApiError, ApiResult};

/// Hashes in flight at most.
const HASHERS: usize = 4;
/// How long a login waits for a hasher before it is told to come back.
const WAIT: Duration = Duration::from_secs(5);

/// Hashes running now, and the most there ever were (what the tests check).
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

async fn hasher() -> ApiResult<SemaphorePermit<'static>> {
    static HASHING: Semaphore = Semaphore::const_new(HASHERS);
    match tokio::time::timeout(WAIT, HASHING.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(ApiError::unavailable("busy", "the server is busy checking passwords; try again in a moment", 2)),
    }
}

/// Runs one hash on the blocking pool, once a hasher is free.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    let _permit = hasher().await?;
    tokio::task::spawn_blocking(move || {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        let out = work();
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        out
    })
    .await
    .map_err(ApiError::internal)
}

/// Hashes with argon2id and the crate's recommended parameters (19 MiB, t=2, p=1).
pub async fn hash(password: String) -> ApiResult<String> {
    hashing(move || hash_now(&password)).await?.map_err(ApiError::internal)
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Checks a password against a stored hash. With no hash (unknown user) it verifies
/// against a throwaway one, so the answer takes as long and reveals nothing.
pub async fn verify(password: String, stored: Option<String>) -> ApiResult<bool> {
    hashing(move || match stored {
        Some(stored) => Argon2::default().verify_password(password.as_bytes(), stored.as_str()).is_ok(),
        None => {
            let _ = Argon2::default().verify_password(password.as_bytes(), decoy_hash().as_str());
            false
        }
    })
    .await
}

fn decoy_hash() -> &'static String {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_now(&super::random_secret()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let stored = hash("correct horse".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), Some(stored.clone())).await.unwrap());
        assert!(!verify("wrong horse".into(), Some(stored)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_logins_never_runs_more_hashes_at_once_than_allowed() {
        let stored = hash("correct horse".into()).await.unwrap();
        let burst = (0..3 * HASHERS).map(|_| verify("wrong".into(), Some(stored.clone())));
        let results = futures_util::future::join_all(burst).await;
        // Each waited its turn (well under the 5 s wait here) and none was let through.
        assert!(results.iter().all(|r| matches!(r, Ok(false))));
        assert!(PEAK.load(Ordering::SeqCst) <= HASHERS, "peak {}", PEAK.load(Ordering::SeqCst));
    }
}
