//! A document's files: every version it has had, the current one students get, and a new
//! file making a version more (the previous ones kept for teachers).

use shared::DocumentVersion;
use sqlx::Any;

use super::indexed;
use super::store::DocRow;
use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::notices::attachments;
use crate::state::AppState;

/// Adds a version to the document and makes it the current one; its number.
pub(super) async fn add_version(
    tx: &mut sqlx::Transaction<'static, Any>,
    id: i64,
    caller: &Caller,
    file: (&str, &str, i64, &str),
    now: i64,
) -> sqlx::Result<i64> {
    let (name, content_type, size, path) = file;
    let number: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) FROM document_versions WHERE document_id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let version: i64 = sqlx::query_scalar(
        "INSERT INTO document_versions (document_id, number, file_name, content_type, size, path, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(id)
    .bind(number)
    .bind(name)
    .bind(content_type)
    .bind(size)
    .bind(path)
    .bind(caller.user_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE documents SET current_version = $1, updated_at = $2 WHERE id = $3")
        .bind(version)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(number)
}

/// Gives the document a new file: a version more, the previous ones kept.
pub async fn replace(state: &AppState, caller: &Caller, row: &DocRow, file_name: &str, bytes: &[u8]) -> ApiResult<()> {
    let (name, content_type) = attachments::accept(file_name, bytes, state.config.max_attachment_bytes)?;
    let path = attachments::save(&state.config.data_dir, "documents", &name, bytes).await?;
    let done = async {
        let mut tx = state.db.begin_write().await?;
        let number =
            add_version(&mut tx, row.id, caller, (&name, content_type, bytes.len() as i64, &path), now_ms()).await?;
        indexed::put_in(&mut tx, row.id).await?;
        Audit::by(caller, "document_version_added")
            .target(format!("document:{}", row.id))
            .detail(format!("{}（第 {number} 版：{name}）", row.title))
            .record(&mut *tx)
            .await?;
        tx.commit().await
    }
    .await;
    if done.is_err() {
        let _ = tokio::fs::remove_file(state.config.data_dir.join(&path)).await;
    }
    Ok(done?)
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    number: i64,
    file_name: String,
    content_type: String,
    size: i64,
    downloads: i64,
    uploader: Option<String>,
    uploaded_at: i64,
}

/// Every file the document has had, newest first.
pub async fn versions(db: &Db, row: &DocRow) -> sqlx::Result<Vec<DocumentVersion>> {
    let rows: Vec<VersionRow> = sqlx::query_as(
        "SELECT v.id, v.number, v.file_name, v.content_type, v.size, v.downloads, u.display_name AS uploader, \
         v.uploaded_at FROM document_versions v LEFT JOIN users u ON u.id = v.uploaded_by \
         WHERE v.document_id = $1 ORDER BY v.number DESC",
    )
    .bind(row.id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|v| DocumentVersion {
            current: Some(v.id) == row.current_version,
            id: v.id,
            number: v.number,
            file_name: v.file_name,
            content_type: v.content_type,
            size: v.size,
            downloads: v.downloads,
            uploaded_by_name: v.uploader.unwrap_or_default(),
            uploaded_at: to_time(v.uploaded_at),
        })
        .collect())
}

/// One version's file: its name, type and place on disk.
pub struct VersionFile {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub path: std::path::PathBuf,
}

/// A version of the document (the current one when `version` is None); 404 when it has none such.
pub async fn version_file(state: &AppState, document: i64, version: Option<i64>) -> ApiResult<VersionFile> {
    let row: Option<(i64, String, String, String)> = sqlx::query_as(
        "SELECT v.id, v.file_name, v.content_type, v.path FROM document_versions v JOIN documents d ON d.id = v.document_id \
         WHERE v.document_id = $1 AND v.id = COALESCE($2, d.current_version)",
    )
    .bind(document)
    .bind(version)
    .fetch_optional(state.db.pool())
    .await?;
    let (id, name, content_type, path) = row.ok_or_else(|| ApiError::not_found("file"))?;
    Ok(VersionFile { id, name, content_type, path: state.config.data_dir.join(path) })
}
