//! Classes and groups mirrored as WeChat tags, plus one tag per role (bound students,
//! bound teachers) for conditional menus. The platform is told as things change: a
//! tag is created, renamed or deleted with its class or group, and a student's WeChat is
//! tagged and untagged as they bind, unbind, move class or join and leave groups.
//!
//! Changes to a class or group that would need a tag the platform refuses (the 100-tag
//! limit, a taken name) answer with a clear error and leave mirroring off. Tagging a
//! student after the fact never fails the change that caused it: errors are logged and
//! `resync` (the `banji tags resync` command and `POST /wechat/tags/resync`) repairs
//! whatever drifted.

use std::collections::BTreeSet;

use crate::db::{now_ms, Db, Flag};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wechat::{WechatClient, WechatError};

/// The platform's limit on a tag name, in characters.
const TAG_NAME_CHARS: usize = 30;

/// What a managed tag stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mirror {
    Class(i64),
    Group(i64),
    /// `students` or `teachers`.
    Role(&'static str),
}

fn tag_name(name: &str) -> String {
    name.trim().chars().take(TAG_NAME_CHARS).collect()
}

/// The platform's refusal, as the API tells it.
fn refused(err: WechatError) -> ApiError {
    match err.code() {
        Some(45056) => ApiError::conflict(
            "tag_limit",
            "saved, but not mirrored: the account already has the maximum of 100 WeChat tags; \
             stop mirroring another class or group first",
        ),
        Some(45157) => {
            ApiError::conflict("tag_name_taken", "saved, but not mirrored: a WeChat tag with this name already exists")
        }
        Some(45158) => {
            ApiError::conflict("tag_name_too_long", "saved, but not mirrored: the name is too long for a WeChat tag")
        }
        _ => err.to_api_error("saved, but WeChat did not take the tag change"),
    }
}

/// The managed tag of `mirror`, if there is one.
pub async fn tag_of(db: &Db, mirror: Mirror) -> sqlx::Result<Option<(i64, String)>> {
    let query = match mirror {
        Mirror::Class(id) => sqlx::query_as("SELECT id, name FROM wechat_tags WHERE class_id = $1").bind(id),
        Mirror::Group(id) => sqlx::query_as("SELECT id, name FROM wechat_tags WHERE group_id = $1").bind(id),
        Mirror::Role(role) => sqlx::query_as("SELECT id, name FROM wechat_tags WHERE role = $1").bind(role),
    };
    query.fetch_optional(db.pool()).await
}

async fn remember(db: &Db, id: i64, name: &str, mirror: Mirror) -> sqlx::Result<()> {
    let (class_id, group_id, role) = match mirror {
        Mirror::Class(c) => (Some(c), None, None),
        Mirror::Group(g) => (None, Some(g), None),
        Mirror::Role(r) => (None, None, Some(r)),
    };
    sqlx::query(
        "INSERT INTO wechat_tags (id, name, class_id, group_id, role, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(name)
    .bind(class_id)
    .bind(group_id)
    .bind(role)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The openids that should carry `mirror`'s tag: bound identities that follow.
pub async fn expected_members(db: &Db, mirror: Mirror) -> sqlx::Result<Vec<String>> {
    let query = match mirror {
        Mirror::Class(id) => sqlx::query_scalar(
            "SELECT openid FROM students WHERE class_id = $1 AND openid IS NOT NULL AND following = TRUE",
        )
        .bind(id),
        Mirror::Group(id) => sqlx::query_scalar(
            "SELECT s.openid FROM students s JOIN group_members m ON m.student_id = s.id \
             WHERE m.group_id = $1 AND s.openid IS NOT NULL AND s.following = TRUE",
        )
        .bind(id),
        Mirror::Role("teachers") => sqlx::query_scalar("SELECT openid FROM teacher_profiles WHERE openid IS NOT NULL"),
        Mirror::Role(_) => {
            sqlx::query_scalar("SELECT openid FROM students WHERE openid IS NOT NULL AND following = TRUE")
        }
    };
    query.fetch_all(db.pool()).await
}

/// Creates the tag for `mirror` named `name` and tags its members.
async fn create(state: &AppState, mirror: Mirror, name: &str) -> Result<i64, WechatError> {
    let client = &state.wechat.client;
    let tag = client.create_tag(&tag_name(name)).await?;
    if let Err(err) = remember(&state.db, tag.id, &tag.name, mirror).await {
        tracing::error!(error = %err, "a created WeChat tag could not be recorded");
    }
    let members = expected_members(&state.db, mirror).await.unwrap_or_default();
    if !members.is_empty() {
        if let Err(err) = client.tag_followers(tag.id, &members).await {
            tracing::warn!(error = %err, tag = tag.id, "tagging the members of a new tag failed; resync will repair it");
        }
    }
    Ok(tag.id)
}

/// For `resync`: creates a missing tag the same way a change would.
pub async fn create_for_resync(state: &AppState, mirror: Mirror, name: &str) -> Result<i64, WechatError> {
    create(state, mirror, name).await
}

async fn forget(state: &AppState, id: i64) -> Result<(), WechatError> {
    match state.wechat.client.delete_tag(id).await {
        // Already gone on the platform: nothing left to undo there.
        Ok(()) | Err(WechatError::Api { code: 45058 | 40003 | 45155, .. }) => {}
        Err(err) => return Err(err),
    }
    if let Err(err) = sqlx::query("DELETE FROM wechat_tags WHERE id = $1").bind(id).execute(state.db.pool()).await {
        tracing::error!(error = %err, "a deleted WeChat tag could not be forgotten");
    }
    Ok(())
}

/// Brings the platform in line with one class's or group's `mirror_tag` and name.
async fn follow(state: &AppState, mirror: Mirror, wanted: Option<String>, table: &str, id: i64) -> ApiResult<()> {
    let existing = tag_of(&state.db, mirror).await?;
    match (wanted, existing) {
        (Some(name), None) => {
            if let Err(err) = create(state, mirror, &name).await {
                let sql = format!("UPDATE {table} SET mirror_tag = FALSE WHERE id = $1");
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).execute(state.db.pool()).await?;
                return Err(refused(err));
            }
        }
        (Some(name), Some((tag, old))) if tag_name(&name) != old => {
            state.wechat.client.rename_tag(tag, &tag_name(&name)).await.map_err(refused)?;
            sqlx::query("UPDATE wechat_tags SET name = $1 WHERE id = $2")
                .bind(tag_name(&name))
                .bind(tag)
                .execute(state.db.pool())
                .await?;
        }
        (None, Some((tag, _))) => forget(state, tag).await.map_err(refused)?,
        _ => {}
    }
    Ok(())
}

async fn wanted(db: &Db, table: &str, id: i64) -> sqlx::Result<Option<String>> {
    let sql = format!("SELECT name, mirror_tag FROM {table} WHERE id = $1");
    let row: Option<(String, Flag)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(db.pool()).await?;
    Ok(row.filter(|(_, mirror)| mirror.0).map(|(name, _)| name))
}

pub async fn after_class_change(state: &AppState, class_id: i64) -> ApiResult<()> {
    let name = wanted(&state.db, "classes", class_id).await?;
    follow(state, Mirror::Class(class_id), name, "classes", class_id).await
}

pub async fn before_class_delete(state: &AppState, class_id: i64) -> ApiResult<()> {
    follow(state, Mirror::Class(class_id), None, "classes", class_id).await
}

pub async fn after_group_change(state: &AppState, group_id: i64) -> ApiResult<()> {
    let name = wanted(&state.db, "student_groups", group_id).await?;
    follow(state, Mirror::Group(group_id), name, "student_groups", group_id).await
}

pub async fn before_group_delete(state: &AppState, group_id: i64) -> ApiResult<()> {
    follow(state, Mirror::Group(group_id), None, "student_groups", group_id).await
}

/// The role tag (`students` or `teachers`), created on first use.
pub async fn role_tag(state: &AppState, role: &'static str) -> ApiResult<i64> {
    if let Some((id, _)) = tag_of(&state.db, Mirror::Role(role)).await? {
        return Ok(id);
    }
    let name = if role == "teachers" { "教师" } else { "学生" };
    match create(state, Mirror::Role(role), name).await {
        Ok(id) => Ok(id),
        // Made at the same moment by another request or replica (a binding and a menu, say):
        // the tag by that name is the role's.
        Err(err @ WechatError::Api { code: 45157, .. }) => {
            let tags = state.wechat.client.tags().await.map_err(refused)?;
            let Some(tag) = tags.into_iter().find(|t| t.name == name) else { return Err(refused(err)) };
            remember(&state.db, tag.id, &tag.name, Mirror::Role(role)).await?;
            Ok(tag.id)
        }
        Err(err) => Err(refused(err)),
    }
}

/// Tags (or untags) one openid with several managed tags; logs what fails.
async fn apply(client: &WechatClient, openid: &str, tags: &BTreeSet<i64>, tag: bool) {
    let one = [openid.to_string()];
    for &id in tags {
        let result = if tag { client.tag_followers(id, &one).await } else { client.untag_followers(id, &one).await };
        if let Err(err) = result {
            tracing::warn!(error = %err, tag = id, "WeChat tag change failed; resync will repair it");
        }
    }
}

/// The managed tags a bound student should carry now.
async fn tags_for_student(db: &Db, student_id: i64) -> sqlx::Result<BTreeSet<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT t.id FROM wechat_tags t JOIN students s ON s.class_id = t.class_id WHERE s.id = $1 \
         UNION SELECT t.id FROM wechat_tags t JOIN group_members m ON m.group_id = t.group_id WHERE m.student_id = $1 \
         UNION SELECT t.id FROM wechat_tags t WHERE t.role = 'students'",
    )
    .bind(student_id)
    .fetch_all(db.pool())
    .await?;
    Ok(ids.into_iter().collect())
}

async fn student_openid(db: &Db, student_id: i64) -> Option<String> {
    sqlx::query_scalar("SELECT openid FROM students WHERE id = $1 AND following = TRUE")
        .bind(student_id)
        .fetch_optional(db.pool())
        .await
        .ok()
        .flatten()
        .flatten()
}

/// A student just bound their WeChat: tag it with their class, groups and the students' role.
pub async fn after_bind(state: &AppState, student_id: i64) {
    if let Err(err) = role_tag(state, "students").await {
        tracing::warn!(error = ?err.body(), "the students' role tag could not be made");
    }
    let Some(openid) = student_openid(&state.db, student_id).await else { return };
    let tags = tags_for_student(&state.db, student_id).await.unwrap_or_default();
    apply(&state.wechat.client, &openid, &tags, true).await;
}

/// A student's WeChat was unbound (or the student deleted): remove every managed tag.
pub async fn after_unbind(state: &AppState, openid: &str, _class_id: Option<i64>) {
    let managed: BTreeSet<i64> =
        sqlx::query_scalar("SELECT id FROM wechat_tags WHERE role IS NULL OR role = 'students'")
            .fetch_all(state.db.pool())
            .await
            .unwrap_or_default()
            .into_iter()
            .collect();
    let carried: BTreeSet<i64> = match state.wechat.client.tags_of_follower(openid).await {
        Ok(ids) => ids.into_iter().collect(),
        Err(err) => {
            tracing::warn!(error = %err, "could not read a follower's tags; resync will repair them");
            return;
        }
    };
    let remove: BTreeSet<i64> = managed.intersection(&carried).copied().collect();
    apply(&state.wechat.client, openid, &remove, false).await;
}

/// A student moved from `from` to their current class.
pub async fn after_student_moved(state: &AppState, student_id: i64, from: Option<i64>) {
    let Some(openid) = student_openid(&state.db, student_id).await else { return };
    if let Some(old) = from {
        if let Ok(Some((tag, _))) = tag_of(&state.db, Mirror::Class(old)).await {
            apply(&state.wechat.client, &openid, &BTreeSet::from([tag]), false).await;
        }
    }
    let tags = tags_for_student(&state.db, student_id).await.unwrap_or_default();
    apply(&state.wechat.client, &openid, &tags, true).await;
}

/// Students joined (`added`) or left a group.
pub async fn after_group_members(state: &AppState, group_id: i64, students: &[i64], added: bool) {
    let Ok(Some((tag, _))) = tag_of(&state.db, Mirror::Group(group_id)).await else { return };
    let mut openids = Vec::new();
    for &id in students {
        if let Some(openid) = student_openid(&state.db, id).await {
            openids.push(openid);
        }
    }
    if openids.is_empty() {
        return;
    }
    let client = &state.wechat.client;
    let result =
        if added { client.tag_followers(tag, &openids).await } else { client.untag_followers(tag, &openids).await };
    if let Err(err) = result {
        tracing::warn!(error = %err, tag, "group tag change failed; resync will repair it");
    }
}
