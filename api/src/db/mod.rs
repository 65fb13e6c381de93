//! The SQL store: one code path for SQLite and PostgreSQL through sqlx's `Any` driver.
//!
//! Queries use `$1` placeholders, which both backends accept. Times are unix
//! milliseconds in the database and `DateTime<Utc>` everywhere else; the two helpers at
//! the bottom are the only place they are converted.

pub mod bulk;
pub mod filter;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyTypeInfo, AnyTypeInfoKind, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Any, AnyPool, Decode, Executor, Type, ValueRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Opens the database, creating the SQLite file (and its folder) or the PostgreSQL
    /// schema when they do not exist yet. Does not migrate. `wait` bounds how long a
    /// PostgreSQL query waits for a connection: when the server is away, a request is
    /// answered 503 after it rather than held (SQLite waits longer: its writers queue).
    pub async fn connect(url: &str, schema: Option<&str>, wait: Duration) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
        let pool = match backend {
            Backend::Sqlite => connect_sqlite(url).await?,
            Backend::Postgres => connect_postgres(url, schema, wait).await?,
        };
        Ok(Db { pool, backend })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("../migrations/postgres"),
        };
        migrator.run(&self.pool).await.context("running database migrations")?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Every transaction starts here (clippy refuses `Pool::begin`). On SQLite it takes
    /// the write lock up front (`BEGIN IMMEDIATE`) so a concurrent writer waits for it
    /// instead of failing with "database is locked" when a read lock cannot be upgraded;
    /// on PostgreSQL the reads that matter use `FOR UPDATE`.
    #[allow(clippy::disallowed_methods)]
    pub async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Cheap round trip for readiness checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }
}

async fn connect_sqlite(url: &str) -> anyhow::Result<AnyPool> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory = path.is_empty() || path.contains(":memory:");
    if !in_memory {
        if let Some(parent) = Path::new(&path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating the database folder {}", parent.display()))?;
        }
    }
    // `mode=rwc` creates the file on first start.
    let url = match query {
        _ if in_memory => "sqlite::memory:".to_string(),
        "" => format!("sqlite://{path}?mode=rwc"),
        q if q.contains("mode=") => url.to_string(),
        q => format!("sqlite://{path}?{q}&mode=rwc"),
    };
    let options = AnyConnectOptions::from_str(&url).context("parsing DATABASE_URL")?;
    AnyPoolOptions::new()
        // SQLite serialises writers anyway; a few connections serve concurrent readers (WAL).
        .max_connections(if in_memory { 1 } else { 8 })
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                // Reads through a memory map and a larger page cache instead of a syscall
                // per page: the message log and delivery tables grow quickly.
                conn.execute("PRAGMA cache_size = -16000").await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .with_context(|| format!("opening SQLite database {path}"))
}

async fn connect_postgres(url: &str, schema: Option<&str>, wait: Duration) -> anyhow::Result<AnyPool> {
    let options = AnyConnectOptions::from_str(url).context("parsing DATABASE_URL")?;
    let mut pool_options = AnyPoolOptions::new().max_connections(16).acquire_timeout(wait);
    if let Some(schema) = schema {
        // The name was validated by Config as a plain lowercase identifier.
        let create = format!("CREATE SCHEMA IF NOT EXISTS {schema}");
        let bootstrap = AnyPoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
        bootstrap.execute(sqlx::AssertSqlSafe(create)).await.context("creating BANJI_DB_SCHEMA")?;
        bootstrap.close().await;
        let set_path = format!("SET search_path TO {schema}");
        pool_options = pool_options.after_connect(move |conn, _| {
            let set_path = set_path.clone();
            Box::pin(async move {
                conn.execute(sqlx::AssertSqlSafe(set_path)).await?;
                Ok(())
            })
        });
    }
    pool_options.connect_with(options).await.context("connecting to PostgreSQL")
}

/// Unix milliseconds now, the stored form of every timestamp.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn to_time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub fn to_ms(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

/// Today's date where the school is: China Standard Time (UTC+8, no daylight saving).
/// Terms, quotas and "today" in reports follow it, whatever the server's zone.
pub fn school_today() -> chrono::NaiveDate {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    Utc::now().with_timezone(&offset).date_naive()
}

/// A time as the school reads it in logs and messages: `2026-12-02 18:30`, China time.
pub fn china_minute(ms: i64) -> String {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    to_time(ms).with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string()
}

/// True when the error says the database is away (refused, cut, restarting, or no
/// connection within the wait), not that the query was wrong: the API answers 503
/// `database_unavailable`, the workers pause and try again.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => true,
        sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // Class 08: connection exception; 57P01-57P03: shutting down, crash recovery,
            // cannot connect now (a failover in progress).
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// True when the error is a foreign-key violation (on either backend): a row written
/// names one that is not there (any more).
pub fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
    err.as_database_error().is_some_and(|e| e.is_foreign_key_violation())
}

/// True when the error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error().is_some_and(|e| e.is_unique_violation())
}

/// A boolean column as read back. Flags are BOOLEAN in PostgreSQL but INTEGER (0/1) in
/// SQLite, whose boolean the Any driver cannot read; this decodes either. Bind plain
/// `bool` values: the SQLite driver stores them as 0/1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flag(pub bool);

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <bool as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        ty.kind() == AnyTypeInfoKind::Bool || ty.kind().is_integer()
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.type_info().kind() == AnyTypeInfoKind::Bool {
            <bool as Decode<Any>>::decode(value).map(Flag)
        } else {
            <i64 as Decode<Any>>::decode(value).map(|n| Flag(n != 0))
        }
    }
}

/// A nullable float as SQL text (`NULL` or the number), for the places that would bind
/// an `Option<f64>`. sqlx 0.9's Any driver binds a `None` of DOUBLE as a PostgreSQL
/// `float4` (and a `Some` as `float8`), so a statement first prepared with a NULL fails
/// later with "incorrect binary data format"; a literal keeps the types out of it.
/// Numbers that are not finite become NULL.
pub fn float_sql(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:?}"),
        _ => "NULL".to_string(),
    }
}
