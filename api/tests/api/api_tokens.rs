use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, TestApp};

async fn create_token(app: &TestApp, access: &str, scopes: &[&str]) -> Value {
    let resp = app.post("/api/v1/api-tokens", access, json!({"name": "教务系统", "scopes": scopes})).await;
    assert_eq!(resp.status(), 201);
    resp.json().await.unwrap()
}

#[tokio::test]
async fn an_api_token_authenticates_as_its_owner_and_its_secret_is_shown_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;

    let created = create_token(&app, &admin.access, &["read", "write"]).await;

    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("bj_") && secret.len() > 40);
    assert_eq!(created["token"]["prefix"], secret[..10]);
    let me: Value = app.me(secret).await.json().await.unwrap();
    assert_eq!(me["username"], "admin");
    assert_eq!(app.get("/api/v1/users", secret).await.status(), 200, "acts with the owner's role");
    let list: Value = app.get("/api/v1/api-tokens", &admin.access).await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    assert!(!list.to_string().contains(secret), "the list never shows the secret");
    assert!(list["items"][0]["last_used_at"].is_string());
}

#[tokio::test]
async fn a_read_only_token_can_read_but_not_write() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let secret = create_token(&app, &admin.access, &["read"]).await["secret"].as_str().unwrap().to_string();

    assert_eq!(app.get("/api/v1/users", &secret).await.status(), 200);
    let resp = app
        .post(
            "/api/v1/users",
            &secret,
            json!({"username": "x", "display_name": "x", "password": "12345678", "role": "teacher"}),
        )
        .await;
    error_body(resp, 403, "insufficient_scope").await;
}

#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    let app = spawn_app().await;
    let (_, teacher) = app.teacher("li.lei").await;
    let created = create_token(&app, &teacher.access, &["read"]).await;
    let secret = created["secret"].as_str().unwrap();
    assert_eq!(app.me(secret).await.status(), 200);

    let resp = app.delete(&format!("/api/v1/api-tokens/{}", created["token"]["id"]), &teacher.access).await;

    assert_eq!(resp.status(), 204);
    error_body(app.me(secret).await, 401, "invalid_token").await;
    let list: Value = app.get("/api/v1/api-tokens", &teacher.access).await.json().await.unwrap();
    assert!(list["items"][0]["revoked_at"].is_string());
}

#[tokio::test]
async fn a_teacher_cannot_see_or_revoke_someone_elses_token_but_an_admin_can() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, li) = app.teacher("li.lei").await;
    let (_, han) = app.teacher("han.meimei").await;
    let created = create_token(&app, &li.access, &["read"]).await;
    let path = format!("/api/v1/api-tokens/{}", created["token"]["id"]);

    let others: Value = app.get("/api/v1/api-tokens", &han.access).await.json().await.unwrap();
    assert_eq!(others["total"], 0);
    error_body(app.delete(&path, &han.access).await, 404, "not_found").await;
    assert_eq!(app.me(created["secret"].as_str().unwrap()).await.status(), 200);

    assert_eq!(app.delete(&path, &admin.access).await.status(), 204);
    assert_eq!(app.me(created["secret"].as_str().unwrap()).await.status(), 401);
}

#[tokio::test]
async fn api_tokens_cannot_mint_tokens_or_change_passwords() {
    let app = spawn_app().await;
    let (_, teacher) = app.teacher("li.lei").await;
    let secret = create_token(&app, &teacher.access, &["read", "write"]).await["secret"].as_str().unwrap().to_string();

    let mint = app.post("/api/v1/api-tokens", &secret, json!({"name": "child", "scopes": ["write"]})).await;
    error_body(mint, 403, "session_required").await;
    let password = app
        .post(
            "/api/v1/me/password",
            &secret,
            json!({"old_password": crate::helpers::PASSWORD, "new_password": "whatever-123"}),
        )
        .await;
    error_body(password, 403, "session_required").await;
}

#[tokio::test]
async fn token_creation_validates_name_scopes_and_expiry() {
    let app = spawn_app().await;
    let (_, teacher) = app.teacher("li.lei").await;
    let past = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let resp =
        app.post("/api/v1/api-tokens", &teacher.access, json!({"name": "", "scopes": [], "expires_at": past})).await;
    let body = error_body(resp, 422, "validation_failed").await;
    assert_eq!(body["fields"]["name"], "is required");
    assert_eq!(body["fields"]["scopes"], "is required");
    assert_eq!(body["fields"]["expires_at"], "must be in the future");
    let bad_scope = app.post("/api/v1/api-tokens", &teacher.access, json!({"name": "x", "scopes": ["admin"]})).await;
    error_body(bad_scope, 400, "bad_request").await;
}

#[tokio::test]
async fn a_token_with_a_future_expiry_works_and_shows_it() {
    let app = spawn_app().await;
    let (_, teacher) = app.teacher("li.lei").await;
    let later = (Utc::now() + Duration::days(7)).to_rfc3339();
    let resp = app
        .post("/api/v1/api-tokens", &teacher.access, json!({"name": "x", "scopes": ["read"], "expires_at": later}))
        .await;
    let created: Value = resp.json().await.unwrap();
    assert!(created["token"]["expires_at"].is_string());
    assert_eq!(app.me(created["secret"].as_str().unwrap()).await.status(), 200);
}

#[tokio::test]
async fn tokens_of_a_disabled_user_stop_working() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, teacher) = app.teacher("li.lei").await;
    let secret = create_token(&app, &teacher.access, &["read"]).await["secret"].as_str().unwrap().to_string();

    app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({"disabled": true})).await;

    error_body(app.me(&secret).await, 401, "invalid_token").await;
}

/// A fresh read+write API token of `who`; its secret.
async fn token_secret(app: &TestApp, who: &crate::helpers::Session) -> String {
    create_token(app, &who.access, &["read", "write"]).await["secret"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_changed_or_reset_password_or_a_disabled_account_revokes_its_api_tokens() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, teacher) = app.teacher("li.lei").await;

    // The teacher changes their own password: a token leaked with the old one dies with it.
    let leaked = token_secret(&app, &teacher).await;
    assert_eq!(app.me(&leaked).await.status(), 200);
    let change = json!({ "old_password": crate::helpers::PASSWORD, "new_password": "another-long-password" });
    assert_eq!(app.post("/api/v1/me/password", &teacher.access, change).await.status(), 204);
    error_body(app.me(&leaked).await, 401, "invalid_token").await;

    // An admin resets it.
    let teacher = crate::helpers::Session::from(
        app.login("li.lei", "another-long-password").await.json::<Value>().await.unwrap(),
    );
    let leaked = token_secret(&app, &teacher).await;
    let reset =
        app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({ "password": "reset-by-admin-1" })).await;
    assert_eq!(reset.status(), 200);
    error_body(app.me(&leaked).await, 401, "invalid_token").await;

    // Disabled, then enabled again: the token stays revoked.
    let teacher =
        crate::helpers::Session::from(app.login("li.lei", "reset-by-admin-1").await.json::<Value>().await.unwrap());
    let leaked = token_secret(&app, &teacher).await;
    app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({ "disabled": true })).await;
    app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({ "disabled": false })).await;
    error_body(app.me(&leaked).await, 401, "invalid_token").await;
    let audit: Value = app.get("/api/v1/audit?action=api_tokens_revoked", &admin.access).await.json().await.unwrap();
    assert_eq!(audit["total"], 2, "reset and disable are audited with the tokens they revoked: {audit}");
}

#[tokio::test]
async fn an_account_waiting_for_approval_is_refused_everywhere_whatever_token_it_holds() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, teacher) = app.teacher("li.lei").await;
    let token = token_secret(&app, &teacher).await;
    // As if a login had slipped in before the account was marked pending.
    sqlx::query("UPDATE users SET pending = TRUE WHERE id = $1").bind(id).execute(app.state.db.pool()).await.unwrap();
    error_body(app.me(&teacher.access).await, 401, "session_revoked").await;
    error_body(app.me(&token).await, 401, "invalid_token").await;
    error_body(app.refresh(&teacher.refresh).await, 403, "pending_approval").await;
    let approved = app.post(&format!("/api/v1/users/{id}/approve"), &admin.access, json!({})).await;
    assert_eq!(approved.status(), 200);
    assert_eq!(app.me(&token).await.status(), 200, "approved, the token works");
}

#[tokio::test]
async fn two_admins_approving_at_once_both_get_an_answer_not_a_server_error() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let other = app.signed_in("admin2", shared::Role::Admin).await.1;
    let mut ids = Vec::new();
    for i in 0..5 {
        let id = app.create_user(&format!("new{i}"), shared::Role::Teacher).await;
        sqlx::query("UPDATE users SET pending = TRUE WHERE id = $1")
            .bind(id)
            .execute(app.state.db.pool())
            .await
            .unwrap();
        ids.push(id);
    }
    let paths: Vec<String> = ids.iter().map(|id| format!("/api/v1/users/{id}/approve")).collect();
    let approvals = paths
        .iter()
        .flat_map(|path| [app.post(path, &admin.access, json!({})), app.post(path, &other.access, json!({}))]);
    let answers: Vec<u16> =
        futures_util::future::join_all(approvals).await.iter().map(|r| r.status().as_u16()).collect();
    assert!(answers.iter().all(|&s| s == 200), "{answers:?}");
}
