//! A document's changes: made with its first file, edited (moved), deleted. Each keeps
//! the search index in step in its own transaction and is audited there.

use std::collections::HashSet;

use shared::{DocAudience, DocAudienceKind, DocumentEdit};
use sqlx::Any;

use super::store::DocRow;
use super::{indexed, versions};
use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::notices::attachments;
use crate::people::Scope;
use crate::state::AppState;

/// The folder and audience of an edit, checked: the folder exists, the listed classes and
/// groups exist and — for a teacher — are theirs (what is not theirs is unknown).
async fn check_edit(db: &Db, scope: Scope, edit: &DocumentEdit) -> ApiResult<()> {
    edit.validate()?;
    if let Some(folder) = edit.folder_id {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM doc_folders WHERE id = $1")
            .bind(folder)
            .fetch_one(db.pool())
            .await?;
        if n == 0 {
            return Err(ApiError::field("folder_id", "no such folder"));
        }
    }
    for class in &edit.audience.classes {
        scope.class(db, *class).await.map_err(|_| ApiError::field("audience", format!("no such class: {class}")))?;
    }
    for group in &edit.audience.groups {
        scope.group(db, *group).await.map_err(|_| ApiError::field("audience", format!("no such group: {group}")))?;
    }
    Ok(())
}

async fn write_audience(tx: &mut sqlx::Transaction<'static, Any>, id: i64, audience: &DocAudience) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM document_audience WHERE document_id = $1").bind(id).execute(&mut **tx).await?;
    if audience.kind != DocAudienceKind::Listed {
        return Ok(());
    }
    for class in unique(&audience.classes) {
        sqlx::query("INSERT INTO document_audience (document_id, class_id) VALUES ($1, $2)")
            .bind(id)
            .bind(class)
            .execute(&mut **tx)
            .await?;
    }
    for group in unique(&audience.groups) {
        sqlx::query("INSERT INTO document_audience (document_id, group_id) VALUES ($1, $2)")
            .bind(id)
            .bind(group)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn unique(ids: &[i64]) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

fn tags_json(tags: &[String]) -> String {
    let tags: Vec<&str> = tags.iter().map(|t| t.trim()).collect();
    serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into())
}

/// The title a file gives a document uploaded without one: its name without the extension.
fn title_of(file_name: &str) -> String {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(stem, _)| stem);
    stem.trim().chars().take(shared::documents::MAX_TITLE_CHARS).collect()
}

/// Makes a document of an upload (a title from the file name when none is given); its id.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    mut edit: DocumentEdit,
    file_name: &str,
    bytes: &[u8],
) -> ApiResult<i64> {
    let (name, content_type) = attachments::accept(file_name, bytes, state.config.max_attachment_bytes)?;
    if edit.title.trim().is_empty() {
        edit.title = title_of(&name);
    }
    let db = &state.db;
    check_edit(db, Scope::of(caller), &edit).await?;
    let path = attachments::save(&state.config.data_dir, "documents", &name, bytes).await?;
    let made = async {
        let now = now_ms();
        let mut tx = db.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO documents (folder_id, title, description, tags, audience, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(edit.folder_id)
        .bind(edit.title.trim())
        .bind(edit.description.trim())
        .bind(tags_json(&edit.tags))
        .bind(edit.audience.kind.as_str())
        .bind(caller.user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        write_audience(&mut tx, id, &edit.audience).await?;
        versions::add_version(&mut tx, id, caller, (&name, content_type, bytes.len() as i64, &path), now).await?;
        indexed::put_in(&mut tx, id).await?;
        Audit::by(caller, "document_created")
            .target(format!("document:{id}"))
            .detail(format!("{}（{name}）", edit.title.trim()))
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok::<i64, sqlx::Error>(id)
    }
    .await;
    match made {
        Ok(id) => Ok(id),
        Err(err) => {
            let _ = tokio::fs::remove_file(state.config.data_dir.join(&path)).await;
            Err(vanished_meanwhile(db, Scope::of(caller), &edit, err).await)
        }
    }
}

/// A write that failed on a foreign key: its folder, class or group was deleted between
/// the check and the write (the folder list is edited by others at the same time). The
/// check, run again, says which, as it would have said before; anything else stays the
/// error it was.
async fn vanished_meanwhile(db: &Db, scope: Scope, edit: &DocumentEdit, err: sqlx::Error) -> ApiError {
    if crate::db::is_foreign_key_violation(&err) {
        if let Err(answer) = check_edit(db, scope, edit).await {
            return answer;
        }
    }
    err.into()
}

/// Changes what a document is (title, description, tags, folder, audience).
pub async fn edit(db: &Db, caller: &Caller, row: &DocRow, edit: &DocumentEdit) -> ApiResult<()> {
    check_edit(db, Scope::of(caller), edit).await?;
    match write_edit(db, caller, row, edit).await {
        Ok(()) => Ok(()),
        Err(err) => Err(vanished_meanwhile(db, Scope::of(caller), edit, err).await),
    }
}

async fn write_edit(db: &Db, caller: &Caller, row: &DocRow, edit: &DocumentEdit) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE documents SET folder_id = $1, title = $2, description = $3, tags = $4, audience = $5, updated_at = $6 \
         WHERE id = $7",
    )
    .bind(edit.folder_id)
    .bind(edit.title.trim())
    .bind(edit.description.trim())
    .bind(tags_json(&edit.tags))
    .bind(edit.audience.kind.as_str())
    .bind(now_ms())
    .bind(row.id)
    .execute(&mut *tx)
    .await?;
    write_audience(&mut tx, row.id, &edit.audience).await?;
    let folder: Option<String> = match edit.folder_id {
        Some(f) => {
            sqlx::query_scalar("SELECT name FROM doc_folders WHERE id = $1").bind(f).fetch_optional(&mut *tx).await?
        }
        None => None,
    };
    indexed::put_in(&mut tx, row.id).await?;
    let mut detail = edit.title.trim().to_string();
    if edit.folder_id != row.folder_id {
        detail.push_str(&format!("（移到「{}」）", folder.as_deref().unwrap_or("未分类")));
    }
    Audit::by(caller, "document_updated")
        .target(format!("document:{}", row.id))
        .detail(detail)
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the document, its versions and their files, and its place in the index; a
/// procedure that listed it as a material keeps the material's name without the link.
pub async fn delete(state: &AppState, caller: &Caller, row: &DocRow) -> ApiResult<()> {
    let paths: Vec<String> = sqlx::query_scalar("SELECT path FROM document_versions WHERE document_id = $1")
        .bind(row.id)
        .fetch_all(state.db.pool())
        .await?;
    let mut tx = state.db.begin_write().await?;
    // Children first: SQLite enforces the foreign keys only when asked to.
    for sql in [
        "DELETE FROM document_downloads WHERE document_id = $1",
        "DELETE FROM document_versions WHERE document_id = $1",
        "DELETE FROM document_audience WHERE document_id = $1",
        "UPDATE guide_materials SET document_id = NULL WHERE document_id = $1",
        "DELETE FROM documents WHERE id = $1",
    ] {
        sqlx::query(sql).bind(row.id).execute(&mut *tx).await?;
    }
    indexed::remove_in(&mut tx, row.id).await?;
    Audit::by(caller, "document_deleted")
        .target(format!("document:{}", row.id))
        .detail(row.title.clone())
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    for path in paths {
        let _ = tokio::fs::remove_file(state.config.data_dir.join(path)).await;
    }
    Ok(())
}
