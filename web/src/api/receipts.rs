//! What happens after a notice goes out: the teacher's report, the lists of who has not
//! read or confirmed (and their export), reminders, comments and the report's live
//! stream ticket; and the student's side of the same — confirming, voting, commenting,
//! and a class cadre's view of their class (with the student token, through `portal`).

use gloo_net::http::Method;
use serde_json::json;
use shared::{
    Ballot, ClassmateReceipt, Comment, CommentVisibility, Missing, NewComment, NoticeReport, Page, Receipt,
    RemindRequest, Reminder, ReminderReach, StreamTicket, StudentNoticeDetail, StudentVote,
};

use super::{portal, query, ApiResult};

/// `read` or `confirmation`, as the query strings spell it.
pub fn missing_param(missing: Option<Missing>) -> String {
    match missing {
        Some(Missing::Read) => "read".into(),
        Some(Missing::Confirmation) => "confirmation".into(),
        None => String::new(),
    }
}

/// Filters of the report's recipient list; `missing: None` lists everyone.
#[derive(Clone, Default, PartialEq)]
pub struct ReceiptFilter {
    pub missing: Option<Missing>,
    pub class_id: Option<i64>,
    pub search: String,
}

impl ReceiptFilter {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("missing", missing_param(self.missing)),
            ("class_id", self.class_id.map(|c| c.to_string()).unwrap_or_default()),
            ("q", self.search.clone()),
        ]
    }
}

pub async fn report(id: i64) -> ApiResult<NoticeReport> {
    super::get(&format!("/notices/{id}/report")).await
}

pub async fn receipts(id: i64, filter: ReceiptFilter, page: u32) -> ApiResult<Page<Receipt>> {
    let mut pairs = filter.pairs();
    pairs.push(("page", page.to_string()));
    super::get(&format!("/notices/{id}/receipts{}", query(&pairs))).await
}

/// Every name on the list (all pages), to paste into the class's group chat.
pub async fn receipt_names(id: i64, filter: &ReceiptFilter) -> ApiResult<Vec<String>> {
    let mut names = Vec::new();
    for page in 1..=50u32 {
        let mut pairs = filter.pairs();
        pairs.push(("page", page.to_string()));
        pairs.push(("per_page", shared::page::MAX_PER_PAGE.to_string()));
        let got: Page<Receipt> = super::get(&format!("/notices/{id}/receipts{}", query(&pairs))).await?;
        let last = got.items.len() < shared::page::MAX_PER_PAGE as usize
            || names.len() as i64 + got.items.len() as i64 >= got.total;
        names.extend(got.items.into_iter().map(|r| r.name));
        if last {
            break;
        }
    }
    Ok(names)
}

/// Fetches the list as a CSV or XLSX file (with the bearer token) and saves it.
pub async fn export(id: i64, filter: &ReceiptFilter, format: &str, file_name: &str) -> ApiResult<()> {
    let mut pairs = vec![("format", format.to_string())];
    pairs.extend(filter.pairs().into_iter().filter(|(k, _)| *k != "q"));
    super::download(&format!("/notices/{id}/receipts/export{}", query(&pairs)), file_name).await
}

/// A single-use ticket for the report's event stream (EventSource sends no header).
pub async fn stream_ticket(id: i64) -> ApiResult<StreamTicket> {
    super::post(&format!("/notices/{id}/report/ticket"), &json!({})).await
}

/// The address of the report's event stream for a ticket.
pub fn events_url(id: i64, ticket: &str) -> String {
    format!("/api/v1/notices/{id}/report/events{}", query(&[("ticket", ticket.to_string())]))
}

/// How many owe the notice and how many a reminder would reach now.
pub async fn reach(id: i64, request: &RemindRequest) -> ApiResult<ReminderReach> {
    let missing = if request.missing == Missing::Confirmation { "confirmation" } else { "read" };
    let class = request.class_id.map(|c| c.to_string()).unwrap_or_default();
    super::get(&format!("/notices/{id}/reminders/reach{}", query(&[("missing", missing.into()), ("class_id", class)])))
        .await
}

pub async fn remind(id: i64, request: &RemindRequest) -> ApiResult<Reminder> {
    super::post(&format!("/notices/{id}/reminders"), request).await
}

pub async fn comments(id: i64) -> ApiResult<Vec<Comment>> {
    super::get(&format!("/notices/{id}/comments")).await
}

pub async fn reply(id: i64, parent_id: i64, body: String) -> ApiResult<Comment> {
    super::post(&format!("/notices/{id}/comments"), &NewComment { body, private: false, parent_id: Some(parent_id) })
        .await
}

/// Top-level comments in order, each with its replies.
pub fn threads(comments: Vec<Comment>) -> Vec<(Comment, Vec<Comment>)> {
    let (mut tops, replies): (Vec<Comment>, Vec<Comment>) = comments.into_iter().partition(|c| c.parent_id.is_none());
    tops.sort_by_key(|c| c.created_at);
    let mut threads: Vec<(Comment, Vec<Comment>)> = tops.into_iter().map(|c| (c, Vec::new())).collect();
    for reply in replies {
        if let Some((_, list)) = threads.iter_mut().find(|(top, _)| Some(top.id) == reply.parent_id) {
            list.push(reply);
        }
    }
    for (_, list) in &mut threads {
        list.sort_by_key(|c| c.created_at);
    }
    threads
}

pub async fn set_hidden(id: i64, comment_id: i64, hidden: bool) -> ApiResult<Comment> {
    super::put(&format!("/notices/{id}/comments/{comment_id}/visibility"), &CommentVisibility { hidden }).await
}

// The student pages, with the student token.

/// 收到/确认: recorded once; the answer is the notice with `confirmed_at`.
pub async fn confirm(id: i64) -> ApiResult<StudentNoticeDetail> {
    portal::send(Method::POST, &format!("/notices/{id}/confirm"), Some(&json!({}))).await
}

pub async fn vote(id: i64, choices: Vec<u32>) -> ApiResult<StudentVote> {
    portal::send(Method::PUT, &format!("/notices/{id}/vote"), Some(&Ballot { choices })).await
}

pub async fn my_comments(id: i64) -> ApiResult<Vec<Comment>> {
    portal::send::<(), _>(Method::GET, &format!("/notices/{id}/comments"), None).await
}

pub async fn comment(id: i64, body: String, private: bool) -> ApiResult<Comment> {
    portal::send(Method::POST, &format!("/notices/{id}/comments"), Some(&NewComment { body, private, parent_id: None }))
        .await
}

/// A cadre's classmates who still owe the notice a read or a confirmation.
pub async fn class_missing(id: i64, class_id: i64, missing: Missing) -> ApiResult<Vec<ClassmateReceipt>> {
    let q = query(&[("missing", missing_param(Some(missing)))]);
    portal::send::<(), _>(Method::GET, &format!("/notices/{id}/classes/{class_id}/receipts{q}"), None).await
}

pub async fn class_remind(id: i64, class_id: i64, missing: Missing) -> ApiResult<Reminder> {
    let request = RemindRequest { missing, class_id: Some(class_id) };
    portal::send(Method::POST, &format!("/notices/{id}/classes/{class_id}/reminders"), Some(&request)).await
}

/// Sends the list (all, or who still owes `missing`) to the teacher's own WeChat.
pub async fn export_to_wechat(id: i64, missing: Option<Missing>) -> ApiResult<shared::FileLink> {
    let q = query(&[("missing", missing_param(missing))]);
    super::post(&format!("/notices/{id}/receipts/export/wechat{q}"), &serde_json::json!({})).await
}
