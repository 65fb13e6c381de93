//! Who is calling: console logins (JWT access tokens + rotating refresh tokens), API
//! tokens for third parties, password hashing and the failed-login throttle.
//!
//! Every authenticated route takes a `BearerAuth`, whose checker resolves the token to a
//! `Caller` against the database on each request, so logout, disabling an account and
//! role changes take effect at once rather than when a JWT expires.

mod caller;
pub mod jobs;
mod jwt;
pub mod passwords;
pub mod reset;
mod routes;
pub mod sessions;
mod throttle;
pub mod wechat;

pub use caller::{BearerAuth, Caller, Channel, Via};
pub use jwt::{DocumentLinkClaims, ExportClaims, FileClaims, JwtKeys, JwtProblem, STUDENT_TOKEN_SECS};
pub use reset::PasswordResetApi;
pub use routes::{AuthApi, MeApi};
pub use throttle::LoginThrottle;
pub use wechat::WechatSignInApi;

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh 256-bit secret, URL-safe base64 without padding.
pub fn random_secret() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// How high-entropy bearer secrets are stored: a leaked table cannot be replayed, and a
/// fast hash is enough because the secrets cannot be guessed.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// What a password change or reset, or disabling an account, does to the user's other
/// credentials: every login ends (but `keep`, the caller's own on a change) and every API
/// token is revoked, so a leaked token dies with the password it was made under. Tokens
/// are not brought back when an account is enabled again; the user makes new ones.
/// Returns how many API tokens were revoked.
pub async fn revoke_credentials(
    tx: &mut sqlx::AnyConnection,
    user_id: i64,
    keep: Option<i64>,
    reason: &str,
) -> sqlx::Result<u64> {
    sessions::revoke_all(&mut *tx, user_id, keep, reason).await?;
    crate::api_tokens::revoke_all(&mut *tx, user_id).await
}
