//! Documents as records: the row with its current file, and the lists and single
//! documents a scope sees or manages (the changes are `changes`; a new file, `versions`).

use std::collections::{HashMap, HashSet};

use shared::{DocAudience, DocAudienceKind, Document, Page, PageQuery};

use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::people::Scope;

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
