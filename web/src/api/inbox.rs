//! The inbox (消息): threads, one thread, answers, handled.

use shared::{InboxThread, InboxThreadDetail, NewInboxReply, Page, ThreadMessage};

use super::{query, ApiResult};

pub async fn threads(waiting: bool, search: String, page: u32) -> ApiResult<Page<InboxThread>> {
    let q = query(&[
        ("waiting", if waiting { "true".into() } else { String::new() }),
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
