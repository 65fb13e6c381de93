//! Web authorisation (who is opening a page inside WeChat) and the JSSDK config.

use serde::{Deserialize, Serialize};

use super::media::urlencode;
use super::{WechatClient, WechatResult};
use crate::wechat::signature::jssdk_signature;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OauthScope {
    /// Silent: only the openid.
    Base,
    /// Asks the user: nickname and avatar too.
    UserInfo,
}

impl OauthScope {
    pub fn as_str(self) -> &'static str {
        match self {
            OauthScope::Base => "snsapi_base",
            OauthScope::UserInfo => "snsapi_userinfo",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OauthToken {
    pub access_token: String,
    pub expires_in: i64,
    #[serde(default)]
    pub refresh_token: String,
    pub openid: String,
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unionid: Option<String>,
    /// 1 when the page was opened from a "snapshot" (not a real user).
    #[serde(default)]
    pub is_snapshotuser: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OauthUser {
    pub openid: String,
    #[serde(default)]
    pub nickname: String,
    #[serde(default)]
    pub sex: i64,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub headimgurl: String,
    #[serde(default)]
    pub privilege: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unionid: Option<String>,
}

/// What a page passes to `wx.config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JssdkConfig {
    pub app_id: String,
    pub timestamp: i64,
    pub nonce_str: String,
    pub signature: String,
}

impl WechatClient {
    /// The URL to send a browser to so it comes back to `redirect_uri` with `?code=…&state=…`.
    pub fn authorize_url(&self, redirect_uri: &str, scope: OauthScope, state: &str) -> String {
        format!(
            "{}/connect/oauth2/authorize?appid={}&redirect_uri={}&response_type=code&scope={}&state={}#wechat_redirect",
            self.inner.oauth_base,
            self.appid(),
            urlencode(redirect_uri),
            scope.as_str(),
            urlencode(state),
        )
    }

    /// Exchanges a code (single use, 5 minutes) for the user's openid and a web token.
    pub async fn exchange_code(&self, code: &str) -> WechatResult<OauthToken> {
        let query = [
            ("appid", self.appid().to_string()),
            ("secret", self.secret().to_string()),
            ("code", code.to_string()),
            ("grant_type", "authorization_code".to_string()),
        ];
        // A code works once: a second try after a timeout would only get 40163.
        self.call_plain("/sns/oauth2/access_token", super::Repeat::Never, |http, url| http.get(url).query(&query)).await
    }

    /// The user's profile (needs a `snsapi_userinfo` token).
    pub async fn oauth_user(&self, token: &OauthToken) -> WechatResult<OauthUser> {
        let query =
            [("access_token", token.access_token.as_str()), ("openid", token.openid.as_str()), ("lang", "zh_CN")];
        self.call_plain("/sns/userinfo", super::Repeat::Safe, |http, url| http.get(url).query(&query)).await
    }

    /// A signed JSSDK config for the page at `url`.
    pub async fn jssdk_config(&self, url: &str) -> WechatResult<JssdkConfig> {
        let ticket = self.jsapi_ticket().await?;
        let timestamp = chrono::Utc::now().timestamp();
        let nonce_str = uuid::Uuid::new_v4().simple().to_string()[..16].to_string();
        let signature = jssdk_signature(&ticket, &nonce_str, timestamp, url);
        Ok(JssdkConfig { app_id: self.appid().to_string(), timestamp, nonce_str, signature })
    }
}
