//! What the console and student pages learn about the WeChat side.

use serde::{Deserialize, Serialize};

/// Which platform Banji is talking to, and what the account may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct WechatStatus {
    /// True when the built-in mock platform stands in for WeChat.
    pub mock: bool,
    pub appid: String,
    /// service_verified, service or subscription.
    pub account_kind: String,
    pub template_messages: bool,
    pub customer_service_messages: bool,
}

/// What every page may know about this installation without a login.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct About {
    /// A public demonstration (`BANJI_DEMO=1`, mock mode): WeChat is simulated and the
    /// data is not real. Every page shows a 演示模式 banner.
    pub demo: bool,
}

/// What a page passes to `wx.config` (field names as the JSSDK expects them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none, rename_all = "camelCase"))]
pub struct JssdkConfig {
    pub app_id: String,
    pub timestamp: i64,
    pub nonce_str: String,
    pub signature: String,
}
