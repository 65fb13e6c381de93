//! 每日播报 at a school's scale: 50 000 bound students (1 000 classes of 50) subscribed at
//! 07:30, each class with a check-in that morning, five notices to everyone (a third of
//! them read). Measured: one run of the morning (`broadcast::run::run_at` at 07:30, the
//! whole 50 000 written and queued as deliveries), and the process's resident memory over
//! it, sampled every 50 ms. Goal: under 60 s on PostgreSQL, memory flat (the run goes 500
//! subscribers at a time).
//!
//! `cargo bench -p api --bench broadcast` (SQLite), with `DATABASE_URL=postgres://…` (and
//! `REDIS_URL=…`) for PostgreSQL. Sending is off: what is measured is making the day's
//! messages, not the platform's pace.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use banji::db::{now_ms, Backend, Db};
use banji::{Application, Config};
use chrono::TimeZone;

const STUDENTS: i64 = 50_000;
const PER_CLASS: i64 = 50;
const NOTICES: i64 = 5;

fn series(n: i64) -> String {
    format!("WITH RECURSIVE g(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM g WHERE i < {n})")
}

async fn exec(db: &Db, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(db.pool()).await.unwrap();
}

fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

async fn seed(db: &Db, morning: i64) {
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
    exec(db, format!("INSERT INTO broadcast_subscribers (openid, send_minute, subscribed_at) SELECT openid, 450, {now} FROM students")).await;
    // One check-in per class at 08:00 that day, its roll the class.
    let eight = morning + 30 * 60_000;
    exec(
        db,
        format!(
            "INSERT INTO checkin_sessions (title, audience, class_id, starts_at, ends_at, methods, rotate_seconds, secret, created_at) \
             SELECT '早读签到', '{{}}', id, {eight}, {eight} + 1800000, 'code', 30, 's', {now} FROM classes"
        ),
    )
    .await;
    exec(
        db,
        "INSERT INTO checkin_roll (session_id, student_id, class_id) \
         SELECT c.id, s.id, s.class_id FROM students s JOIN checkin_sessions c ON c.class_id = s.class_id"
            .into(),
    )
    .await;
    exec(
        db,
        format!(
            "{} INSERT INTO notices (title, body, status, audience, sent_at, created_at, updated_at) \
             SELECT '通知' || i, '正文', 'sent', '{{}}', {now}, {now}, {now} FROM g",
            series(NOTICES)
        ),
    )
    .await;
    exec(
        db,
        format!(
            "INSERT INTO deliveries (notice_id, kind, recipient, student_id, class_id, openid, status, channel, read_at, created_at) \
             SELECT n.id, 'notice', 's:' || s.id, s.id, s.class_id, s.openid, 'sent', 'template', \
             CASE WHEN s.id % 3 = 0 THEN {now} END, {now} FROM students s CROSS JOIN notices n"
        ),
    )
    .await;
    match db.backend() {
        Backend::Postgres => exec(db, "VACUUM ANALYZE".into()).await,
        Backend::Sqlite => exec(db, "ANALYZE".into()).await,
    }
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
        vars.insert("BANJI_BROADCAST", "off".into());
        let backend = match std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
            Some(url) => {
                let schema = format!("t_{}_broadcast_bench", chrono::Utc::now().timestamp());
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
        let state = app.state().clone();
        let china = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        let morning = china.with_ymd_and_hms(2026, 12, 7, 7, 30, 0).unwrap().timestamp_millis();
        let seeding = Instant::now();
        seed(&state.db, morning).await;
        eprintln!("seeded in {:.1} s", seeding.elapsed().as_secs_f64());

        let before = rss_kb();
        let peak = Arc::new(AtomicU64::new(before));
        let sampler = {
            let peak = peak.clone();
            tokio::spawn(async move {
                loop {
                    peak.fetch_max(rss_kb(), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        };
        let started = Instant::now();
        let queued = banji::broadcast::run::run_at(&state, morning).await.unwrap();
        let took = started.elapsed();
        sampler.abort();
        let deliveries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE kind LIKE 'broadcast:%'")
            .fetch_one(state.db.pool())
            .await
            .unwrap();
        assert_eq!((queued, deliveries), (STUDENTS as u64, STUDENTS));
        let sample: String = sqlx::query_scalar("SELECT text FROM broadcast_sends ORDER BY id LIMIT 1")
            .fetch_one(state.db.pool())
            .await
            .unwrap();
        assert!(sample.contains("08:00 签到「早读签到」") && sample.contains("条通知还没看"), "{sample}");
        let peak = peak.load(Ordering::Relaxed);
        println!("| measure ({backend}) | value |");
        println!("|---|---|");
        println!("| the morning's run: {STUDENTS} broadcasts written and queued | {:.1} s |", took.as_secs_f64());
        println!("| per subscriber | {:.2} ms |", took.as_secs_f64() * 1e3 / STUDENTS as f64);
        println!(
            "| resident memory before → peak during the run | {} → {} MB (+{} MB) |",
            before / 1024,
            peak / 1024,
            (peak.saturating_sub(before)) / 1024
        );
    });
}
