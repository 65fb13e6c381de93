//! Procedures (办事指南) and offices (联系方式): the console's list, editor and preview,
//! the offices admins keep, and the students' pages.

use gloo_net::http::Method;
use shared::{
    Guide, GuideSummary, NewGuide, NewOffice, Office, Page, PortalContacts, PortalGuide, PortalGuideSummary,
    TeacherProfile,
};

use super::{portal, query, ApiResult};

pub async fn list(search: String, page: u32) -> ApiResult<Page<GuideSummary>> {
    super::get(&format!("/guides{}", query(&[("q", search), ("page", page.to_string())]))).await
}

pub async fn get(id: i64) -> ApiResult<Guide> {
    super::get(&format!("/guides/{id}")).await
}

pub async fn create(new: &NewGuide) -> ApiResult<Guide> {
    super::post("/guides", new).await
}

pub async fn replace(id: i64, new: &NewGuide) -> ApiResult<Guide> {
    super::put(&format!("/guides/{id}"), new).await
}

pub async fn delete(id: i64) -> ApiResult<()> {
    super::delete(&format!("/guides/{id}")).await
}

/// The unsaved procedure as a student will see it.
pub async fn preview(draft: &NewGuide) -> ApiResult<PortalGuide> {
    super::post("/guides/preview", draft).await
}

pub async fn offices() -> ApiResult<Vec<Office>> {
    super::get("/offices").await
}

pub async fn create_office(new: &NewOffice) -> ApiResult<Office> {
    super::post("/offices", new).await
}

pub async fn replace_office(id: i64, new: &NewOffice) -> ApiResult<Office> {
    super::put(&format!("/offices/{id}"), new).await
}

pub async fn delete_office(id: i64) -> ApiResult<()> {
    super::delete(&format!("/offices/{id}")).await
}

/// Published procedures for a student, narrowed by words and a tag.
pub async fn portal_list(search: String, tag: String) -> ApiResult<Page<PortalGuideSummary>> {
    portal::send::<(), _>(Method::GET, &format!("/guides{}", query(&[("q", search), ("tag", tag)])), None).await
}

pub async fn portal_get(id: i64) -> ApiResult<PortalGuide> {
    portal::send::<(), _>(Method::GET, &format!("/guides/{id}"), None).await
}

/// The offices and the teachers whose contact details are public.
pub async fn contacts(search: String, page: u32) -> ApiResult<PortalContacts> {
    portal::send::<(), _>(
        Method::GET,
        &format!("/contacts{}", query(&[("q", search), ("page", page.to_string())])),
        None,
    )
    .await
}

/// Teachers to name as contacts (the first hundred, by name).
pub async fn teachers() -> ApiResult<Page<TeacherProfile>> {
    super::get("/teachers?per_page=100").await
}

/// Documents of the library to link a material to, as (id, title), when the library's
/// endpoint answers (read loosely: only `items[].id` and `items[].title`).
pub async fn documents() -> ApiResult<Vec<(i64, String)>> {
    let page: serde_json::Value = super::get("/documents?per_page=100").await?;
    let items = page["items"].as_array().cloned().unwrap_or_default();
    Ok(items.iter().filter_map(|d| Some((d["id"].as_i64()?, d["title"].as_str()?.to_string()))).collect())
}
