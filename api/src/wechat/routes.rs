//! `/api/v1/wechat/*`: what pages and the console need from the WeChat side.

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{About, JssdkConfig, WechatStatus};

use crate::api_tags::ApiTags;
use crate::auth::BearerAuth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub struct WechatApi;

/// `/api/v1/about`: what every page (the console's login page and the student pages
/// too) may know without a login.
pub struct AboutApi;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Wechat")]
impl AboutApi {
    /// This installation as every page shows it, without a login: whether it is a public
    /// demonstration (`BANJI_DEMO=1` in mock mode), where WeChat is simulated and the data
    /// is not real, so every page shows a 演示模式 banner.
    #[oai(path = "/about", method = "get")]
    async fn about(&self, state: Data<&AppState>) -> ApiResult<Json<About>> {
        Ok(Json(About { demo: state.config.demo }))
    }
}

#[OpenApi(prefix_path = "/v1/wechat", tag = "ApiTags::Wechat")]
impl WechatApi {
    /// A signed JSSDK config for one of Banji's own pages (used inside WeChat to ask for
    /// the location, scan codes …). The URL must be a page of this site.
    #[oai(path = "/jssdk-config", method = "get")]
    async fn jssdk_config(&self, state: Data<&AppState>, url: Query<String>) -> ApiResult<Json<JssdkConfig>> {
        let public = &state.config.public_url;
        let ours = url.0.strip_prefix(public.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if !ours {
            return Err(ApiError::field("url", format!("must be a page of {public}")));
        }
        let config = state.wechat.client.jssdk_config(&url.0).await.map_err(|e| {
            tracing::warn!(error = %e, "jssdk config failed");
            e.to_api_error("WeChat did not sign the page")
        })?;
        Ok(Json(JssdkConfig {
            app_id: config.app_id,
            timestamp: config.timestamp,
            nonce_str: config.nonce_str,
            signature: config.signature,
        }))
    }

    /// The platform this installation talks to.
    #[oai(path = "/status", method = "get")]
    async fn status(&self, state: Data<&AppState>, _auth: BearerAuth) -> ApiResult<Json<WechatStatus>> {
        let config = &state.wechat.config;
        Ok(Json(WechatStatus {
            mock: config.mock,
            appid: config.appid.clone(),
            account_kind: config.kind.as_str().to_string(),
            template_messages: config.kind.has_templates(),
            customer_service_messages: config.kind.has_customer_service(),
        }))
    }
}
