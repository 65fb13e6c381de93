//! Logins (sessions) and their rotating refresh tokens.
//!
//! A refresh token is single-use: exchanging it marks it used and issues the next one in
//! the same family. Presenting a used token again means two parties hold it (one stole
//! it), so the whole login is revoked and both must log in again.
//!
//! A login started by WeChat's web authorisation (a bound teacher on the phone pages) is
//! the same kind of login, with its channel recorded and a shorter life: its refresh
//! tokens last 12 hours, not 30 days, since a phone is lent and lost more than a desk.

use sqlx::{Any, Executor};

use crate::db::{now_ms, Db};

use super::Channel;

pub const REFRESH_TOKEN_DAYS: i64 = 30;
const REFRESH_TOKEN_MS: i64 = REFRESH_TOKEN_DAYS * 24 * 3600 * 1000;
/// A WeChat login's refresh tokens (the teacher's phone pages).
pub const WECHAT_REFRESH_TOKEN_HOURS: i64 = 12;

fn refresh_life_ms(channel: Channel) -> i64 {
    match channel {
        Channel::WeChat => WECHAT_REFRESH_TOKEN_HOURS * 3600 * 1000,
        Channel::Web | Channel::Api => REFRESH_TOKEN_MS,
    }
}

pub struct Login {
    pub session_id: i64,
    pub refresh_token: String,
}

pub enum Refresh {
    Rotated {
        user_id: i64,
        login: Login,
    },
    /// Not a token we issued (or its login was deleted).
    Unknown,
    Expired,
    /// The login was ended (logout, password change, disabled account).
    Revoked,
    /// A used token came back: the login has now been revoked.
    Reused {
        user_id: i64,
        session_id: i64,
    },
}

/// Starts a console login for a user whose password was just verified.
pub async fn start(db: &Db, user_id: i64, ip: Option<String>, user_agent: Option<String>) -> sqlx::Result<Login> {
    start_on(db, Channel::Web, user_id, ip, user_agent).await
}

/// Starts a login through `channel` (the console, or WeChat's web authorisation).
pub async fn start_on(
    db: &Db,
    channel: Channel,
    user_id: i64,
    ip: Option<String>,
    user_agent: Option<String>,
) -> sqlx::Result<Login> {
    let mut tx = db.begin_write().await?;
    let session_id: i64 = sqlx::query_scalar(
        "INSERT INTO sessions (user_id, created_at, ip, user_agent, channel) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(now_ms())
    .bind(ip)
    .bind(user_agent)
    .bind(channel.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let refresh_token = insert_refresh_token(&mut *tx, session_id, channel).await?;
    tx.commit().await?;
    Ok(Login { session_id, refresh_token })
}

async fn insert_refresh_token<'c, E: Executor<'c, Database = Any>>(
    exec: E,
    session_id: i64,
    channel: Channel,
) -> sqlx::Result<String> {
    let token = super::random_secret();
    let now = now_ms();
    sqlx::query("INSERT INTO refresh_tokens (session_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(session_id)
        .bind(super::secret_hash(&token))
        .bind(now)
        .bind(now + refresh_life_ms(channel))
        .execute(exec)
        .await?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    session_id: i64,
    expires_at: i64,
    used_at: Option<i64>,
    user_id: i64,
    revoked_at: Option<i64>,
    channel: String,
}

/// Exchanges a refresh token for the next one of its family.
pub async fn rotate(db: &Db, token: &str) -> sqlx::Result<Refresh> {
    let row: Option<TokenRow> = sqlx::query_as(
        "SELECT rt.id, rt.session_id, rt.expires_at, rt.used_at, s.user_id, s.revoked_at, s.channel \
         FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id WHERE rt.token_hash = $1",
    )
    .bind(super::secret_hash(token))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(Refresh::Unknown);
    };
    if row.revoked_at.is_some() {
        return Ok(Refresh::Revoked);
    }
    let reused = Refresh::Reused { user_id: row.user_id, session_id: row.session_id };
    if row.used_at.is_some() {
        revoke(db.pool(), row.session_id, "refresh_token_reused").await?;
        return Ok(reused);
    }
    let now = now_ms();
    if row.expires_at <= now {
        return Ok(Refresh::Expired);
    }
    let mut tx = db.begin_write().await?;
    // The conditional update is the single point of truth: of two concurrent exchanges of
    // the same token only one marks it, and the other is treated as re-use.
    let marked = sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(row.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if marked == 0 {
        tx.rollback().await?;
        revoke(db.pool(), row.session_id, "refresh_token_reused").await?;
        return Ok(reused);
    }
    let refresh_token = insert_refresh_token(&mut *tx, row.session_id, Channel::parse(&row.channel)).await?;
    tx.commit().await?;
    Ok(Refresh::Rotated { user_id: row.user_id, login: Login { session_id: row.session_id, refresh_token } })
}

/// The session a refresh token belongs to, whatever its state.
pub async fn session_of(db: &Db, token: &str) -> sqlx::Result<Option<(i64, i64)>> {
    sqlx::query_as(
        "SELECT s.id, s.user_id FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id \
         WHERE rt.token_hash = $1",
    )
    .bind(super::secret_hash(token))
    .fetch_optional(db.pool())
    .await
}

pub async fn revoke<'c, E: Executor<'c, Database = Any>>(exec: E, session_id: i64, reason: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(reason)
        .bind(session_id)
        .execute(exec)
        .await?;
    Ok(())
}

/// Ends every login of a user, except `keep` (the caller's own, on a password change).
pub async fn revoke_all<'c, E: Executor<'c, Database = Any>>(
    exec: E,
    user_id: i64,
    keep: Option<i64>,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
         WHERE user_id = $3 AND revoked_at IS NULL AND id <> $4",
    )
    .bind(now_ms())
    .bind(reason)
    .bind(user_id)
    .bind(keep.unwrap_or(0))
    .execute(exec)
    .await?;
    Ok(())
}

/// Ends a user's logins through one channel: unbinding a teacher's WeChat ends the phone
/// pages' logins that WeChat started.
pub async fn revoke_channel<'c, E: Executor<'c, Database = Any>>(
    exec: E,
    user_id: i64,
    channel: Channel,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
         WHERE user_id = $3 AND channel = $4 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(reason)
    .bind(user_id)
    .bind(channel.as_str())
    .execute(exec)
    .await?;
    Ok(())
}

/// Ended logins are kept this long (their rows explain the audit trail), then dropped.
const KEEP_ENDED_MS: i64 = 30 * 24 * 3600 * 1000;

/// Deletes refresh tokens past their expiry and logins that ended more than 30 days ago
/// (with their tokens). Used tokens are kept until they expire: that is how re-use is
/// recognised. Safe to run on every replica at once; returns the rows removed.
pub async fn prune(db: &Db) -> sqlx::Result<u64> {
    let now = now_ms();
    let tokens = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < $1").bind(now).execute(db.pool()).await?;
    let sessions = sqlx::query("DELETE FROM sessions WHERE revoked_at IS NOT NULL AND revoked_at < $1")
        .bind(now - KEEP_ENDED_MS)
        .execute(db.pool())
        .await?;
    Ok(tokens.rows_affected() + sessions.rows_affected())
}
