//! `GET /portal/oauth?next=/s/…&nonce=…` sends the browser through WeChat's authorisation
//! (`snsapi_base`: silent, only the openid) and back to `/portal/oauth/callback`, which
//! exchanges the code and returns the browser to `next` with a student token in the URL
//! fragment (never sent to a server, so never in a log). The `state` ties the two halves
//! together and is single-use.
//!
//! The `nonce` ties the token to the browser whose flow obtained it: the student page
//! takes a token only when the way back carries the nonce this browser kept before it
//! left (`#token=…&nonce=…`), never from a link someone sent. A page that starts the flow
//! keeps its own nonce; a start from a menu button or a pushed message (no nonce) gets one
//! here. Every start also leaves the nonce in the browser as the `banji_oauth` cookie
//! (the page checks and clears it). Starts are limited per client address, since each
//! keeps a state in the Kv for 10 minutes.
//!
//! When the callback arrives with that cookie — the browser that started is the one
//! coming back — it also sets the student's token as the `banji_student` cookie
//! (HttpOnly, sent only with `/s/…` pages, never with API calls), so the server can send
//! a notice's first view with the page itself (`receipts::page`). A callback from another
//! browser (a forwarded callback link) sets nothing: the cookie is never a way in that the
//! fragment's nonce check would have refused.
//!
//! A teacher's phone page (`next=/t/…`) comes back with no student token: with a one-time
//! grant for the bound teacher behind the openid (`#grant=…&nonce=…`, exchanged at
//! `POST /auth/wechat`, see `auth::wechat`), or `#error=not_teacher` for any other WeChat.

use std::time::Duration;

use poem::web::Data;
use poem::Request;
use poem_openapi::param::Query;
use poem_openapi::{ApiResponse, OpenApi};

use crate::api_tags::ApiTags;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wechat::client::media::urlencode;
use crate::wechat::client::oauth::OauthScope;

const STATE_FOR: Duration = Duration::from_secs(600);
const STARTS_WINDOW: Duration = Duration::from_secs(60);

#[derive(ApiResponse)]
enum Redirect {
    /// Go on to `Location`; a student page reached by the browser that started the flow
    /// also gets the `banji_student` cookie (HttpOnly, `Path=/s/`, two hours).
    #[oai(status = 302)]
    Found(#[oai(header = "Location")] String, #[oai(header = "Set-Cookie")] Option<String>),
}

#[derive(ApiResponse)]
enum Authorise {
    /// Go on to WeChat's authorisation (`Location`), with the `banji_oauth` cookie keeping
    /// the nonce the page (and the callback) will check on return.
    #[oai(status = 302)]
    Found(#[oai(header = "Location")] String, #[oai(header = "Set-Cookie")] String),
}

const NONCE_COOKIE: &str = "banji_oauth";
/// The student's token for the server-rendered first view of their pages.
pub const STUDENT_COOKIE: &str = "banji_student";

fn secure(public_url: &str) -> &'static str {
    if public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

/// The cookie that keeps a flow's nonce (10 minutes, this site only; readable by the
/// page, which is its whole purpose, and sent with the callback, which checks it too).
fn nonce_cookie(nonce: &str, public_url: &str) -> String {
    format!("{NONCE_COOKIE}={nonce}; Path=/; Max-Age=600; SameSite=Lax{}", secure(public_url))
}

/// The student token as a cookie for the student pages only, never readable by scripts.
fn student_cookie(token: &str, public_url: &str) -> String {
    let age = crate::auth::STUDENT_TOKEN_SECS;
    format!("{STUDENT_COOKIE}={token}; Path=/s/; Max-Age={age}; HttpOnly; SameSite=Lax{}", secure(public_url))
}

/// Only Banji's own student pages and teachers' phone pages may be returned to.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if (n.starts_with("/s/") || n.starts_with("/t/"))
                && !n.contains("//")
                && !n.contains('\\')
                && !n.contains('#') =>
        {
            n.to_string()
        }
        _ => "/s/".to_string(),
    }
}

/// A teacher's phone page: signs in a bound teacher, never a student.
fn for_teacher(next: &str) -> bool {
    next.starts_with("/t/")
}

/// A page's nonce: 16 to 64 letters and digits (anything else is no nonce).
fn page_nonce(nonce: Option<&str>) -> Option<&str> {
    nonce.filter(|n| (16..=64).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// What a state remembers between the two halves.
#[derive(serde::Serialize, serde::Deserialize)]
struct Flow {
    next: String,
    nonce: String,
}

pub struct PortalOauthApi;

#[OpenApi(prefix_path = "/v1/portal/oauth", tag = "ApiTags::Portal")]
impl PortalOauthApi {
    /// Start WeChat web authorisation for a student page (`next` = `/s/…`) or a teacher's
    /// phone page (`/t/…`); `nonce` is the page's own (16–64 letters and digits), handed
    /// back with the token (or, for a teacher's page, the one-time grant).
    /// Without one (a menu button, a pushed link), a nonce is made. Either way it is set
    /// as the `banji_oauth` cookie. Starts are limited per client address (429).
    #[oai(path = "/", method = "get")]
    async fn start(
        &self,
        state: Data<&AppState>,
        req: &Request,
        next: Query<Option<String>>,
        nonce: Query<Option<String>>,
    ) -> ApiResult<Authorise> {
        let next = safe_next(next.0.as_deref());
        let nonce = match page_nonce(nonce.0.as_deref()) {
            Some(nonce) => nonce.to_string(),
            None => uuid::Uuid::new_v4().simple().to_string(),
        };
        let cookie = nonce_cookie(&nonce, &state.config.public_url);
        let address = crate::http::client_ip(req).unwrap_or_default();
        let limit = u64::from(state.config.oauth_starts_per_minute);
        if let Some(wait) = state.kv.hit(&format!("portal:oauth:starts:{address}"), limit, STARTS_WINDOW).await? {
            return Err(ApiError::too_many_requests(
                "too many sign-ins from this address; try again shortly",
                wait.as_secs(),
            ));
        }
        let flow = Flow { next, nonce };
        let id = uuid::Uuid::new_v4().simple().to_string();
        let value = serde_json::to_string(&flow).map_err(ApiError::internal)?;
        state.kv.set(&format!("portal:oauth:{id}"), &value, Some(STATE_FOR)).await?;
        let back = format!("{}/api/v1/portal/oauth/callback", state.config.public_url);
        Ok(Authorise::Found(state.wechat.client.authorize_url(&back, OauthScope::Base, &id), cookie))
    }

    /// Where WeChat returns: on to the page, with `#token=…&nonce=…` (or `#error=…`); a
    /// teacher's page gets `#grant=…&nonce=…` for a bound teacher and
    /// `#error=not_teacher&nonce=…` for any other WeChat. A student page reached in the
    /// browser that started (its `banji_oauth` cookie holds the flow's nonce) also gets the
    /// token as the HttpOnly `banji_student` cookie.
    #[oai(path = "/callback", method = "get")]
    async fn callback(
        &self,
        state: Data<&AppState>,
        req: &Request,
        code: Query<Option<String>>,
        #[oai(name = "state")] id: Query<Option<String>>,
    ) -> ApiResult<Redirect> {
        // Single use, also under racing callbacks.
        let flow = state.kv.take(&format!("portal:oauth:{}", id.0.unwrap_or_default())).await?;
        let Some(flow) = flow.and_then(|v| serde_json::from_str::<Flow>(&v).ok()) else {
            return Ok(Redirect::Found("/s/#error=expired".into(), None));
        };
        let Some(code) = code.0.filter(|c| !c.is_empty()) else {
            // The user refused (snsapi_userinfo) or WeChat sent no code.
            return Ok(Redirect::Found(format!("{}#error=denied", flow.next), None));
        };
        let token = match state.wechat.client.exchange_code(&code).await {
            Ok(token) => token,
            Err(err) => {
                tracing::warn!(error = %err, "OAuth code exchange failed");
                return Ok(Redirect::Found(format!("{}#error=oauth_failed", flow.next), None));
            }
        };
        if for_teacher(&flow.next) {
            let back = match crate::auth::wechat::grant(&state, &token.openid).await? {
                Some(grant) => format!("{}#grant={}&nonce={}", flow.next, urlencode(&grant), flow.nonce),
                None => format!("{}#error=not_teacher&nonce={}", flow.next, flow.nonce),
            };
            return Ok(Redirect::Found(back, None));
        }
        let student_token = state.jwt.issue_student(&token.openid).map_err(ApiError::from)?;
        let same_browser = crate::http::cookie(req, NONCE_COOKIE).is_some_and(|kept| kept == flow.nonce);
        let cookie = same_browser.then(|| student_cookie(&student_token, &state.config.public_url));
        let back = format!("{}#token={}&nonce={}", flow.next, urlencode(&student_token), flow.nonce);
        Ok(Redirect::Found(back, cookie))
    }
}

#[cfg(test)]
mod tests {
    use super::{page_nonce, safe_next};

    #[test]
    fn only_student_pages_are_returned_to() {
        assert_eq!(safe_next(Some("/s/bind")), "/s/bind");
        assert_eq!(safe_next(Some("https://evil.example/s/")), "/s/");
        assert_eq!(safe_next(Some("/s//evil.example")), "/s/");
        assert_eq!(safe_next(Some("/users")), "/s/");
        assert_eq!(safe_next(Some("/t/notices")), "/t/notices");
        assert_eq!(safe_next(Some("/t//evil.example")), "/s/");
        assert_eq!(safe_next(None), "/s/");
    }

    #[test]
    fn a_nonce_is_letters_and_digits_of_a_sane_length() {
        assert_eq!(page_nonce(Some("0123456789abcdef")), Some("0123456789abcdef"));
        assert_eq!(page_nonce(Some("short")), None);
        assert_eq!(page_nonce(Some("0123456789abcdef&token=x")), None);
        assert_eq!(page_nonce(None), None);
    }
}
