//! Custom menus: drafts edited in the console (with a live preview), checked against
//! the platform's rules, and published — the default menu for everyone, conditional
//! menus for bound students, bound teachers, or a mirrored class or group (by their
//! WeChat tag). The keys and pages of Banji's own features are offered as choices, the
//! teachers' phone pages (`/t/…`) among them for the teachers' menu.

use std::collections::BTreeMap;

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{MenuButton, MenuDraft, MenuFeature, MenuTarget, NewMenu};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::people::tags::role_tag;
use crate::state::AppState;
use crate::wechat::client::menus::{MatchRule, Menu};

/// The key of the built-in help answer.
pub const HELP_KEY: &str = "HELP";
/// The key that answers with the student's notices not yet received (the digest).
pub const NOTICES_KEY: &str = "NOTICES";
/// The key that answers with a link to the check-in page.
pub const CHECKIN_KEY: &str = "CHECKIN";
/// The key that answers with the activities open for sign-up.
pub const ACTIVITIES_KEY: &str = "ACTIVITIES";

/// The key that answers with the week's hot list (热门).
pub const HOT_KEY: &str = "HOT";

/// What Banji's features offer to put in a menu.
pub fn features(state: &AppState) -> Vec<MenuFeature> {
    let page = |next: &str| format!("{}/api/v1/portal/oauth?next={next}", state.config.public_url);
    vec![
        MenuFeature { label: "绑定学号".into(), kind: "view".into(), key: None, url: Some(page("/s/bind")) },
        MenuFeature { label: "我的信息".into(), kind: "view".into(), key: None, url: Some(page("/s/")) },
        MenuFeature { label: "联系方式".into(), kind: "view".into(), key: None, url: Some(page("/s/teachers")) },
        MenuFeature { label: "联系老师".into(), kind: "view".into(), key: None, url: Some(page("/s/messages")) },
        MenuFeature { label: "我的通知".into(), kind: "view".into(), key: None, url: Some(page("/s/notices")) },
        MenuFeature { label: "新通知".into(), kind: "click".into(), key: Some(NOTICES_KEY.into()), url: None },
        MenuFeature {
            label: "通知订阅".into(), kind: "view".into(), key: None, url: Some(page("/s/subscriptions"))
        },
        MenuFeature { label: "签到".into(), kind: "click".into(), key: Some(CHECKIN_KEY.into()), url: None },
        MenuFeature { label: "活动报名".into(), kind: "view".into(), key: None, url: Some(page("/s/activities")) },
        MenuFeature { label: "常用文档".into(), kind: "view".into(), key: None, url: Some(page("/s/documents")) },
        MenuFeature { label: "办事指南".into(), kind: "view".into(), key: None, url: Some(page("/s/guides")) },
        MenuFeature { label: "搜索".into(), kind: "view".into(), key: None, url: Some(page("/s/search")) },
        MenuFeature { label: "热门".into(), kind: "click".into(), key: Some(HOT_KEY.into()), url: None },
        MenuFeature { label: "使用帮助".into(), kind: "click".into(), key: Some(HELP_KEY.into()), url: None },
        // For the teachers' menu: their phone pages (WeChat signs in the bound teacher).
        MenuFeature { label: "教师工作台".into(), kind: "view".into(), key: None, url: Some(page("/t/")) },
        MenuFeature { label: "通知统计".into(), kind: "view".into(), key: None, url: Some(page("/t/notices")) },
        MenuFeature { label: "快速通知".into(), kind: "view".into(), key: None, url: Some(page("/t/notices/new")) },
        MenuFeature { label: "课堂签到".into(), kind: "view".into(), key: None, url: Some(page("/t/checkin")) },
        MenuFeature { label: "学生消息".into(), kind: "view".into(), key: None, url: Some(page("/t/messages")) },
        MenuFeature { label: "注册审批".into(), kind: "view".into(), key: None, url: Some(page("/t/approvals")) },
    ]
}

#[derive(sqlx::FromRow)]
struct MenuRow {
    id: i64,
    name: String,
    tag_id: Option<i64>,
    buttons: String,
    menuid: Option<String>,
    published_at: Option<i64>,
    updated_at: i64,
}

/// `menus.tag_id` holds the platform tag; the target is read back from what the tag is.
async fn target_of(db: &Db, tag_id: Option<i64>) -> sqlx::Result<MenuTarget> {
    let Some(tag) = tag_id else { return Ok(MenuTarget::Default) };
    let role: Option<Option<String>> =
        sqlx::query_scalar("SELECT role FROM wechat_tags WHERE id = $1").bind(tag).fetch_optional(db.pool()).await?;
    Ok(match role.flatten().as_deref() {
        Some("students") => MenuTarget::Students,
        Some("teachers") => MenuTarget::Teachers,
        _ => MenuTarget::Tag,
    })
}

async fn to_draft(db: &Db, row: MenuRow) -> ApiResult<MenuDraft> {
    let buttons: Vec<MenuButton> = serde_json::from_str(&row.buttons).map_err(ApiError::internal)?;
    let target = target_of(db, row.tag_id).await?;
    Ok(MenuDraft {
        id: row.id,
        name: row.name,
        tag_id: if target == MenuTarget::Tag { row.tag_id } else { None },
        target,
        buttons,
        published_at: row.published_at.map(to_time),
        updated_at: to_time(row.updated_at),
    })
}

async fn row(db: &Db, id: i64) -> ApiResult<MenuRow> {
    let row: Option<MenuRow> =
        sqlx::query_as("SELECT id, name, tag_id, buttons, menuid, published_at, updated_at FROM menus WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    row.ok_or_else(|| ApiError::not_found("menu"))
}

/// The platform tag a target needs (role tags are made on first use).
async fn tag_for(state: &AppState, target: MenuTarget, tag_id: Option<i64>) -> ApiResult<Option<i64>> {
    match target {
        MenuTarget::Default => Ok(None),
        MenuTarget::Students => Ok(Some(role_tag(state, "students").await?)),
        MenuTarget::Teachers => Ok(Some(role_tag(state, "teachers").await?)),
        MenuTarget::Tag => {
            let id = tag_id.ok_or_else(|| ApiError::field("tag_id", "is required for a menu by tag"))?;
            let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wechat_tags WHERE id = $1 AND role IS NULL")
                .bind(id)
                .fetch_one(state.db.pool())
                .await?;
            if known == 0 {
                return Err(ApiError::field("tag_id", "must be the tag of a mirrored class or group"));
            }
            Ok(Some(id))
        }
    }
}

fn check(new: &NewMenu) -> ApiResult<()> {
    let mut fields = BTreeMap::new();
    if let Err(problem) = shared::validate::label(&new.name, 32) {
        fields.insert("name".to_string(), problem.message());
    }
    for problem in shared::menus::validate(&new.buttons) {
        fields.insert(problem.path, problem.code);
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(fields))
    }
}

async fn save(state: &AppState, id: Option<i64>, new: NewMenu, user: i64) -> ApiResult<i64> {
    check(&new)?;
    let tag = tag_for(state, new.target, new.tag_id).await?;
    let buttons = serde_json::to_string(&new.buttons).map_err(ApiError::internal)?;
    let now = now_ms();
    let id = match id {
        Some(id) => {
            sqlx::query("UPDATE menus SET name = $1, tag_id = $2, buttons = $3, updated_at = $4, updated_by = $5 WHERE id = $6")
                .bind(new.name.trim())
                .bind(tag)
                .bind(buttons)
                .bind(now)
                .bind(user)
                .bind(id)
                .execute(state.db.pool())
                .await?;
            id
        }
        None => sqlx::query_scalar(
            "INSERT INTO menus (name, tag_id, buttons, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(new.name.trim())
        .bind(tag)
        .bind(buttons)
        .bind(now)
        .bind(user)
        .fetch_one(state.db.pool())
        .await?,
    };
    Ok(id)
}

fn platform_error(err: crate::wechat::WechatError) -> ApiError {
    err.to_api_error("WeChat did not take the menu")
}

/// Sends a draft to WeChat. A conditional menu replaces its earlier version.
pub async fn publish(state: &AppState, id: i64) -> ApiResult<()> {
    let row = row(&state.db, id).await?;
    let buttons: Vec<MenuButton> = serde_json::from_str(&row.buttons).map_err(ApiError::internal)?;
    if let Some(problem) = shared::menus::validate(&buttons).into_iter().next() {
        return Err(ApiError::field(&problem.path, problem.code));
    }
    let menu: Menu = serde_json::from_value(serde_json::json!({ "button": buttons })).map_err(ApiError::internal)?;
    let client = &state.wechat.client;
    let menuid = match row.tag_id {
        None => {
            client.create_menu(&menu).await.map_err(platform_error)?;
            // Only one default menu is live: the others are no longer published.
            sqlx::query("UPDATE menus SET published_at = NULL WHERE tag_id IS NULL AND id <> $1")
                .bind(id)
                .execute(state.db.pool())
                .await?;
            None
        }
        Some(tag) => {
            let live_default: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM menus WHERE tag_id IS NULL AND published_at IS NOT NULL")
                    .fetch_one(state.db.pool())
                    .await?;
            if live_default == 0 {
                return Err(ApiError::conflict(
                    "default_menu_first",
                    "publish the default menu before menus for particular followers",
                ));
            }
            if let Some(old) = &row.menuid {
                let _ = client.delete_conditional_menu(old).await;
            }
            let rule = MatchRule { tag_id: Some(tag.to_string()), client_platform_type: None };
            Some(client.add_conditional_menu(&menu, &rule).await.map_err(platform_error)?)
        }
    };
    sqlx::query("UPDATE menus SET published_at = $1, menuid = $2 WHERE id = $3")
        .bind(now_ms())
        .bind(menuid)
        .bind(id)
        .execute(state.db.pool())
        .await?;
    Ok(())
}

/// Takes a menu off WeChat (the default menu takes every conditional menu with it).
pub async fn unpublish(state: &AppState, id: i64) -> ApiResult<()> {
    let row = row(&state.db, id).await?;
    if row.published_at.is_none() {
        return Ok(());
    }
    let client = &state.wechat.client;
    match (&row.tag_id, &row.menuid) {
        (None, _) => {
            client.delete_menu().await.map_err(platform_error)?;
            sqlx::query("UPDATE menus SET published_at = NULL, menuid = NULL").execute(state.db.pool()).await?;
        }
        (Some(_), Some(menuid)) => {
            client.delete_conditional_menu(menuid).await.map_err(platform_error)?;
            sqlx::query("UPDATE menus SET published_at = NULL, menuid = NULL WHERE id = $1")
                .bind(id)
                .execute(state.db.pool())
                .await?;
        }
        (Some(_), None) => {}
    }
    Ok(())
}

/// Stores `buttons` as the default menu and publishes it (the seed API's menu create).
pub async fn replace_default(state: &AppState, buttons: Vec<MenuButton>, user: i64) -> ApiResult<()> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM menus WHERE tag_id IS NULL ORDER BY published_at DESC, id LIMIT 1")
            .fetch_optional(state.db.pool())
            .await?;
    let new = NewMenu { name: "默认菜单".into(), target: MenuTarget::Default, tag_id: None, buttons };
    let id = save(state, existing, new, user).await?;
    publish(state, id).await
}

pub struct MenusApi;

#[derive(ApiResponse)]
enum MenuCreated {
    #[oai(status = 201)]
    Created(Json<MenuDraft>),
}

#[OpenApi(prefix_path = "/v1/menus", tag = "ApiTags::Menus")]
impl MenusApi {
    /// Every menu draft, published or not (admins).
    #[oai(path = "/", method = "get")]
    async fn list(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Vec<MenuDraft>>> {
        auth.0.require_admin()?;
        let rows: Vec<MenuRow> = sqlx::query_as("SELECT id, name, tag_id, buttons, menuid, published_at, updated_at FROM menus ORDER BY tag_id NULLS FIRST, id")
            .fetch_all(state.db.pool())
            .await?;
        let mut drafts = Vec::with_capacity(rows.len());
        for row in rows {
            drafts.push(to_draft(&state.db, row).await?);
        }
        Ok(Json(drafts))
    }

    /// Save a new draft; every broken platform rule is a field error at its button
    /// (`button[1].sub_button[0].name`: `name_too_long`).
    #[oai(path = "/", method = "post")]
    async fn create(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewMenu>) -> ApiResult<MenuCreated> {
        auth.0.require_admin()?;
        let id = save(&state, None, body.0, auth.0.user_id).await?;
        Audit::by(&auth.0, "menu_saved").target(format!("menu:{id}")).record(state.db.pool()).await?;
        Ok(MenuCreated::Created(Json(to_draft(&state.db, row(&state.db, id).await?).await?)))
    }

    /// Menu keys and pages of Banji's own features, to put in buttons.
    #[oai(path = "/features", method = "get")]
    async fn features(&self, state: Data<&AppState>, _auth: BearerAuth) -> ApiResult<Json<Vec<MenuFeature>>> {
        Ok(Json(features(&state)))
    }

    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<MenuDraft>> {
        auth.0.require_admin()?;
        Ok(Json(to_draft(&state.db, row(&state.db, id.0).await?).await?))
    }

    /// Change a draft (a published menu stays as it was on WeChat until published again).
    #[oai(path = "/:id", method = "put")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewMenu>,
    ) -> ApiResult<Json<MenuDraft>> {
        auth.0.require_admin()?;
        row(&state.db, id.0).await?;
        save(&state, Some(id.0), body.0, auth.0.user_id).await?;
        Audit::by(&auth.0, "menu_saved").target(format!("menu:{}", id.0)).record(state.db.pool()).await?;
        Ok(Json(to_draft(&state.db, row(&state.db, id.0).await?).await?))
    }

    /// Delete a draft (taking it off WeChat first if it is published).
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        auth.0.require_admin()?;
        unpublish(&state, id.0).await?;
        sqlx::query("DELETE FROM menus WHERE id = $1").bind(id.0).execute(state.db.pool()).await?;
        Audit::by(&auth.0, "menu_deleted").target(format!("menu:{}", id.0)).record(state.db.pool()).await?;
        Ok(NoContent::Done)
    }

    /// Publish a draft to WeChat: the default menu, or a menu for tagged followers (which
    /// needs a published default menu first).
    #[oai(path = "/:id/publish", method = "post")]
    async fn publish(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<MenuDraft>> {
        auth.0.require_admin()?;
        publish(&state, id.0).await?;
        Audit::by(&auth.0, "menu_published").target(format!("menu:{}", id.0)).record(state.db.pool()).await?;
        Ok(Json(to_draft(&state.db, row(&state.db, id.0).await?).await?))
    }

    /// Take a menu off WeChat (the default menu takes every other menu with it).
    #[oai(path = "/:id/publish", method = "delete")]
    async fn unpublish(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<MenuDraft>> {
        auth.0.require_admin()?;
        unpublish(&state, id.0).await?;
        Audit::by(&auth.0, "menu_unpublished").target(format!("menu:{}", id.0)).record(state.db.pool()).await?;
        Ok(Json(to_draft(&state.db, row(&state.db, id.0).await?).await?))
    }
}
