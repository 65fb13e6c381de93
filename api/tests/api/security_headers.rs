//! Security headers on every answer (`api/src/http/headers.rs`): the API's, the console's
//! files and its SPA fallback, `/docs`, the mock platform, and the answers the server
//! makes before any route (413, 415, 404).

use base64::Engine;
use reqwest::{Method, Response};
use sha2::{Digest, Sha256};

use crate::helpers::spawn_app;

fn header<'a>(resp: &'a Response, name: &str) -> &'a str {
    resp.headers().get(name).map(|v| v.to_str().unwrap()).unwrap_or_else(|| panic!("{} has no {name}", resp.url()))
}

/// The directive `name` of a policy, e.g. `script-src 'self'`.
fn directive<'a>(csp: &'a str, name: &str) -> &'a str {
    csp.split(';').map(str::trim).find(|d| d.split(' ').next() == Some(name)).unwrap_or("")
}

#[tokio::test]
async fn no_answer_can_be_framed_sniffed_or_run_inline_script_console_api_assets_fallback_and_mock_alike() {
    let app = spawn_app().await;
    let big = "x".repeat(2 * 1024 * 1024);
    let requests = [
        app.client.get(app.url("/")),
        app.client.get(app.url("/checkins/1/screen")),
        app.client.get(app.url("/s/notices/1")),
        app.client.get(app.url("/web-0123456789abcdef.js")),
        app.client.get(app.url("/api/openapi.json")),
        app.client.get(app.url("/api/v1/me")),
        app.client.get(app.url("/api/v1/nothing-here")),
        app.client.post(app.url("/api/v1/auth/login")).body("{}"),
        app.client.post(app.url("/api/v1/auth/login")).header("content-type", "application/json").body(big),
        app.client.request(Method::GET, app.url("/healthz")),
        app.client.get(app.url("/mock-wechat/sim/users")),
    ];
    for request in requests {
        let resp = request.send().await.unwrap();
        assert_eq!(header(&resp, "x-frame-options"), "DENY", "{}", resp.url());
        assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
        assert_eq!(header(&resp, "referrer-policy"), "same-origin");
        let csp = header(&resp, "content-security-policy");
        assert_eq!(directive(csp, "script-src"), "script-src 'self' 'wasm-unsafe-eval' https://res.wx.qq.com");
        assert_eq!(directive(csp, "style-src"), "style-src 'self'");
        assert!(directive(csp, "img-src").starts_with("img-src 'self' data: blob:"), "{csp}");
        assert_eq!(directive(csp, "frame-ancestors"), "frame-ancestors 'none'");
        assert_eq!(directive(csp, "object-src"), "object-src 'none'");
        assert!(resp.headers().get("strict-transport-security").is_none(), "no HSTS over http");
    }
}

#[tokio::test]
async fn the_api_explorer_runs_only_its_own_inline_scripts_allowed_by_their_hashes() {
    let app = spawn_app().await;
    let resp = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(header(&resp, "x-frame-options"), "DENY");
    let csp = header(&resp, "content-security-policy").to_string();
    let html = resp.text().await.unwrap();
    let script_src = directive(&csp, "script-src");
    assert!(!script_src.contains("unsafe"), "{script_src}");
    let mut rest = html.as_str();
    let mut scripts = 0;
    while let Some(start) = rest.find("<script") {
        let body_start = start + rest[start..].find('>').unwrap() + 1;
        let end = body_start + rest[body_start..].find("</script>").unwrap();
        let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&rest[body_start..end]));
        assert!(script_src.contains(&format!("'sha256-{digest}'")), "script {scripts} of /docs is allowed");
        scripts += 1;
        rest = &rest[end..];
    }
    assert_eq!(scripts, 2, "swagger UI's bundle and its start");
}

#[tokio::test]
async fn browsers_are_told_to_use_https_only_when_the_public_url_is_https() {
    let app = crate::helpers::spawn_app_with(&[
        ("BANJI_PUBLIC_URL", "https://banji.school.example"),
        // Mock mode listens publicly only as a declared demonstration.
        ("BANJI_DEMO", "1"),
    ])
    .await;
    let resp = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(header(&resp, "strict-transport-security"), "max-age=31536000; includeSubDomains");
}
