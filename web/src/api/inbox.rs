//! The inbox (消息): threads, one thread, answers, handled.

use shared::{InboxThread, InboxThreadDetail, NewInboxReply, Page, ThreadMessage};

use super::{query, ApiResult};

/// Which threads: 未处理, 我的 or 全部.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum Which {
    #[default]
    Waiting,
    Mine,
    All,
}

pub async fn threads(which: Which, class_id: Option<i64>, search: String, page: u32) -> ApiResult<Page<InboxThread>> {
    let q = query(&[
        ("waiting", if which == Which::Waiting { "true".into() } else { String::new() }),
        ("mine", if which == Which::Mine { "true".into() } else { String::new() }),
        ("class_id", class_id.map(|c| c.to_string()).unwrap_or_default()),
        ("q", search),
        ("page", page.to_string()),
    ]);
    super::get(&format!("/inbox/threads{q}")).await
}

pub async fn thread(openid: String) -> ApiResult<InboxThreadDetail> {
    super::get(&format!("/inbox/threads/{openid}")).await
}

pub async fn reply(openid: &str, text: String) -> ApiResult<ThreadMessage> {
    super::post(&format!("/inbox/threads/{openid}/replies"), &NewInboxReply { text }).await
}

pub async fn handled(openid: &str) -> ApiResult<()> {
    super::post_done(&format!("/inbox/threads/{openid}/handled"), &serde_json::json!({})).await
}

/// How many threads wait for the caller (未处理).
pub async fn waiting_count() -> ApiResult<i64> {
    let page: Page<InboxThread> = super::get("/inbox/threads?waiting=true&per_page=1").await?;
    Ok(page.total)
}
