//! A lecture hall's check-in at a school's scale, through the real webhook (release build):
//! 2 000 students scan the projected QR code within a minute (a SCAN event each, signed
//! like the platform signs it, carrying the code of the moment), while a teacher's live
//! view follows the stream. Goals: every check-in recorded, webhook p99 under 50 ms, the
//! live view complete within about a second of the last scan. Then the same 2 000 as fast
//! as 64 connections send them, for the ceiling.
//!
//! `cargo bench -p api --bench checkin` (SQLite), with `DATABASE_URL=postgres://…` and
//! `REDIS_URL=…` for PostgreSQL and Redis.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use banji::checkin::codes;
use banji::db::{now_ms, Db};
use banji::wechat::config::{MOCK_ACCOUNT_ID, MOCK_TOKEN};
use banji::wechat::signature::webhook_signature;
use banji::wechat::{Body, Event, Incoming};
use banji::{Application, Config};
use futures_util::StreamExt;
use serde_json::{json, Value};

const STUDENTS: i64 = 2_000;
const PER_CLASS: i64 = 50;
const WITHIN: Duration = Duration::from_secs(60);

async fn exec(db: &Db, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(db.pool()).await.unwrap();
}

/// 40 classes of 50 bound students, openids `ock<n>`.
async fn seed(db: &Db) -> Vec<i64> {
    let now = now_ms();
    let series = |n: i64| {
        format!("WITH RECURSIVE g(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM g WHERE i < {n})")
    };
    exec(
        db,
        format!(
            "{} INSERT INTO classes (name, grade, created_at, updated_at) SELECT '讲座班' || (100 + i), '2025级', {now}, {now} FROM g",
            series(STUDENTS / PER_CLASS)
        ),
    )
    .await;
    exec(
        db,
        format!(
            "{} INSERT INTO students (student_no, name, class_id, bind_code, openid, bound_at, following, created_at, updated_at) \
             SELECT 'K' || (100000 + i), '同学' || i, (SELECT MIN(id) FROM classes) + (i - 1) / {PER_CLASS}, '000000', \
             'ock' || (1000000 + i), {now}, TRUE, {now}, {now} FROM g",
            series(STUDENTS)
        ),
    )
    .await;
    sqlx::query_scalar("SELECT id FROM classes ORDER BY id").fetch_all(db.pool()).await.unwrap()
}

/// A signed SCAN event of the code shown now.
fn scan_request(base: &str, openid: &str, session: i64, secret: &str, rotate: i64) -> (String, String) {
    let now = now_ms();
    let scene = codes::scene(session, secret, codes::step_at(now, rotate));
    let incoming = Incoming {
        to: MOCK_ACCOUNT_ID.into(),
        openid: openid.into(),
        create_time: now / 1000,
        body: Body::Event(Event::Scan { scene, ticket: None }),
    };
    let ts = (now / 1000).to_string();
    let nonce = format!("{}", now % 1_000_000_007);
    let url =
        format!("{base}/wechat?signature={}&timestamp={ts}&nonce={nonce}", webhook_signature(MOCK_TOKEN, &ts, &nonce));
    (url, incoming.to_xml())
}

struct Run {
    latencies: Vec<Duration>,
    accepted: usize,
    elapsed: Duration,
}

/// Every student scans once: paced evenly over `within`, or all at once with `concurrency`.
async fn scans(client: &reqwest::Client, base: &str, session: i64, secret: &str, pace: Option<Duration>) -> Run {
    let started = Instant::now();
    let accepted = Arc::new(AtomicUsize::new(0));
    let limit = Arc::new(tokio::sync::Semaphore::new(64));
    let mut tasks = Vec::new();
    for i in 1..=STUDENTS {
        if let Some(pace) = pace {
            tokio::time::sleep_until((started + pace * (i as u32 - 1)).into()).await;
        }
        let permit = limit.clone().acquire_owned().await.unwrap();
        let (client, base, secret, accepted) = (client.clone(), base.to_string(), secret.to_string(), accepted.clone());
        tasks.push(tokio::spawn(async move {
            let (url, body) = scan_request(&base, &format!("ock{}", 1_000_000 + i), session, &secret, 10);
            let sent = Instant::now();
            let resp = client.post(url).body(body).send().await.unwrap();
            let status = resp.status();
            let text = resp.text().await.unwrap();
            let took = sent.elapsed();
            drop(permit);
            assert_eq!(status, 200);
            if text.contains("签到成功") {
                accepted.fetch_add(1, Ordering::Relaxed);
            }
            took
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.push(t.await.unwrap());
    }
    latencies.sort();
    Run { latencies, accepted: accepted.load(Ordering::Relaxed), elapsed: started.elapsed() }
}

fn pct(sorted: &[Duration], p: f64) -> String {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    format!("{:.1} ms", sorted[i].as_secs_f64() * 1e3)
}

async fn call(client: &reqwest::Client, method: reqwest::Method, url: String, token: &str, body: Value) -> Value {
    client.request(method, url).bearer_auth(token).json(&body).send().await.unwrap().json().await.unwrap()
}

fn main() {
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "warn");
    }
    let _logs = banji::telemetry::init(false);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut vars: HashMap<&str, String> = HashMap::new();
        vars.insert("BANJI_LISTEN", "127.0.0.1:0".into());
        vars.insert("BANJI_WEB_DIST", dir.path().display().to_string());
        vars.insert("BANJI_DATA_DIR", dir.path().join("data").display().to_string());
        vars.insert("BANJI_KV_PREFIX", format!("bench{}:", now_ms()));
        vars.insert("BANJI_DELIVERY", "off".into());
        let backend = match std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
            Some(url) => {
                vars.insert("DATABASE_URL", url);
                vars.insert("BANJI_DB_SCHEMA", format!("t_{}_checkin_bench", chrono::Utc::now().timestamp()));
                if let Ok(redis) = std::env::var("REDIS_URL") {
                    vars.insert("REDIS_URL", redis);
                }
                "PostgreSQL + Redis"
            }
            None => {
                vars.insert("DATABASE_URL", format!("sqlite://{}/bench.db", dir.path().display()));
                "SQLite"
            }
        };
        let config = Config::from_vars(|k| vars.get(k).cloned()).unwrap();
        let app = Application::build(config).await.unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        let new = shared::NewUser {
            username: "bench".into(),
            display_name: "bench".into(),
            password: "bench-password".into(),
            role: shared::Role::Admin,
        };
        banji::users::create(&state.db, new, banji::audit::Audit::anonymous("bench", "user_created", None)).await.unwrap();
        let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
        let login = call(&client, reqwest::Method::POST, format!("{base}/api/v1/auth/login"), "", json!({ "username": "bench", "password": "bench-password" })).await;
        let token = login["access_token"].as_str().unwrap().to_string();
        let classes = seed(&state.db).await;

        for (label, pace) in [("paced over 60 s", Some(WITHIN / STUDENTS as u32)), ("all at once, 64 connections", None)] {
            let now = chrono::Utc::now();
            let body = json!({ "title": "就业讲座", "audience": { "classes": classes }, "starts_at": now,
                               "ends_at": now + chrono::Duration::hours(2), "methods": ["qr", "code"] });
            let session = call(&client, reqwest::Method::POST, format!("{base}/api/v1/checkins"), &token, body).await;
            let id = session["id"].as_i64().unwrap();
            assert_eq!(session["counts"]["expected"], STUDENTS);
            let secret: String = sqlx::query_scalar("SELECT secret FROM checkin_sessions WHERE id = $1")
                .bind(id)
                .fetch_one(state.db.pool())
                .await
                .unwrap();

            // The teacher's live view: the stream, and a fetch of the report per event.
            let ticket = call(&client, reqwest::Method::POST, format!("{base}/api/v1/checkins/{id}/live/ticket"), &token, json!({})).await;
            let stream = client
                .get(format!("{base}/api/v1/checkins/{id}/live/events?ticket={}", ticket["ticket"].as_str().unwrap()))
                .send()
                .await
                .unwrap();
            let (viewer_client, viewer_base, viewer_token) = (client.clone(), base.clone(), token.clone());
            let viewer = tokio::spawn(async move {
                let mut body = stream.bytes_stream();
                let (mut events, mut fetches) = (0usize, 0usize);
                while let Ok(Some(Ok(chunk))) = tokio::time::timeout(Duration::from_secs(5), body.next()).await {
                    events += String::from_utf8_lossy(&chunk).matches("event: checkin").count();
                    let report = call(&viewer_client, reqwest::Method::GET, format!("{viewer_base}/api/v1/checkins/{id}"), &viewer_token, Value::Null).await;
                    fetches += 1;
                    if report["session"]["counts"]["checked_in"] == STUDENTS {
                        return (events, fetches, Some(Instant::now()));
                    }
                }
                (events, fetches, None)
            });

            let run = scans(&client, &base, id, &secret, pace).await;
            let last = Instant::now();
            let (events, fetches, complete_at) = viewer.await.unwrap();
            let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checkin_roll WHERE session_id = $1 AND checked_at IS NOT NULL")
                .bind(id)
                .fetch_one(state.db.pool())
                .await
                .unwrap();
            let lag = complete_at.map_or("never".to_string(), |t| format!("{:.0} ms", t.saturating_duration_since(last).as_secs_f64() * 1e3));
            println!(
                "{backend}, {label}: {recorded} of {STUDENTS} recorded ({} answered 签到成功) in {:.1} s; webhook p50 {} p95 {} p99 {} max {}; \
                 live view: {events} events, {fetches} report fetches, showed {STUDENTS} {lag} after the last answer",
                run.accepted,
                run.elapsed.as_secs_f64(),
                pct(&run.latencies, 0.5),
                pct(&run.latencies, 0.95),
                pct(&run.latencies, 0.99),
                pct(&run.latencies, 1.0),
            );
            assert_eq!(recorded, STUDENTS, "every check-in recorded");
        }
    });
}
