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
    assert_eq!(role_change["detail"], "li.lei：教师 → 管理员");
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

/// Every action literal written through `Audit` anywhere in the server's sources.
fn actions_in_the_server() -> std::collections::BTreeSet<String> {
    // The action is the second argument of `Audit::by` / `Audit::anonymous`, the argument
    // of the users module's `audit(…)`, or one of the literals of a line choosing it.
    let call = regex::Regex::new(r#"(?:Audit::by\([^,]+, |Audit::anonymous\([^,]+, |audit\()"([a-z_]+)""#).unwrap();
    let literal = regex::Regex::new(r#""([a-z_]+)""#).unwrap();
    let mut found = std::collections::BTreeSet::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("audit/mod.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.extend(call.captures_iter(&text).map(|c| c[1].to_string()));
                for line in
                    text.lines().filter(|l| l.contains("let action = if") || l.contains("Audit::by(&auth.0, if"))
                {
                    found.extend(literal.captures_iter(line).map(|c| c[1].to_string()));
                }
            }
        }
    }
    found
}

#[test]
fn every_action_the_server_writes_is_listed_and_the_console_gives_it_a_chinese_label() {
    let written = actions_in_the_server();
    assert!(written.len() > 60 && written.contains("notice_sent") && written.contains("checkin_added"), "{written:?}");
    let listed: std::collections::BTreeSet<String> = shared::audit::ACTIONS.iter().map(|a| a.to_string()).collect();
    let unlisted: Vec<&String> = written.iter().filter(|a| !listed.contains(*a)).collect();
    assert!(unlisted.is_empty(), "add to shared::audit::ACTIONS and a label in the console: {unlisted:?}");
    let labels =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/src/i18n/zh_cn/audit.rs")).unwrap();
    for action in shared::audit::ACTIONS {
        let arm = format!("\"{action}\" => \"");
        let label = labels.split(&arm).nth(1).and_then(|rest| rest.split('"').next());
        let label = label.unwrap_or_else(|| panic!("no label for {action} in the console"));
        assert!(!label.is_ascii(), "{action}'s label is Chinese: {label}");
    }
}
