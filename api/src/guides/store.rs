//! Procedures as records: a row with its steps and tags as JSON, its materials and contacts
//! in their own tables (in order), written whole (a save replaces them), checked against
//! what they name (the office, the documents, the teachers), audited, and kept in the
//! search index in the same transaction — a published procedure is findable, a draft not.

use shared::{Guide, GuideContactRef, GuideMaterial, GuideSummary, NewGuide, Page, PageQuery};
use sqlx::Any;

use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, to_time, Db, Flag};
use crate::error::{ApiError, ApiResult};
use crate::people::Scope;
use crate::search::index::{self, Audience, Item, Kind};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GuideRow {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub office_id: Option<i64>,
    pub office_name: Option<String>,
    pub when_where: String,
    pub steps: String,
    pub tags: String,
    pub reviewed_on: Option<String>,
    pub published: Flag,
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const SELECT: &str = "SELECT g.id, g.title, g.summary, g.office_id, o.name AS office_name, g.when_where, g.steps, \
     g.tags, g.reviewed_on, g.published, g.created_by, u.display_name AS created_by_name, g.created_at, g.updated_at \
     FROM guides g LEFT JOIN offices o ON o.id = g.office_id LEFT JOIN users u ON u.id = g.created_by";

fn strings(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

impl GuideRow {
    pub fn steps(&self) -> Vec<String> {
        strings(&self.steps)
    }

    pub fn tags(&self) -> Vec<String> {
        strings(&self.tags)
    }

    pub fn summary_dto(self, caller: &Caller) -> GuideSummary {
        GuideSummary {
            can_edit: may_edit(caller, &self),
            tags: self.tags(),
            id: self.id,
            title: self.title,
            summary: self.summary,
            office_name: self.office_name,
            reviewed_on: self.reviewed_on,
            published: self.published.0,
            created_by_name: self.created_by_name.unwrap_or_default(),
            updated_at: to_time(self.updated_at),
        }
    }
}

/// Who may change a procedure: admins any; a teacher the ones they wrote. Every teacher
/// reads them all (drafts too: they are the school's, not private).
pub fn may_edit(caller: &Caller, guide: &GuideRow) -> bool {
    match Scope::of(caller) {
        Scope::All => true,
        Scope::Teacher(id) => guide.created_by == Some(id),
    }
}

pub async fn row(db: &Db, id: i64) -> ApiResult<GuideRow> {
    let sql = format!("{SELECT} WHERE g.id = $1");
    let row: Option<GuideRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(db.pool()).await?;
    row.ok_or_else(|| ApiError::not_found("procedure"))
}

/// The materials in order, with the linked document's title (none once it was deleted).
pub async fn materials(db: &Db, id: i64) -> sqlx::Result<Vec<GuideMaterial>> {
    let rows: Vec<(String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT m.name, d.id, d.title FROM guide_materials m LEFT JOIN documents d ON d.id = m.document_id \
         WHERE m.guide_id = $1 ORDER BY m.position",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, document_id, document_title)| GuideMaterial { name, document_id, document_title })
        .collect())
}

/// The contacts in order, with the office's or teacher's name.
pub async fn contacts(db: &Db, id: i64) -> sqlx::Result<Vec<GuideContactRef>> {
    let rows: Vec<(Option<i64>, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT c.office_id, c.teacher_id, COALESCE(o.name, u.display_name) FROM guide_contacts c \
         LEFT JOIN offices o ON o.id = c.office_id LEFT JOIN users u ON u.id = c.teacher_id \
         WHERE c.guide_id = $1 ORDER BY c.position",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(office_id, teacher_id, name)| GuideContactRef { office_id, teacher_id, name: name.unwrap_or_default() })
        .collect())
}

/// The procedure as the console reads it.
pub async fn guide(db: &Db, caller: &Caller, row: GuideRow) -> ApiResult<Guide> {
    Ok(Guide {
        materials: materials(db, row.id).await?,
        contacts: contacts(db, row.id).await?,
        can_edit: may_edit(caller, &row),
        steps: row.steps(),
        tags: row.tags(),
        id: row.id,
        title: row.title,
        summary: row.summary,
        office_id: row.office_id,
        office_name: row.office_name,
        when_where: row.when_where,
        reviewed_on: row.reviewed_on,
        published: row.published.0,
        created_by: row.created_by,
        created_by_name: row.created_by_name.unwrap_or_default(),
        created_at: to_time(row.created_at),
        updated_at: to_time(row.updated_at),
    })
}

/// Narrows `filter` to procedures with `q` in their title, summary, when/where, steps or
/// tags, and to those tagged `tag`.
pub fn matching(filter: &mut Filter, q: Option<&str>, tag: Option<&str>) {
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let p = contains_pattern(q);
        filter.and(
            "g.title LIKE ? ESCAPE '\\' OR g.summary LIKE ? ESCAPE '\\' OR g.when_where LIKE ? ESCAPE '\\' \
             OR g.steps LIKE ? ESCAPE '\\' OR g.tags LIKE ? ESCAPE '\\'",
            [Arg::from(p.clone()), Arg::from(p.clone()), Arg::from(p.clone()), Arg::from(p.clone()), Arg::from(p)],
        );
    }
    if let Some(tag) = tag.map(str::trim).filter(|t| !t.is_empty()) {
        // Tags are a JSON array: the quoted tag is one whole element.
        let quoted = serde_json::to_string(tag).unwrap_or_default();
        filter.and("g.tags LIKE ? ESCAPE '\\'", [Arg::from(contains_pattern(&quoted))]);
    }
}

/// The rows `filter` leaves, in `order`, a page of them, with the total.
pub async fn rows(db: &Db, filter: &Filter, order: &str, page: PageQuery) -> sqlx::Result<(Vec<GuideRow>, i64)> {
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM guides g{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!("{SELECT}{where_sql} ORDER BY {order} LIMIT {} OFFSET {}", filter.next(1), filter.next(2));
    let rows = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    Ok((rows, total))
}

/// Every procedure (teachers read them all), recently changed first.
pub async fn list(db: &Db, caller: &Caller, q: Option<&str>, page: PageQuery) -> ApiResult<Page<GuideSummary>> {
    let mut filter = Filter::new();
    matching(&mut filter, q, None);
    let (rows, total) = rows(db, &filter, "g.updated_at DESC, g.id DESC", page).await?;
    Ok(Page::new(rows.into_iter().map(|r| r.summary_dto(caller)).collect(), total, page))
}

async fn exists(db: &Db, sql: &'static str, id: i64) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(sql).bind(id).fetch_one(db.pool()).await?;
    Ok(n > 0)
}

/// What the procedure names must exist: its office, the documents of its materials, the
/// offices and teachers it gives as contacts.
async fn check_refs(db: &Db, new: &NewGuide) -> ApiResult<()> {
    const OFFICE: &str = "SELECT COUNT(*) FROM offices WHERE id = $1";
    const DOCUMENT: &str = "SELECT COUNT(*) FROM documents WHERE id = $1";
    const TEACHER: &str = "SELECT COUNT(*) FROM users WHERE id = $1 AND pending = FALSE";
    if let Some(office) = new.office_id {
        if !exists(db, OFFICE, office).await? {
            return Err(ApiError::field("office_id", "no such office"));
        }
    }
    for (i, material) in new.materials.iter().enumerate() {
        if let Some(document) = material.document_id {
            if !exists(db, DOCUMENT, document).await? {
                return Err(ApiError::field(&format!("materials.{i}"), "no such document"));
            }
        }
    }
    for (i, contact) in new.contacts.iter().enumerate() {
        let found = match (contact.office_id, contact.teacher_id) {
            (Some(office), _) => exists(db, OFFICE, office).await?,
            (None, Some(teacher)) => exists(db, TEACHER, teacher).await?,
            (None, None) => false,
        };
        if !found {
            return Err(ApiError::field(&format!("contacts.{i}"), "no such office or teacher"));
        }
    }
    Ok(())
}

fn cleaned(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in list.iter().map(|s| s.trim().to_string()) {
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

async fn write_children(tx: &mut sqlx::Transaction<'static, Any>, id: i64, new: &NewGuide) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM guide_materials WHERE guide_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM guide_contacts WHERE guide_id = $1").bind(id).execute(&mut **tx).await?;
    for (i, material) in new.materials.iter().enumerate() {
        sqlx::query("INSERT INTO guide_materials (guide_id, position, name, document_id) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(i as i64)
            .bind(material.name.trim())
            .bind(material.document_id)
            .execute(&mut **tx)
            .await?;
    }
    for (i, contact) in new.contacts.iter().enumerate() {
        sqlx::query("INSERT INTO guide_contacts (guide_id, position, office_id, teacher_id) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(i as i64)
            .bind(contact.office_id)
            .bind(contact.office_id.is_none().then_some(contact.teacher_id).flatten())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn reviewed(new: &NewGuide) -> Option<String> {
    new.reviewed_on.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string)
}

fn json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// Writes a new procedure; its id.
pub async fn create(db: &Db, caller: &Caller, new: &NewGuide) -> ApiResult<i64> {
    new.validate()?;
    check_refs(db, new).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO guides (title, summary, office_id, when_where, steps, tags, reviewed_on, published, created_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(new.title.trim())
    .bind(new.summary.trim())
    .bind(new.office_id)
    .bind(new.when_where.trim())
    .bind(json(&new.steps.iter().map(|s| s.trim().to_string()).collect::<Vec<_>>()))
    .bind(json(&cleaned(&new.tags)))
    .bind(reviewed(new))
    .bind(new.published)
    .bind(caller.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    write_children(&mut tx, id, new).await?;
    reindex_in(&mut tx, id).await?;
    Audit::by(caller, "guide_created")
        .target(format!("guide:{id}"))
        .detail(format!("{}{}", new.title.trim(), if new.published { "" } else { "（未发布）" }))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

fn not_yours() -> ApiError {
    ApiError::forbidden("not_your_guide", "only its author or an administrator may change this procedure")
}

/// Replaces the procedure with `new` (its author or an admin).
pub async fn replace(db: &Db, caller: &Caller, id: i64, new: &NewGuide) -> ApiResult<()> {
    let before = row(db, id).await?;
    if !may_edit(caller, &before) {
        return Err(not_yours());
    }
    new.validate()?;
    check_refs(db, new).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE guides SET title = $1, summary = $2, office_id = $3, when_where = $4, steps = $5, tags = $6, \
         reviewed_on = $7, published = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(new.title.trim())
    .bind(new.summary.trim())
    .bind(new.office_id)
    .bind(new.when_where.trim())
    .bind(json(&new.steps.iter().map(|s| s.trim().to_string()).collect::<Vec<_>>()))
    .bind(json(&cleaned(&new.tags)))
    .bind(reviewed(new))
    .bind(new.published)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    write_children(&mut tx, id, new).await?;
    reindex_in(&mut tx, id).await?;
    let state = match (before.published.0, new.published) {
        (false, true) => "（发布）",
        (true, false) => "（撤下，不再对学生显示）",
        _ => "",
    };
    Audit::by(caller, "guide_updated")
        .target(format!("guide:{id}"))
        .detail(format!("{}{state}", new.title.trim()))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(db: &Db, caller: &Caller, id: i64) -> ApiResult<()> {
    let before = row(db, id).await?;
    if !may_edit(caller, &before) {
        return Err(not_yours());
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM guide_materials WHERE guide_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM guide_contacts WHERE guide_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM guides WHERE id = $1").bind(id).execute(&mut *tx).await?;
    index::remove_in(&mut tx, Kind::Guide, id).await?;
    Audit::by(caller, "guide_deleted").target(format!("guide:{id}")).detail(before.title).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Puts the procedure in the search index as it now is in `tx` (its office's name and
/// its materials included), or takes it out when it is a draft or gone.
pub async fn reindex_in(tx: &mut sqlx::Transaction<'static, Any>, id: i64) -> sqlx::Result<()> {
    let sql = format!("{SELECT} WHERE g.id = $1");
    let row: Option<GuideRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await?;
    let Some(row) = row.filter(|r| r.published.0) else {
        return index::remove_in(tx, Kind::Guide, id).await;
    };
    let materials: Vec<String> =
        sqlx::query_scalar("SELECT name FROM guide_materials WHERE guide_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
    let office = row.office_name.clone().unwrap_or_default();
    let mut body = vec![row.summary.clone(), row.when_where.clone()];
    body.extend(row.steps());
    body.extend(row.tags());
    body.push(office.clone());
    body.extend(materials);
    let summary = if row.summary.is_empty() { office } else { row.summary.clone() };
    let item = Item {
        kind: Kind::Guide,
        ref_id: id,
        title: row.title,
        body: body.join("\n"),
        summary,
        audience: Audience::Everyone,
        at: row.updated_at,
    };
    index::put_in(tx, &item).await
}
