//! `spawn_app()` and `TestApp`: one method per endpoint, so tests read like a client's session.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use banji::state::AppState;
use banji::wechat::webhook::router::Router;
use banji::{Application, Config};
use reqwest::{Method, Response};
use serde_json::{json, Value};
use shared::{NewUser, Role};
use tempfile::TempDir;

pub const PASSWORD: &str = "correct-horse-battery";

/// Where this test's data lives, so a second replica can share it.
#[derive(Clone)]
pub struct Storage {
    pub database_url: String,
    pub schema: Option<String>,
    pub kv_prefix: String,
    /// Uploaded files (attachments).
    pub data_dir: std::path::PathBuf,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub storage: Storage,
    pub dist: std::path::PathBuf,
    _dirs: Vec<TempDir>,
}

fn unique_suffix() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    format!("{secs}_{}", uuid_like())
}

fn uuid_like() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{n:016x}")
}

/// A test database: a temp SQLite file by default, or a schema of `DATABASE_URL`.
async fn fresh_storage(dirs: &mut Vec<TempDir>) -> Storage {
    let kv_prefix = format!("banji_test:{}:", uuid_like());
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_path_buf();
    dirs.push(data);
    match std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
        Some(url) => {
            drop_stale_schemas(&url).await;
            Storage { database_url: url, schema: Some(format!("t_{}", unique_suffix())), kv_prefix, data_dir }
        }
        None => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}/banji.db", dir.path().display());
            dirs.push(dir);
            Storage { database_url: url, schema: None, kv_prefix, data_dir }
        }
    }
}

/// Schemas of test runs more than an hour old are dropped, so the shared database stays small.
async fn drop_stale_schemas(url: &str) {
    sqlx::any::install_default_drivers();
    let Ok(pool) = sqlx::AnyPool::connect(url).await else {
        return;
    };
    let names: Vec<String> = sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 't\\_%'")
        .fetch_all(&pool)
        .await
        .unwrap_or_default();
    let cutoff = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() - 3600;
    for name in names {
        let stamp = name.split('_').nth(1).and_then(|s| s.parse::<u64>().ok());
        if stamp.is_some_and(|s| s < cutoff) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            let _ =
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {name} CASCADE"))).execute(&pool).await;
        }
    }
    pool.close().await;
}

/// A console build stand-in: an index page and one hashed asset.
fn fake_dist(dirs: &mut Vec<TempDir>) -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>班级</title><div id=app></div>").unwrap();
    std::fs::write(dir.path().join("web-0123456789abcdef_bg.wasm"), vec![0u8; 4096]).unwrap();
    std::fs::write(dir.path().join("web-0123456789abcdef.js"), "console.log('banji');".repeat(200)).unwrap();
    // The phone pages' bundles, with the twins scripts/precompress.mjs makes (fake bytes,
    // so a test can tell which file was sent).
    // Each students' bundle's shell, named by its title so a test can tell which was sent.
    for (folder, title) in [
        ("student", "我的班级"),
        ("student-notices", "我的班级 · 通知"),
        ("student-checkin", "我的班级 · 签到"),
        ("student-guides", "我的班级 · 办事指南"),
    ] {
        let shell = dir.path().join(folder);
        std::fs::create_dir(&shell).unwrap();
        std::fs::write(
            shell.join("index.html"),
            format!(
                r#"<!doctype html><title>{title}</title><main class="portal" id="skeleton" aria-busy="true"><header class="portal-head">我的班级</header><div class="card skeleton"></div></main>"#
            ),
        )
        .unwrap();
    }
    let student = dir.path().join("student");
    std::fs::write(student.join("student-0123456789abcdef_bg.wasm"), vec![1u8; 4096]).unwrap();
    std::fs::write(student.join("student-0123456789abcdef_bg.wasm.br"), b"brotli twin").unwrap();
    std::fs::write(student.join("student-0123456789abcdef_bg.wasm.gz"), b"gzip twin").unwrap();
    let teacher = dir.path().join("teacher");
    std::fs::create_dir(&teacher).unwrap();
    std::fs::write(teacher.join("index.html"), "<!doctype html><title>教师工作台</title>").unwrap();
    let tasks = dir.path().join("teacher-tasks");
    std::fs::create_dir(&tasks).unwrap();
    std::fs::write(tasks.join("index.html"), "<!doctype html><title>教师工作台 · 待办</title>").unwrap();
    let login = dir.path().join("login");
    std::fs::create_dir(&login).unwrap();
    std::fs::write(login.join("index.html"), "<!doctype html><title>登录 · 班级</title><form id=login-form></form>")
        .unwrap();
    let path = dir.path().to_path_buf();
    dirs.push(dir);
    path
}

pub fn config_for(storage: &Storage, dist: &std::path::Path, extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("BANJI_LISTEN".into(), "127.0.0.1:0".into());
    vars.insert("DATABASE_URL".into(), storage.database_url.clone());
    if let Some(schema) = &storage.schema {
        vars.insert("BANJI_DB_SCHEMA".into(), schema.clone());
    }
    if let Ok(redis) = std::env::var("REDIS_URL") {
        vars.insert("REDIS_URL".into(), redis);
    }
    vars.insert("BANJI_KV_PREFIX".into(), storage.kv_prefix.clone());
    vars.insert("BANJI_WEB_DIST".into(), dist.display().to_string());
    vars.insert("BANJI_DATA_DIR".into(), storage.data_dir.display().to_string());
    // The daily broadcast runs when a test says (`broadcast::run::run_at`), not by the clock.
    vars.insert("BANJI_BROADCAST".into(), "off".into());
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    Config::from_vars(|name| vars.get(name).cloned()).expect("test config is valid")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts an app with extra configuration variables.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let mut dirs = Vec::new();
    let storage = fresh_storage(&mut dirs).await;
    let dist = fake_dist(&mut dirs);
    start(storage, dist, extra, dirs).await
}

/// Starts an app whose WeChat messages go through `router` instead of Banji's rules.
pub async fn spawn_app_with_router(extra: &[(&str, &str)], router: Router) -> TestApp {
    let mut dirs = Vec::new();
    let storage = fresh_storage(&mut dirs).await;
    let dist = fake_dist(&mut dirs);
    start_with(storage, dist, extra, dirs, router).await
}

async fn start(storage: Storage, dist: std::path::PathBuf, extra: &[(&str, &str)], dirs: Vec<TempDir>) -> TestApp {
    start_with(storage, dist, extra, dirs, banji::conversation::router()).await
}

async fn start_with(
    storage: Storage,
    dist: std::path::PathBuf,
    extra: &[(&str, &str)],
    dirs: Vec<TempDir>,
    router: Router,
) -> TestApp {
    let config = config_for(&storage, &dist, extra);
    let app = Application::build_with_router(config, router).await.expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { address, client, state, storage, dist, _dirs: dirs }
}

impl TestApp {
    /// A second replica sharing this app's database and Kv prefix.
    pub async fn replica(&self) -> TestApp {
        start(self.storage.clone(), self.dist.clone(), &[], Vec::new()).await
    }

    /// A second replica sharing this app's database and Kv prefix, with extra variables.
    pub async fn replica_with(&self, extra: &[(&str, &str)]) -> TestApp {
        start(self.storage.clone(), self.dist.clone(), extra, Vec::new()).await
    }

    /// A second replica that also shares this app's mock platform (as replicas share one
    /// `banji mock-wechat`).
    pub async fn replica_on_same_platform(&self) -> TestApp {
        self.replica_on_same_platform_with(&[]).await
    }

    /// The same, with extra variables.
    pub async fn replica_on_same_platform_with(&self, extra: &[(&str, &str)]) -> TestApp {
        let base = format!("{}/mock-wechat", self.address);
        let mut vars = vec![("WECHAT_API_BASE", base.as_str())];
        vars.extend_from_slice(extra);
        start(self.storage.clone(), self.dist.clone(), &vars, Vec::new()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn request(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::PATCH, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, Some(token), None).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.request(Method::POST, "/api/v1/auth/refresh", None, Some(json!({ "refresh_token": refresh_token }))).await
    }

    pub async fn logout(&self, refresh_token: &str) -> Response {
        self.request(Method::POST, "/api/v1/auth/logout", None, Some(json!({ "refresh_token": refresh_token }))).await
    }

    pub async fn me(&self, token: &str) -> Response {
        self.get("/api/v1/me", token).await
    }

    /// Creates an account directly, as `banji admin create` does.
    pub async fn create_user(&self, username: &str, role: Role) -> i64 {
        let new = NewUser {
            username: username.into(),
            display_name: format!("{username} 老师"),
            password: PASSWORD.into(),
            role,
        };
        let audit = banji::audit::Audit::anonymous("test", "user_created", None);
        banji::users::create(&self.state.db, new, audit).await.expect("user created").id
    }

    /// Creates an account and logs it in; returns (user id, login body).
    pub async fn signed_in(&self, username: &str, role: Role) -> (i64, Session) {
        let id = self.create_user(username, role).await;
        let resp = self.login(username, PASSWORD).await;
        assert_eq!(resp.status(), 200, "login of {username}");
        (id, Session::from(resp.json::<Value>().await.unwrap()))
    }

    pub async fn admin(&self) -> Session {
        self.signed_in("admin", Role::Admin).await.1
    }

    pub async fn teacher(&self, username: &str) -> (i64, Session) {
        self.signed_in(username, Role::Teacher).await
    }
}

pub struct Session {
    pub access: String,
    pub refresh: String,
}

impl From<Value> for Session {
    fn from(body: Value) -> Self {
        Session {
            access: body["access_token"].as_str().expect("access_token").to_string(),
            refresh: body["refresh_token"].as_str().expect("refresh_token").to_string(),
        }
    }
}

/// Asserts the JSON error shape and returns the body.
pub async fn error_body(resp: Response, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("application/json"), "error content-type was {content_type}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], code, "error body {body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "error has a message: {body}");
    body
}

impl TestApp {
    /// A second login of an existing account.
    pub async fn signed_in_again(&self, username: &str) -> Session {
        let resp = self.login(username, PASSWORD).await;
        assert_eq!(resp.status(), 200);
        Session::from(resp.json::<Value>().await.unwrap())
    }
}
