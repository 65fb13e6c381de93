//! Rosters at a school's scale, through the real HTTP API of an in-process server:
//! importing 10 000 students (CSV upload → job done; goal under 5 s), then listing and
//! searching them by name fragment, a page at a time (goal under 50 ms per page).
//! Uses SQLite, or PostgreSQL when DATABASE_URL is set (a fresh schema).
//!
//! `cargo bench -p api --bench people` (with `DATABASE_URL=postgres://…` for PostgreSQL)

use std::collections::HashMap;
use std::time::{Duration, Instant};

use banji::{Application, Config};
use serde_json::{json, Value};

const STUDENTS: usize = 10_000;
const FAMILY: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN: &[&str] =
    &["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "晓东", "雨桐"];

fn roster() -> String {
    let mut csv = String::from("学号,姓名,性别,班级,手机,邮箱,宿舍,状态\n");
    for i in 0..STUDENTS {
        let name =
            format!("{}{}{}", FAMILY[i % FAMILY.len()], GIVEN[(i / 7) % GIVEN.len()], GIVEN[(i / 131) % GIVEN.len()]);
        let class = format!("{}{:02}", ["计算机", "数学", "物理", "化学", "英语"][i % 5], i % 40);
        let gender = if i % 2 == 0 { "男" } else { "女" };
        csv.push_str(&format!(
            "2023{i:06},{name},{gender},{class},138{i:08},s{i}@school.edu.cn,东{}-{},在读\n",
            i % 12,
            100 + i % 400
        ));
    }
    csv
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

async fn timed_get(client: &reqwest::Client, url: &str, token: &str, runs: usize) -> (Duration, Duration, i64) {
    let mut samples = Vec::with_capacity(runs);
    let mut total = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let page: Value = client.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        samples.push(started.elapsed());
        total = page["total"].as_i64().unwrap_or(-1);
    }
    (percentile(&mut samples, 0.5), percentile(&mut samples, 0.95), total)
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut vars: HashMap<&str, String> = HashMap::new();
        vars.insert("BANJI_LISTEN", "127.0.0.1:0".into());
        vars.insert("BANJI_WEB_DIST", dir.path().display().to_string());
        let backend = match std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
            Some(url) => {
                vars.insert("DATABASE_URL", url);
                vars.insert("BANJI_DB_SCHEMA", format!("t_{}_bench", chrono::Utc::now().timestamp()));
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
        let db = app.state().db.clone();
        tokio::spawn(app.run_until_stopped());
        let new = shared::NewUser {
            username: "bench".into(),
            display_name: "Bench".into(),
            password: "bench-password".into(),
            role: shared::Role::Admin,
        };
        banji::users::create(&db, new, banji::audit::Audit::anonymous("bench", "user_created", None)).await.unwrap();
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
        let token = login["access_token"].as_str().unwrap().to_string();
        let file = roster();

        let import = |dry_run: bool| {
            let (client, base, token, file) = (client.clone(), base.clone(), token.clone(), file.clone());
            async move {
                let started = Instant::now();
                let job: Value = client
                    .post(format!("{base}/api/v1/roster/imports?dry_run={dry_run}&create_classes=true"))
                    .bearer_auth(&token)
                    .header("content-type", "application/octet-stream")
                    .body(file)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let id = job["id"].as_str().unwrap().to_string();
                loop {
                    let job: Value = client
                        .get(format!("{base}/api/v1/roster/imports/{id}"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    if job["status"] != "running" {
                        return (started.elapsed(), job);
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        };
        let (dry, dry_job) = import(true).await;
        let (first, first_job) = import(false).await;
        let (second, second_job) = import(false).await;
        assert_eq!(first_job["report"]["created"], STUDENTS as u64, "{first_job}");
        assert_eq!(second_job["report"]["updated"], STUDENTS as u64, "{second_job}");
        assert_eq!(dry_job["report"]["errors"], json!([]));

        println!("{backend}, {STUDENTS} students (`cargo bench -p api --bench people`)");
        println!("| measure | time |");
        println!("|---|---|");
        println!("| import, dry run (upload → report) | {:.2} s |", dry.as_secs_f64());
        println!("| import, 10 000 new students + 200 classes | {:.2} s |", first.as_secs_f64());
        println!("| import again (10 000 updates) | {:.2} s |", second.as_secs_f64());
        let cases = [
            ("list, first page (20)", "/api/v1/students".to_string()),
            ("list, page 250 (20)", "/api/v1/students?page=250".to_string()),
            ("search name fragment 「伟」", format!("/api/v1/students?q={}", "%E4%BC%9F")),
            ("search name fragment 「晓东」, page 2", format!("/api/v1/students?q={}&page=2", "%E6%99%93%E4%B8%9C")),
            ("search 学号 fragment 「00123」", "/api/v1/students?q=00123".to_string()),
            ("one class (per_page=100)", "/api/v1/students?class_id=7&per_page=100".to_string()),
        ];
        for (label, path) in cases {
            let (p50, p95, total) = timed_get(&client, &format!("{base}{path}"), &token, 50).await;
            println!(
                "| {label} ({total} matches): p50 / p95 | {:.1} ms / {:.1} ms |",
                p50.as_secs_f64() * 1e3,
                p95.as_secs_f64() * 1e3
            );
        }
    });
}
