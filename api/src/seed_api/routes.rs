//! The seed's endpoints. Bad or missing fields answer 400 with
//! `{"errcode": -1, "errmsg": "参数缺失或参数错误"}`; WeChat's refusals its own errcode,
//! with a 4xx when the caller's input was refused (an unknown openid is 404 with
//! errcode 40003) and a 5xx only when the platform itself failed. What poem answers
//! before a handler runs (401, 413, 415) is the API's usual `{ code, message }`.

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Union};
use shared::{ErrorBody, GroupMembersChange, GroupPatch, MenuButton, NewGroup};

use super::fields::{Fields, FormFields, FromFields, SeedJson};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::error::ApiError;
use crate::people::{groups, Scope};
use crate::state::AppState;
use crate::wechat::{Blame, WechatError};

/// `{"errcode": 0, "errmsg": "ok"}`, or an error's code and message.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct WxStatus {
    pub errcode: i64,
    pub errmsg: String,
}

fn ok() -> Json<WxStatus> {
    Json(WxStatus { errcode: 0, errmsg: "ok".into() })
}

#[derive(ApiResponse, Debug)]
pub enum SeedError {
    /// A field is missing or wrong (`errcode` -1), or the request breaks a platform rule
    /// (the platform's errcode).
    #[oai(status = 400)]
    BadRequest(Json<WxStatus>),
    /// No credentials, or invalid ones.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// The caller is not an administrator.
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// Nothing there (no menu, no such tag).
    #[oai(status = 404)]
    NotFound(Json<WxStatus>),
    /// The request conflicts with Banji's data (a class's tag cannot be deleted here)
    /// or the platform's (a taken tag name).
    #[oai(status = 409)]
    Conflict(Json<WxStatus>),
    /// The body is larger than the server accepts.
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// The body is not in a content type the operation takes (`errcode` -1).
    #[oai(status = 415)]
    UnsupportedMediaType(Json<WxStatus>),
    #[oai(status = 422)]
    Unprocessable(Json<WxStatus>),
    #[oai(status = 500)]
    Internal(Json<WxStatus>),
    /// WeChat failed or refused Banji itself: its errcode and errmsg.
    #[oai(status = 502)]
    Platform(Json<WxStatus>),
    /// WeChat is busy or unreachable: try again later.
    #[oai(status = 503)]
    Unavailable(Json<WxStatus>),
}

type SeedResult<T> = Result<Json<T>, SeedError>;

pub(super) fn status(errcode: i64, errmsg: impl Into<String>) -> Json<WxStatus> {
    Json(WxStatus { errcode, errmsg: errmsg.into() })
}

pub(super) fn missing() -> SeedError {
    SeedError::BadRequest(status(-1, "参数缺失或参数错误"))
}

/// The platform's refusal with its own errcode, under the status its blame gives.
fn platform(err: WechatError) -> SeedError {
    let blame = err.blame();
    let body = match err {
        WechatError::Api { code, message } => status(code, message),
        other => status(-1, other.to_string()),
    };
    match blame {
        Blame::Unknown => SeedError::NotFound(body),
        Blame::Invalid => SeedError::BadRequest(body),
        Blame::Conflict => SeedError::Conflict(body),
        Blame::Unavailable => SeedError::Unavailable(body),
        Blame::Platform => SeedError::Platform(body),
    }
}

impl From<ApiError> for SeedError {
    fn from(err: ApiError) -> Self {
        let body = err.body().clone();
        match err.status() {
            401 => SeedError::Unauthorized(Json(body)),
            403 => SeedError::Forbidden(Json(body)),
            404 => SeedError::NotFound(status(-1, body.message)),
            409 => SeedError::Conflict(status(-1, body.message)),
            413 => SeedError::PayloadTooLarge(Json(body)),
            415 => SeedError::UnsupportedMediaType(status(-1, body.message)),
            400 | 422 => SeedError::BadRequest(status(-1, body.message)),
            502 => SeedError::Platform(status(-1, body.message)),
            503 => SeedError::Unavailable(status(-1, body.message)),
            _ => SeedError::Internal(status(-1, "internal server error")),
        }
    }
}

impl From<sqlx::Error> for SeedError {
    fn from(err: sqlx::Error) -> Self {
        ApiError::from(err).into()
    }
}

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

/// The seed's menu JSON: `{"button": [...]}`.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct SeedMenu {
    pub button: Vec<MenuButton>,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct MenuAnswer {
    pub menu: SeedMenu,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagRef {
    pub id: i64,
    pub name: String,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagCreated {
    pub tag: TagRef,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagCount {
    pub id: i64,
    pub name: String,
    /// Followers with this tag.
    pub count: i64,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagList {
    pub tags: Vec<TagCount>,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct OpenidList {
    pub openid: Vec<String>,
}

/// Followers with a tag, a page at a time (`next_openid` continues).
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagUsers {
    pub count: i64,
    pub data: OpenidList,
    pub next_openid: String,
}

/// The tags of one follower.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagIdList {
    pub tagid_list: Vec<i64>,
}

#[derive(Union, Debug)]
pub enum UserTags {
    Users(TagUsers),
    Tags(TagIdList),
}

#[derive(Object, Debug, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct TagName {
    /// The new tag's name.
    pub name: Option<String>,
}

impl FromFields for TagName {
    fn from_fields(f: &Fields) -> Self {
        TagName { name: f.one("name") }
    }
}

#[derive(Object, Debug, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct TagRename {
    pub id: Option<String>,
    pub name: Option<String>,
}

impl FromFields for TagRename {
    fn from_fields(f: &Fields) -> Self {
        TagRename { id: f.one("id"), name: f.one("name") }
    }
}

#[derive(Object, Debug, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct TagId {
    pub id: Option<String>,
}

impl FromFields for TagId {
    fn from_fields(f: &Fields) -> Self {
        TagId { id: f.one("id") }
    }
}

#[derive(Object, Debug, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct TagMembers {
    /// Repeated fields, or one field holding a JSON array.
    pub openid_list: Vec<String>,
    pub tagid: Option<String>,
}

impl FromFields for TagMembers {
    fn from_fields(f: &Fields) -> Self {
        TagMembers { openid_list: f.list("openid_list"), tagid: f.one("tagid") }
    }
}

#[derive(Object, Debug, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct RemarkForm {
    pub openid: Option<String>,
    pub remark: Option<String>,
}

impl FromFields for RemarkForm {
    fn from_fields(f: &Fields) -> Self {
        // An empty remark clears it, so keep it even when empty.
        RemarkForm { openid: f.one("openid"), remark: f.one("remark").or(Some(String::new())) }
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
