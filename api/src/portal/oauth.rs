//! `GET /portal/oauth?next=/s/…` sends the browser through WeChat's authorisation
//! (`snsapi_base`: silent, only the openid) and back to `/portal/oauth/callback`, which
//! exchanges the code and returns the browser to `next` with a student token in the URL
//! fragment (never sent to a server, so never in a log). The `state` ties the two halves
//! together and is single-use.

use std::time::Duration;

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::{ApiResponse, OpenApi};

use crate::error::{ApiError, ApiResult};
use crate::routes::ApiTags;
use crate::state::AppState;
use crate::wechat::client::media::urlencode;
use crate::wechat::client::oauth::OauthScope;

const STATE_FOR: Duration = Duration::from_secs(600);

#[derive(ApiResponse)]
enum Redirect {
    /// Go on to `Location`.
    #[oai(status = 302)]
    Found(#[oai(header = "Location")] String),
}

/// Only Banji's own student pages may be returned to.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/s/") && !n.contains("//") && !n.contains('\\') && !n.contains('#') => n.to_string(),
        _ => "/s/".to_string(),
    }
}

pub struct PortalOauthApi;

#[OpenApi(prefix_path = "/v1/portal/oauth", tag = "ApiTags::Portal")]
impl PortalOauthApi {
    /// Start WeChat web authorisation for a student page; `next` is the page (`/s/…`).
    #[oai(path = "/", method = "get")]
    async fn start(&self, state: Data<&AppState>, next: Query<Option<String>>) -> ApiResult<Redirect> {
        let next = safe_next(next.0.as_deref());
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        state.kv.set(&format!("portal:oauth:{nonce}"), &next, Some(STATE_FOR)).await.map_err(ApiError::from)?;
        let back = format!("{}/api/v1/portal/oauth/callback", state.config.public_url);
        Ok(Redirect::Found(state.wechat.client.authorize_url(&back, OauthScope::Base, &nonce)))
    }

    /// Where WeChat returns: on to the page, with `#token=…` (or `#error=…`).
    #[oai(path = "/callback", method = "get")]
    async fn callback(
        &self,
        state: Data<&AppState>,
        code: Query<Option<String>>,
        #[oai(name = "state")] nonce: Query<Option<String>>,
    ) -> ApiResult<Redirect> {
        let key = format!("portal:oauth:{}", nonce.0.unwrap_or_default());
        let next = state.kv.get(&key).await.map_err(ApiError::from)?;
        let _ = state.kv.delete(&key).await;
        let Some(next) = next else {
            return Ok(Redirect::Found("/s/#error=expired".into()));
        };
        let Some(code) = code.0.filter(|c| !c.is_empty()) else {
            // The user refused (snsapi_userinfo) or WeChat sent no code.
            return Ok(Redirect::Found(format!("{next}#error=denied")));
        };
        let token = match state.wechat.client.exchange_code(&code).await {
            Ok(token) => token,
            Err(err) => {
                tracing::warn!(error = %err, "OAuth code exchange failed");
                return Ok(Redirect::Found(format!("{next}#error=oauth_failed")));
            }
        };
        let student_token = state.jwt.issue_student(&token.openid).map_err(ApiError::from)?;
        Ok(Redirect::Found(format!("{next}#token={}", urlencode(&student_token))))
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_student_pages_are_returned_to() {
        assert_eq!(safe_next(Some("/s/bind")), "/s/bind");
        assert_eq!(safe_next(Some("https://evil.example/s/")), "/s/");
        assert_eq!(safe_next(Some("/s//evil.example")), "/s/");
        assert_eq!(safe_next(Some("/users")), "/s/");
        assert_eq!(safe_next(None), "/s/");
    }
}
