use serde_json::{json, Value};
use shared::Role;

use crate::helpers::{spawn_app, PASSWORD};

fn actions(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn logins_failures_and_admin_actions_are_audited_newest_first() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.login("admin", "wrong-password").await;
    let created: Value = app
        .post(
            "/api/v1/users",
            &admin.access,
            json!({"username": "li.lei", "display_name": "李雷", "password": PASSWORD, "role": "teacher"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({"role": "admin"})).await;
    app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({"disabled": true})).await;
    let token: Value = app
        .post("/api/v1/api-tokens", &admin.access, json!({"name": "sync", "scopes": ["read"]}))
        .await
        .json()
        .await
        .unwrap();
    app.delete(&format!("/api/v1/api-tokens/{}", token["token"]["id"]), &admin.access).await;
    app.delete(&format!("/api/v1/users/{id}"), &admin.access).await;

    let log: Value = app.get("/api/v1/audit?actor=admin", &admin.access).await.json().await.unwrap();

    assert_eq!(
        actions(&log),
        [
            "user_deleted",
            "api_token_revoked",
            "api_token_created",
            "user_disabled",
            "role_changed",
            "user_created",
            "login_failed",
            "login",
        ]
    );
    let role_change = &log["items"][4];
    assert_eq!(role_change["detail"], "li.lei: teacher -> admin");
    assert_eq!(role_change["target"], format!("user:{id}"));
    assert_eq!(role_change["ip"], "127.0.0.1");
    assert!(log["items"][6]["actor_id"].is_null(), "a failed login has no authenticated actor");
}

#[tokio::test]
async fn the_audit_log_filters_by_action_and_paginates() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_user("li.lei", Role::Teacher).await;
    for _ in 0..3 {
        app.login("li.lei", "wrong-password").await;
    }

    let failures: Value =
        app.get("/api/v1/audit?action=login_failed&per_page=2", &admin.access).await.json().await.unwrap();

    assert_eq!(failures["total"], 3);
    assert_eq!(failures["items"].as_array().unwrap().len(), 2);
    assert!(actions(&failures).iter().all(|a| a == "login_failed"));
    assert_eq!(failures["items"][0]["actor"], "li.lei");
    let second: Value =
        app.get("/api/v1/audit?action=login_failed&per_page=2&page=2", &admin.access).await.json().await.unwrap();
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn refresh_token_reuse_and_password_changes_are_audited() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, teacher) = app.teacher("li.lei").await;
    app.refresh(&teacher.refresh).await;
    app.refresh(&teacher.refresh).await;
    let again = app.signed_in_again("li.lei").await;
    app.post("/api/v1/me/password", &again.access, json!({"old_password": PASSWORD, "new_password": "brand-new-pass"}))
        .await;

    let log: Value = app.get("/api/v1/audit?actor=li.lei", &admin.access).await.json().await.unwrap();

    let actions = actions(&log);
    assert_eq!(actions[0], "password_changed");
    assert!(actions.contains(&"refresh_token_reused".to_string()), "{actions:?}");
}
