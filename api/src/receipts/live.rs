//! An open notice report follows the notice live: whatever changes a notice's receipts
//! (a read, a confirmation, a vote, a comment, a delivery recorded) publishes on the
//! topic `report:<id>` (see `crate::http::live` for the stream and its tickets).

use futures_util::stream::{BoxStream, StreamExt};
use poem_openapi::Object;

use crate::error::ApiResult;
use crate::http::live;
use crate::kv::Kv;

fn topic(notice_id: i64) -> String {
    format!("report:{notice_id}")
}

/// Tells open reports of these notices that something changed. Never fails the caller.
pub async fn changed(kv: &Kv, notice_ids: impl IntoIterator<Item = i64>) {
    for id in notice_ids {
        live::changed(kv, &topic(id)).await;
    }
}

pub async fn issue_ticket(kv: &Kv, notice_id: i64, user_id: i64) -> ApiResult<String> {
    live::issue_ticket(kv, &topic(notice_id), user_id).await
}

/// Uses up a ticket; it must have been issued for this notice.
pub async fn redeem(kv: &Kv, notice_id: i64, ticket: &str) -> ApiResult<i64> {
    live::redeem(kv, &topic(notice_id), ticket).await
}

/// What the stream says: this notice's report changed.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ReportChanged {
    pub notice_id: i64,
}

pub async fn stream(kv: &Kv, notice_id: i64) -> ApiResult<BoxStream<'static, ReportChanged>> {
    Ok(live::ticks(kv, &topic(notice_id)).await?.map(move |()| ReportChanged { notice_id }).boxed())
}
