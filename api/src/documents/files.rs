//! A document's file as WeChat's browser can have it, the way notice attachments are
//! (`crate::notices::links`): a signed link made for one student, `/files/d/<token>`,
//! short-lived when opened from the page (10 minutes), a day when sent to the student's
//! chat (发送到微信) — for the Word and Excel files the in-app browser cannot open, which
//! the student then opens in the phone's browser or forwards to 文件传输助手. A link names
//! the document, not a version: it always serves the current file, and whether the
//! student may still see the document is checked again when it is opened.
//!
//! Every opening from the start of the file counts a download of the current version
//! (`document_versions.downloads`) and a `document_downloads` row (the week's most
//! downloaded). Teachers' downloads in the console are not counted: the counts say what
//! students take.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response};
use shared::documents::previewable;
use shared::FileLink;

use super::portal::{visible, Viewer};
use super::versions;
use crate::auth::{DocumentLinkClaims, JwtProblem};
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::notices::attachments::disposition_as;
use crate::notices::links::{self, page, OPEN_FOR_SECS, SENT_FOR_SECS};
use crate::state::AppState;
use crate::wechat::client::messages::CustomMessage;

/// Sends to one student's chat per hour, shared with notice attachments: each is a
/// platform call and a message in their chat.
const SENDS_PER_HOUR: u64 = 10;

/// One more download of the version, by `viewer`.
pub async fn count(db: &Db, document: i64, version: i64, viewer: &Viewer) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE document_versions SET downloads = downloads + 1 WHERE id = $1")
        .bind(version)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO document_downloads (document_id, version_id, downloader, downloaded_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(document)
    .bind(version)
    .bind(viewer.downloader())
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

fn make(state: &AppState, openid: &str, document: i64, inline: bool, secs: i64) -> ApiResult<FileLink> {
    let token = state.jwt.issue_document_link(openid, document, inline, secs).map_err(ApiError::internal)?;
    let expires_at = Utc::now() + chrono::Duration::seconds(secs);
    Ok(FileLink { url: format!("{}/files/d/{token}", state.config.public_url), expires_at })
}

/// A link for the reader to open the file now: shown in place when previewed and a phone
/// can show it (a PDF, an image), else offered to save.
pub async fn open(state: &AppState, openid: &str, id: i64, preview: bool) -> ApiResult<FileLink> {
    let viewer = Viewer::of(&state.db, openid).await?;
    let row = visible(&state.db, &viewer, id).await?;
    let inline = preview && previewable(row.content_type.as_deref().unwrap_or(""));
    make(state, openid, id, inline, OPEN_FOR_SECS)
}

/// Sends the reader a day-long link to the file as a customer-service message.
pub async fn send_to_wechat(state: &AppState, openid: &str, id: i64) -> ApiResult<FileLink> {
    // Counted first, so a refused or failed send still uses up a try.
    let key = format!("portal:file-sends:{openid}");
    if let Some(wait) = state.kv.hit(&key, SENDS_PER_HOUR, Duration::from_secs(3600)).await? {
        return Err(ApiError::too_many_requests("too many files sent to WeChat; try again later", wait.as_secs()));
    }
    let viewer = Viewer::of(&state.db, openid).await?;
    let row = visible(&state.db, &viewer, id).await?;
    let client = &state.wechat.client;
    if !client.kind().has_customer_service() {
        return Err(ApiError::conflict(
            "no_customer_service",
            "this account cannot send messages to a chat; download the file here instead",
        ));
    }
    let content_type = row.content_type.as_deref().unwrap_or("");
    let link = make(state, openid, id, previewable(content_type), SENT_FOR_SECS)?;
    let content = format!(
        "常用文档《{}》：\n<a href=\"{}\">{}</a>\n链接 24 小时内有效。打不开时，点右上角「…」选择在浏览器打开，\
         或转发到「文件传输助手」在电脑上打开。",
        row.title,
        link.url,
        row.file_name.as_deref().unwrap_or("下载")
    );
    match client.send_custom_message(openid, &CustomMessage::Text { content }).await {
        Ok(()) => Ok(link),
        // The platform allows these messages only within 48 hours of the student's last
        // message, menu click or scan (45015), and only a few after it (45047).
        Err(err) if matches!(err.code(), Some(45015) | Some(45047)) => Err(ApiError::conflict(
            "outside_window",
            "WeChat only lets us write to you after you message the account; send it any message, then try again",
        )),
        Err(err) if err.code() == Some(43004) => {
            Err(ApiError::conflict("not_following", "follow the account to receive messages from it"))
        }
        Err(err) => Err(err.to_api_error("WeChat did not take the message")),
    }
}

/// `GET /files/d/{token}`: the current file of the document a signed link names; a link
/// gone stale, or a document deleted or no longer for this student, gets a short page.
#[poem::handler]
pub async fn serve(state: Data<&AppState>, Path(token): Path<String>, req: &Request) -> Response {
    let claims = match state.jwt.verify_document_link(&token) {
        Ok(claims) => claims,
        Err(JwtProblem::Expired) => return page(StatusCode::GONE, "链接已过期", "请回到常用文档页面，重新打开文件。"),
        Err(JwtProblem::Invalid) => {
            return page(StatusCode::NOT_FOUND, "链接无效", "请回到常用文档页面，重新打开文件。")
        }
    };
    match file(&state, &claims, links::counted(req)).await {
        Ok(response) => response,
        Err(err) if err.status() == 404 => page(StatusCode::NOT_FOUND, "文件不存在", "文档可能已被老师删除或调整。"),
        Err(err) if err.status() == 503 => page(StatusCode::SERVICE_UNAVAILABLE, "暂时打不开", "请稍后再试。"),
        Err(err) => {
            tracing::warn!(error = %err.body().message, "a signed document could not be served");
            page(StatusCode::INTERNAL_SERVER_ERROR, "暂时打不开", "请稍后再试。")
        }
    }
}

async fn file(state: &AppState, claims: &DocumentLinkClaims, count_it: bool) -> ApiResult<Response> {
    let viewer = Viewer::of(&state.db, &claims.sub).await?;
    visible(&state.db, &viewer, claims.document).await?;
    let file = versions::version_file(state, claims.document, None).await?;
    let bytes = tokio::fs::read(&file.path).await.map_err(|_| ApiError::not_found("file"))?;
    if count_it {
        count(&state.db, claims.document, file.id, &viewer).await?;
    }
    let how = if claims.inline && previewable(&file.content_type) { "inline" } else { "attachment" };
    let expires = Utc.timestamp_opt(claims.exp, 0).single().unwrap_or_else(Utc::now);
    Ok(Response::builder()
        .content_type(file.content_type.as_str())
        .header("Content-Disposition", disposition_as(how, &file.name))
        .header("Cache-Control", "private, no-store")
        .header("X-Content-Type-Options", "nosniff")
        .header("Expires", expires.to_rfc2822())
        .body(bytes))
}
