//! Opening Banji's pages as WeChat's browser would: the portal's authorisation on the mock,
//! back to a student page with a token or to a teacher's phone page with a grant.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Session, TestApp};

pub async fn location(app: &TestApp, url: &str) -> String {
    let resp = app.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 302, "{url} redirects");
    resp.headers()["location"].to_str().unwrap().to_string()
}

/// Follows a link that starts WeChat's authorisation (a menu button, a pushed message)
/// as `openid`, on the mock, back to the page as a browser would: the token is taken only
/// with the nonce the start left in the `banji_oauth` cookie. Returns (page, token).
pub async fn open_as(app: &TestApp, link: &str, openid: &str) -> (String, String) {
    let start = app.client.get(link).send().await.unwrap();
    assert_eq!(start.status(), 302, "{link} redirects");
    let authorize = start.headers()["location"].to_str().unwrap().to_string();
    let cookie = start.headers()["set-cookie"].to_str().unwrap().to_string();
    let kept = cookie.strip_prefix("banji_oauth=").and_then(|c| c.split(';').next()).expect("the nonce cookie");
    assert!(
        authorize.contains("/mock-wechat/connect/oauth2/authorize?appid=") && authorize.contains("scope=snsapi_base"),
        "{authorize}"
    );
    let callback = location(app, &format!("{}&openid={openid}", authorize.trim_end_matches("#wechat_redirect"))).await;
    let page = location(app, &callback).await;
    let (path, fragment) =
        page.split_once("#token=").unwrap_or_else(|| panic!("back at the page with a token: {page}"));
    let (token, nonce) = fragment.split_once("&nonce=").unwrap_or_else(|| panic!("the nonce came back: {page}"));
    assert_eq!(nonce, kept, "the way back carries the nonce this browser kept");
    (path.to_string(), token.to_string())
}

/// Opens a student page as `openid`: WeChat authorisation on the mock, back with a token.
pub async fn student_token(app: &TestApp, openid: &str) -> String {
    let (page, token) = open_as(app, &app.url("/api/v1/portal/oauth?next=/s/bind"), openid).await;
    assert_eq!(page, "/s/bind");
    token
}

/// Opens a teacher's phone page (`/t/…`) as `openid` through the mock's authorisation:
/// the page it lands on and its fragment (`grant=…&nonce=…` or `error=…&nonce=…`), with
/// the nonce checked against the one the start kept in the cookie.
pub async fn open_phone_page(app: &TestApp, next: &str, openid: &str) -> (String, String) {
    let start = app.client.get(app.url(&format!("/api/v1/portal/oauth?next={next}"))).send().await.unwrap();
    assert_eq!(start.status(), 302);
    let cookie = start.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("Path=/;"), "the nonce is kept for the site: {cookie}");
    let kept = cookie.strip_prefix("banji_oauth=").and_then(|c| c.split(';').next()).unwrap().to_string();
    let authorize = start.headers()["location"].to_str().unwrap().to_string();
    let callback = location(app, &format!("{}&openid={openid}", authorize.trim_end_matches("#wechat_redirect"))).await;
    let page = location(app, &callback).await;
    let (path, fragment) = page.split_once('#').unwrap_or_else(|| panic!("a fragment: {page}"));
    assert!(fragment.ends_with(&format!("nonce={kept}")), "the nonce came back: {page}");
    (path.to_string(), fragment.to_string())
}

/// Signs in on the phone as the teacher bound to `openid`.
pub async fn phone_login(app: &TestApp, openid: &str) -> Session {
    let (_, fragment) = open_phone_page(app, "/t/", openid).await;
    let grant = fragment.strip_prefix("grant=").and_then(|f| f.split('&').next()).expect("a grant");
    let resp = app.request(Method::POST, "/api/v1/auth/wechat", None, Some(json!({ "grant": grant }))).await;
    assert_eq!(resp.status(), 200);
    Session::from(resp.json::<Value>().await.unwrap())
}

/// What a browser keeps and where it lands after following `link` as `openid`, sending
/// back the nonce cookie the start set when `same_browser` (else the callback arrives
/// without it, as in a browser the callback link was forwarded to).
pub struct Arrival {
    pub page: String,
    pub token: String,
    /// The `banji_student` cookie's value, when the callback set one.
    pub student_cookie: Option<String>,
    /// The whole `Set-Cookie` of the callback.
    pub set_cookie: Option<String>,
}

pub async fn arrive(app: &TestApp, link: &str, openid: &str, same_browser: bool) -> Arrival {
    let start = app.client.get(link).send().await.unwrap();
    assert_eq!(start.status(), 302, "{link} redirects");
    let nonce_cookie = start.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let authorize = start.headers()["location"].to_str().unwrap().to_string();
    let callback = location(app, &format!("{}&openid={openid}", authorize.trim_end_matches("#wechat_redirect"))).await;
    let mut req = app.client.get(&callback);
    if same_browser {
        req = req.header("cookie", format!("other=1; {nonce_cookie}"));
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 302);
    let page = resp.headers()["location"].to_str().unwrap().to_string();
    let set_cookie = resp.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string());
    let student_cookie = set_cookie
        .as_deref()
        .and_then(|c| c.strip_prefix("banji_student="))
        .map(|c| c.split(';').next().unwrap().to_string());
    let (page, fragment) = page.split_once("#token=").unwrap_or_else(|| panic!("a token: {page}"));
    let token = fragment.split('&').next().unwrap().to_string();
    Arrival { page: page.to_string(), token, student_cookie, set_cookie }
}
