//! The `banji` binary's subcommands, run as a user would run them.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::helpers::{spawn_app, Storage};

fn banji(storage: &Storage, args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_banji"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &storage.database_url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(schema) = &storage.schema {
        cmd.env("BANJI_DB_SCHEMA", schema);
    }
    let mut child = cmd.spawn().expect("banji runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn admin_create_refuses_a_weak_password_with_a_clear_message() {
    let app = spawn_app().await;
    let out = banji(&app.storage, &["admin", "create", "boss", "--password-stdin"], "short\n");
    assert!(!out.status.success());
    assert_eq!(text(&out.stderr).trim(), "error: password must be at least 8 characters");
    assert_eq!(app.login("boss", "short").await.status(), 401);
}

#[tokio::test]
async fn admin_create_makes_an_admin_who_can_log_in_and_refuses_a_duplicate() {
    let app = spawn_app().await;
    let out = banji(&app.storage, &["admin", "create", "Boss", "--password-stdin"], "a-strong-password\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("admin 'boss' created"));

    let resp = app.login("boss", "a-strong-password").await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["user"]["role"], "admin");

    let again = banji(&app.storage, &["admin", "create", "boss", "--password-stdin"], "a-strong-password\n");
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("already taken"), "{}", text(&again.stderr));
}

#[tokio::test]
async fn migrate_creates_a_fresh_database_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage {
        database_url: format!("sqlite://{}/nested/folder/banji.db", dir.path().display()),
        schema: None,
        kv_prefix: String::new(),
        data_dir: dir.path().join("data"),
    };
    for _ in 0..2 {
        let out = banji(&storage, &["migrate"], "");
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    assert!(dir.path().join("nested/folder/banji.db").is_file());
}

#[test]
fn openapi_prints_the_committed_spec_byte_for_byte() {
    let out = Command::new(env!("CARGO_BIN_EXE_banji")).arg("openapi").output().unwrap();
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), banji::routes::spec_json());
}

#[test]
fn a_bad_variable_stops_banji_with_a_message_naming_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_banji"))
        .arg("migrate")
        .env("BANJI_LISTEN", "not-an-address")
        .env("BANJI_CONFIG", "/nonexistent/banji.toml")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("BANJI_CONFIG"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_banji"))
        .arg("migrate")
        .env_remove("BANJI_CONFIG")
        .env("BANJI_LISTEN", "not-an-address")
        .output()
        .unwrap();
    assert!(text(&out.stderr).starts_with("error: BANJI_LISTEN: 'not-an-address'"), "{}", text(&out.stderr));
}

#[test]
fn mock_mode_refuses_to_serve_its_simulator_on_a_public_address_unless_it_is_a_demo() {
    let run = |args: &[&str], listen: &str| {
        Command::new(env!("CARGO_BIN_EXE_banji"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("BANJI_LISTEN", listen)
            .env("BANJI_CONFIG", "/dev/null")
            .output()
            .unwrap()
    };
    let serve = run(&["serve"], "0.0.0.0:0");
    assert!(!serve.status.success());
    let stderr = text(&serve.stderr);
    assert!(stderr.starts_with("error: BANJI_LISTEN: 0.0.0.0:0: mock mode"), "{stderr}");
    assert!(stderr.contains("BANJI_DEMO=1"), "{stderr}");
    // The standalone mock platform has the same simulator.
    let mock = run(&["mock-wechat", "--listen", "0.0.0.0:0", "--webhook", "http://127.0.0.1:9/wechat"], "127.0.0.1:0");
    assert!(!mock.status.success());
    assert!(text(&mock.stderr).contains("BANJI_DEMO=1"), "{}", text(&mock.stderr));
}

#[tokio::test]
async fn tags_resync_repairs_drift_from_the_command_line_against_a_shared_mock() {
    let app = spawn_app().await;
    let s = app.school().await;
    let openid = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    // The binding's own tagging must be over, or it could undo the drift made below.
    app.settled().await;
    app.patch(&format!("/api/v1/classes/{}", s.class_a), &s.admin.access, serde_json::json!({ "mirror_tag": true }))
        .await;
    let tag = app.platform_tags().await.into_iter().find(|(n, _)| n == "计算机2301").unwrap().1;
    app.state.wechat.client.untag_followers(tag, std::slice::from_ref(&openid)).await.unwrap();

    // The command runs on its own, against the same database and (as replicas would)
    // the same mock platform.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_banji"));
    cmd.args(["tags", "resync"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.storage.database_url)
        .env("BANJI_KV_PREFIX", &app.storage.kv_prefix)
        .env("WECHAT_API_BASE", app.url("/mock-wechat"))
        .env("RUST_LOG", "error");
    if let Some(schema) = &app.storage.schema {
        cmd.env("BANJI_DB_SCHEMA", schema);
    }
    if let Ok(redis) = std::env::var("REDIS_URL") {
        cmd.env("REDIS_URL", redis);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 tagged"), "{}", text(&out.stdout));
    assert!(app.mock().state().users[&openid].tags.contains(&tag));
}
