//! Notices at a school's scale, through the real HTTP API (release build):
//! - creating a notice for 20 000 recipients: resolve the audience and insert one delivery
//!   row each (the `send` call), goal under 2 s;
//! - dispatch against the mock platform with no latency and no budget: a separate
//!   `banji serve` process (the worker) sends while this process plays the platform,
//!   goal at least 1 000 sends/s;
//! - memory while fanning out 100 000 recipients: the worker process's peak RSS after
//!   20 000 and after 100 000 (flat: rows are claimed a batch at a time, never all loaded).
//!
//! `cargo bench -p api --bench delivery` (SQLite), with `DATABASE_URL=postgres://…` (and
//! `REDIS_URL=…`) for PostgreSQL.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use banji::db::{bulk, now_ms, Db};
use banji::{Application, Config};
use serde_json::{json, Value};

async fn add_students(db: &Db, class: i64, openids: &[String], prefix: &str) {
    let now = now_ms();
    let rows: Vec<(String, &String)> =
        openids.iter().enumerate().map(|(i, o)| (format!("{prefix}{i:06}"), o)).collect();
    let mut conn = db.pool().acquire().await.unwrap();
    let columns =
        ["student_no", "name", "class_id", "bind_code", "openid", "bound_at", "following", "created_at", "updated_at"];
    bulk::insert(&mut conn, db.backend(), "students", &columns, "", &rows, |q, (no, openid)| {
        q.bind(no).bind("同学").bind(class).bind("000000").bind(*openid).bind(now).bind(true).bind(now).bind(now)
    })
    .await
    .unwrap();
}

fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// The worker process, killed when dropped (also when the bench fails).
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn worker(vars: &HashMap<&str, String>, mock: &str) -> Worker {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_banji"));
    cmd.arg("serve").env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.env("BANJI_DELIVERY", "on")
        .env("WECHAT_API_BASE", mock)
        .env("BANJI_SEND_PER_MINUTE", "100000000")
        .env("BANJI_SEND_PER_DAY", "100000000")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Worker)
        .unwrap()
}

struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let resp = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }

    /// Drafts a notice to `class` and sends it; returns its id and how long `send` took.
    async fn notice(&self, class: i64) -> (i64, Duration) {
        let body = json!({ "title": "全校安全教育", "body": "请于周五前完成。", "audience": { "classes": [class] } });
        let id = self.call(reqwest::Method::POST, "/api/v1/notices", body).await["id"].as_i64().unwrap();
        let started = Instant::now();
        self.call(reqwest::Method::POST, &format!("/api/v1/notices/{id}/send"), json!({})).await;
        (id, started.elapsed())
    }

    async fn until_sent(&self, id: i64) -> Duration {
        let started = Instant::now();
        loop {
            let p = self.call(reqwest::Method::GET, &format!("/api/v1/notices/{id}/progress"), Value::Null).await;
            if p["status"] == "sent" {
                assert_eq!(p["by_status"]["sent"], p["total"], "{p}");
                return started.elapsed();
            }
            // Progress counts every row of the notice; the console asks every 2 s.
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

fn main() {
    let _logs = banji::telemetry::init(false);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut vars: HashMap<&str, String> = HashMap::new();
        vars.insert("BANJI_LISTEN", "127.0.0.1:0".into());
        vars.insert("BANJI_WEB_DIST", dir.path().display().to_string());
        vars.insert("BANJI_DATA_DIR", dir.path().join("data").display().to_string());
        vars.insert("BANJI_KV_PREFIX", format!("bench{}:", now_ms()));
        let backend = match std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
            Some(url) => {
                vars.insert("DATABASE_URL", url);
                vars.insert("BANJI_DB_SCHEMA", format!("t_{}_bench", chrono::Utc::now().timestamp()));
                if let Ok(redis) = std::env::var("REDIS_URL") {
                    vars.insert("REDIS_URL", redis);
                }
                "PostgreSQL"
            }
            None => {
                vars.insert("DATABASE_URL", format!("sqlite://{}/bench.db", dir.path().display()));
                "SQLite"
            }
        };
        // This process is the console and the platform; it sends nothing itself.
        let mut here = vars.clone();
        here.insert("BANJI_DELIVERY", "off".into());
        let config = Config::from_vars(|k| here.get(k).cloned()).unwrap();
        let app = Application::build(config).await.unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        let new = shared::NewUser {
            username: "bench".into(),
            display_name: "Bench".into(),
            password: "bench-password".into(),
            role: shared::Role::Admin,
        };
        banji::users::create(&state.db, new, banji::audit::Audit::anonymous("bench", "user_created", None)).await.unwrap();
        let client = reqwest::Client::new();
        let login: Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({ "username": "bench", "password": "bench-password" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let api = Api { client, base: base.clone(), token: login["access_token"].as_str().unwrap().to_string() };
        let mapping = json!({ "kind": "notice", "template_id": "TPL_NOTICE", "fields": { "title": "thing1", "author": "thing2", "time": "time3" } });
        api.call(reqwest::Method::PUT, "/api/v1/settings/templates/notice", mapping).await;
        let mock = state.wechat.mock.clone().unwrap();
        // The platform's 100 000 template sends a day would pause the second notice.
        mock.state().template_daily_quota = 1_000_000;
        let mut classes = Vec::new();
        for (name, n) in [("2026级", 20_000usize), ("全校", 100_000)] {
            let class = api.call(reqwest::Method::POST, "/api/v1/classes", json!({ "name": name, "teacher_ids": [] })).await["id"]
                .as_i64()
                .unwrap();
            let openids: Vec<String> = (0..n).map(|i| mock.add_follower(&format!("{name}{i}"))).collect();
            add_students(&state.db, class, &openids, &format!("{class}-")).await;
            classes.push(class);
        }

        eprintln!("set up: {} students", 120_000);
        let count_started = Instant::now();
        let count = api.call(reqwest::Method::POST, "/api/v1/notices/audience-count", json!({ "audience": { "classes": [classes[0]] } })).await;
        let count_took = count_started.elapsed();
        assert_eq!(count["recipients"], 20_000);
        let (small, small_fan_out) = api.notice(classes[0]).await;

        let process = worker(&vars, &format!("{base}/mock-wechat"));
        eprintln!("20 000 rows made in {small_fan_out:?}");
        let small_sent = api.until_sent(small).await;
        eprintln!("20 000 sent in {small_sent:?}");
        let rss_small = peak_rss_mb(process.0.id());
        let (big, big_fan_out) = api.notice(classes[1]).await;
        eprintln!("100 000 rows made in {big_fan_out:?}");
        let big_sent = api.until_sent(big).await;
        let rss_big = peak_rss_mb(process.0.id());
        drop(process);

        println!("{backend} (`cargo bench -p api --bench delivery`)");
        println!("| measure | value |");
        println!("|---|---|");
        println!("| audience count, 20 000 students | {:.0} ms |", count_took.as_secs_f64() * 1e3);
        println!("| create notice for 20 000 (send: audience + rows) | {:.2} s |", small_fan_out.as_secs_f64());
        println!("| create notice for 100 000 | {:.2} s |", big_fan_out.as_secs_f64());
        println!("| dispatch 20 000 (worker start → sent) | {:.1} s, {:.0} sends/s |", small_sent.as_secs_f64(), 20_000.0 / small_sent.as_secs_f64());
        println!("| dispatch 100 000 | {:.1} s, {:.0} sends/s |", big_sent.as_secs_f64(), 100_000.0 / big_sent.as_secs_f64());
        println!("| worker peak RSS after 20 000 | {rss_small:.0} MB |");
        println!("| worker peak RSS after 100 000 more | {rss_big:.0} MB |");
    });
}
