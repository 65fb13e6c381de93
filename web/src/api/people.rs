//! Classes, students, cadres, groups, teachers, rosters, followers, settings and the
//! teacher's own WeChat binding.

use serde_json::json;
use shared::{
    Cadre, CadrePatch, Class, ClassPatch, Follower, FollowerSync, Group, GroupMembersChange, GroupPatch, ImportJob,
    NewCadre, NewClass, NewGroup, NewStudent, Page, Settings, SettingsPatch, Student, StudentDetail, StudentPatch,
    StudentStatus, TeacherBinding, TeacherProfile, TeacherProfilePatch, User,
};

use super::{query, ApiResult};

pub async fn classes(search: String, page: u32, per_page: u32) -> ApiResult<Page<Class>> {
    let q = query(&[("q", search), ("page", page.to_string()), ("per_page", per_page.to_string())]);
    super::get(&format!("/classes{q}")).await
}

pub async fn class(id: i64) -> ApiResult<Class> {
    super::get(&format!("/classes/{id}")).await
}

/// The class's binding poster (its follow QR code is made on first use).
pub async fn poster(id: i64) -> ApiResult<shared::BindPoster> {
    super::get(&format!("/classes/{id}/poster")).await
}

pub async fn create_class(new: &NewClass) -> ApiResult<Class> {
    super::post("/classes", new).await
}

pub async fn update_class(id: i64, patch: &ClassPatch) -> ApiResult<Class> {
    super::patch(&format!("/classes/{id}"), patch).await
}

pub async fn delete_class(id: i64) -> ApiResult<()> {
    super::delete(&format!("/classes/{id}")).await
}

/// Filters of the student list (and of the roster export).
#[derive(Clone, Default, PartialEq)]
pub struct StudentFilter {
    pub search: String,
    pub class_id: Option<i64>,
    pub group_id: Option<i64>,
    pub status: Option<StudentStatus>,
    pub bound: Option<bool>,
}

impl StudentFilter {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.search.clone()),
            ("class_id", self.class_id.map(|c| c.to_string()).unwrap_or_default()),
            ("group_id", self.group_id.map(|g| g.to_string()).unwrap_or_default()),
            ("status", self.status.map(|s| s.as_str().to_string()).unwrap_or_default()),
            ("bound", self.bound.map(|b| b.to_string()).unwrap_or_default()),
        ]
    }
}

pub async fn students(filter: StudentFilter, page: u32) -> ApiResult<Page<Student>> {
    let mut pairs = filter.pairs();
    pairs.push(("page", page.to_string()));
    super::get(&format!("/students{}", query(&pairs))).await
}

pub async fn student(id: i64) -> ApiResult<StudentDetail> {
    super::get(&format!("/students/{id}")).await
}

pub async fn create_student(new: &NewStudent) -> ApiResult<Student> {
    super::post("/students", new).await
}

pub async fn update_student(id: i64, patch: &StudentPatch) -> ApiResult<Student> {
    super::patch(&format!("/students/{id}"), patch).await
}

pub async fn delete_student(id: i64) -> ApiResult<()> {
    super::delete(&format!("/students/{id}")).await
}

pub async fn unbind_student(id: i64) -> ApiResult<Student> {
    super::post(&format!("/students/{id}/unbind"), &json!({})).await
}

pub async fn cadres(class_id: i64) -> ApiResult<Vec<Cadre>> {
    super::get(&format!("/classes/{class_id}/cadres")).await
}

pub async fn add_cadre(class_id: i64, new: &NewCadre) -> ApiResult<Cadre> {
    super::post(&format!("/classes/{class_id}/cadres"), new).await
}

pub async fn change_cadre(class_id: i64, id: i64, patch: &CadrePatch) -> ApiResult<Cadre> {
    super::patch(&format!("/classes/{class_id}/cadres/{id}"), patch).await
}

pub async fn remove_cadre(class_id: i64, id: i64) -> ApiResult<()> {
    super::delete(&format!("/classes/{class_id}/cadres/{id}")).await
}

pub async fn groups(search: String, page: u32) -> ApiResult<Page<Group>> {
    super::get(&format!("/groups{}", query(&[("q", search), ("page", page.to_string())]))).await
}

pub async fn create_group(new: &NewGroup) -> ApiResult<Group> {
    super::post("/groups", new).await
}

pub async fn update_group(id: i64, patch: &GroupPatch) -> ApiResult<Group> {
    super::patch(&format!("/groups/{id}"), patch).await
}

pub async fn delete_group(id: i64) -> ApiResult<()> {
    super::delete(&format!("/groups/{id}")).await
}

pub async fn add_members(id: i64, change: &GroupMembersChange) -> ApiResult<Group> {
    super::post(&format!("/groups/{id}/members"), change).await
}

pub async fn remove_member(id: i64, student_id: i64) -> ApiResult<()> {
    super::delete(&format!("/groups/{id}/members/{student_id}")).await
}

pub async fn teachers(search: String, page: u32) -> ApiResult<Page<TeacherProfile>> {
    super::get(&format!("/teachers{}", query(&[("q", search), ("page", page.to_string()), ("per_page", "100".into())])))
        .await
}

pub async fn my_profile() -> ApiResult<TeacherProfile> {
    super::get("/me/profile").await
}

pub async fn update_my_profile(patch: &TeacherProfilePatch) -> ApiResult<TeacherProfile> {
    super::patch("/me/profile", patch).await
}

pub async fn my_wechat() -> ApiResult<TeacherBinding> {
    super::get("/me/wechat").await
}

pub async fn unbind_my_wechat() -> ApiResult<()> {
    super::delete("/me/wechat").await
}

pub async fn start_import(file: &web_sys::File, dry_run: bool, create_classes: bool) -> ApiResult<ImportJob> {
    super::upload(&format!("/roster/imports?dry_run={dry_run}&create_classes={create_classes}"), file).await
}

pub async fn import_job(id: &str) -> ApiResult<ImportJob> {
    super::get(&format!("/roster/imports/{id}")).await
}

pub async fn export(filter: &StudentFilter, format: &str) -> ApiResult<()> {
    let mut pairs = filter.pairs();
    pairs.push(("format", format.to_string()));
    super::download(&format!("/roster/export{}", query(&pairs)), &format!("学生名单.{format}")).await
}

pub async fn template(format: &str) -> ApiResult<()> {
    super::download(&format!("/roster/template?format={format}"), &format!("学生名单模板.{format}")).await
}

pub async fn followers(search: String, bound: Option<bool>, page: u32) -> ApiResult<Page<Follower>> {
    let bound = bound.map(|b| b.to_string()).unwrap_or_default();
    super::get(&format!("/followers{}", query(&[("q", search), ("bound", bound), ("page", page.to_string())]))).await
}

pub async fn sync_followers() -> ApiResult<FollowerSync> {
    super::post("/followers/sync", &json!({})).await
}

pub async fn follower_sync() -> ApiResult<FollowerSync> {
    super::get("/followers/sync").await
}

pub async fn set_remark(openid: &str, remark: &str) -> ApiResult<()> {
    let _: serde_json::Value =
        super::put(&format!("/followers/{}/remark", super::encode(openid)), &json!({ "remark": remark })).await?;
    Ok(())
}

pub async fn settings() -> ApiResult<Settings> {
    super::get("/settings").await
}

pub async fn update_settings(patch: &SettingsPatch) -> ApiResult<Settings> {
    super::patch("/settings", patch).await
}

pub async fn pending_users() -> ApiResult<Page<User>> {
    super::get("/users?pending=true&per_page=100").await
}

pub async fn approve(id: i64) -> ApiResult<User> {
    super::post(&format!("/users/{id}/approve"), &json!({})).await
}

pub async fn register(form: &shared::Registration) -> ApiResult<shared::Registered> {
    super::post_public("/auth/register", form).await
}

pub async fn resync_tags() -> ApiResult<shared::TagResync> {
    super::post("/wechat/tags/resync", &json!({})).await
}
