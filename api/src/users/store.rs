//! Queries over `users`. Usernames are stored lowercased.

use shared::{Page, PageQuery, Role, User};
use sqlx::{Any, Executor};

use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, to_time, Backend, Db, Flag};

#[derive(sqlx::FromRow, Clone)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub disabled: Flag,
    pub pending: Flag,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

impl UserRow {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Teacher)
    }

    pub fn into_user(self) -> User {
        User {
            id: self.id,
            role: self.role(),
            username: self.username,
            display_name: self.display_name,
            disabled: self.disabled.0,
            pending: self.pending.0,
            created_at: to_time(self.created_at),
            last_login_at: self.last_login_at.map(to_time),
        }
    }
}

pub async fn find_by_username(db: &Db, username: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(
        "SELECT id, username, display_name, role, password_hash, disabled, pending, created_at, last_login_at \
         FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(db.pool())
    .await
}

pub async fn get<'c, E: Executor<'c, Database = Any>>(exec: E, id: i64) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(
        "SELECT id, username, display_name, role, password_hash, disabled, pending, created_at, last_login_at \
         FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(exec)
    .await
}

pub async fn insert<'c, E: Executor<'c, Database = Any>>(
    exec: E,
    username: &str,
    display_name: &str,
    role: Role,
    password_hash: &str,
    pending: bool,
) -> sqlx::Result<i64> {
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO users (username, display_name, role, password_hash, pending, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(pending)
    .bind(now)
    .fetch_one(exec)
    .await
}

pub async fn count<'c, E: Executor<'c, Database = Any>>(exec: E) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(exec).await
}

/// Records a login now; returns the time written.
pub async fn touch_last_login(db: &Db, id: i64) -> sqlx::Result<i64> {
    let now = now_ms();
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2").bind(now).bind(id).execute(db.pool()).await?;
    Ok(now)
}

pub async fn set_password<'c, E: Executor<'c, Database = Any>>(exec: E, id: i64, hash: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now_ms())
        .bind(id)
        .execute(exec)
        .await?;
    Ok(())
}

/// Absent fields keep their value.
pub async fn update<'c, E: Executor<'c, Database = Any>>(
    exec: E,
    id: i64,
    display_name: Option<&str>,
    role: Option<Role>,
    disabled: Option<bool>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET display_name = COALESCE($1, display_name), role = COALESCE($2, role), \
         disabled = COALESCE($3, disabled), updated_at = $4 WHERE id = $5",
    )
    .bind(display_name)
    .bind(role.map(Role::as_str))
    .bind(disabled)
    .bind(now_ms())
    .bind(id)
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn delete<'c, E: Executor<'c, Database = Any>>(exec: E, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(exec).await?;
    Ok(())
}

/// Ids of enabled admins, locked (PostgreSQL) until the transaction ends so two admins
/// cannot demote each other at the same moment and leave none.
pub async fn lock_active_admins(tx: &mut sqlx::AnyConnection, backend: Backend) -> sqlx::Result<Vec<i64>> {
    let sql = match backend {
        Backend::Postgres => "SELECT id FROM users WHERE role = 'admin' AND disabled = FALSE FOR UPDATE",
        // SQLite: the transaction already holds the write lock (BEGIN IMMEDIATE).
        Backend::Sqlite => "SELECT id FROM users WHERE role = 'admin' AND disabled = FALSE",
    };
    sqlx::query_scalar(sql).fetch_all(tx).await
}

pub async fn list(
    db: &Db,
    search: &str,
    role: Option<Role>,
    pending: Option<bool>,
    page: PageQuery,
) -> sqlx::Result<Page<User>> {
    let mut filter = Filter::new();
    if !search.trim().is_empty() {
        let pattern = contains_pattern(&search.to_lowercase());
        filter.and(
            "LOWER(username) LIKE ? ESCAPE '\\' OR LOWER(display_name) LIKE ? ESCAPE '\\'",
            [Arg::from(pattern.clone()), Arg::from(pattern)],
        );
    }
    if let Some(role) = role {
        filter.and("role = ?", [Arg::from(role.as_str())]);
    }
    if let Some(pending) = pending {
        filter.and("pending = ?", [Arg::Bool(pending)]);
    }
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM users{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!(
        "SELECT id, username, display_name, role, password_hash, disabled, pending, created_at, last_login_at \
         FROM users{where_sql} ORDER BY id LIMIT {} OFFSET {}",
        filter.next(1),
        filter.next(2)
    );
    let rows: Vec<UserRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    Ok(Page::new(rows.into_iter().map(UserRow::into_user).collect(), total, page))
}
