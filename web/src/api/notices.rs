//! Notices: the console's compose, send, withdraw and delivery report, the admins'
//! categories and template mappings, and the student pages' own notices and
//! subscriptions (with the student token, through `portal`).

use chrono::{DateTime, Utc};
use gloo_net::http::Method;
use serde::Deserialize;
use serde_json::json;
use shared::{
    Attachment, Audience, AudienceCount, CategorySubscription, Delivery, DeliveryProgress, FileLink, NewCategory,
    NewNotice, Notice, NoticeCategory, NoticePatch, NoticeStatus, NoticeSummary, Page, SendRequest, StudentNotice,
    StudentNoticeDetail, SubscriptionChange, TemplateMapping, TemplateSettings, Urgency,
};

use super::{encode, portal, query, ApiResult};

/// Filters of the notice list.
#[derive(Clone, Default, PartialEq)]
pub struct NoticeFilter {
    pub search: String,
    pub status: Option<NoticeStatus>,
    pub category_id: Option<i64>,
    pub urgency: Option<Urgency>,
    pub author_id: Option<i64>,
    /// Created at or after.
    pub from: Option<DateTime<Utc>>,
    /// Created before.
    pub until: Option<DateTime<Utc>>,
    /// Sent to this class (the counts are then the class's).
    pub class_id: Option<i64>,
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

pub async fn list(filter: NoticeFilter, page: u32) -> ApiResult<Page<NoticeSummary>> {
    let q = query(&[
        ("q", filter.search),
        ("status", opt(filter.status.map(NoticeStatus::as_str))),
        ("category_id", opt(filter.category_id)),
        ("urgency", opt(filter.urgency.map(Urgency::as_str))),
        ("author_id", opt(filter.author_id)),
        ("from", opt(filter.from.map(|t| t.to_rfc3339()))),
        ("until", opt(filter.until.map(|t| t.to_rfc3339()))),
        ("class_id", opt(filter.class_id)),
        ("page", page.to_string()),
    ]);
    super::get(&format!("/notices{q}")).await
}

pub async fn get(id: i64) -> ApiResult<Notice> {
    super::get(&format!("/notices/{id}")).await
}

pub async fn create(new: &NewNotice) -> ApiResult<Notice> {
    super::post("/notices", new).await
}

pub async fn update(id: i64, patch: &NoticePatch) -> ApiResult<Notice> {
    super::patch(&format!("/notices/{id}"), patch).await
}

pub async fn delete(id: i64) -> ApiResult<()> {
    super::delete(&format!("/notices/{id}")).await
}

/// Sends now (`at` empty) or schedules.
pub async fn send(id: i64, at: Option<DateTime<Utc>>) -> ApiResult<Notice> {
    super::post(&format!("/notices/{id}/send"), &SendRequest { at }).await
}

/// Corrects a sent notice's title or body; nothing is pushed again.
pub async fn correct(id: i64, correction: &shared::NoticeCorrection) -> ApiResult<Notice> {
    super::post(&format!("/notices/{id}/correction"), correction).await
}

pub async fn withdraw(id: i64) -> ApiResult<Notice> {
    super::post(&format!("/notices/{id}/withdraw"), &json!({})).await
}

/// How many the audience reaches, with the unbound, not following and muted among them.
pub async fn audience_count(
    audience: &Audience,
    category_id: Option<i64>,
    urgency: Urgency,
) -> ApiResult<AudienceCount> {
    super::post(
        "/notices/audience-count",
        &json!({ "audience": audience, "category_id": category_id, "urgency": urgency }),
    )
    .await
}

#[derive(Deserialize)]
struct Rendered {
    html: String,
}

/// Markdown as the student will see it (rendered and sanitised by the server).
pub async fn preview(body: &str) -> ApiResult<String> {
    super::post::<_, Rendered>("/notices/preview", &json!({ "body": body })).await.map(|r| r.html)
}

pub async fn attach(id: i64, file: &web_sys::File) -> ApiResult<Attachment> {
    super::upload(&format!("/notices/{id}/attachments?name={}", encode(&file.name())), file).await
}

pub async fn remove_attachment(id: i64, attachment: i64) -> ApiResult<()> {
    super::delete(&format!("/notices/{id}/attachments/{attachment}")).await
}

pub async fn download_attachment(id: i64, attachment: &Attachment) -> ApiResult<()> {
    super::download(&format!("/notices/{id}/attachments/{}", attachment.id), &attachment.file_name).await
}

pub async fn progress(id: i64) -> ApiResult<DeliveryProgress> {
    super::get(&format!("/notices/{id}/progress")).await
}

pub async fn deliveries(id: i64, status: String, search: String, page: u32) -> ApiResult<Page<Delivery>> {
    let q = query(&[("status", status), ("q", search), ("page", page.to_string())]);
    super::get(&format!("/notices/{id}/deliveries{q}")).await
}

pub async fn categories() -> ApiResult<Vec<NoticeCategory>> {
    super::get("/notice-categories").await
}

pub async fn create_category(name: String) -> ApiResult<NoticeCategory> {
    super::post("/notice-categories", &NewCategory { name }).await
}

pub async fn rename_category(id: i64, name: String) -> ApiResult<NoticeCategory> {
    super::patch(&format!("/notice-categories/{id}"), &NewCategory { name }).await
}

pub async fn delete_category(id: i64) -> ApiResult<()> {
    super::delete(&format!("/notice-categories/{id}")).await
}

pub async fn template_status() -> ApiResult<shared::TemplateStatus> {
    super::get("/settings/templates/status").await
}

pub async fn templates() -> ApiResult<TemplateSettings> {
    super::get("/settings/templates").await
}

pub async fn map_template(mapping: &TemplateMapping) -> ApiResult<TemplateMapping> {
    super::put(&format!("/settings/templates/{}", encode(&mapping.kind)), mapping).await
}

pub async fn clear_template(kind: &str) -> ApiResult<()> {
    super::delete(&format!("/settings/templates/{}", encode(kind))).await
}

/// Which subscribe template carries a kind of message (订阅通知).
pub async fn map_subscribe_template(mapping: &TemplateMapping) -> ApiResult<TemplateMapping> {
    super::put(&format!("/settings/subscribe-templates/{}", encode(&mapping.kind)), mapping).await
}

pub async fn clear_subscribe_template(kind: &str) -> ApiResult<()> {
    super::delete(&format!("/settings/subscribe-templates/{}", encode(kind))).await
}

pub async fn add_library_template(new: &shared::NewLibraryTemplate) -> ApiResult<shared::AccountTemplate> {
    super::post("/settings/templates/library", new).await
}

pub async fn delete_library_template(id: &str) -> ApiResult<()> {
    super::delete(&format!("/settings/templates/library/{}", encode(id))).await
}

/// Every group the sender may pick for an audience (the list's largest page).
pub async fn audience_groups() -> ApiResult<Vec<shared::Group>> {
    super::get::<Page<shared::Group>>("/groups?per_page=100").await.map(|p| p.items)
}

/// Every class the sender may pick for an audience (the list's largest page).
pub async fn audience_classes() -> ApiResult<Vec<shared::Class>> {
    super::get::<Page<shared::Class>>("/classes?per_page=100").await.map(|p| p.items)
}

// The student pages, with the student token.

/// The student's notices, unread first, optionally of one category or matching words.
pub async fn my_notices(category_id: Option<i64>, search: String, page: u32) -> ApiResult<Page<StudentNotice>> {
    let q = query(&[("category_id", opt(category_id)), ("q", search), ("page", page.to_string())]);
    portal::send::<(), _>(Method::GET, &format!("/notices{q}"), None).await
}

/// One notice; opening it marks it read.
pub async fn my_notice(id: i64) -> ApiResult<StudentNoticeDetail> {
    portal::send::<(), _>(Method::GET, &format!("/notices/{id}"), None).await
}

/// A short-lived link to open one of the notice's files in this browser.
pub async fn my_attachment_link(id: i64, attachment: i64) -> ApiResult<FileLink> {
    portal::send::<(), _>(Method::POST, &format!("/notices/{id}/attachments/{attachment}/link"), None).await
}

/// 发送到微信: the file's link, pushed to the student's chat with the account.
pub async fn send_attachment_to_wechat(id: i64, attachment: i64) -> ApiResult<FileLink> {
    portal::send::<(), _>(Method::POST, &format!("/notices/{id}/attachments/{attachment}/send"), None).await
}

pub async fn subscriptions() -> ApiResult<Vec<CategorySubscription>> {
    portal::send::<(), _>(Method::GET, "/subscriptions", None).await
}

pub async fn subscribe(category_id: i64, muted: bool) -> ApiResult<Vec<CategorySubscription>> {
    portal::send(Method::PUT, &format!("/subscriptions/{category_id}"), Some(&SubscriptionChange { muted })).await
}
