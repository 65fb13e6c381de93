//! One search over 100 000 items (issue 19), through the real HTTP API (release build):
//! 60 000 notices (each to a 10-student group of 2 000 students, so a student has 300),
//! 30 000 documents (a tenth listed for one class) and 10 000 procedures, with titles and
//! bodies made from a school's words. Measured, p50 and p95 of 40 searches each: a student
//! page's search for a common two-character fragment, a rarer word, two words, a 学号-like
//! number; the console's for an admin and a teacher; and 「搜索 奖学」 from WeChat through
//! the simulator and the webhook. Goal: under 30 ms p95 on SQLite and PostgreSQL.
//!
//! `cargo bench -p api --bench search` (SQLite), with `DATABASE_URL=postgres://…` (and
//! `REDIS_URL=…`) for PostgreSQL. Indexing takes minutes there: with
//! `SEARCH_BENCH_SCHEMA=<a schema an earlier run printed>` a run measures the items that
//! schema already holds instead of indexing them again.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use banji::db::{now_ms, Backend, Db};
use banji::search::{index, Audience, Item, Kind};
use banji::{Application, Config};
use serde_json::{json, Value};

const NOTICES: i64 = 60_000;
const DOCUMENTS: i64 = 30_000;
const GUIDES: i64 = 10_000;
const STUDENTS: i64 = 2_000;
const PER_CLASS: i64 = 50;
const RUNS: usize = 40;

const WORDS: &[&str] = &[
    "国家奖学金",
    "助学金",
    "请假",
    "宿舍",
    "期末考试",
    "选课",
    "体检",
    "运动会",
    "讲座",
    "实习",
    "就业",
    "党团",
    "志愿服务",
    "图书馆",
    "报名",
    "缴费",
    "补考",
    "毕业",
    "论文",
    "答辩",
    "社团",
    "安全教育",
    "心理健康",
    "医保",
    "评优",
    "资助",
    "勤工助学",
    "转专业",
    "学籍",
    "成绩单",
    "四六级",
    "普通话",
    "校园卡",
    "网络",
    "维修",
    "防诈骗",
];

/// A deterministic pseudo-random number (no dependency on a generator's versions).
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x
}

fn word(seed: u64) -> &'static str {
    WORDS[(mix(seed) % WORDS.len() as u64) as usize]
}

fn text(i: i64, salt: u64) -> (String, String) {
    let s = i as u64 * 7 + salt;
    let title = format!("关于{}和{}的通知（第{}期）", word(s), word(s + 1), i % 97);
    let body = format!(
        "各位同学：{}相关事项如下，请于本周内完成{}。学号{}同学请到学工办。另：{}、{}请关注后续安排，逾期不予受理。",
        word(s + 2),
        word(s + 3),
        2_023_000 + i,
        word(s + 4),
        word(s + 5)
    );
    (title, body)
}

async fn exec(db: &Db, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(db.pool()).await.unwrap();
}

fn series(n: i64) -> String {
    format!("WITH RECURSIVE g(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM g WHERE i < {n})")
}

async fn seed(db: &Db, teacher: i64) {
    let now = now_ms();
    exec(
        db,
        format!(
            "{} INSERT INTO classes (name, grade, created_at, updated_at) SELECT '班级' || (1000 + i), '2025级', {now}, {now} FROM g",
            series(STUDENTS / PER_CLASS)
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
    // Notices: one per minute back from now, by the teacher for every 10th.
    exec(
        db,
        format!(
            "{} INSERT INTO notices (title, body, author_id, status, audience, sent_at, created_at, updated_at) \
             SELECT 'n' || i, '', CASE WHEN i % 10 = 0 THEN {teacher} END, 'sent', '{{}}', {now} - i * 60000, \
             {now} - i * 60000, {now} - i * 60000 FROM g",
            series(NOTICES)
        ),
    )
    .await;
    // Notice i to the 10 students from ((i * 10) mod 2 000) + 1.
    exec(
        db,
        format!(
            "{} INSERT INTO deliveries (notice_id, kind, recipient, student_id, openid, status, created_at) \
             SELECT n.id, 'notice', 's:' || s.id, s.id, s.openid, 'sent', {now} FROM g \
             JOIN notices n ON n.title = 'n' || ((g.i - 1) / 10 + 1) \
             JOIN students s ON s.student_no = 'B' || (100000 + (((g.i - 1) / 10) * 10 % {STUDENTS}) + ((g.i - 1) % 10) + 1)",
            series(NOTICES * 10)
        ),
    )
    .await;
    let notice_ids: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, title FROM notices ORDER BY id").fetch_all(db.pool()).await.unwrap();
    let first_class: i64 = sqlx::query_scalar("SELECT MIN(id) FROM classes").fetch_one(db.pool()).await.unwrap();
    let mut items = Vec::with_capacity((NOTICES + DOCUMENTS + GUIDES) as usize);
    for (id, marker) in notice_ids {
        let i: i64 = marker[1..].parse().unwrap();
        let (title, body) = text(i, 1);
        exec(db, format!("UPDATE notices SET title = '{title}', body = '{body}' WHERE id = {id}")).await;
        items.push(Item {
            kind: Kind::Notice,
            ref_id: id,
            title,
            summary: body.clone(),
            body,
            audience: Audience::Recipients,
            at: now - i * 60_000,
        });
    }
    for i in 1..=DOCUMENTS {
        let (title, body) = text(i, 2);
        let audience = if i % 10 == 0 {
            Audience::Listed { classes: vec![first_class + i % (STUDENTS / PER_CLASS)], groups: vec![] }
        } else {
            Audience::Everyone
        };
        items.push(Item {
            kind: Kind::Document,
            ref_id: i,
            title: title.replace("通知", "申请表"),
            summary: String::new(),
            body,
            audience,
            at: now - i * 90_000,
        });
    }
    for i in 1..=GUIDES {
        let (title, body) = text(i, 3);
        items.push(Item {
            kind: Kind::Guide,
            ref_id: i,
            title: title.replace("通知", "办理流程"),
            summary: String::new(),
            body,
            audience: Audience::Everyone,
            at: now - i * 300_000,
        });
    }
    for chunk in items.chunks(1000) {
        let mut tx = db.begin_write().await.unwrap();
        for item in chunk {
            index::put_in(&mut tx, item).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
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

    async fn say(&self, openid: &str, text: &str) -> Value {
        let url = format!("{}/mock-wechat/sim/users/{openid}/messages", self.base);
        let resp = self.client.post(url).json(&json!({ "type": "text", "content": text })).send().await.unwrap();
        assert!(resp.status().is_success());
        resp.json().await.unwrap()
    }
}

/// p50 and p95 of `RUNS` timings (after one to warm up), and the last answer.
async fn timed<F, Fut>(mut call: F) -> (Duration, Duration, Value)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let mut last = call().await;
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        last = call().await;
        samples.push(started.elapsed());
    }
    samples.sort();
    (samples[RUNS / 2], samples[RUNS * 95 / 100], last)
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
                let schema = std::env::var("SEARCH_BENCH_SCHEMA")
                    .unwrap_or_else(|_| format!("t_{}_search_bench", chrono::Utc::now().timestamp()));
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
        let indexed: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM search_items").fetch_one(state.db.pool()).await.unwrap();
        let mut users = Vec::new();
        for (username, role) in [("bench", shared::Role::Admin), ("teacher", shared::Role::Teacher)] {
            if indexed > 0 {
                continue;
            }
            let new = shared::NewUser {
                username: username.into(),
                display_name: username.into(),
                password: "bench-password".into(),
                role,
            };
            let audit = banji::audit::Audit::anonymous("bench", "user_created", None);
            users.push(banji::users::create(&state.db, new, audit).await.unwrap().id);
        }
        let started = Instant::now();
        if indexed == 0 {
            seed(&state.db, users[1]).await;
        }
        let items: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM search_items").fetch_one(state.db.pool()).await.unwrap();
        let terms: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM search_terms").fetch_one(state.db.pool()).await.unwrap();
        assert_eq!(items, NOTICES + DOCUMENTS + GUIDES);
        eprintln!("indexed {items} items ({terms} terms) in {:?}", started.elapsed());
        tokio::spawn(app.run_until_stopped());
        let api = Api { client: reqwest::Client::new(), base };
        let (admin, teacher) = (api.login("bench").await, api.login("teacher").await);
        // A follower of the mock bound to student 17 (a simulator message needs one).
        let openid = state.wechat.mock.as_ref().unwrap().add_follower("bench");
        exec(&state.db, format!("UPDATE students SET openid = '{openid}' WHERE student_no = 'B100017'")).await;
        exec(&state.db, format!("UPDATE deliveries SET openid = '{openid}' WHERE recipient = 's:' || (SELECT id FROM students WHERE student_no = 'B100017')")).await;
        let student = state.jwt.issue_student(&openid).unwrap();

        let measures: [(&str, String, &String); 6] = [
            ("student page: 奖学 (a common fragment)", "/api/v1/portal/search?q=%E5%A5%96%E5%AD%A6".into(), &student),
            ("student page: 勤工助学 (a rarer word)", "/api/v1/portal/search?q=%E5%8B%A4%E5%B7%A5%E5%8A%A9%E5%AD%A6".into(), &student),
            ("student page: 宿舍 维修 (two words)", "/api/v1/portal/search?q=%E5%AE%BF%E8%88%8D%20%E7%BB%B4%E4%BF%AE".into(), &student),
            ("student page: 2023017 (a 学号)", "/api/v1/portal/search?q=2023017".into(), &student),
            ("console, admin: 奖学", "/api/v1/search?q=%E5%A5%96%E5%AD%A6".into(), &admin),
            ("console, teacher (one class): 奖学", "/api/v1/search?q=%E5%A5%96%E5%AD%A6".into(), &teacher),
        ];
        println!("| search ({backend}, {items} items, {terms} terms) | p50 | p95 | results |");
        println!("|---|---|---|---|");
        for (label, path, token) in measures {
            // A student page may search 60 times a minute: each measure starts afresh.
            state.kv.delete(&format!("portal:search:{openid}")).await.unwrap();
            let (p50, p95, last) = timed(|| api.get(&path, token)).await;
            let n = last["hits"].as_array().map_or(0, Vec::len);
            assert!(n > 0, "{label}: {last}");
            println!("| {label} | {} | {} | {n} |", ms(p50), ms(p95));
        }
        let (p50, p95, last) = timed(|| api.say(&openid, "搜索 奖学")).await;
        let n = last["reply"]["articles"].as_array().map_or(0, Vec::len);
        assert_eq!(n, 8, "{last}");
        println!("| WeChat 「搜索 奖学」 (simulator → webhook → news reply) | {} | {} | {n} articles |", ms(p50), ms(p95));
    });
}
