use serde_json::json;
use shared::{MenuDraft, MenuFeature, NewMenu};

use super::ApiResult;

pub async fn list() -> ApiResult<Vec<MenuDraft>> {
    super::get("/menus").await
}

pub async fn features() -> ApiResult<Vec<MenuFeature>> {
    super::get("/menus/features").await
}

pub async fn create(new: &NewMenu) -> ApiResult<MenuDraft> {
    super::post("/menus", new).await
}

pub async fn update(id: i64, menu: &NewMenu) -> ApiResult<MenuDraft> {
    super::put(&format!("/menus/{id}"), menu).await
}

pub async fn delete(id: i64) -> ApiResult<()> {
    super::delete(&format!("/menus/{id}")).await
}

pub async fn publish(id: i64) -> ApiResult<MenuDraft> {
    super::post(&format!("/menus/{id}/publish"), &json!({})).await
}

pub async fn unpublish(id: i64) -> ApiResult<MenuDraft> {
    super::send(gloo_net::http::Method::DELETE, &format!("/menus/{id}/publish"), None, true).await.map(|_| ())?;
    list().await?.into_iter().find(|m| m.id == id).ok_or(super::ClientError::Server)
}

#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct ManagedTag {
    pub id: i64,
    pub name: String,
    pub mirrors: String,
}

pub async fn tags() -> ApiResult<Vec<ManagedTag>> {
    super::get("/wechat/tags").await
}
