//! Attachments as WeChat's browser can have them. The in-app browser does not save a file a
//! page assembles in memory, so a student opens a real URL instead: `/files/<token>`, a
//! signed link made for that reader and that file, short-lived (10 minutes), counted when
//! fetched. What the in-app browser cannot show (a Word or Excel file on most phones) the
//! student has sent to their WeChat chat (发送到微信): the same kind of link, living a day,
//! as a customer-service message they can open in the phone's browser or forward to
//! 文件传输助手 to open on a computer.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{IntoResponse, Request, Response};
use shared::FileLink;

use super::{attachments, store};
use crate::auth::JwtProblem;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wechat::client::messages::CustomMessage;

/// How long a link opened from the page lives: long enough for a slow network.
pub const OPEN_FOR_SECS: i64 = 10 * 60;
/// How long a link sent to the student's chat lives.
pub const SENT_FOR_SECS: i64 = 24 * 3600;
/// Sends to one student's chat per hour: each is a platform call and a message.
const SENDS_PER_HOUR: u64 = 10;

/// Whether the reader may have a notice's files: it is out (not a draft, not withdrawn) and
/// they are a recipient, or it is public.
async fn may_read(state: &AppState, openid: &str, notice_id: i64) -> ApiResult<store::NoticeRow> {
    let row = store::row(&state.db, notice_id).await?.ok_or_else(|| ApiError::not_found("notice"))?;
    let reader = crate::receipts::reading::reader(&state.db, openid).await?;
    let recipient = crate::receipts::reading::my_row(&state.db, row.id, &reader).await?.is_some();
    if row.status != "sent" && row.status != "sending" || !(recipient || row.audience().public) {
        return Err(ApiError::not_found("notice"));
    }
    Ok(row)
}

/// The checks of the student's own download (`GET /portal/notices/{id}/attachments/{a}`).
pub async fn check_reader(state: &AppState, openid: &str, notice_id: i64) -> ApiResult<()> {
    may_read(state, openid, notice_id).await.map(|_| ())
}

fn make(state: &AppState, openid: &str, notice: i64, attachment: i64, secs: i64) -> ApiResult<FileLink> {
    let token = state.jwt.issue_file_link(openid, notice, attachment, secs).map_err(ApiError::internal)?;
    let expires_at = Utc::now() + chrono::Duration::seconds(secs);
    Ok(FileLink { url: format!("{}/files/{token}", state.config.public_url), expires_at })
}

/// A link for the reader to open the file now.
pub async fn open(state: &AppState, openid: &str, notice: i64, attachment: i64) -> ApiResult<FileLink> {
    may_read(state, openid, notice).await?;
    attachments::find(&state.db, &state.config.data_dir, notice, attachment).await?;
    make(state, openid, notice, attachment, OPEN_FOR_SECS)
}

/// Sends the reader a day-long link to the file as a customer-service message.
pub async fn send_to_wechat(state: &AppState, openid: &str, notice: i64, attachment: i64) -> ApiResult<FileLink> {
    // Counted first, so a refused or failed send still uses up a try.
    let key = format!("portal:file-sends:{openid}");
    if let Some(wait) = state.kv.hit(&key, SENDS_PER_HOUR, Duration::from_secs(3600)).await? {
        return Err(ApiError::too_many_requests("too many files sent to WeChat; try again later", wait.as_secs()));
    }
    let row = may_read(state, openid, notice).await?;
    let file = attachments::find(&state.db, &state.config.data_dir, notice, attachment).await?;
    let client = &state.wechat.client;
    if !client.kind().has_customer_service() {
        return Err(ApiError::conflict(
            "no_customer_service",
            "this account cannot send messages to a chat; open the file here instead",
        ));
    }
    let link = make(state, openid, notice, attachment, SENT_FOR_SECS)?;
    let content = format!(
        "《{}》的附件：\n<a href=\"{}\">{}</a>\n链接 24 小时内有效。打不开时，点右上角「…」选择在浏览器打开，\
         或转发到「文件传输助手」在电脑上打开。",
        row.title, link.url, file.name
    );
    match client.send_custom_message(openid, &CustomMessage::Text { content }).await {
        Ok(()) => Ok(link),
        // The platform allows these messages only within 48 hours of the student's last
        // message, menu click or scan.
        Err(err) if err.code() == Some(45015) => Err(ApiError::conflict(
            "outside_window",
            "WeChat only lets us write to you after you message the account; send it any message, then try again",
        )),
        Err(err) if err.code() == Some(45047) => Err(ApiError::conflict(
            "outside_window",
            "WeChat allows only a few messages after your last one; send the account any message, then try again",
        )),
        Err(err) if err.code() == Some(43004) => {
            Err(ApiError::conflict("not_following", "follow the account to receive messages from it"))
        }
        Err(err) => Err(err.to_api_error("WeChat did not take the message")),
    }
}

/// `GET /files/{token}`: the file a signed link names, shown in place when a phone can show
/// it, else offered as a download; a link gone stale or a notice withdrawn gets a short page
/// saying so, in the reader's language.
#[poem::handler]
pub async fn serve(state: Data<&AppState>, Path(token): Path<String>, req: &Request) -> Response {
    let claims = match state.jwt.verify_file_link(&token) {
        Ok(claims) => claims,
        Err(JwtProblem::Expired) => return page(StatusCode::GONE, "链接已过期", "请回到通知页面，重新点开附件。"),
        Err(JwtProblem::Invalid) => return page(StatusCode::NOT_FOUND, "链接无效", "请回到通知页面，重新点开附件。"),
    };
    match file(&state, &claims, counted(req)).await {
        Ok(response) => response,
        Err(err) if err.status() == 404 => {
            page(StatusCode::NOT_FOUND, "文件不存在", "通知可能已撤回，或附件已被老师删除。")
        }
        Err(err) if err.status() == 503 => page(StatusCode::SERVICE_UNAVAILABLE, "暂时打不开", "请稍后再试。"),
        Err(err) => {
            tracing::warn!(error = %err.body().message, "a signed file could not be served");
            page(StatusCode::INTERNAL_SERVER_ERROR, "暂时打不开", "请稍后再试。")
        }
    }
}

/// A player asking for a later part of the file (`Range: bytes=1000-`) is the same
/// download going on, not another.
pub(crate) fn counted(req: &Request) -> bool {
    match req.headers().get("range").and_then(|r| r.to_str().ok()) {
        Some(range) => range.trim().starts_with("bytes=0-"),
        None => true,
    }
}

async fn file(state: &AppState, claims: &crate::auth::FileClaims, count: bool) -> ApiResult<Response> {
    may_read(state, &claims.sub, claims.notice).await?;
    let file = attachments::find(&state.db, &state.config.data_dir, claims.notice, claims.attachment).await?;
    let bytes = tokio::fs::read(&file.path).await.map_err(|_| ApiError::not_found("attachment"))?;
    if count {
        attachments::count_download(state, claims.notice, claims.attachment).await?;
    }
    let how = if attachments::shows_inline(&file.content_type) { "inline" } else { "attachment" };
    let expires = Utc.timestamp_opt(claims.exp, 0).single().unwrap_or_else(Utc::now);
    Ok(Response::builder()
        .content_type(file.content_type.as_str())
        .header("Content-Disposition", attachments::disposition_as(how, &file.name))
        .header("Cache-Control", "private, no-store")
        .header("X-Content-Type-Options", "nosniff")
        .header("Expires", expires.to_rfc2822())
        .body(bytes))
}

/// A short page for a phone: what happened and what to do.
pub(crate) fn page(status: StatusCode, title: &str, hint: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:3rem 1.25rem;color:#1f2937;text-align:center}}\
         p{{color:#6b7280}}</style></head><body><h1>{title}</h1><p>{hint}</p></body></html>"
    );
    html.with_content_type("text/html; charset=utf-8").with_status(status).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_start_of_a_file_counts_as_a_download() {
        let ask = |range: Option<&str>| {
            let mut req = Request::builder();
            if let Some(r) = range {
                req = req.header("Range", r);
            }
            counted(&req.finish())
        };
        assert!(ask(None));
        assert!(ask(Some("bytes=0-")));
        assert!(!ask(Some("bytes=65536-131071")));
    }
}
