//! "Export sent to me": a teacher on the phone cannot keep a spreadsheet in WeChat's
//! browser, so the report's list goes to their own WeChat as a customer-service message
//! with a day-long signed link (`/exports/{token}`). Opening the link checks again that the
//! teacher's account is live and still sees the notice, then answers the XLSX.
//!
//! Sends are counted per teacher before anything else (20 an hour): each one is a platform
//! call and a message in the teacher's chat.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use poem::http::StatusCode;
use poem::web::{Data, Path as WebPath};
use poem::{IntoResponse, Response};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{FileLink, Missing};

use super::{export, report};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::{BearerAuth, Channel, JwtProblem};
use crate::error::{ApiError, ApiResult};
use crate::http::sheet::{self, FileFormat};
use crate::notices::links::page;
use crate::notices::store;
use crate::people::Scope;
use crate::state::AppState;
use crate::wechat::client::messages::CustomMessage;

const SENDS_PER_HOUR: u64 = 20;
const LINK_SECS: i64 = 24 * 3600;

fn list_of(missing: Option<Missing>) -> (&'static str, &'static str) {
    match missing {
        None => ("receipts", "回执名单"),
        Some(Missing::Read) => ("unread", "未读名单"),
        Some(Missing::Confirmation) => ("unconfirmed", "未确认名单"),
    }
}

fn missing_of(list: &str) -> Option<Missing> {
    match list {
        "unread" => Some(Missing::Read),
        "unconfirmed" => Some(Missing::Confirmation),
        _ => None,
    }
}

pub struct ReceiptsToWechatApi;

#[OpenApi(prefix_path = "/v1/notices", tag = "ApiTags::Notices")]
impl ReceiptsToWechatApi {
    /// Send the receipt list (all, `missing=read` or `missing=confirmation`) to the
    /// caller's own bound WeChat as a link to the spreadsheet, valid 24 hours. 409
    /// `wechat_not_bound` without a bound WeChat, `outside_window` when WeChat allows no
    /// message now (the teacher sends the account any message first), `not_following`;
    /// 429 past 20 sends an hour.
    #[oai(path = "/:id/receipts/export/wechat", method = "post")]
    async fn send(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        missing: Query<Option<Missing>>,
    ) -> ApiResult<Json<FileLink>> {
        let key = format!("receipts:export-sends:{}", auth.0.user_id);
        if let Some(wait) = state.kv.hit(&key, SENDS_PER_HOUR, Duration::from_secs(3600)).await? {
            return Err(ApiError::too_many_requests("too many lists sent to WeChat; try again later", wait.as_secs()));
        }
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        let Some(openid) = crate::people::teacher_wechat::openid_of(&state.db, auth.0.user_id).await? else {
            return Err(ApiError::conflict("wechat_not_bound", "bind your WeChat on 账号设置 to receive files there"));
        };
        let (list, label) = list_of(missing.0);
        let token = state.jwt.issue_export_link(auth.0.user_id, row.id, list, LINK_SECS)?;
        let url = format!("{}/exports/{token}", state.config.public_url);
        let content = format!(
            "《{}》的{label}：\n<a href=\"{url}\">点此下载表格</a>\n链接 24 小时内有效，只有您本人的账号可以打开。",
            row.title
        );
        match state.wechat.client.send_custom_message(&openid, &CustomMessage::Text { content }).await {
            Ok(()) => {}
            Err(err) if matches!(err.code(), Some(45015) | Some(45047)) => return Err(ApiError::conflict(
                "outside_window",
                "WeChat lets the account write to you only after you message it; send it any message, then try again",
            )),
            Err(err) if err.code() == Some(43004) => {
                return Err(ApiError::conflict("not_following", "follow the account to receive messages from it"))
            }
            Err(err) => return Err(err.to_api_error("WeChat did not take the message")),
        }
        Audit::by(&auth.0, "receipts_sent_to_wechat")
            .target(format!("notice:{}", row.id))
            .detail(label)
            .record(state.db.pool())
            .await?;
        let expires_at = Utc.timestamp_opt(Utc::now().timestamp() + LINK_SECS, 0).single().unwrap_or_else(Utc::now);
        Ok(Json(FileLink { url, expires_at }))
    }
}

/// `GET /exports/{token}`: the list a pushed link names, for the teacher it was made for,
/// while their account is live and still sees the notice; a short page otherwise.
#[poem::handler]
pub async fn serve(state: Data<&AppState>, WebPath(token): WebPath<String>) -> Response {
    let claims = match state.jwt.verify_export_link(&token) {
        Ok(claims) => claims,
        Err(JwtProblem::Expired) => return page(StatusCode::GONE, "链接已过期", "请在手机上重新发送名单到微信。"),
        Err(JwtProblem::Invalid) => return page(StatusCode::NOT_FOUND, "链接无效", "请在手机上重新发送名单到微信。"),
    };
    match file(&state, &claims).await {
        Ok(response) => response,
        Err(err) if err.status() == 404 || err.status() == 401 => {
            page(StatusCode::NOT_FOUND, "无法打开", "通知可能已删除，或您的账号已无权查看。")
        }
        Err(err) => {
            tracing::warn!(error = %err.body().message, "a pushed export could not be served");
            page(StatusCode::SERVICE_UNAVAILABLE, "暂时打不开", "请稍后再试。")
        }
    }
}

async fn file(state: &AppState, claims: &crate::auth::ExportClaims) -> ApiResult<Response> {
    let user_id: i64 = claims.sub.parse().map_err(|_| ApiError::not_found("export"))?;
    let Some(caller) = crate::auth::Caller::of_user(&state.db, user_id, Channel::WeChat).await? else {
        return Err(ApiError::not_found("export"));
    };
    let row = store::visible(&state.db, Scope::of(&caller), claims.notice).await?;
    let missing = missing_of(&claims.list);
    let query = report::ReceiptQuery { missing, class_id: None, search: String::new() };
    let rows = report::all(&state.db, row.id, &query).await?;
    let (list, label) = list_of(missing);
    Audit::by(&caller, "receipts_exported")
        .target(format!("notice:{}", row.id))
        .detail(format!("{} 行", rows.len()))
        .record(state.db.pool())
        .await?;
    let name = format!("notice-{}-{list}", row.id);
    Ok(sheet::file(&name, FileFormat::Xlsx, &export::sheet(label, &rows))?.into_response())
}
