//! Parametric QR codes (二维码): the list, making one, its print view, deleting it, and
//! the account's permanent-code quota.

use shared::{NewQrCode, Page, QrCode, QrQuota};

use super::{query, ApiResult};

pub async fn list(page: u32) -> ApiResult<Page<QrCode>> {
    super::get(&format!("/qrcodes{}", query(&[("page", page.to_string())]))).await
}

pub async fn get(id: i64) -> ApiResult<QrCode> {
    super::get(&format!("/qrcodes/{id}")).await
}

pub async fn create(new: &NewQrCode) -> ApiResult<QrCode> {
    super::post("/qrcodes", new).await
}

pub async fn delete(id: i64) -> ApiResult<()> {
    super::delete(&format!("/qrcodes/{id}")).await
}

pub async fn quota() -> ApiResult<QrQuota> {
    super::get("/qrcodes/quota").await
}
