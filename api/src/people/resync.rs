//! Repairs drift between Banji's managed WeChat tags and the platform: classes and
//! groups whose mirroring is on get their tag (re-created if it vanished), tags of
//! things no longer mirrored go, names follow, and every managed tag ends up on exactly
//! the bound, following identities that should carry it. Followers Banji does not know
//! (not bound to anyone) keep whatever tags they have.
//! Run it with `banji tags resync` or `POST /api/v1/wechat/tags/resync`.

use std::collections::{BTreeSet, HashMap, HashSet};

use shared::TagResync;

use super::tags::{expected_members, Mirror};
use crate::db::Db;
use crate::state::AppState;

/// Every openid Banji knows (bound students and teachers).
async fn known_openids(db: &Db) -> sqlx::Result<HashSet<String>> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT openid FROM students WHERE openid IS NOT NULL UNION SELECT openid FROM teacher_profiles WHERE openid IS NOT NULL",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().collect())
}

async fn members_on_platform(state: &AppState, tag: i64) -> Result<BTreeSet<String>, String> {
    let mut all = BTreeSet::new();
    let mut next = String::new();
    loop {
        let page = state.wechat.client.followers_of_tag(tag, &next).await.map_err(|e| e.reason())?;
        all.extend(page.openids().iter().cloned());
        if page.next_openid.is_empty() || page.openids().is_empty() {
            return Ok(all);
        }
        next = page.next_openid.clone();
    }
}

pub async fn resync(state: &AppState) -> anyhow::Result<TagResync> {
    let mut report = TagResync::default();
    let db = &state.db;
    let client = &state.wechat.client;
    let on_platform: HashMap<i64, String> = client.tags().await?.into_iter().map(|t| (t.id, t.name)).collect();

    // Records of tags that vanished from the platform are forgotten (re-created below).
    let recorded: Vec<i64> = sqlx::query_scalar("SELECT id FROM wechat_tags").fetch_all(db.pool()).await?;
    for id in recorded.iter().filter(|id| !on_platform.contains_key(id)) {
        sqlx::query("DELETE FROM wechat_tags WHERE id = $1").bind(id).execute(db.pool()).await?;
    }

    // What should be mirrored, by name.
    let mut wanted: Vec<(Mirror, String)> = Vec::new();
    let classes: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM classes WHERE mirror_tag = TRUE").fetch_all(db.pool()).await?;
    wanted.extend(classes.into_iter().map(|(id, name)| (Mirror::Class(id), name)));
    let groups: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM student_groups WHERE mirror_tag = TRUE").fetch_all(db.pool()).await?;
    wanted.extend(groups.into_iter().map(|(id, name)| (Mirror::Group(id), name)));
    for (role, name) in [("students", "学生"), ("teachers", "教师")] {
        if super::tags::tag_of(db, Mirror::Role(role)).await?.is_some() {
            wanted.push((Mirror::Role(role), name.to_string()));
        }
    }
    let wanted_kinds: Vec<Mirror> = wanted.iter().map(|(m, _)| *m).collect();

    // Tags of classes and groups no longer mirrored go.
    let stale: Vec<(i64, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT id, class_id, group_id FROM wechat_tags WHERE role IS NULL")
            .fetch_all(db.pool())
            .await?;
    for (id, class, group) in stale {
        let mirror = match (class, group) {
            (Some(c), _) => Some(Mirror::Class(c)),
            (None, Some(g)) => Some(Mirror::Group(g)),
            _ => None,
        };
        if mirror.is_none_or(|m| !wanted_kinds.contains(&m)) {
            match client.delete_tag(id).await {
                Ok(()) => report.tags_deleted += 1,
                Err(err) => report.errors.push(format!("deleting tag {id}: {}", err.reason())),
            }
            sqlx::query("DELETE FROM wechat_tags WHERE id = $1").bind(id).execute(db.pool()).await?;
        }
    }

    let known = known_openids(db).await?;
    for (mirror, name) in wanted {
        let tag = match super::tags::tag_of(db, mirror).await? {
            Some((id, current)) => {
                let name: String = name.trim().chars().take(30).collect();
                if current != name {
                    match client.rename_tag(id, &name).await {
                        Ok(()) => {
                            report.tags_renamed += 1;
                            sqlx::query("UPDATE wechat_tags SET name = $1 WHERE id = $2")
                                .bind(&name)
                                .bind(id)
                                .execute(db.pool())
                                .await?;
                        }
                        Err(err) => report.errors.push(format!("renaming tag {id}: {}", err.reason())),
                    }
                }
                id
            }
            None => match super::tags::create_for_resync(state, mirror, &name).await {
                Ok(id) => {
                    report.tags_created += 1;
                    id
                }
                Err(err) => {
                    report.errors.push(format!("creating tag {name}: {}", err.reason()));
                    continue;
                }
            },
        };
        let expected: BTreeSet<String> = expected_members(db, mirror).await?.into_iter().collect();
        let actual = match members_on_platform(state, tag).await {
            Ok(actual) => actual,
            Err(err) => {
                report.errors.push(format!("reading tag {tag}: {err}"));
                continue;
            }
        };
        let missing: Vec<String> = expected.difference(&actual).cloned().collect();
        let extra: Vec<String> = actual.difference(&expected).filter(|o| known.contains(*o)).cloned().collect();
        if !missing.is_empty() {
            match client.tag_followers(tag, &missing).await {
                Ok(()) => report.tagged += missing.len() as u32,
                Err(err) => report.errors.push(format!("tagging with {tag}: {}", err.reason())),
            }
        }
        if !extra.is_empty() {
            match client.untag_followers(tag, &extra).await {
                Ok(()) => report.untagged += extra.len() as u32,
                Err(err) => report.errors.push(format!("untagging from {tag}: {}", err.reason())),
            }
        }
    }
    Ok(report)
}

pub struct TagsApi;

#[poem_openapi::OpenApi(tag = "crate::api_tags::ApiTags::People")]
impl TagsApi {
    /// Repair drift between mirrored classes, groups and roles and their WeChat tags
    /// (admins). Also `banji tags resync`.
    #[oai(path = "/v1/wechat/tags/resync", method = "post")]
    async fn resync(
        &self,
        state: poem::web::Data<&AppState>,
        auth: crate::auth::BearerAuth,
    ) -> crate::error::ApiResult<poem_openapi::payload::Json<TagResync>> {
        auth.0.require_admin()?;
        let report = resync(&state).await.map_err(|e| match e.downcast_ref::<crate::wechat::WechatError>() {
            Some(platform) => platform.to_api_error("WeChat did not list the tags"),
            None => e.into(),
        })?;
        crate::audit::Audit::by(&auth.0, "tags_resynced")
            .detail(format!(
                "打标签 {} 人，移除标签 {} 人，出错 {} 处",
                report.tagged,
                report.untagged,
                report.errors.len()
            ))
            .record(state.db.pool())
            .await?;
        Ok(poem_openapi::payload::Json(report))
    }
}

/// A WeChat tag Banji manages, for choosing whom a menu is for.
#[derive(poem_openapi::Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct ManagedTag {
    pub id: i64,
    pub name: String,
    /// `class`, `group` or `role`.
    pub mirrors: String,
}

pub struct ManagedTagsApi;

#[poem_openapi::OpenApi(tag = "crate::api_tags::ApiTags::People")]
impl ManagedTagsApi {
    /// The WeChat tags Banji manages: mirrored classes and groups, and the role tags.
    #[oai(path = "/v1/wechat/tags", method = "get")]
    async fn list(
        &self,
        state: poem::web::Data<&AppState>,
        _auth: crate::auth::BearerAuth,
    ) -> crate::error::ApiResult<poem_openapi::payload::Json<Vec<ManagedTag>>> {
        let rows: Vec<(i64, String, Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT id, name, class_id, group_id FROM wechat_tags ORDER BY name")
                .fetch_all(state.db.pool())
                .await?;
        let tags = rows
            .into_iter()
            .map(|(id, name, class, group)| {
                let mirrors = match (class, group) {
                    (Some(_), _) => "class",
                    (None, Some(_)) => "group",
                    _ => "role",
                };
                ManagedTag { id, name, mirrors: mirrors.into() }
            })
            .collect();
        Ok(poem_openapi::payload::Json(tags))
    }
}
