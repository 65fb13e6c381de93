//! Check-in (签到): the teachers' sessions, their live report and projector display, the
//! roll and every attempt, 补签, closing and reopening, the notice to the absent, exports
//! and attendance statistics; a student's attendance and latest position; and the
//! student pages' side — their sessions, checking in, and the location consent (with the
//! student token, through `portal`).

use chrono::{DateTime, Utc};
use gloo_net::http::Method;
use serde_json::json;
use shared::{
    AbsentNotice, AbsentNoticeSent, AttendanceEntry, AttendanceStats, AttendanceStatus, CheckinAttempt, CheckinDisplay,
    CheckinOutcome, CheckinReport, CheckinRequest, CheckinSession, ConsentChange, JssdkConfig, LocationConsent,
    ManualCheckin, NewCheckinSession, Page, ReopenRequest, SessionState, StreamTicket, StudentAttendance,
    StudentCheckin, StudentLocation,
};

use super::{portal, query, ApiResult, ClientError};

pub fn state_param(state: SessionState) -> &'static str {
    match state {
        SessionState::Scheduled => "scheduled",
        SessionState::Open => "open",
        SessionState::Closed => "closed",
    }
}

pub fn status_param(status: AttendanceStatus) -> &'static str {
    match status {
        AttendanceStatus::Present => "present",
        AttendanceStatus::Late => "late",
        AttendanceStatus::Absent => "absent",
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Filters of the session list.
#[derive(Clone, Default, PartialEq)]
pub struct SessionFilter {
    pub state: Option<SessionState>,
    pub search: String,
    /// Sessions whose roll holds this class.
    pub class_id: Option<i64>,
}

pub async fn list(filter: SessionFilter, page: u32) -> ApiResult<Page<CheckinSession>> {
    let q = query(&[
        ("state", opt(filter.state.map(state_param))),
        ("q", filter.search),
        ("class_id", opt(filter.class_id)),
        ("page", page.to_string()),
    ]);
    super::get(&format!("/checkins{q}")).await
}

pub async fn create(new: &NewCheckinSession) -> ApiResult<CheckinSession> {
    super::post("/checkins", new).await
}

pub async fn report(id: i64) -> ApiResult<CheckinReport> {
    super::get(&format!("/checkins/{id}")).await
}

pub async fn delete(id: i64) -> ApiResult<()> {
    super::delete(&format!("/checkins/{id}")).await
}

/// What the projector shows now (the current code and QR image, the counts).
pub async fn display(id: i64) -> ApiResult<CheckinDisplay> {
    super::get(&format!("/checkins/{id}/display")).await
}

/// A single-use ticket for the session's event stream (EventSource sends no header).
pub async fn stream_ticket(id: i64) -> ApiResult<StreamTicket> {
    super::post(&format!("/checkins/{id}/live/ticket"), &json!({})).await
}

pub fn events_url(id: i64, ticket: &str) -> String {
    format!("/api/v1/checkins/{id}/live/events{}", query(&[("ticket", ticket.to_string())]))
}

/// Filters of a session's roll.
#[derive(Clone, Default, PartialEq)]
pub struct RollFilter {
    pub status: Option<AttendanceStatus>,
    pub class_id: Option<i64>,
    pub search: String,
}

pub async fn roll(id: i64, filter: RollFilter, page: u32) -> ApiResult<Page<AttendanceEntry>> {
    let q = query(&[
        ("status", opt(filter.status.map(status_param))),
        ("class_id", opt(filter.class_id)),
        ("q", filter.search),
        ("page", page.to_string()),
    ]);
    super::get(&format!("/checkins/{id}/roll{q}")).await
}

/// Which attempts: all of them, the refused ones, or the accepted ones with a flag.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum AttemptFilter {
    #[default]
    All,
    Refused,
    Flagged,
}

pub async fn attempts(id: i64, filter: AttemptFilter, page: u32) -> ApiResult<Page<CheckinAttempt>> {
    let flag = |on: bool| if on { "true".to_string() } else { String::new() };
    let q = query(&[
        ("refused", flag(filter == AttemptFilter::Refused)),
        ("flagged", flag(filter == AttemptFilter::Flagged)),
        ("page", page.to_string()),
    ]);
    super::get(&format!("/checkins/{id}/attempts{q}")).await
}

/// 补签 or taking a check-in away, with the teacher's reason.
pub async fn manual(id: i64, change: &ManualCheckin) -> ApiResult<AttendanceEntry> {
    super::post(&format!("/checkins/{id}/manual"), change).await
}

pub async fn close(id: i64) -> ApiResult<CheckinSession> {
    super::post(&format!("/checkins/{id}/close"), &json!({})).await
}

pub async fn reopen(id: i64, ends_at: DateTime<Utc>) -> ApiResult<CheckinSession> {
    super::post(&format!("/checkins/{id}/reopen"), &ReopenRequest { ends_at }).await
}

pub async fn absent_notice(id: i64, notice: &AbsentNotice) -> ApiResult<AbsentNoticeSent> {
    super::post(&format!("/checkins/{id}/absent-notice"), notice).await
}

/// The roll as a CSV or XLSX file, fetched with the login and saved.
pub async fn export(id: i64, format: &str, file_name: &str) -> ApiResult<()> {
    super::download(&format!("/checkins/{id}/export{}", query(&[("format", format.to_string())])), file_name).await
}

pub async fn stats(from: DateTime<Utc>, until: DateTime<Utc>, class_id: Option<i64>) -> ApiResult<AttendanceStats> {
    let q = query(&[("from", from.to_rfc3339()), ("until", until.to_rfc3339()), ("class_id", opt(class_id))]);
    super::get(&format!("/checkins/stats{q}")).await
}

pub async fn stats_export(from: DateTime<Utc>, until: DateTime<Utc>, format: &str, file_name: &str) -> ApiResult<()> {
    let q = query(&[("from", from.to_rfc3339()), ("until", until.to_rfc3339()), ("format", format.to_string())]);
    super::download(&format!("/checkins/stats/export{q}"), file_name).await
}

pub async fn student_attendance(student_id: i64) -> ApiResult<StudentAttendance> {
    super::get(&format!("/students/{student_id}/attendance")).await
}

/// The student's latest kept position (asking is written to the audit log).
pub async fn student_location(student_id: i64) -> ApiResult<StudentLocation> {
    super::get(&format!("/students/{student_id}/location")).await
}

// The student pages, with the student token.

pub async fn my_sessions() -> ApiResult<Vec<StudentCheckin>> {
    portal::send::<(), _>(Method::GET, "/checkins", None).await
}

pub async fn my_session(id: i64) -> ApiResult<StudentCheckin> {
    portal::send::<(), _>(Method::GET, &format!("/checkins/{id}"), None).await
}

/// A try from the check-in page: answered 200 whether accepted or refused.
pub async fn check_in(id: i64, request: &CheckinRequest) -> ApiResult<CheckinOutcome> {
    portal::send(Method::POST, &format!("/checkins/{id}"), Some(request)).await
}

pub async fn consent() -> ApiResult<LocationConsent> {
    portal::send::<(), _>(Method::GET, "/location-consent", None).await
}

pub async fn set_consent(consented: bool) -> ApiResult<LocationConsent> {
    portal::send(Method::PUT, "/location-consent", Some(&ConsentChange { consented })).await
}

/// A signed JSSDK configuration for the page at `url` (inside WeChat); needs no login.
pub async fn jssdk_config(url: &str) -> ApiResult<JssdkConfig> {
    let resp =
        gloo_net::http::Request::get(&format!("/api/v1/wechat/jssdk-config{}", query(&[("url", url.to_string())])))
            .send()
            .await
            .map_err(|_| ClientError::Network)?;
    if !resp.ok() {
        return Err(ClientError::Server);
    }
    resp.json().await.map_err(|_| ClientError::Server)
}
