use reqwest::Method;
use serde_json::Value;

use crate::helpers::{error_body, spawn_app, spawn_app_with};

#[tokio::test]
async fn every_response_has_a_request_id_and_a_given_one_is_echoed() {
    let app = spawn_app().await;
    let fresh = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = fresh.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 32);
    let echoed = app.client.get(app.url("/healthz")).header("x-request-id", "trace-abc-123").send().await.unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-abc-123");
    let refused = app.client.get(app.url("/healthz")).header("x-request-id", "has space;drop").send().await.unwrap();
    assert_eq!(refused.headers()["x-request-id"].len(), 32, "an unsafe id is replaced");
}

#[tokio::test]
async fn unknown_api_paths_and_wrong_methods_get_json_errors() {
    let app = spawn_app().await;
    error_body(app.client.get(app.url("/api/v1/nothing-here")).send().await.unwrap(), 404, "not_found").await;
    error_body(app.client.get(app.url("/api/elsewhere")).send().await.unwrap(), 404, "not_found").await;
    error_body(app.client.put(app.url("/api/v1/auth/login")).send().await.unwrap(), 405, "method_not_allowed").await;
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused_with_413_before_it_is_read() {
    let app = spawn_app().await;
    let big = format!("{{\"username\":\"{}\",\"password\":\"x\"}}", "a".repeat(1024 * 1024 + 1));
    let declared =
        app.client.post(app.url("/api/v1/auth/login")).header("content-type", "application/json").body(big.clone());
    error_body(declared.send().await.unwrap(), 413, "payload_too_large").await;

    // The same body sent chunked, without a declared length.
    let chunks = futures_util::stream::iter(
        big.into_bytes().chunks(64 * 1024).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>(),
    );
    let streamed = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    error_body(streamed, 413, "payload_too_large").await;
}

#[tokio::test]
async fn a_body_in_another_content_type_or_none_is_a_documented_415_in_the_json_error_shape() {
    let app = spawn_app().await;
    let login = r#"{"username":"a","password":"b"}"#;
    let text = app.client.post(app.url("/api/v1/auth/login")).header("content-type", "text/plain").body(login);
    error_body(text.send().await.unwrap(), 415, "unsupported_media_type").await;
    let untyped = app.client.post(app.url("/api/v1/auth/login")).body(login);
    error_body(untyped.send().await.unwrap(), 415, "unsupported_media_type").await;
    let garbled = app.client.post(app.url("/api/v1/auth/login")).header("content-type", "application/json").body("{");
    error_body(garbled.send().await.unwrap(), 400, "bad_request").await;
}

#[tokio::test]
async fn console_routes_fall_back_to_index_html_without_caching() {
    let app = spawn_app().await;
    for path in ["/", "/users", "/account/password?x=1"] {
        let resp = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.headers()["cache-control"], "no-cache");
        assert!(resp.text().await.unwrap().contains("<title>班级</title>"), "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_compressed_on_request() {
    let app = spawn_app().await;
    let resp =
        app.client.get(app.url("/web-0123456789abcdef.js")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    let compressed = resp.bytes().await.unwrap().len();
    assert!(compressed < 4200 / 4, "gzip shrank {compressed} bytes");
    let wasm = app.client.get(app.url("/web-0123456789abcdef_bg.wasm")).send().await.unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
}

#[tokio::test]
async fn students_and_teachers_pages_and_the_sign_in_page_get_their_own_shells_and_everything_else_the_consoles() {
    let app = spawn_app().await;
    for (path, title) in [
        ("/s", "我的班级"),
        ("/s/messages", "我的班级"),
        ("/s/notices/12", "我的班级 · 通知"),
        ("/s/checkin/3?code=123456", "我的班级 · 签到"),
        ("/s/documents/2", "我的班级 · 办事指南"),
        ("/t", "教师工作台"),
        ("/t/notices/new", "教师工作台"),
        ("/t/messages/o-1?x=1", "教师工作台 · 待办"),
        ("/login", "登录 · 班级"),
        ("/login?next=%2Fusers", "登录 · 班级"),
    ] {
        let resp = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.headers()["cache-control"], "no-cache", "{path}");
        assert!(resp.text().await.unwrap().contains(&format!("<title>{title}</title>")), "{path}");
    }
    for path in ["/", "/search", "/students", "/settings"] {
        let resp = app.client.get(app.url(path)).send().await.unwrap();
        assert!(resp.text().await.unwrap().contains("<title>班级</title>"), "{path}");
    }
}

#[tokio::test]
async fn bundles_are_sent_as_precompressed_at_build_time_in_the_coding_the_browser_takes() {
    let app = spawn_app().await;
    let wasm = app.url("/student/student-0123456789abcdef_bg.wasm");
    let get = |coding: &'static str| app.client.get(wasm.clone()).header("accept-encoding", coding).send();
    let br = get("gzip, deflate, br").await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["content-type"], "application/wasm");
    assert_eq!(br.headers()["vary"], "accept-encoding");
    assert_eq!(br.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli twin", "the build's file, not compressed again");
    let gz = get("gzip, br;q=0").await.unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.bytes().await.unwrap().as_ref(), b"gzip twin");
    let plain = get("identity").await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().len(), 4096);
    // The API's answers are still compressed on the fly.
    let health = app.client.get(app.url("/healthz")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(health.headers()["content-encoding"], "br");
}

#[tokio::test]
async fn health_and_readiness_report_ok() {
    let app = spawn_app().await;
    let health: Value = app.client.get(app.url("/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!((ready["database"].as_str(), ready["cache"].as_str()), (Some("ok"), Some("ok")));
    let expected_kind = if std::env::var("REDIS_URL").is_ok() { "redis" } else { "in-process" };
    assert_eq!(ready["cache_kind"], expected_kind);
}

#[tokio::test]
async fn readiness_fails_with_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.state.db.pool().close().await;
    let resp = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(resp.status(), 503);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["database"], "unavailable");
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), 200, "liveness stays cheap");
}

#[tokio::test]
async fn an_internal_error_is_500_with_only_the_request_id() {
    let app = spawn_app().await;
    // A fault of Banji's own (the failed login cannot be audited: its table is gone), not
    // the database being away.
    sqlx::query("DROP TABLE audit_log").execute(app.state.db.pool()).await.unwrap();
    let resp = app
        .request(Method::POST, "/api/v1/auth/login", None, Some(serde_json::json!({"username": "a", "password": "b"})))
        .await;
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    let body = error_body(resp, 500, "internal").await;
    assert_eq!(body["message"], format!("internal server error (request id {id})"));
}

#[tokio::test]
async fn a_database_that_cannot_be_reached_is_503_database_unavailable_not_500() {
    let app = spawn_app().await;
    app.state.db.pool().close().await;
    let resp = app
        .request(Method::POST, "/api/v1/auth/login", None, Some(serde_json::json!({"username": "a", "password": "b"})))
        .await;
    assert_eq!(resp.headers()["retry-after"], "2");
    error_body(resp, 503, "database_unavailable").await;
}

#[tokio::test]
async fn the_spec_and_the_api_explorer_are_served() {
    let app = spawn_app().await;
    let spec: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(spec["paths"]["/v1/auth/login"]["post"].is_object());
    assert_eq!(spec["servers"][0]["url"], "/api");
    let docs = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().to_lowercase().contains("swagger"));
}

#[tokio::test]
async fn every_page_can_ask_without_a_login_whether_this_is_a_demonstration() {
    let app = spawn_app().await;
    let about: Value = app.client.get(app.url("/api/v1/about")).send().await.unwrap().json().await.unwrap();
    assert_eq!(about, serde_json::json!({ "demo": false }), "local mock mode is not a demonstration");
    let demo = spawn_app_with(&[("BANJI_DEMO", "1")]).await;
    let about: Value = demo.client.get(demo.url("/api/v1/about")).send().await.unwrap().json().await.unwrap();
    assert_eq!(about["demo"], true);
}
