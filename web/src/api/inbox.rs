//! The inbox (消息): threads, one thread, answers of every kind, files to answer with,
//! saved answers, handled, a thread's export, the live stream.

use shared::{
    InboxThread, InboxThreadDetail, InboxUpload, NewInboxReply, NewQuickReply, Page, QuickReply, StreamTicket,
    ThreadMessage,
};

use super::{encode, query, ApiResult};

/// Which threads: 未处理, 我的 or 全部.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum Which {
    #[default]
    Waiting,
    Mine,
    All,
}

pub async fn threads(
    which: Which,
    class_id: Option<i64>,
    kind: String,
    search: String,
    page: u32,
) -> ApiResult<Page<InboxThread>> {
    let q = query(&[
        ("waiting", if which == Which::Waiting { "true".into() } else { String::new() }),
        ("mine", if which == Which::Mine { "true".into() } else { String::new() }),
        ("class_id", class_id.map(|c| c.to_string()).unwrap_or_default()),
        ("kind", kind),
        ("q", search),
        ("page", page.to_string()),
    ]);
    super::get(&format!("/inbox/threads{q}")).await
}

pub async fn thread(openid: String) -> ApiResult<InboxThreadDetail> {
    super::get(&format!("/inbox/threads/{openid}")).await
}

pub async fn reply(openid: &str, answer: &NewInboxReply) -> ApiResult<ThreadMessage> {
    super::post(&format!("/inbox/threads/{openid}/replies"), answer).await
}

/// Uploads a file to answer with as `kind` (`image`, `voice`, `video`, `thumb`).
pub async fn upload(kind: &str, file: &web_sys::File) -> ApiResult<InboxUpload> {
    super::upload(&format!("/inbox/uploads?kind={}", encode(kind)), file).await
}

pub async fn export(openid: &str, name: &str) -> ApiResult<()> {
    super::download(&format!("/inbox/threads/{openid}/export?format=xlsx"), &format!("{name}-消息记录.xlsx")).await
}

pub async fn quick_replies() -> ApiResult<Vec<QuickReply>> {
    super::get("/inbox/quick-replies").await
}

pub async fn save_quick_reply(text: String) -> ApiResult<QuickReply> {
    super::post("/inbox/quick-replies", &NewQuickReply { text }).await
}

pub async fn delete_quick_reply(id: i64) -> ApiResult<()> {
    super::delete(&format!("/inbox/quick-replies/{id}")).await
}

pub async fn stream_ticket() -> ApiResult<StreamTicket> {
    super::post("/inbox/live/ticket", &serde_json::json!({})).await
}

pub fn events_url(ticket: &str) -> String {
    format!("/api/v1/inbox/live/events{}", query(&[("ticket", ticket.to_string())]))
}

pub async fn handled(openid: &str) -> ApiResult<()> {
    super::post_done(&format!("/inbox/threads/{openid}/handled"), &serde_json::json!({})).await
}

/// How many threads wait for the caller (未处理).
pub async fn waiting_count() -> ApiResult<i64> {
    let page: Page<InboxThread> = super::get("/inbox/threads?waiting=true&per_page=1").await?;
    Ok(page.total)
}
