//! Exactly once, whatever happens: a flaky platform, a process killed in the middle of a
//! fan-out, two replicas sharing the work. The mock platform's inboxes are the judge.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, Session, Storage, TestApp};
use crate::notice_helpers::insert_bound_students;

/// What each follower of a mock received, by openid.
async fn received(client: &reqwest::Client, mock_base: &str) -> HashMap<String, u64> {
    let users: Vec<Value> = client.get(format!("{mock_base}/sim/users")).send().await.unwrap().json().await.unwrap();
    users.into_iter().map(|u| (u["openid"].as_str().unwrap().to_string(), u["received"].as_u64().unwrap())).collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(app.state.db.pool()).await.unwrap()
}

#[tokio::test]
async fn on_a_flaky_platform_every_recipient_ends_sent_or_failed_with_the_right_reason_and_none_twice() {
    let app = spawn_app_with(&[]).await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 400, &[]).await;
    for i in 0..5 {
        app.create_student(&admin, &format!("20239999{i:02}"), &format!("未绑定{i}"), class, "").await;
    }
    let patch = |openid: &str, body: Value| {
        app.client.patch(app.url(&format!("/mock-wechat/sim/users/{openid}"))).json(&body).send()
    };
    let blocked: Vec<&String> = students[..10].iter().map(|(_, o)| o).collect();
    let left: Vec<&String> = students[10..20].iter().map(|(_, o)| o).collect();
    for o in &blocked {
        patch(o, json!({ "blocked": true })).await.unwrap();
    }
    for o in &left {
        patch(o, json!({ "following": false })).await.unwrap();
    }
    // One call in five fails as busy or too frequent; one in twenty takes effect but its
    // answer is lost, so the send is repeated with the same idempotency key.
    app.set_faults(json!({ "error_rate": 0.2, "errcodes": [-1, 45011], "lost_answer_rate": 0.05 })).await;

    let id = app.draft(&admin, "防诈骗提醒", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    app.until_sent(&admin, id, 90).await;
    app.set_faults(json!({})).await;

    let inboxes = received(&app.client, &app.url("/mock-wechat")).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let rows = loop {
        let rows = app.deliveries(&admin, id).await;
        let waiting = rows
            .iter()
            .any(|r| blocked.contains(&&r["openid"].as_str().unwrap_or_default().to_string()) && r["status"] == "sent");
        if !waiting || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(rows.len(), 405);
    for row in &rows {
        let openid = row["openid"].as_str().map(str::to_string);
        let (status, failure) = (row["status"].as_str().unwrap(), row["failure"].as_str());
        match openid {
            None => assert_eq!((status, failure), ("unbound", Some("the student has not bound WeChat")), "{row}"),
            Some(o) if blocked.contains(&&o) => {
                assert_eq!((status, row["errcode"].as_i64()), ("failed", Some(43101)), "{row}");
                assert_eq!(inboxes[&o], 0);
            }
            Some(o) if left.contains(&&o) => {
                assert_eq!((status, row["errcode"].as_i64()), ("failed", Some(43004)), "{row}");
                assert_eq!(failure, Some("the student does not follow the account"));
                assert_eq!(inboxes[&o], 0);
            }
            Some(o) => {
                assert_eq!(status, "sent", "{row}");
                assert_eq!(inboxes[&o], 1, "exactly one message for {o}: {row}");
            }
        }
    }
    // The faults were met: the platform saw many more calls than there were sends.
    let stats: Value = app.client.get(app.url("/mock-wechat/sim/stats")).send().await.unwrap().json().await.unwrap();
    assert!(stats["api_calls"].as_u64().unwrap() > 450, "{stats}");
}

/// A child process that is killed (SIGKILL) when dropped, also when a test fails.
struct Process(Child);

impl Process {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `banji serve` as its own process, on `storage`, sending through `mock_base`.
fn serve(storage: &Storage, dist: &std::path::Path, mock_base: &str) -> Process {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_banji"));
    cmd.arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BANJI_LISTEN", "127.0.0.1:0")
        .env("DATABASE_URL", &storage.database_url)
        .env("BANJI_KV_PREFIX", &storage.kv_prefix)
        .env("BANJI_WEB_DIST", dist)
        .env("BANJI_DATA_DIR", &storage.data_dir)
        .env("WECHAT_API_BASE", mock_base)
        .env("BANJI_LEASE_SECS", "2")
        .env("BANJI_SEND_PER_MINUTE", "1000000")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(schema) = &storage.schema {
        cmd.env("BANJI_DB_SCHEMA", schema);
    }
    if let Ok(redis) = std::env::var("REDIS_URL") {
        cmd.env("REDIS_URL", redis);
    }
    Process(cmd.spawn().expect("banji serve starts"))
}

async fn wait_for(app: &TestApp, what: &str, secs: u64, sql: &str, at_least: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let n = count(app, sql).await;
        if n >= at_least {
            return n;
        }
        assert!(Instant::now() < deadline, "{what}: {n} < {at_least}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn notice_to(app: &TestApp, admin: &Session, class: i64) -> i64 {
    let id = app.draft(admin, "全体学生安全教育", json!({ "classes": [class] })).await;
    app.send_notice(admin, id).await;
    id
}

#[tokio::test]
async fn a_process_killed_mid_fan_out_and_restarted_sends_each_of_5000_students_the_notice_exactly_once() {
    // This app is the platform (its mock) and the console; it sends nothing itself.
    let app = spawn_app_with(&[("BANJI_DELIVERY", "off")]).await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "2026级新生", 5000, &[]).await;
    app.set_faults(json!({ "latency_ms": 5 })).await;
    let mock = app.url("/mock-wechat");
    let id = notice_to(&app, &admin, class).await;

    let mut first = serve(&app.storage, &app.dist, &mock);
    wait_for(&app, "the first process sends", 60, "SELECT COUNT(*) FROM deliveries WHERE status = 'sent'", 1000).await;
    first.kill();
    let in_flight = count(&app, "SELECT COUNT(*) FROM deliveries WHERE status = 'sending'").await;
    let sent_before = count(&app, "SELECT COUNT(*) FROM deliveries WHERE status = 'sent'").await;
    assert!(sent_before < 5000, "killed before the end");
    eprintln!("killed with {in_flight} in flight, {sent_before} sent");

    let mut second = serve(&app.storage, &app.dist, &mock);
    let progress = app.until_sent(&admin, id, 120).await;
    second.kill();
    assert_eq!(progress["by_status"], json!({ "sent": 5000 }), "{progress}");

    let inboxes = received(&app.client, &mock).await;
    let wrong: Vec<(&String, u64)> = students.iter().map(|(_, o)| (o, inboxes[o])).filter(|(_, n)| *n != 1).collect();
    assert!(
        wrong.is_empty(),
        "{} students did not get exactly one message: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
    let workers = count(&app, "SELECT COUNT(DISTINCT sent_by) FROM deliveries").await;
    assert_eq!(workers, 2, "both processes sent (in flight at the kill: {in_flight}, sent before: {sent_before})");
}

/// `banji mock-wechat` as its own process; returns it and its base URL.
fn standalone_mock() -> (Process, String) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_banji"))
        .args(["mock-wechat", "--listen", "127.0.0.1:0", "--webhook", "http://127.0.0.1:9/wechat"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mock starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base =
        line.split_whitespace().find(|w| w.starts_with("http://")).expect("the mock says where it listens").to_string();
    (Process(child), base)
}

#[tokio::test]
async fn two_replicas_share_a_fan_out_to_5000_students_and_each_student_gets_it_exactly_once() {
    let (mut mock, base) = standalone_mock();
    let shared = [("WECHAT_API_BASE", base.as_str()), ("BANJI_SEND_PER_MINUTE", "1000000")];
    let one = spawn_app_with(&shared).await;
    let two = one.replica_with(&shared).await;
    let client = reqwest::Client::new();
    let resp = client
        .put(format!("{base}/sim/settings"))
        .json(&json!({ "webhook_url": one.url("/wechat") }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    client.put(format!("{base}/sim/faults")).json(&json!({ "latency_ms": 5 })).send().await.unwrap();
    let made: Value = client
        .post(format!("{base}/sim/users/bulk"))
        .json(&json!({ "count": 5000, "nickname": "新生" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let openids: Vec<String> = serde_json::from_value(made["openids"].clone()).unwrap();

    let admin = one.admin().await;
    one.map_notice_template(&admin).await;
    let class = one.create_class(&admin, "2026级新生", &[]).await;
    insert_bound_students(&one.state.db, class, &openids, "X").await;
    let id = notice_to(&one, &admin, class).await;
    two.state.delivery.wake();
    let progress = two.until_sent(&admin, id, 120).await;
    assert_eq!(progress["by_status"], json!({ "sent": 5000 }), "{progress}");

    let inboxes = received(&client, &base).await;
    let wrong = openids.iter().filter(|o| inboxes[*o] != 1).count();
    assert_eq!(wrong, 0, "every student got exactly one message");
    let owners = [one.state.delivery.owner(), two.state.delivery.owner()];
    for owner in owners {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE sent_by = $1")
            .bind(owner)
            .fetch_one(one.state.db.pool())
            .await
            .unwrap();
        assert!(n > 0, "replica {owner} took a share of the work");
    }
    mock.kill();
}
