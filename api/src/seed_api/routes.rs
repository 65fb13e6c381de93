//! The seed's endpoints. Bad or missing fields answer 400 with
//! `{"errcode": -1, "errmsg": "参数缺失或参数错误"}`; WeChat's refusals its own errcode,
//! with a 4xx when the caller's input was refused (an unknown openid is 404 with
//! errcode 40003) and a 5xx only when the platform itself failed. What poem answers
//! before a handler runs (401, 413, 415) is the API's usual `{ code, message }`.

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{GroupMembersChange, GroupPatch, MenuButton, NewGroup};

use super::errors::{missing, ok, platform, status, SeedError, SeedResult, WxStatus};
use super::fields::{FormFields, SeedJson};
use super::forms::{
    MenuAnswer, OpenidList, RemarkForm, SeedMenu, TagCount, TagCreated, TagId, TagIdList, TagList, TagMembers, TagName,
    TagRef, TagRename, TagUsers, UserTags,
};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::people::{groups, Scope};
use crate::state::AppState;

fn admin(auth: &BearerAuth) -> Result<(), SeedError> {
    auth.0.require_admin().map_err(SeedError::from)
}

/// The platform's errcode for the first broken menu rule.
fn menu_errcode(code: &str) -> (i64, &'static str) {
    match code {
        "no_buttons" | "too_many_buttons" => (40016, "invalid button size"),
        "too_many_sub_buttons" => (40023, "invalid sub button size"),
        "name_required" | "name_too_long" => (40018, "invalid button name size"),
        "type_required" | "unknown_type" => (40017, "invalid button type"),
        "key_required" | "key_too_long" => (40019, "invalid button key size"),
        "url_required" | "url_too_long" | "url_invalid" => (40055, "invalid button url domain"),
        "media_id_required" | "article_id_required" => (40007, "invalid media_id"),
        _ => (40027, "invalid sub button url domain"),
    }
}

fn number(value: Option<String>) -> Result<i64, SeedError> {
    value.and_then(|v| v.parse().ok()).ok_or_else(missing)
}

/// What a managed tag mirrors: (class id, group id, role).
async fn mirrored(state: &AppState, tag: i64) -> Result<Option<(Option<i64>, Option<i64>, Option<String>)>, SeedError> {
    Ok(sqlx::query_as("SELECT class_id, group_id, role FROM wechat_tags WHERE id = $1")
        .bind(tag)
        .fetch_optional(state.db.pool())
        .await?)
}

/// The students bound to these openids.
async fn students_of(state: &AppState, openids: &[String]) -> Result<Vec<i64>, SeedError> {
    let mut ids = Vec::new();
    for openid in openids {
        if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM students WHERE openid = $1")
            .bind(openid)
            .fetch_optional(state.db.pool())
            .await?
        {
            ids.push(id);
        }
    }
    Ok(ids)
}

pub struct SeedApi;

#[OpenApi(prefix_path = "/v0.1/cgi-bin", tag = "ApiTags::Seed")]
impl SeedApi {
    /// Create (and publish) the default menu from the platform's JSON.
    #[oai(path = "/menu", method = "post")]
    async fn create_menu(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: SeedJson<SeedMenu>,
    ) -> SeedResult<WxStatus> {
        admin(&auth)?;
        if let Some(problem) = shared::menus::validate(&body.0.button).into_iter().next() {
            let (code, message) = menu_errcode(&problem.code);
            return Err(SeedError::BadRequest(status(code, message)));
        }
        crate::menus::replace_default(&state, body.0.button, auth.0.user_id).await?;
        Audit::by(&auth.0, "menu_published").detail("通过兼容接口").record(state.db.pool()).await?;
        Ok(ok())
    }

    /// The menu as WeChat has it.
    #[oai(path = "/menu", method = "get")]
    async fn get_menu(&self, state: Data<&AppState>, auth: BearerAuth) -> SeedResult<MenuAnswer> {
        admin(&auth)?;
        let info = state.wechat.client.get_menu().await.map_err(platform)?;
        let menu = info.menu.ok_or_else(|| SeedError::NotFound(status(46003, "menu no exist")))?;
        let button: Vec<MenuButton> =
            serde_json::from_value(serde_json::to_value(menu.button).unwrap_or_default()).unwrap_or_default();
        Ok(Json(MenuAnswer { menu: SeedMenu { button } }))
    }

    /// Delete every menu.
    #[oai(path = "/menu", method = "delete")]
    async fn delete_menu(&self, state: Data<&AppState>, auth: BearerAuth) -> SeedResult<WxStatus> {
        admin(&auth)?;
        state.wechat.client.delete_menu().await.map_err(platform)?;
        sqlx::query("UPDATE menus SET published_at = NULL, menuid = NULL").execute(state.db.pool()).await?;
        Audit::by(&auth.0, "menu_unpublished").detail("通过兼容接口").record(state.db.pool()).await?;
        Ok(ok())
    }

    /// Create a tag: a new group, owned by the caller, mirrored as a WeChat tag.
    #[oai(path = "/tags", method = "post")]
    async fn create_tag(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: FormFields<TagName>,
    ) -> SeedResult<TagCreated> {
        admin(&auth)?;
        let name = body.0.name.ok_or_else(missing)?;
        let new = NewGroup { name: name.clone(), mirror_tag: true, ..NewGroup::default() };
        let id =
            groups::create(&state.db, Scope::All, auth.0.user_id, new, Audit::by(&auth.0, "group_created")).await?;
        if let Err(err) = crate::people::tags::after_group_change(&state, id).await {
            // No tag, no group: the seed's caller asked for a tag.
            sqlx::query("DELETE FROM student_groups WHERE id = $1").bind(id).execute(state.db.pool()).await?;
            return Err(err.into());
        }
        let (tag, name) = crate::people::tags::tag_of(&state.db, crate::people::tags::Mirror::Group(id))
            .await?
            .ok_or_else(missing)?;
        Ok(Json(TagCreated { tag: TagRef { id: tag, name } }))
    }

    /// Every tag of the account, with how many followers have it.
    #[oai(path = "/tags", method = "get")]
    async fn tags(&self, state: Data<&AppState>, auth: BearerAuth) -> SeedResult<TagList> {
        admin(&auth)?;
        let tags = state.wechat.client.tags().await.map_err(platform)?;
        Ok(Json(TagList {
            tags: tags.into_iter().map(|t| TagCount { id: t.id, name: t.name, count: t.count }).collect(),
        }))
    }

    /// Rename a tag (a mirrored group or class is renamed with it).
    #[oai(path = "/tags", method = "put")]
    async fn rename_tag(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: FormFields<TagRename>,
    ) -> SeedResult<WxStatus> {
        admin(&auth)?;
        let id = number(body.0.id)?;
        let name = body.0.name.ok_or_else(missing)?;
        match mirrored(&state, id).await? {
            Some((_, Some(group), _)) => {
                let patch = GroupPatch { name: Some(name), ..GroupPatch::default() };
                groups::update(
                    &state.db,
                    Scope::All,
                    auth.0.user_id,
                    group,
                    patch,
                    Audit::by(&auth.0, "group_updated"),
                )
                .await?;
                crate::people::tags::after_group_change(&state, group).await?;
            }
            Some((Some(class), _, _)) => {
                let patch = shared::ClassPatch { name: Some(name), ..shared::ClassPatch::default() };
                crate::people::classes::update(
                    &state.db,
                    Scope::All,
                    class,
                    patch,
                    Audit::by(&auth.0, "class_updated"),
                )
                .await?;
                crate::people::tags::after_class_change(&state, class).await?;
            }
            _ => state.wechat.client.rename_tag(id, &name).await.map_err(platform)?,
        }
        Ok(ok())
    }

    /// Delete a tag (a tag made here deletes its group; a class's tag is turned off in
    /// the console instead).
    #[oai(path = "/tags", method = "delete")]
    async fn delete_tag(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: FormFields<TagId>,
    ) -> SeedResult<WxStatus> {
        admin(&auth)?;
        let id = number(body.0.id)?;
        match mirrored(&state, id).await? {
            Some((_, Some(group), _)) => {
                crate::people::tags::before_group_delete(&state, group).await?;
                sqlx::query("DELETE FROM student_groups WHERE id = $1").bind(group).execute(state.db.pool()).await?;
                Audit::by(&auth.0, "group_deleted").target(format!("group:{group}")).record(state.db.pool()).await?;
            }
            Some(_) => {
                return Err(SeedError::Conflict(status(
                    -1,
                    "this tag mirrors a class or a role; turn mirroring off in the console",
                )));
            }
            None => state.wechat.client.delete_tag(id).await.map_err(platform)?,
        }
        Ok(ok())
    }

    /// With `tagid`: the followers with that tag (`openid` is where to continue). With
    /// only `openid`: that follower's tags. With neither: errcode -1.
    #[oai(path = "/user/tags", method = "get")]
    async fn user_tags(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        tagid: Query<Option<String>>,
        openid: Query<Option<String>>,
    ) -> SeedResult<UserTags> {
        admin(&auth)?;
        let openid = openid.0.filter(|o| !o.is_empty());
        match (tagid.0.filter(|t| !t.is_empty()), openid) {
            (Some(tag), next) => {
                let tag: i64 = tag.parse().map_err(|_| missing())?;
                let page =
                    state.wechat.client.followers_of_tag(tag, next.as_deref().unwrap_or("")).await.map_err(platform)?;
                Ok(Json(UserTags::Users(TagUsers {
                    count: page.count,
                    data: OpenidList { openid: page.openids().to_vec() },
                    next_openid: page.next_openid.clone(),
                })))
            }
            (None, Some(openid)) => {
                let tagid_list = state.wechat.client.tags_of_follower(&openid).await.map_err(platform)?;
                Ok(Json(UserTags::Tags(TagIdList { tagid_list })))
            }
            (None, None) => Err(missing()),
        }
    }

    /// Tag followers (bound students also join the tag's group).
    #[oai(path = "/user/tags", method = "put")]
    async fn tag_users(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: FormFields<TagMembers>,
    ) -> SeedResult<WxStatus> {
        admin(&auth)?;
        let tag = number(body.0.tagid)?;
        if body.0.openid_list.is_empty() {
            return Err(missing());
        }
        state.wechat.client.tag_followers(tag, &body.0.openid_list).await.map_err(platform)?;
        if let Some((_, Some(group), _)) = mirrored(&state, tag).await? {
            let ids = students_of(&state, &body.0.openid_list).await?;
            if !ids.is_empty() {
                let change = GroupMembersChange { student_ids: ids, student_nos: Vec::new() };
                groups::add_members(&state.db, Scope::All, group, &change, Audit::by(&auth.0, "group_members_added"))
                    .await?;
            }
        }
        Ok(ok())
    }

    /// Untag followers (bound students also leave the tag's group).
    #[oai(path = "/user/tags", method = "delete")]
    async fn untag_users(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: FormFields<TagMembers>,
    ) -> SeedResult<WxStatus> {
        admin(&auth)?;
        let tag = number(body.0.tagid)?;
        if body.0.openid_list.is_empty() {
            return Err(missing());
        }
        state.wechat.client.untag_followers(tag, &body.0.openid_list).await.map_err(platform)?;
        if let Some((_, Some(group), _)) = mirrored(&state, tag).await? {
            for id in students_of(&state, &body.0.openid_list).await? {
                sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND student_id = $2")
                    .bind(group)
                    .bind(id)
                    .execute(state.db.pool())
                    .await?;
            }
            Audit::by(&auth.0, "group_members_removed")
                .target(format!("group:{group}"))
                .record(state.db.pool())
                .await?;
        }
        Ok(ok())
    }

    /// Set a follower's remark (at most 30 characters; empty clears it).
    #[oai(path = "/user/remark", method = "put")]
    async fn remark(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: FormFields<RemarkForm>,
    ) -> SeedResult<WxStatus> {
        admin(&auth)?;
        let openid = body.0.openid.ok_or_else(missing)?;
        let remark = body.0.remark.unwrap_or_default();
        if remark.chars().count() > 30 {
            return Err(SeedError::BadRequest(status(45159, "invalid remark size")));
        }
        state.wechat.client.set_remark(&openid, &remark).await.map_err(platform)?;
        crate::people::followers::remember_remark(&state.db, &openid, &remark).await?;
        Audit::by(&auth.0, "remark_set")
            .target(format!("openid:{openid}"))
            .detail(remark)
            .record(state.db.pool())
            .await?;
        Ok(ok())
    }
}
