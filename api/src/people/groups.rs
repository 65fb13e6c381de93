//! Groups (学生会, 社团, 宿舍 …): students from any class, owned by a teacher. The owner
//! (or an admin) names, describes and staffs the group; its members become visible to
//! the owner as members (`Scope`'s member view: no phone, position or bind code). A
//! student joins a group only by someone who holds their record: an admin or a teacher of
//! their class, so a group never widens what a teacher sees. Every membership change is
//! audited.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{Group, GroupMembersChange, GroupPatch, NewGroup, Page, PageQuery, Student, TeacherRef};

use super::scope::{Scope, StudentView};
use super::students::{self, StudentQuery};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, Db, Flag};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct GroupRow {
    id: i64,
    name: String,
    kind: String,
    description: String,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    mirror_tag: Flag,
    member_count: i64,
}

const SELECT: &str = "SELECT g.id, g.name, g.kind, g.description, g.owner_id, u.display_name AS owner_name, \
     g.mirror_tag, (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS member_count \
     FROM student_groups g LEFT JOIN users u ON u.id = g.owner_id";

impl GroupRow {
    fn into_group(self) -> Group {
        Group {
            id: self.id,
            name: self.name,
            kind: self.kind,
            description: self.description,
            owner: self.owner_id.zip(self.owner_name).map(|(id, display_name)| TeacherRef { id, display_name }),
            mirror_tag: self.mirror_tag.0,
            member_count: self.member_count,
        }
    }
}

pub async fn list(db: &Db, scope: Scope, search: &str, page: PageQuery) -> ApiResult<Page<Group>> {
    let mut filter = Filter::new();
    scope.groups(&mut filter, "g");
    if !search.trim().is_empty() {
        let pattern = contains_pattern(search);
        filter.and(
            "g.name LIKE ? ESCAPE '\\' OR g.kind LIKE ? ESCAPE '\\'",
            [Arg::from(pattern.clone()), Arg::from(pattern)],
        );
    }
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM student_groups g{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!("{SELECT}{where_sql} ORDER BY g.kind, g.name LIMIT {} OFFSET {}", filter.next(1), filter.next(2));
    let rows: Vec<GroupRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    Ok(Page::new(rows.into_iter().map(GroupRow::into_group).collect(), total, page))
}

pub async fn get(db: &Db, id: i64) -> ApiResult<Group> {
    let row: Option<GroupRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE g.id = $1")))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.ok_or_else(|| ApiError::not_found("group"))?.into_group())
}

/// The owner a new or changed group gets: the caller, or (admins) whom they name.
async fn owner_for(db: &Db, scope: Scope, caller_id: i64, asked: Option<i64>) -> ApiResult<i64> {
    match (scope, asked) {
        (_, None) => Ok(caller_id),
        (Scope::Teacher(_), Some(id)) if id != caller_id => {
            Err(ApiError::forbidden("admin_only", "only administrators give groups to other teachers"))
        }
        (_, Some(id)) => {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND pending = FALSE")
                .bind(id)
                .fetch_optional(db.pool())
                .await?;
            found.ok_or_else(|| ApiError::field("owner_id", format!("no teacher with id {id}")))
        }
    }
}

pub async fn create(db: &Db, scope: Scope, caller_id: i64, new: NewGroup, audit: Audit<'_>) -> ApiResult<i64> {
    new.validate()?;
    let owner = owner_for(db, scope, caller_id, new.owner_id).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO student_groups (name, kind, description, owner_id, mirror_tag, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(new.name.trim())
    .bind(new.kind.trim())
    .bind(new.description.trim())
    .bind(owner)
    .bind(new.mirror_tag)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit.target(format!("group:{id}")).detail(new.name.trim().to_string()).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    db: &Db,
    scope: Scope,
    caller_id: i64,
    id: i64,
    patch: GroupPatch,
    audit: Audit<'_>,
) -> ApiResult<()> {
    patch.validate()?;
    scope.group(db, id).await?;
    let owner = match patch.owner_id {
        Some(asked) => Some(owner_for(db, scope, caller_id, Some(asked)).await?),
        None => None,
    };
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE student_groups SET name = COALESCE($1, name), kind = COALESCE($2, kind), \
         description = COALESCE($3, description), mirror_tag = COALESCE($4, mirror_tag), \
         owner_id = COALESCE($5, owner_id), updated_at = $6 WHERE id = $7",
    )
    .bind(patch.name.as_deref().map(str::trim))
    .bind(patch.kind.as_deref().map(str::trim))
    .bind(patch.description.as_deref().map(str::trim))
    .bind(patch.mirror_tag)
    .bind(owner)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit.target(format!("group:{id}")).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// A student named for a group: id, 学号 and class.
type Named = (i64, String, Option<i64>);

/// Resolves ids and 学号 to students; names the ones that do not exist.
async fn resolve_students(db: &Db, change: &GroupMembersChange) -> ApiResult<Vec<Named>> {
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for &id in &change.student_ids {
        let row: Option<Named> = sqlx::query_as("SELECT id, student_no, class_id FROM students WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
        match row {
            Some(row) => found.push(row),
            None => unknown.push(id.to_string()),
        }
    }
    for no in &change.student_nos {
        let row: Option<Named> = sqlx::query_as("SELECT id, student_no, class_id FROM students WHERE student_no = $1")
            .bind(no.trim())
            .fetch_optional(db.pool())
            .await?;
        match row {
            Some(row) => found.push(row),
            None => unknown.push(no.trim().to_string()),
        }
    }
    if !unknown.is_empty() {
        return Err(ApiError::field("student_nos", format!("no such students: {}", unknown.join(", "))));
    }
    if found.is_empty() {
        return Err(ApiError::field("student_ids", "name at least one student"));
    }
    found.sort_unstable();
    found.dedup();
    Ok(found)
}

/// Adds members; returns the ids actually added (not members before). Only students
/// whose record `scope` holds may be added (403 `not_your_class` naming the others).
pub async fn add_members(
    db: &Db,
    scope: Scope,
    group_id: i64,
    change: &GroupMembersChange,
    audit: Audit<'_>,
) -> ApiResult<Vec<i64>> {
    let named = resolve_students(db, change).await?;
    let records = scope.record_classes(db).await?;
    let others: Vec<&str> = named
        .iter()
        .filter(|(_, _, class)| records.view(*class) != StudentView::Record)
        .map(|(_, no, _)| no.as_str())
        .collect();
    if !others.is_empty() {
        return Err(ApiError::forbidden(
            "not_your_class",
            format!(
                "only administrators and the teachers of a student's class may add them to a group; not yours: {}",
                others.join(", ")
            ),
        ));
    }
    let ids: Vec<i64> = named.into_iter().map(|(id, _, _)| id).collect();
    let now = now_ms();
    let mut added = Vec::new();
    let mut tx = db.begin_write().await?;
    for id in ids {
        let done = sqlx::query(
            "INSERT INTO group_members (group_id, student_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(group_id)
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() > 0 {
            added.push(id);
        }
    }
    let list = added.iter().map(|id| format!("student:{id}")).collect::<Vec<_>>().join(",");
    audit.target(format!("group:{group_id}")).detail(list).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(added)
}

pub struct GroupsApi;

#[derive(ApiResponse)]
enum GroupCreated {
    #[oai(status = 201)]
    Created(Json<Group>),
}

#[OpenApi(prefix_path = "/v1/groups", tag = "ApiTags::People")]
impl GroupsApi {
    /// Groups the caller owns (admins: all), searchable by name or kind.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<Group>>> {
        let page = PageQuery::new(page.0, per_page.0);
        Ok(Json(list(&state.db, Scope::of(&auth.0), q.0.as_deref().unwrap_or(""), page).await?))
    }

    /// Create a group, owned by the caller (admins may name another owner).
    #[oai(path = "/", method = "post")]
    async fn create(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewGroup>) -> ApiResult<GroupCreated> {
        let scope = Scope::of(&auth.0);
        let id = create(&state.db, scope, auth.0.user_id, body.0, Audit::by(&auth.0, "group_created")).await?;
        super::tags::after_group_change(&state, id).await?;
        Ok(GroupCreated::Created(Json(get(&state.db, id).await?)))
    }

    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Group>> {
        Scope::of(&auth.0).group(&state.db, id.0).await?;
        Ok(Json(get(&state.db, id.0).await?))
    }

    /// Rename, describe, mirror as a WeChat tag, or (admins) give to another teacher.
    #[oai(path = "/:id", method = "patch")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<GroupPatch>,
    ) -> ApiResult<Json<Group>> {
        let scope = Scope::of(&auth.0);
        update(&state.db, scope, auth.0.user_id, id.0, body.0, Audit::by(&auth.0, "group_updated")).await?;
        super::tags::after_group_change(&state, id.0).await?;
        Ok(Json(get(&state.db, id.0).await?))
    }

    /// Delete a group (its members stay students).
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        Scope::of(&auth.0).group(&state.db, id.0).await?;
        super::tags::before_group_delete(&state, id.0).await?;
        let mut tx = state.db.begin_write().await?;
        sqlx::query("DELETE FROM student_groups WHERE id = $1").bind(id.0).execute(&mut *tx).await?;
        Audit::by(&auth.0, "group_deleted").target(format!("group:{}", id.0)).record(&mut *tx).await?;
        tx.commit().await?;
        Ok(NoContent::Done)
    }

    /// The group's members (phone numbers masked).
    #[oai(path = "/:id/members", method = "get")]
    async fn members(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<Student>>> {
        let scope = Scope::of(&auth.0);
        scope.group(&state.db, id.0).await?;
        let query = StudentQuery { search: q.0.unwrap_or_default(), group_id: Some(id.0), ..StudentQuery::default() };
        Ok(Json(students::list(&state.db, scope, &query, PageQuery::new(page.0, per_page.0)).await?))
    }

    /// Add students, by id or by 学号: any student for admins, students of their own
    /// classes for teachers (403 `not_your_class` names the others).
    #[oai(path = "/:id/members", method = "post")]
    async fn add_members(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<GroupMembersChange>,
    ) -> ApiResult<Json<Group>> {
        let scope = Scope::of(&auth.0);
        scope.group(&state.db, id.0).await?;
        let added = add_members(&state.db, scope, id.0, &body.0, Audit::by(&auth.0, "group_members_added")).await?;
        super::tags::after_group_members(&state, id.0, &added, true).await;
        Ok(Json(get(&state.db, id.0).await?))
    }

    #[oai(path = "/:id/members/:student_id", method = "delete")]
    async fn remove_member(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        student_id: Path<i64>,
    ) -> ApiResult<NoContent> {
        Scope::of(&auth.0).group(&state.db, id.0).await?;
        let mut tx = state.db.begin_write().await?;
        let done = sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND student_id = $2")
            .bind(id.0)
            .bind(student_id.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(ApiError::not_found("member"));
        }
        Audit::by(&auth.0, "group_member_removed")
            .target(format!("group:{}", id.0))
            .detail(format!("学生 #{}", student_id.0))
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
        super::tags::after_group_members(&state, id.0, &[student_id.0], false).await;
        Ok(NoContent::Done)
    }
}
