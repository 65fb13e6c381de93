use shared::{NewUser, Page, Role, User, UserPatch};

use super::{query, ApiResult};

pub async fn list(search: String, role: Option<Role>, page: u32) -> ApiResult<Page<User>> {
    let q = query(&[
        ("q", search),
        ("role", role.map(|r| r.as_str().to_string()).unwrap_or_default()),
        ("page", page.to_string()),
    ]);
    super::get(&format!("/users{q}")).await
}

pub async fn create(user: &NewUser) -> ApiResult<User> {
    super::post("/users", user).await
}

pub async fn update(id: i64, patch: &UserPatch) -> ApiResult<User> {
    super::patch(&format!("/users/{id}"), patch).await
}

pub async fn delete(id: i64) -> ApiResult<()> {
    super::delete(&format!("/users/{id}")).await
}
