use shared::{AuditEntry, Page};

use super::{query, ApiResult};

pub async fn list(actor: String, action: String, page: u32) -> ApiResult<Page<AuditEntry>> {
    let q = query(&[("actor", actor), ("action", action), ("page", page.to_string())]);
    super::get(&format!("/audit{q}")).await
}
