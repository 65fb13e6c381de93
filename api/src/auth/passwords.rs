//! Argon2id password hashing, run on the blocking pool so a login never stalls the
//! async workers that serve everyone else.

use std::sync::OnceLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

/// Hashes with argon2id and the crate's recommended parameters (19 MiB, t=2, p=1).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Checks a password against a stored hash. With no hash (unknown user) it verifies
/// against a throwaway one, so the answer takes as long and reveals nothing.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let stored = match stored {
            Some(hash) => hash,
            None => {
                let decoy = decoy_hash();
                let _ = Argon2::default().verify_password(password.as_bytes(), decoy.as_str());
                return Ok(false);
            }
        };
        Ok(Argon2::default().verify_password(password.as_bytes(), stored.as_str()).is_ok())
    })
    .await?
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
}
