//! The library's folders (奖助, 请假, 党团, 就业 …), in the order the school puts them.
//! Folders are the school's shelves, shared by everyone, so only admins make, rename,
//! reorder and delete them; teachers file documents into them. Deleting a folder never
//! deletes documents: those in it move to no folder (未分类), and the console says how many.

use shared::{DocFolder, DocFolderName};

use super::indexed;
use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::filter::Filter;
use crate::db::{now_ms, Db};
use crate::error::{on_unique, ApiError, ApiResult};

fn name_taken(err: sqlx::Error) -> ApiError {
    on_unique(err, "folder_name_taken", "a folder with this name already exists")
}

/// Every folder in order, each with how many of its documents `visible` (a filter on
/// documents `d`) lets through.
pub async fn list(db: &Db, mut visible: Filter) -> sqlx::Result<Vec<DocFolder>> {
    visible.and("d.folder_id = f.id", []);
    let sql = format!(
        "SELECT f.id, f.name, f.position, (SELECT COUNT(*) FROM documents d{}) AS documents \
         FROM doc_folders f ORDER BY f.position, f.id",
        visible.where_sql()
    );
    let rows: Vec<(i64, String, i64, i64)> =
        visible.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(|(id, name, position, documents)| DocFolder { id, name, position, documents }).collect())
}

async fn name_of(db: &Db, id: i64) -> ApiResult<String> {
    sqlx::query_scalar("SELECT name FROM doc_folders WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| ApiError::not_found("folder"))
}

/// Makes a folder, last in the order; its id.
pub async fn create(db: &Db, caller: &Caller, new: &DocFolderName) -> ApiResult<i64> {
    caller.require_admin()?;
    new.validate()?;
    let mut tx = db.begin_write().await?;
    let position: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(position), 0) + 1 AS BIGINT) FROM doc_folders")
        .fetch_one(&mut *tx)
        .await?;
    let id: i64 =
        sqlx::query_scalar("INSERT INTO doc_folders (name, position, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(new.name.trim())
            .bind(position)
            .bind(now_ms())
            .fetch_one(&mut *tx)
            .await
            .map_err(name_taken)?;
    Audit::by(caller, "doc_folder_created")
        .target(format!("doc_folder:{id}"))
        .detail(new.name.trim().to_string())
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames a folder; its documents are found by the new name.
pub async fn rename(db: &Db, caller: &Caller, id: i64, new: &DocFolderName) -> ApiResult<()> {
    caller.require_admin()?;
    new.validate()?;
    let old = name_of(db, id).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE doc_folders SET name = $1 WHERE id = $2")
        .bind(new.name.trim())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(name_taken)?;
    indexed::put_folder_in(&mut tx, id).await?;
    Audit::by(caller, "doc_folder_renamed")
        .target(format!("doc_folder:{id}"))
        .detail(format!("{old} → {}", new.name.trim()))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Puts the folders in the order given (every folder, each once).
pub async fn reorder(db: &Db, caller: &Caller, ids: &[i64]) -> ApiResult<()> {
    caller.require_admin()?;
    let mut tx = db.begin_write().await?;
    let mut known: Vec<i64> = sqlx::query_scalar("SELECT id FROM doc_folders").fetch_all(&mut *tx).await?;
    let mut given = ids.to_vec();
    known.sort_unstable();
    given.sort_unstable();
    if known != given {
        return Err(ApiError::field("ids", "must list every folder once"));
    }
    for (position, id) in ids.iter().enumerate() {
        sqlx::query("UPDATE doc_folders SET position = $1 WHERE id = $2")
            .bind(position as i64 + 1)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Audit::by(caller, "doc_folders_reordered").target("doc_folders".into()).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a folder; its documents move to no folder (未分类).
pub async fn delete(db: &Db, caller: &Caller, id: i64) -> ApiResult<()> {
    caller.require_admin()?;
    let name = name_of(db, id).await?;
    let mut tx = db.begin_write().await?;
    let moved: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM documents WHERE folder_id = $1").bind(id).fetch_all(&mut *tx).await?;
    sqlx::query("UPDATE documents SET folder_id = NULL WHERE folder_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM doc_folders WHERE id = $1").bind(id).execute(&mut *tx).await?;
    for doc in &moved {
        indexed::put_in(&mut tx, *doc).await?;
    }
    let detail = if moved.is_empty() { name } else { format!("{name}（{} 份文档移到未分类）", moved.len()) };
    Audit::by(caller, "doc_folder_deleted").target(format!("doc_folder:{id}")).detail(detail).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
