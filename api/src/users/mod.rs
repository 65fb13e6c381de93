//! Console accounts and their roles: creation (API and `banji admin create`), changes
//! and removal, with the one rule that keeps an installation manageable: there is
//! always at least one enabled admin.

mod routes;
pub mod store;

pub use routes::UsersApi;

use shared::{NewUser, Role, UserPatch};

use crate::audit::Audit;
use crate::auth::passwords;
use crate::db::Db;
use crate::error::{on_unique, ApiError, ApiResult};
use store::UserRow;

/// Creates an account; `audit` describes who did it.
pub async fn create(db: &Db, new: NewUser, audit: Audit<'_>) -> ApiResult<UserRow> {
    create_account(db, new, false, audit).await
}

/// Creates an account that may be waiting for approval (`pending`): it is pending from
/// the moment it exists, so no login can slip in before an admin has approved it.
pub async fn create_account(db: &Db, new: NewUser, pending: bool, audit: Audit<'_>) -> ApiResult<UserRow> {
    new.validate()?;
    let username = new.username.trim().to_lowercase();
    let hash = passwords::hash(new.password).await?;
    let mut tx = db.begin_write().await?;
    let id = store::insert(&mut *tx, &username, new.display_name.trim(), new.role, &hash, pending)
        .await
        .map_err(|e| on_unique(e, "username_taken", "this username is already taken"))?;
    audit
        .target(format!("user:{id}"))
        .detail(format!("{username}（{}）", role_name(new.role.as_str())))
        .record(&mut *tx)
        .await?;
    let row = store::get(&mut *tx, id).await?.ok_or_else(|| ApiError::internal("inserted user vanished"))?;
    tx.commit().await?;
    Ok(row)
}

fn last_admin() -> ApiError {
    ApiError::conflict("last_admin", "this is the last enabled admin; make another admin first")
}

/// Applies a patch. Disabling an account or resetting its password ends its logins and
/// revokes its API tokens.
pub async fn update<'a>(
    db: &Db,
    id: i64,
    patch: UserPatch,
    audit: impl Fn(&'static str) -> Audit<'a>,
) -> ApiResult<UserRow> {
    patch.validate()?;
    let new_hash = match patch.password.clone() {
        Some(password) => Some(passwords::hash(password).await?),
        None => None,
    };
    let mut tx = db.begin_write().await?;
    let before = store::get(&mut *tx, id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    let stays_admin =
        patch.role.unwrap_or(before.role()) == Role::Admin && !patch.disabled.unwrap_or(before.disabled.0);
    if before.role() == Role::Admin && !before.disabled.0 && !stays_admin {
        let admins = store::lock_active_admins(&mut tx, db.backend()).await?;
        if !admins.iter().any(|&admin| admin != id) {
            return Err(last_admin());
        }
    }
    let display_name = patch.display_name.as_deref().map(str::trim);
    store::update(&mut *tx, id, display_name, patch.role, patch.disabled).await?;
    let target = format!("user:{id}");
    if let Some(role) = patch.role.filter(|&r| r != before.role()) {
        let change = format!("{}：{} → {}", before.username, role_name(&before.role), role_name(role.as_str()));
        audit("role_changed").target(target.clone()).detail(change).record(&mut *tx).await?;
    }
    if let Some(disabled) = patch.disabled.filter(|&d| d != before.disabled.0) {
        let action = if disabled { "user_disabled" } else { "user_enabled" };
        audit(action).target(target.clone()).detail(before.username.clone()).record(&mut *tx).await?;
        if disabled {
            let tokens = crate::auth::revoke_credentials(&mut tx, id, None, "account_disabled").await?;
            tokens_revoked(&audit, &target, tokens, &mut tx).await?;
        }
    }
    if let Some(hash) = &new_hash {
        store::set_password(&mut *tx, id, hash).await?;
        let tokens = crate::auth::revoke_credentials(&mut tx, id, None, "password_reset").await?;
        tokens_revoked(&audit, &target, tokens, &mut tx).await?;
        audit("password_reset").target(target.clone()).detail(before.username.clone()).record(&mut *tx).await?;
    }
    if display_name.is_some_and(|name| name != before.display_name) {
        audit("user_updated").target(target).detail("显示名称").record(&mut *tx).await?;
    }
    let after = store::get(&mut *tx, id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    tx.commit().await?;
    // A disabled teacher's contact is found no more; a renamed one under the new name.
    crate::search::sources::teacher(db, id).await?;
    Ok(after)
}

/// Writes down that `n` API tokens were revoked with a change of credentials.
async fn tokens_revoked<'a>(
    audit: &impl Fn(&'static str) -> Audit<'a>,
    target: &str,
    n: u64,
    tx: &mut sqlx::AnyConnection,
) -> sqlx::Result<()> {
    if n == 0 {
        return Ok(());
    }
    audit("api_tokens_revoked").target(target.to_string()).detail(format!("{n} 个 API 令牌")).record(&mut *tx).await
}

/// Removes an account with its logins and API tokens; the audit log keeps its name.
pub async fn delete(db: &Db, id: i64, audit: Audit<'_>) -> ApiResult<()> {
    let mut tx = db.begin_write().await?;
    let user = store::get(&mut *tx, id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    if user.role() == Role::Admin && !user.disabled.0 {
        let admins = store::lock_active_admins(&mut tx, db.backend()).await?;
        if !admins.iter().any(|&admin| admin != id) {
            return Err(last_admin());
        }
    }
    store::delete(&mut *tx, id).await?;
    audit.target(format!("user:{id}")).detail(user.username).record(&mut *tx).await?;
    crate::search::index::remove_in(&mut tx, crate::search::Kind::Teacher, id).await?;
    tx.commit().await?;
    Ok(())
}

/// A role as the audit log says it.
fn role_name(role: &str) -> &'static str {
    if role == "admin" {
        "管理员"
    } else {
        "教师"
    }
}
