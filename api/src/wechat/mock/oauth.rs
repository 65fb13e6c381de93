//! Web authorisation on the mock: an authorize page where the code resolves to a chosen
//! simulated follower, then the code exchange (single use, 5 minutes) and userinfo.

use std::sync::Arc;
use std::time::{Duration, Instant};

use poem::http::{header, StatusCode};
use poem::web::{Data, Html, Query};
use poem::{get, handler, IntoResponse, Response, Route};
use serde_json::json;

use super::api::Params;
use super::state::{random_id, OauthCode};
use super::{wx, MockPlatform};
use crate::wechat::client::media::urlencode;

const CODE_LIFETIME: Duration = Duration::from_secs(300);

pub fn authorize_routes() -> Route {
    Route::new().at("/oauth2/authorize", get(authorize))
}

pub fn sns_routes() -> Route {
    Route::new().at("/oauth2/access_token", get(exchange)).at("/userinfo", get(userinfo))
}

use crate::http::escape_html as escape;

/// The page WeChat shows (or skips, for `snsapi_base`). The mock lists its followers;
/// choosing one — or passing `openid=` directly, for scripts — returns to the
/// `redirect_uri` with a code that resolves to that follower.
#[handler]
fn authorize(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("appid") != mock.settings.appid {
        return Html("<p>appid 错误 (10003 redirect_uri 或 appid 参数错误)</p>")
            .with_status(StatusCode::BAD_REQUEST)
            .into_response();
    }
    let (redirect, scope, state) = (get("redirect_uri"), get("scope"), get("state"));
    if redirect.is_empty() || !matches!(scope.as_str(), "snsapi_base" | "snsapi_userinfo") {
        return Html("<p>参数错误 (10005/10006)</p>").with_status(StatusCode::BAD_REQUEST).into_response();
    }
    if let Some(openid) = q.get("openid") {
        let mut st = mock.state();
        if !st.users.contains_key(openid) {
            return Html("<p>没有这个模拟用户</p>").with_status(StatusCode::NOT_FOUND).into_response();
        }
        let code = random_id(32);
        st.codes.insert(code.clone(), OauthCode { openid: openid.clone(), scope, used: false, issued: Instant::now() });
        let separator = if redirect.contains('?') { '&' } else { '?' };
        let location = format!("{redirect}{separator}code={code}&state={}", urlencode(&state));
        return StatusCode::FOUND.with_header(header::LOCATION, location).into_response();
    }
    let users: Vec<(String, String)> =
        mock.state().users.values().map(|u| (u.openid.clone(), u.nickname.clone())).collect();
    let base = format!(
        "{}/connect/oauth2/authorize?appid={}&redirect_uri={}&response_type=code&scope={}&state={}",
        mock.settings.base_url,
        urlencode(&mock.settings.appid),
        urlencode(&redirect),
        scope,
        urlencode(&state)
    );
    let items: String = users
        .iter()
        .map(|(openid, nick)| {
            format!(
                "<li><a href=\"{}&openid={}\">{}</a> <small>{}</small></li>",
                escape(&base),
                urlencode(openid),
                escape(nick),
                escape(openid)
            )
        })
        .collect();
    let empty = if users.is_empty() { "<p>还没有模拟用户：先 POST /mock-wechat/sim/users。</p>" } else { "" };
    Html(format!(
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><title>微信授权（模拟）</title>\
         <h1>模拟微信授权</h1><p>选择以哪位关注者的身份打开页面：</p>{empty}<ul>{items}</ul>"
    ))
    .into_response()
}

#[handler]
fn exchange(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        let get = |k: &str| q.get(k).cloned().unwrap_or_default();
        if get("appid") != mock.settings.appid {
            return Err((40013, "invalid appid"));
        }
        if get("secret") != mock.settings.secret {
            return Err((40125, "invalid appsecret"));
        }
        if get("grant_type") != "authorization_code" {
            return Err((40002, "invalid grant_type"));
        }
        let mut state = mock.state();
        let code = state.codes.get_mut(&get("code")).ok_or((40029, "invalid code"))?;
        if code.used {
            return Err((40163, "code been used"));
        }
        if code.issued.elapsed() > CODE_LIFETIME {
            return Err((40029, "invalid code, expired"));
        }
        code.used = true;
        let (openid, scope) = (code.openid.clone(), code.scope.clone());
        let token = random_id(64);
        state.oauth_tokens.insert(token.clone(), (openid.clone(), scope.clone()));
        Ok(json!({
            "access_token": token,
            "expires_in": 7200,
            "refresh_token": random_id(64),
            "openid": openid,
            "scope": scope,
            "is_snapshotuser": 0,
        }))
    })())
}

#[handler]
fn userinfo(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        let mut state = mock.state();
        let token = q.get("access_token").cloned().unwrap_or_default();
        let (openid, scope) = state.oauth_tokens.get(&token).cloned().ok_or((40001, "invalid credential"))?;
        if q.get("openid") != Some(&openid) {
            return Err((40003, "invalid openid"));
        }
        if scope != "snsapi_userinfo" {
            return Err((48001, "api unauthorized, scope snsapi_base"));
        }
        let user = state.user(&openid)?;
        Ok(json!({
            "openid": openid,
            "nickname": user.nickname,
            "sex": 0,
            "province": "",
            "city": "",
            "country": "",
            "headimgurl": "",
            "privilege": [],
        }))
    })())
}
