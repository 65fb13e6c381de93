//! Documents as records: the row with its current file, the lists a scope sees, and the
//! changes — made with their first file, edited (moved), given a new file (a version
//! more), deleted. Each change keeps the search index in step in its own transaction and
//! is audited there.

use std::collections::{HashMap, HashSet};

use shared::{DocAudience, DocAudienceKind, Document, DocumentEdit, Page, PageQuery};
use sqlx::Any;

use super::{indexed, versions};
use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::notices::attachments;
use crate::people::Scope;
use crate::state::AppState;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocRow {
    pub id: i64,
    pub folder_id: Option<i64>,
    pub folder: Option<String>,
    pub title: String,
    pub description: String,
    pub tags: String,
    pub audience: String,
    pub current_version: Option<i64>,
    pub created_by: Option<i64>,
    pub creator_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: Option<i64>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    pub path: Option<String>,
    pub downloads: i64,
}

pub const SELECT: &str = "SELECT d.id, d.folder_id, f.name AS folder, d.title, d.description, d.tags, d.audience, \
     d.current_version, d.created_by, u.display_name AS creator_name, d.created_at, d.updated_at, \
     v.number AS version, v.file_name, v.content_type, v.size, v.path, \
     (SELECT CAST(COALESCE(SUM(x.downloads), 0) AS BIGINT) FROM document_versions x WHERE x.document_id = d.id) AS downloads \
     FROM documents d LEFT JOIN doc_folders f ON f.id = d.folder_id \
     LEFT JOIN document_versions v ON v.id = d.current_version LEFT JOIN users u ON u.id = d.created_by";

impl DocRow {
    pub fn tags(&self) -> Vec<String> {
        serde_json::from_str(&self.tags).unwrap_or_default()
    }

    pub fn kind(&self) -> DocAudienceKind {
        DocAudienceKind::parse(&self.audience).unwrap_or_default()
    }
}

/// A document's listed classes and groups, with their names.
#[derive(Debug, Clone, Default)]
pub struct Listed {
    pub classes: Vec<i64>,
    pub groups: Vec<i64>,
    pub names: Vec<String>,
}

/// The listed classes and groups of these documents.
pub async fn listed(db: &Db, ids: &[i64]) -> sqlx::Result<HashMap<i64, Listed>> {
    let mut out: HashMap<i64, Listed> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT da.document_id, da.class_id, da.group_id, COALESCE(c.name, g.name, '') AS name \
         FROM document_audience da LEFT JOIN classes c ON c.id = da.class_id \
         LEFT JOIN student_groups g ON g.id = da.group_id WHERE da.document_id IN ({}) ORDER BY name",
        marks.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, Option<i64>, Option<i64>, String)>(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    for (doc, class, group, name) in query.fetch_all(db.pool()).await? {
        let entry = out.entry(doc).or_default();
        entry.classes.extend(class);
        entry.groups.extend(group);
        entry.names.push(name);
    }
    Ok(out)
}

fn to_dto(row: DocRow, listed: Listed, editable: bool) -> Document {
    let tags = row.tags();
    let kind = row.kind();
    Document {
        id: row.id,
        title: row.title,
        description: row.description,
        tags,
        folder_id: row.folder_id,
        folder: row.folder,
        audience: DocAudience { kind, classes: listed.classes, groups: listed.groups },
        audience_names: listed.names,
        version: row.version.unwrap_or_default(),
        file_name: row.file_name.unwrap_or_default(),
        content_type: row.content_type.unwrap_or_default(),
        size: row.size.unwrap_or_default(),
        downloads: row.downloads,
        created_by_name: row.creator_name.unwrap_or_default(),
        created_at: to_time(row.created_at),
        updated_at: to_time(row.updated_at),
        editable,
    }
}

/// Of these documents, the ones `scope` may change.
async fn managed_ids(db: &Db, scope: Scope, ids: &[i64]) -> sqlx::Result<HashSet<i64>> {
    if scope.is_all() || ids.is_empty() {
        return Ok(ids.iter().copied().collect());
    }
    let mut filter = Filter::new();
    let marks = vec!["?"; ids.len()].join(", ");
    filter.and(&format!("d.id IN ({marks})"), ids.iter().map(|id| Arg::Int(*id)));
    scope.documents_managed(&mut filter, "d");
    let sql = format!("SELECT d.id FROM documents d{}", filter.where_sql());
    let found: Vec<i64> = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    Ok(found.into_iter().collect())
}

/// The rows as the console shows them to `scope`.
pub async fn dtos(db: &Db, scope: Scope, rows: Vec<DocRow>) -> sqlx::Result<Vec<Document>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut listed = listed(db, &ids).await?;
    let managed = managed_ids(db, scope, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let names = listed.remove(&r.id).unwrap_or_default();
            let editable = managed.contains(&r.id);
            to_dto(r, names, editable)
        })
        .collect())
}

/// The document, if `scope` sees it; otherwise 404.
pub async fn visible(db: &Db, scope: Scope, id: i64) -> ApiResult<DocRow> {
    let mut filter = Filter::new();
    filter.and("d.id = ?", [Arg::Int(id)]);
    scope.documents(&mut filter, "d");
    let sql = format!("{SELECT}{}", filter.where_sql());
    let row: Option<DocRow> =
        filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_optional(db.pool()).await?;
    row.ok_or_else(|| ApiError::not_found("document"))
}

/// The document, if `scope` may change it: 404 when it does not see it, 403 when it sees
/// it but it is someone else's outside its classes and groups.
pub async fn managed(db: &Db, scope: Scope, id: i64) -> ApiResult<DocRow> {
    let row = visible(db, scope, id).await?;
    if !managed_ids(db, scope, &[id]).await?.contains(&id) {
        return Err(ApiError::forbidden(
            "not_your_document",
            "only its author, the teachers of every class and group it is listed for, and administrators change it",
        ));
    }
    Ok(row)
}

/// The documents `scope` sees, newest change first: in a folder (`0`: none), with words in
/// the title, description, tags or file name.
pub async fn list(
    db: &Db,
    scope: Scope,
    folder_id: Option<i64>,
    q: Option<&str>,
    page: PageQuery,
) -> ApiResult<Page<Document>> {
    let mut filter = Filter::new();
    scope.documents(&mut filter, "d");
    narrow(&mut filter, folder_id, q);
    let where_sql = filter.where_sql();
    let count = format!(
        "SELECT COUNT(*) FROM documents d LEFT JOIN document_versions v ON v.id = d.current_version{where_sql}"
    );
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!(
        "{SELECT}{where_sql} ORDER BY d.updated_at DESC, d.id DESC LIMIT {} OFFSET {}",
        filter.next(1),
        filter.next(2)
    );
    let rows: Vec<DocRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    Ok(Page::new(dtos(db, scope, rows).await?, total, page))
}

/// A folder (`0`: none) and search words, on documents `d` with their current file `v`.
pub fn narrow(filter: &mut Filter, folder_id: Option<i64>, q: Option<&str>) {
    match folder_id {
        Some(0) => {
            filter.and("d.folder_id IS NULL", []);
        }
        Some(id) => {
            filter.and("d.folder_id = ?", [Arg::Int(id)]);
        }
        None => {}
    }
    if let Some(words) = q.map(str::trim).filter(|w| !w.is_empty()) {
        let p = contains_pattern(words);
        filter.and(
            "d.title LIKE ? ESCAPE '\\' OR d.description LIKE ? ESCAPE '\\' OR d.tags LIKE ? ESCAPE '\\' \
             OR v.file_name LIKE ? ESCAPE '\\'",
            [Arg::from(p.clone()), Arg::from(p.clone()), Arg::from(p.clone()), Arg::from(p)],
        );
    }
}

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
