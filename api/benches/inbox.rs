//! 消息 at a school's scale, through the real HTTP API (release build): 1 000 000 messages
//! in the log from 20 000 students (400 classes of 50) over half a year, 100 000 teachers'
//! answers, every tenth thread waiting. Measured: the inbox's first page (admin: every
//! thread; a teacher: their class), the waiting filter, a text search, one thread, and the
//! interaction history's first page. Goal: the first page and a thread under 50 ms on
//! SQLite and PostgreSQL.
//!
//! The rows are made with bulk SQL (the log's trigger keeps the threads, as in use), then
//! `ANALYZE` (and `VACUUM` on PostgreSQL).
//!
//! `cargo bench -p api --bench inbox` (SQLite), with `DATABASE_URL=postgres://…` (and
//! `REDIS_URL=…`) for PostgreSQL.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use banji::db::{now_ms, Backend, Db};
use banji::{Application, Config};
use serde_json::{json, Value};

const STUDENTS: i64 = 20_000;
const PER_CLASS: i64 = 50;
const MESSAGES: i64 = 1_000_000;
const ANSWERS: i64 = 100_000;
const RUNS: usize = 20;

/// `WITH RECURSIVE g(i)` counting 1..=n: a series both backends understand.
fn series(n: i64) -> String {
    format!("WITH RECURSIVE g(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM g WHERE i < {n})")
}

async fn exec(db: &Db, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(db.pool()).await.unwrap();
}

async fn seed(db: &Db, teacher: i64) {
    let now = now_ms();
    let classes = STUDENTS / PER_CLASS;
    exec(
        db,
        format!(
            "{} INSERT INTO classes (name, grade, created_at, updated_at) SELECT '班级' || (1000 + i), '2025级', {now}, {now} FROM g",
            series(classes)
        ),
    )
    .await;
    exec(
        db,
        format!(
            "{} INSERT INTO students (student_no, name, class_id, bind_code, openid, bound_at, following, created_at, updated_at) \
             SELECT 'B' || (100000 + i), '同学' || i, (SELECT MIN(id) FROM classes) + (i - 1) / {PER_CLASS}, '000000', \
             'obench' || (1000000 + i), {now}, TRUE, {now}, {now} FROM g",
            series(STUDENTS)
        ),
    )
    .await;
    exec(db, format!("INSERT INTO class_teachers (class_id, user_id) SELECT MIN(id), {teacher} FROM classes")).await;
    // Message i comes from student (i mod 20 000) + 1, 15 s after message i - 1: half a year.
    let step = 15_000;
    let start = now - MESSAGES * step;
    exec(
        db,
        format!(
            "{} INSERT INTO wechat_messages (openid, msg_type, content, msg_id, created_time, received_at, raw_xml) \
             SELECT 'obench' || (1000000 + (i % {STUDENTS}) + 1), 'text', '请问第' || i || '个问题怎么办？', i, \
             ({start} + i * {step}) / 1000, {start} + i * {step}, '' FROM g",
            series(MESSAGES)
        ),
    )
    .await;
    exec(
        db,
        format!(
            "{} INSERT INTO inbox_replies (openid, user_id, author_name, kind, content, status, created_at) \
             SELECT 'obench' || (1000000 + (i * 10 % {STUDENTS}) + 1), {teacher}, '老师', 'text', '已回复' || i, 'sent', \
             {start} + i * {step} * 10 + 5000 FROM g",
            series(ANSWERS)
        ),
    )
    .await;
    exec(db, "UPDATE inbox_threads SET waiting_since = last_in_at WHERE openid LIKE '%0'".into()).await;
    match db.backend() {
        Backend::Postgres => exec(db, "VACUUM ANALYZE".into()).await,
        Backend::Sqlite => exec(db, "ANALYZE".into()).await,
    }
}

struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    async fn login(&self, username: &str) -> String {
        let body = json!({ "username": username, "password": "bench-password" });
        let login: Value = self
            .client
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        login["access_token"].as_str().unwrap().to_string()
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        let resp = self.client.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    /// p50 and the slowest of `RUNS` GETs (after one to warm up), and the last answer.
    async fn timed(&self, path: &str, token: &str) -> (Duration, Duration, Value) {
        let mut last = self.get(path, token).await;
        let mut samples = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let started = Instant::now();
            last = self.get(path, token).await;
            samples.push(started.elapsed());
        }
        samples.sort();
        (samples[RUNS / 2], samples[RUNS - 1], last)
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
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
                let schema = format!("t_{}_inbox_bench", chrono::Utc::now().timestamp());
                eprintln!("schema {schema}");
                vars.insert("DATABASE_URL", url);
                vars.insert("BANJI_DB_SCHEMA", schema);
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
        let config = Config::from_vars(|k| vars.get(k).cloned()).unwrap();
        let app = Application::build(config).await.unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        let mut users = Vec::new();
        for (username, role) in [("bench", shared::Role::Admin), ("teacher", shared::Role::Teacher)] {
            let new = shared::NewUser {
                username: username.into(),
                display_name: username.into(),
                password: "bench-password".into(),
                role,
            };
            let audit = banji::audit::Audit::anonymous("bench", "user_created", None);
            users.push(banji::users::create(&state.db, new, audit).await.unwrap().id);
        }
        let api = Api { client: reqwest::Client::new(), base };
        let (admin, teacher) = (api.login("bench").await, api.login("teacher").await);

        let started = Instant::now();
        seed(&state.db, users[1]).await;
        let rows: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM wechat_messages").fetch_one(state.db.pool()).await.unwrap();
        assert_eq!(rows, MESSAGES);
        eprintln!("seeded {rows} messages in {:?}", started.elapsed());

        let measures = [
            ("inbox, first page, admin (20 000 threads)", "/api/v1/inbox/threads", &admin),
            ("inbox, first page, teacher (one class of 50)", "/api/v1/inbox/threads", &teacher),
            ("inbox, 未处理, admin", "/api/v1/inbox/threads?waiting=true", &admin),
            ("inbox, search a student's name, admin", "/api/v1/inbox/threads?q=%E5%90%8C%E5%AD%A61999", &admin),
            ("one thread (its 50 messages and 50 answers)", "/api/v1/inbox/threads/obench1000011", &admin),
            ("interaction history, first page", "/api/v1/messages", &admin),
        ];
        println!("| measure ({backend}, {rows} messages) | p50 | slowest |");
        println!("|---|---|---|");
        for (label, path, token) in measures {
            let (p50, max, last) = api.timed(path, token).await;
            if path.contains("threads/") {
                assert_eq!(last["messages"].as_array().map(Vec::len), Some(100), "{label}");
            } else if label.contains("teacher") {
                assert_eq!(last["total"], 50, "{label}");
            } else {
                assert!(last["items"].as_array().is_some_and(|i| !i.is_empty()), "{label}: {last}");
            }
            println!("| {label} | {} | {} |", ms(p50), ms(max));
        }
    });
}
