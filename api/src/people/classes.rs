//! Classes and the teachers responsible for them. Admins create, delete and staff
//! classes; a responsible teacher may rename and describe theirs.

use std::collections::HashMap;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{Class, ClassPatch, NewClass, Page, PageQuery, TeacherRef};
use sqlx::{Any, Executor};

use super::scope::Scope;
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, Db, Flag};
use crate::error::{on_unique, ApiError, ApiResult, NoContent};
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct ClassRow {
    id: i64,
    name: String,
    grade: String,
    department: String,
    major: String,
    mirror_tag: Flag,
    student_count: i64,
    bound_count: i64,
}

const SELECT: &str = "SELECT c.id, c.name, c.grade, c.department, c.major, c.mirror_tag, \
     (SELECT COUNT(*) FROM students s WHERE s.class_id = c.id) AS student_count, \
     (SELECT COUNT(*) FROM students s WHERE s.class_id = c.id AND s.openid IS NOT NULL) AS bound_count \
     FROM classes c";

/// The responsible teachers of each of `ids`.
async fn teachers_of(db: &Db, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<TeacherRef>>> {
    let mut by_class: HashMap<i64, Vec<TeacherRef>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by_class);
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // Only integers from our own rows are interpolated.
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT ct.class_id, u.id, u.display_name FROM class_teachers ct JOIN users u ON u.id = ct.user_id \
         WHERE ct.class_id IN ({list}) ORDER BY u.display_name"
    )))
    .fetch_all(db.pool())
    .await?;
    for (class_id, id, display_name) in rows {
        by_class.entry(class_id).or_default().push(TeacherRef { id, display_name });
    }
    Ok(by_class)
}

async fn to_classes(db: &Db, rows: Vec<ClassRow>) -> sqlx::Result<Vec<Class>> {
    let mut teachers = teachers_of(db, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    Ok(rows
        .into_iter()
        .map(|r| Class {
            teachers: teachers.remove(&r.id).unwrap_or_default(),
            id: r.id,
            name: r.name,
            grade: r.grade,
            department: r.department,
            major: r.major,
            mirror_tag: r.mirror_tag.0,
            student_count: r.student_count,
            bound_count: r.bound_count,
        })
        .collect())
}

pub async fn list(db: &Db, scope: Scope, search: &str, page: PageQuery) -> ApiResult<Page<Class>> {
    let mut filter = Filter::new();
    scope.classes(&mut filter, "c");
    if !search.trim().is_empty() {
        let pattern = contains_pattern(search);
        filter.and(
            "c.name LIKE ? ESCAPE '\\' OR c.grade LIKE ? ESCAPE '\\' OR c.major LIKE ? ESCAPE '\\'",
            [Arg::from(pattern.clone()), Arg::from(pattern.clone()), Arg::from(pattern)],
        );
    }
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM classes c{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql =
        format!("{SELECT}{where_sql} ORDER BY c.grade DESC, c.name LIMIT {} OFFSET {}", filter.next(1), filter.next(2));
    let rows: Vec<ClassRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    Ok(Page::new(to_classes(db, rows).await?, total, page))
}

pub async fn get(db: &Db, id: i64) -> ApiResult<Class> {
    let row: Option<ClassRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.id = $1")))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    let row = row.ok_or_else(|| ApiError::not_found("class"))?;
    Ok(to_classes(db, vec![row]).await?.remove(0))
}

/// A class id by its exact name (rosters name classes).
pub async fn id_by_name<'c, E: Executor<'c, Database = Any>>(exec: E, name: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM classes WHERE name = $1").bind(name.trim()).fetch_optional(exec).await
}

/// Teacher ids that exist and are teachers or admins; anything else is a field error.
async fn check_teachers(db: &Db, ids: &[i64]) -> ApiResult<()> {
    for id in ids {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND pending = FALSE")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
        if found.is_none() {
            return Err(ApiError::field("teacher_ids", format!("no teacher with id {id}")));
        }
    }
    Ok(())
}

async fn set_teachers(tx: &mut sqlx::AnyConnection, class_id: i64, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM class_teachers WHERE class_id = $1").bind(class_id).execute(&mut *tx).await?;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        sqlx::query("INSERT INTO class_teachers (class_id, user_id) VALUES ($1, $2)")
            .bind(class_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

fn name_taken(err: sqlx::Error) -> ApiError {
    on_unique(err, "class_name_taken", "a class with this name already exists")
}

pub async fn create(db: &Db, new: NewClass, audit: Audit<'_>) -> ApiResult<i64> {
    new.validate()?;
    check_teachers(db, &new.teacher_ids).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO classes (name, grade, department, major, mirror_tag, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(new.name.trim())
    .bind(new.grade.trim())
    .bind(new.department.trim())
    .bind(new.major.trim())
    .bind(new.mirror_tag)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(name_taken)?;
    set_teachers(&mut tx, id, &new.teacher_ids).await?;
    audit.target(format!("class:{id}")).detail(new.name.trim().to_string()).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(db: &Db, scope: Scope, id: i64, patch: ClassPatch, audit: Audit<'_>) -> ApiResult<()> {
    patch.validate()?;
    scope.class(db, id).await?;
    if patch.teacher_ids.is_some() && !scope.is_all() {
        return Err(ApiError::forbidden("admin_only", "only administrators assign teachers to classes"));
    }
    if let Some(ids) = &patch.teacher_ids {
        check_teachers(db, ids).await?;
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE classes SET name = COALESCE($1, name), grade = COALESCE($2, grade), \
         department = COALESCE($3, department), major = COALESCE($4, major), \
         mirror_tag = COALESCE($5, mirror_tag), updated_at = $6 WHERE id = $7",
    )
    .bind(patch.name.as_deref().map(str::trim))
    .bind(patch.grade.as_deref().map(str::trim))
    .bind(patch.department.as_deref().map(str::trim))
    .bind(patch.major.as_deref().map(str::trim))
    .bind(patch.mirror_tag)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(name_taken)?;
    if let Some(ids) = &patch.teacher_ids {
        set_teachers(&mut tx, id, ids).await?;
    }
    audit.target(format!("class:{id}")).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(db: &Db, id: i64, audit: Audit<'_>) -> ApiResult<()> {
    let mut tx = db.begin_write().await?;
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM classes WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
    let name = name.ok_or_else(|| ApiError::not_found("class"))?;
    // Students stay, without a class (the foreign key sets it to NULL).
    sqlx::query("UPDATE students SET class_id = NULL, updated_at = $1 WHERE class_id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM classes WHERE id = $1").bind(id).execute(&mut *tx).await?;
    audit.target(format!("class:{id}")).detail(name).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

pub struct ClassesApi;

#[derive(ApiResponse)]
enum ClassCreated {
    #[oai(status = 201)]
    Created(Json<Class>),
}

#[OpenApi(prefix_path = "/v1/classes", tag = "ApiTags::People")]
impl ClassesApi {
    /// Classes the caller is responsible for (admins: all), searchable by name, grade or major.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<Class>>> {
        let page = PageQuery::new(page.0, per_page.0);
        Ok(Json(list(&state.db, Scope::of(&auth.0), q.0.as_deref().unwrap_or(""), page).await?))
    }

    /// Create a class (admins).
    #[oai(path = "/", method = "post")]
    async fn create(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewClass>) -> ApiResult<ClassCreated> {
        auth.0.require_admin()?;
        let id = create(&state.db, body.0, Audit::by(&auth.0, "class_created")).await?;
        super::tags::after_class_change(&state, id).await?;
        Ok(ClassCreated::Created(Json(get(&state.db, id).await?)))
    }

    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Class>> {
        Scope::of(&auth.0).class(&state.db, id.0).await?;
        Ok(Json(get(&state.db, id.0).await?))
    }

    /// Rename or describe a class (admins and its teachers), mirror it as a WeChat tag,
    /// or replace its teachers (admins).
    #[oai(path = "/:id", method = "patch")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<ClassPatch>,
    ) -> ApiResult<Json<Class>> {
        update(&state.db, Scope::of(&auth.0), id.0, body.0, Audit::by(&auth.0, "class_updated")).await?;
        super::tags::after_class_change(&state, id.0).await?;
        Ok(Json(get(&state.db, id.0).await?))
    }

    /// Delete a class (admins). Its students stay, without a class.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        auth.0.require_admin()?;
        super::tags::before_class_delete(&state, id.0).await?;
        delete(&state.db, id.0, Audit::by(&auth.0, "class_deleted")).await?;
        Ok(NoContent::Done)
    }
}
