use reqwest::Method;
use serde_json::{json, Value};
use shared::Role;

use crate::helpers::{error_body, spawn_app, spawn_app_with, PASSWORD};

#[tokio::test]
async fn login_with_correct_credentials_returns_tokens_and_the_user() {
    let app = spawn_app().await;
    app.create_user("li.lei", Role::Teacher).await;

    let resp = app.login("li.lei", PASSWORD).await;

    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["user"]["username"], "li.lei");
    assert_eq!(body["user"]["role"], "teacher");
    assert!(body["user"]["last_login_at"].is_string());
    let me: Value = app.me(body["access_token"].as_str().unwrap()).await.json().await.unwrap();
    assert_eq!(me["username"], "li.lei");
}

#[tokio::test]
async fn usernames_are_case_insensitive_at_login() {
    let app = spawn_app().await;
    app.create_user("Han.Meimei", Role::Teacher).await;
    assert_eq!(app.login("HAN.meimei", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn login_with_a_wrong_password_is_401_invalid_credentials() {
    let app = spawn_app().await;
    app.create_user("li.lei", Role::Teacher).await;
    error_body(app.login("li.lei", "not-the-password").await, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn login_with_an_unknown_username_answers_like_a_wrong_password() {
    let app = spawn_app().await;
    let body = error_body(app.login("nobody", PASSWORD).await, 401, "invalid_credentials").await;
    assert_eq!(body["message"], "wrong username or password");
}

#[tokio::test]
async fn login_with_missing_fields_is_422_naming_each_field() {
    let app = spawn_app().await;
    let resp =
        app.request(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": " ", "password": ""}))).await;
    let body = error_body(resp, 422, "validation_failed").await;
    assert_eq!(body["fields"]["username"], "is required");
    assert_eq!(body["fields"]["password"], "is required");
}

#[tokio::test]
async fn login_with_malformed_json_is_400_with_a_json_error() {
    let app = spawn_app().await;
    let resp = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    error_body(resp, 400, "bad_request").await;
    let resp = app.request(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": 12}))).await;
    error_body(resp, 400, "bad_request").await;
}

#[tokio::test]
async fn login_of_a_disabled_account_is_403_account_disabled() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app.create_user("wang", Role::Teacher).await;
    app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({"disabled": true})).await;
    error_body(app.login("wang", PASSWORD).await, 403, "account_disabled").await;
}

#[tokio::test]
async fn the_sixth_failed_login_in_a_minute_is_429_with_retry_after_even_with_the_right_password() {
    let app = spawn_app().await;
    app.create_user("li.lei", Role::Teacher).await;
    for _ in 0..5 {
        error_body(app.login("li.lei", "guess").await, 401, "invalid_credentials").await;
    }

    let resp = app.login("li.lei", PASSWORD).await;

    let retry_after: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "retry-after {retry_after}");
    error_body(resp, 429, "rate_limited").await;
}

#[tokio::test]
async fn failed_logins_from_one_address_are_limited_across_usernames() {
    let app = spawn_app().await;
    app.create_user("victim", Role::Teacher).await;
    for i in 0..5 {
        app.login(&format!("guess{i}"), "guess").await;
    }
    error_body(app.login("victim", PASSWORD).await, 429, "rate_limited").await;
}

#[tokio::test]
async fn a_successful_login_clears_the_usernames_failures() {
    let app = spawn_app_with(&[("BANJI_TRUST_PROXY", "true")]).await;
    app.create_user("li.lei", Role::Teacher).await;
    let login_from = |ip: &'static str, password: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", ip)
            .json(&json!({"username": "li.lei", "password": password}))
            .send()
    };
    for _ in 0..4 {
        assert_eq!(login_from("10.0.0.1", "guess").await.unwrap().status(), 401);
    }
    assert_eq!(login_from("10.0.0.2", PASSWORD).await.unwrap().status(), 200);
    // Four more failures from a third address do not reach the username's limit of five.
    for _ in 0..4 {
        assert_eq!(login_from("10.0.0.3", "guess").await.unwrap().status(), 401);
    }
    assert_eq!(login_from("10.0.0.4", PASSWORD).await.unwrap().status(), 200);
}

#[tokio::test]
async fn failed_logins_are_limited_across_replicas_sharing_redis() {
    if std::env::var("REDIS_URL").is_err() {
        eprintln!("REDIS_URL unset: replicas do not share a Kv; this runs in the PostgreSQL + Redis pass");
        return;
    }
    let first = spawn_app().await;
    let second = first.replica().await;
    first.create_user("li.lei", Role::Teacher).await;
    for i in 0..5 {
        let replica = if i % 2 == 0 { &first } else { &second };
        error_body(replica.login("li.lei", "guess").await, 401, "invalid_credentials").await;
    }
    error_body(second.login("li.lei", PASSWORD).await, 429, "rate_limited").await;
    error_body(first.login("li.lei", PASSWORD).await, 429, "rate_limited").await;
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token_and_returns_a_working_access_token() {
    let app = spawn_app().await;
    let (_, session) = app.teacher("li.lei").await;

    let resp = app.refresh(&session.refresh).await;

    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    let new_refresh = body["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, session.refresh);
    assert_eq!(app.me(body["access_token"].as_str().unwrap()).await.status(), 200);
    assert_eq!(app.refresh(new_refresh).await.status(), 200);
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_whole_login() {
    let app = spawn_app().await;
    let (_, session) = app.teacher("li.lei").await;
    let rotated: Value = app.refresh(&session.refresh).await.json().await.unwrap();
    let live_refresh = rotated["refresh_token"].as_str().unwrap();
    let live_access = rotated["access_token"].as_str().unwrap();

    // The old token comes back: someone copied it.
    error_body(app.refresh(&session.refresh).await, 401, "refresh_token_reused").await;

    // Every token of that login is now dead, including the newest ones.
    error_body(app.refresh(live_refresh).await, 401, "invalid_refresh_token").await;
    error_body(app.me(live_access).await, 401, "session_revoked").await;
    error_body(app.me(&session.access).await, 401, "session_revoked").await;
    // Another login of the same user is untouched.
    assert_eq!(app.login("li.lei", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn an_unknown_refresh_token_is_401() {
    let app = spawn_app().await;
    error_body(app.refresh("not-a-token").await, 401, "invalid_refresh_token").await;
}

#[tokio::test]
async fn logout_ends_the_login_for_refresh_and_access_tokens() {
    let app = spawn_app().await;
    let (_, session) = app.teacher("li.lei").await;
    let other = app.signed_in_again("li.lei").await;

    let resp = app.logout(&session.refresh).await;

    assert_eq!(resp.status(), 204);
    error_body(app.refresh(&session.refresh).await, 401, "invalid_refresh_token").await;
    error_body(app.me(&session.access).await, 401, "session_revoked").await;
    assert_eq!(app.me(&other.access).await.status(), 200, "the other login survives");
    assert_eq!(app.logout("unknown").await.status(), 204, "logout reveals nothing");
}

#[tokio::test]
async fn requests_without_or_with_a_garbage_token_are_401_json() {
    let app = spawn_app().await;
    error_body(app.request(Method::GET, "/api/v1/me", None, None).await, 401, "unauthorized").await;
    error_body(app.me("garbage").await, 401, "invalid_token").await;
    error_body(app.me("bj_not_a_real_token").await, 401, "invalid_token").await;
}

#[tokio::test]
async fn an_access_token_signed_with_another_secret_is_refused() {
    let app = spawn_app_with(&[("BANJI_JWT_SECRET", "this-secret-is-at-least-32-characters")]).await;
    let (_, session) = app.teacher("li.lei").await;
    let other = banji::auth::JwtKeys::from_secret(b"a different secret of enough length");
    let forged = other.issue(1, 1).unwrap();
    assert_eq!(app.me(&session.access).await.status(), 200);
    error_body(app.me(&forged).await, 401, "invalid_token").await;
}

#[tokio::test]
async fn changing_password_needs_the_old_one_and_ends_other_logins() {
    let app = spawn_app().await;
    let (_, session) = app.teacher("li.lei").await;
    let other = app.signed_in_again("li.lei").await;

    let wrong = app
        .post(
            "/api/v1/me/password",
            &session.access,
            json!({"old_password": "nope-nope", "new_password": "a-new-password"}),
        )
        .await;
    let body = error_body(wrong, 422, "validation_failed").await;
    assert_eq!(body["fields"]["old_password"], "is incorrect");

    let resp = app
        .post(
            "/api/v1/me/password",
            &session.access,
            json!({"old_password": PASSWORD, "new_password": "a-new-password"}),
        )
        .await;

    assert_eq!(resp.status(), 204);
    assert_eq!(app.me(&session.access).await.status(), 200, "this login continues");
    error_body(app.me(&other.access).await, 401, "session_revoked").await;
    error_body(app.login("li.lei", PASSWORD).await, 401, "invalid_credentials").await;
    assert_eq!(app.login("li.lei", "a-new-password").await.status(), 200);
}

#[tokio::test]
async fn changing_to_a_weak_password_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let (_, session) = app.teacher("li.lei").await;
    let resp = app
        .post("/api/v1/me/password", &session.access, json!({"old_password": PASSWORD, "new_password": "short"}))
        .await;
    let body = error_body(resp, 422, "validation_failed").await;
    assert_eq!(body["fields"]["new_password"], "must be at least 8 characters");
    assert_eq!(app.login("li.lei", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn pruning_drops_expired_refresh_tokens_and_long_ended_logins_but_keeps_live_ones() {
    let app = spawn_app().await;
    let (_, live) = app.teacher("li.lei").await;
    let ended = app.signed_in_again("li.lei").await;
    app.logout(&ended.refresh).await;
    let pool = app.state.db.pool();
    let long_ago = banji::db::now_ms() - 31 * 24 * 3600 * 1000;
    // Age the ended login past the 30 days, and expire one token of the live login.
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE revoked_at IS NOT NULL")
        .bind(long_ago)
        .execute(pool)
        .await
        .unwrap();
    let rotated: Value = app.refresh(&live.refresh).await.json().await.unwrap();
    sqlx::query("UPDATE refresh_tokens SET expires_at = $1 WHERE used_at IS NOT NULL")
        .bind(long_ago)
        .execute(pool)
        .await
        .unwrap();

    let removed = banji::auth::sessions::prune(&app.state.db).await.unwrap();

    // The expired (used) token, and the ended session (whose token goes with it). The
    // app's own pruning runs once at start too and, on a slow start, may have removed them
    // first: what is left is what counts.
    assert!(removed <= 2, "{removed}");
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(pool).await.unwrap();
    let tokens: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM refresh_tokens").fetch_one(pool).await.unwrap();
    assert_eq!((sessions, tokens), (1, 1));
    assert_eq!(app.refresh(rotated["refresh_token"].as_str().unwrap()).await.status(), 200);
}
