//! Activities and lectures (活动、讲座报名): the teachers' list, sign-ups, attendance,
//! the activity's check-in session, exports and the no-show ranking; and the student
//! pages' open activities, signing up and cancelling (with the student token).

use chrono::{DateTime, Utc};
use gloo_net::http::Method;
use serde_json::json;
use shared::{
    Activity, ActivityCheckin, ActivityReport, CheckinSession, NewActivity, NoShowCount, Page, StudentActivity,
};

use super::{portal, query, ApiResult};

pub async fn list(page: u32) -> ApiResult<Page<Activity>> {
    super::get(&format!("/activities{}", query(&[("page", page.to_string())]))).await
}

pub async fn create(new: &NewActivity) -> ApiResult<Activity> {
    super::post("/activities", new).await
}

pub async fn report(id: i64) -> ApiResult<ActivityReport> {
    super::get(&format!("/activities/{id}")).await
}

pub async fn cancel(id: i64) -> ApiResult<Activity> {
    super::post(&format!("/activities/{id}/cancel"), &json!({})).await
}

/// The activity's check-in session, made from its sign-ups.
pub async fn create_checkin(id: i64, spec: &ActivityCheckin) -> ApiResult<CheckinSession> {
    super::post(&format!("/activities/{id}/checkin"), spec).await
}

pub async fn export(id: i64, format: &str, file_name: &str) -> ApiResult<()> {
    super::download(&format!("/activities/{id}/export{}", query(&[("format", format.to_string())])), file_name).await
}

/// Students by no-shows, most first; all time without a period.
pub async fn no_shows(period: Option<(DateTime<Utc>, DateTime<Utc>)>) -> ApiResult<Vec<NoShowCount>> {
    let pairs = match period {
        Some((from, until)) => vec![("from", from.to_rfc3339()), ("until", until.to_rfc3339())],
        None => Vec::new(),
    };
    super::get(&format!("/activities/no-shows{}", query(&pairs))).await
}

// The student pages.

pub async fn mine() -> ApiResult<Vec<StudentActivity>> {
    portal::send::<(), _>(Method::GET, "/activities", None).await
}

pub async fn sign_up(id: i64) -> ApiResult<StudentActivity> {
    portal::send(Method::POST, &format!("/activities/{id}/signup"), Some(&json!({}))).await
}

pub async fn cancel_signup(id: i64) -> ApiResult<StudentActivity> {
    portal::send::<(), _>(Method::DELETE, &format!("/activities/{id}/signup"), None).await
}
