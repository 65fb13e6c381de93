//! Receipts and statistics at a school's scale, through the real HTTP API (release build):
//! - the dashboard over 1 000 000 delivery rows (50 notices to 20 000 students in 400
//!   classes, all in the default 30-day period; 75 % read, confirmations on half the
//!   notices), goal under 300 ms on PostgreSQL; the hot ranking over the same rows;
//! - the report of one of those notices (20 000 deliveries), goal under 100 ms;
//! - 1 000 students opening a new notice's page at once, then 1 000 others another's at
//!   a steady pace over a minute (each through WeChat authorisation on the mock, then the
//!   page, which records the read): throughput, latency, and every read recorded.
//!
//! The rows are made with bulk SQL (`INSERT … SELECT` over a recursive series and a cross
//! join), not through the API; then `ANALYZE` (and `VACUUM` on PostgreSQL), as the
//! database's own maintenance would have done by the time anyone looks at a dashboard.
//!
//! `cargo bench -p api --bench stats` (SQLite), with `DATABASE_URL=postgres://…` (and
//! `REDIS_URL=…`) for PostgreSQL. `BENCH_KEEP=1` keeps the SQLite file (PostgreSQL's
//! schema is always kept; its name is printed) for `EXPLAIN`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use banji::db::{now_ms, Backend, Db};
use banji::{Application, Config};
use serde_json::{json, Value};

const STUDENTS: i64 = 20_000;
const PER_CLASS: i64 = 50;
const NOTICES: i64 = 50;
const READERS: usize = 1_000;
const RUNS: usize = 20;

/// `WITH RECURSIVE g(i)` counting 1..=n: a series both backends understand.
fn series(n: i64) -> String {
    format!("WITH RECURSIVE g(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM g WHERE i < {n})")
}

async fn exec(db: &Db, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(db.pool()).await.unwrap();
}

/// 400 classes, 20 000 students, 50 notices sent over the last 25 days (every tenth by
/// the teacher), each to every student: 1 000 000 deliveries; comments and downloads.
async fn seed(db: &Db, admin: i64, teacher: i64) {
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
    // Half ask for confirmation; categories 1–5 and none; the three urgencies.
    exec(
        db,
        format!(
            "{} INSERT INTO notices (title, body, category_id, urgency, requires_confirmation, author_id, status, audience, \
             sent_at, finished_at, recipient_count, created_at, updated_at) \
             SELECT '通知' || i, '请查看。', CASE WHEN i % 6 = 0 THEN NULL ELSE i % 6 END, \
             CASE i % 3 WHEN 0 THEN 'urgent' WHEN 1 THEN 'important' ELSE 'normal' END, (i % 2 = 0), \
             CASE WHEN i % 10 = 0 THEN {teacher} ELSE {admin} END, 'sent', '{{\"classes\":[]}}', \
             {now} - i * 43200000, {now} - i * 43200000 + 60000, {STUDENTS}, {now} - i * 43200000, {now} FROM g",
            series(NOTICES)
        ),
    )
    .await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM notices ORDER BY id").fetch_all(db.pool()).await.unwrap();
    // h: a pseudo-random number per (notice, student). 75 % read, after 0 to 12.4 hours
    // (mostly soon); 60 % of the readers of a notice asking for it confirm a minute later.
    let h = "((s.id * 7919 + n.id * 104729) % 1000003)";
    let read = format!("n.sent_at + ({h} % 300) * ({h} % 300) * 500");
    for id in ids {
        exec(
            db,
            format!(
                "INSERT INTO deliveries (notice_id, kind, recipient, student_id, class_id, openid, status, channel, fallback, \
                 attempts, next_attempt_at, msgid, sent_at, sent_by, delivered_at, job_status, read_at, confirmed_at, created_at) \
                 SELECT n.id, 'notice', 's:' || s.id, s.id, s.class_id, s.openid, 'sent', 'template', '', 1, n.sent_at, \
                 n.id * 1000000 + s.id, n.sent_at + 1000, 'bench', n.sent_at + 3000, 'success', \
                 CASE WHEN {h} % 100 < 75 THEN {read} END, \
                 CASE WHEN n.id % 2 = 0 AND {h} % 100 < 45 THEN {read} + 60000 END, n.sent_at \
                 FROM notices n CROSS JOIN students s WHERE n.id = {id}"
            ),
        )
        .await;
    }
    // 10 000 comments (200 students on every notice), 50 000 downloads.
    exec(
        db,
        "INSERT INTO notice_comments (notice_id, student_id, author_name, body, private, hidden, created_at) \
         SELECT n.id, s.id, s.name, '收到', FALSE, (s.id % 1000 = 0), n.sent_at + (s.id % 7200) * 1000 \
         FROM notices n CROSS JOIN students s WHERE s.id % 100 = 0"
            .into(),
    )
    .await;
    exec(
        db,
        "INSERT INTO attachment_downloads (notice_id, attachment_id, at) \
         SELECT n.id, 1, n.sent_at + (s.id % 86400) * 1000 FROM notices n CROSS JOIN students s WHERE s.id % 20 = 0"
            .into(),
    )
    .await;
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

    async fn call(&self, method: reqwest::Method, path: &str, token: &str, body: Option<Value>) -> Value {
        let mut req = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }

    /// p50 and the slowest of `RUNS` GETs (after one to warm up), and the last answer.
    async fn timed(&self, path: &str, token: &str) -> (Duration, Duration, Value) {
        let mut last = self.call(reqwest::Method::GET, path, token, None).await;
        let mut samples = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let started = Instant::now();
            last = self.call(reqwest::Method::GET, path, token, None).await;
            samples.push(started.elapsed());
        }
        samples.sort();
        (samples[RUNS / 2], samples[RUNS - 1], last)
    }

    /// The `Location` a GET answers with (a redirect of WeChat authorisation).
    async fn location(&self, url: &str) -> String {
        let resp = self.client.get(url).send().await.unwrap();
        assert_eq!(resp.status(), 302, "{url}");
        resp.headers()["location"].to_str().unwrap().to_string()
    }

    /// A student opening the notice's page from WeChat: authorisation, then the page.
    /// Returns how long the page itself took.
    async fn open_page(&self, id: i64, openid: &str) -> Duration {
        let next = format!("{}/api/v1/portal/oauth?next=/s/notices/{id}", self.base);
        let authorize = self.location(&next).await;
        let callback =
            self.location(&format!("{}&openid={openid}", authorize.trim_end_matches("#wechat_redirect"))).await;
        let page = self.location(&callback).await;
        let token = page.split("#token=").nth(1).expect("a student token").to_string();
        let started = Instant::now();
        let resp = self
            .client
            .get(format!("{}/api/v1/portal/notices/{id}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "the page of notice {id}");
        started.elapsed()
    }
}

/// How a thousand students opening one notice's page went.
struct Opening {
    took: Duration,
    /// How long each page (the request that records the read) took, fastest first.
    pages: Vec<Duration>,
    read: i64,
}

/// The `group`th thousand students (20 classes), bound to followers of the mock, open the
/// page of a notice sent to them: all at once, or spread evenly over `pace`.
async fn readers(
    api: &std::sync::Arc<Api>,
    state: &banji::state::AppState,
    admin: &str,
    group: usize,
    pace: Option<Duration>,
) -> Opening {
    let mock = state.wechat.mock.clone().unwrap();
    let openids: Vec<String> = (0..READERS).map(|i| mock.add_follower(&format!("读者{group}-{i}"))).collect();
    let mut tx = state.db.begin_write().await.unwrap();
    for (i, openid) in openids.iter().enumerate() {
        sqlx::query("UPDATE students SET openid = $1 WHERE student_no = $2")
            .bind(openid)
            .bind(format!("B{}", 100001 + group * READERS + i))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let first: i64 = sqlx::query_scalar("SELECT MIN(id) FROM classes").fetch_one(state.db.pool()).await.unwrap();
    let per_group = READERS as i64 / PER_CLASS;
    let classes: Vec<i64> = (0..per_group).map(|c| first + group as i64 * per_group + c).collect();
    let body = json!({ "title": "体检通知", "body": "请按时体检。", "audience": { "classes": classes } });
    let id = api.call(reqwest::Method::POST, "/api/v1/notices", admin, Some(body)).await["id"].as_i64().unwrap();
    api.call(reqwest::Method::POST, &format!("/api/v1/notices/{id}/send"), admin, Some(json!({}))).await;
    let started = Instant::now();
    let gap = pace.map_or(Duration::ZERO, |p| p / READERS as u32);
    let opens: Vec<_> = openids
        .into_iter()
        .enumerate()
        .map(|(i, openid)| {
            let api = api.clone();
            tokio::spawn(async move {
                tokio::time::sleep_until((started + gap * i as u32).into()).await;
                api.open_page(id, &openid).await
            })
        })
        .collect();
    let mut pages = Vec::with_capacity(READERS);
    for open in opens {
        pages.push(open.await.unwrap());
    }
    let took = started.elapsed();
    pages.sort();
    let read: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM deliveries WHERE notice_id = $1 AND kind = 'notice' AND read_at IS NOT NULL",
    )
    .bind(id)
    .fetch_one(state.db.pool())
    .await
    .unwrap();
    assert_eq!(read, READERS as i64, "every read recorded");
    Opening { took, pages, read }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    // A line per request would be 12 000 lines for the readers alone.
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
        // Nothing is sent: the rows are made in the database, and the readers' notice
        // needs only its rows.
        vars.insert("BANJI_DELIVERY", "off".into());
        let backend = match std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
            Some(url) => {
                let schema = format!("t_{}_stats_bench", chrono::Utc::now().timestamp());
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
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let api = Api { client, base };
        let (admin, teacher) = (api.login("bench").await, api.login("teacher").await);

        let started = Instant::now();
        seed(&state.db, users[0], users[1]).await;
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries").fetch_one(state.db.pool()).await.unwrap();
        assert_eq!(rows, STUDENTS * NOTICES);
        eprintln!("seeded {rows} deliveries in {:?}", started.elapsed());

        let (all_p50, all_max, all) = api.timed("/api/v1/stats/dashboard", &admin).await;
        assert_eq!((all["notices"].as_i64(), all["deliveries"].as_i64()), (Some(NOTICES), Some(rows)), "{all}");
        let (own_p50, own_max, own) = api.timed("/api/v1/stats/dashboard", &teacher).await;
        assert_eq!(own["notices"], NOTICES / 10);
        let (hot_p50, hot_max, hot) = api.timed("/api/v1/stats/hot?days=7", &admin).await;
        assert_eq!(hot.as_array().map(Vec::len), Some(10));
        eprintln!(
            "read rate {} confirm rate {} median {} s",
            all["read_rate"], all["confirm_rate"], all["median_read_seconds"]
        );

        // The report of one notice of 20 000 (the newest), once the receipts backend serves it.
        let report = if banji::routes::spec_json().contains("\"/v1/notices/{id}/report\"") {
            let newest: i64 =
                sqlx::query_scalar("SELECT MIN(id) FROM notices").fetch_one(state.db.pool()).await.unwrap();
            let (p50, max, report) = api.timed(&format!("/api/v1/notices/{newest}/report"), &admin).await;
            assert_eq!(report["funnel"]["recipients"], STUDENTS, "{}", report["funnel"]);
            eprintln!(
                "report funnel {} classes {}",
                report["funnel"],
                report["classes"].as_array().map_or(0, Vec::len)
            );
            Some((p50, max))
        } else {
            None
        };

        // 1 000 students open a new notice's page at once; then 1 000 others open another's
        // at a steady pace over a minute.
        let api = std::sync::Arc::new(api);
        let burst = readers(&api, &state, &admin, 0, None).await;
        let paced = readers(&api, &state, &admin, 1, Some(Duration::from_secs(60))).await;

        println!("{backend} (`cargo bench -p api --bench stats`)");
        println!("| measure | p50 | slowest of {RUNS} |");
        println!("|---|---|---|");
        println!("| dashboard, admin: 50 notices, 1 000 000 deliveries | {} | {} |", ms(all_p50), ms(all_max));
        println!("| dashboard, teacher: 5 notices, 100 000 deliveries | {} | {} |", ms(own_p50), ms(own_max));
        println!("| hot ranking, 7 days, admin | {} | {} |", ms(hot_p50), ms(hot_max));
        match report {
            Some((p50, max)) => println!("| report of a notice of 20 000 | {} | {} |", ms(p50), ms(max)),
            None => println!("| report of a notice of 20 000 | (no report endpoint yet) | |"),
        }
        for (what, run) in [("at once", &burst), ("over a minute, one every 60 ms", &paced)] {
            println!(
                "| 1 000 students open a page {what} (authorisation + page) | all in {:.1} s, {:.0} pages/s | |",
                run.took.as_secs_f64(),
                READERS as f64 / run.took.as_secs_f64()
            );
            println!(
                "| the page alone (records the read), under that load | {} | p99 {} |",
                ms(run.pages[READERS / 2]),
                ms(run.pages[READERS * 99 / 100])
            );
            println!("| reads recorded | {} of {READERS} | |", run.read);
        }
        if std::env::var("BENCH_KEEP").is_ok() {
            eprintln!("kept {}", dir.keep().display());
        }
    });
}
