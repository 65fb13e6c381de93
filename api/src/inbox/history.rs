//! The interaction history (seed 002's 用户交互数据): everything the message log keeps —
//! what followers sent, events included — and what teachers answered, newest first,
//! filtered, paged, and exported as CSV/XLSX. For admins, and integrations holding an
//! admin's token (a `read` token is enough: these are GETs).

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::{Attachment, Json};
use poem_openapi::OpenApi;
use shared::{LoggedMessage, Page, PageQuery};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{to_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::http::sheet::{self, FileFormat, Sheet};
use crate::state::AppState;

/// The most rows an export holds.
const MAX_EXPORT: i64 = 100_000;

/// Each side of the history as a table aliased `m`, with the student (alias `s`) when
/// bound, so one filter fits both: what followers sent (`in`) and the answers (`out`).
const SIDES: [&str; 2] = [
    "FROM (SELECT 'in' AS direction, id, openid, msg_type AS kind, event, content AS text, received_at AS at, \
     NULL AS author FROM wechat_messages) m LEFT JOIN students s ON s.openid = m.openid",
    "FROM (SELECT 'out' AS direction, id, openid, kind, NULL AS event, content AS text, created_at AS at, \
     author_name AS author FROM inbox_replies) m LEFT JOIN students s ON s.openid = m.openid",
];

/// What the history may be narrowed to.
#[derive(Debug, Default, Clone)]
pub struct HistoryQuery {
    pub openid: Option<String>,
    pub student_id: Option<i64>,
    pub kind: Option<String>,
    pub direction: Option<String>,
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub q: String,
}

impl HistoryQuery {
    /// From the operations' parameters (the list and the export take the same).
    fn new(
        openid: Option<String>,
        student_id: Option<i64>,
        kind: Option<String>,
        direction: Option<String>,
        from: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
        q: Option<String>,
    ) -> Self {
        HistoryQuery {
            openid,
            student_id,
            kind,
            direction,
            from: from.map(to_ms),
            until: until.map(to_ms),
            q: q.unwrap_or_default(),
        }
    }

    fn filter(&self) -> ApiResult<Filter> {
        let mut filter = Filter::new();
        if let Some(openid) = &self.openid {
            filter.and("m.openid = ?", [Arg::from(openid.as_str())]);
        }
        if let Some(student) = self.student_id {
            filter.and("s.id = ?", [Arg::Int(student)]);
        }
        if let Some(kind) = &self.kind {
            filter.and("m.kind = ?", [Arg::from(kind.as_str())]);
        }
        match self.direction.as_deref() {
            None => {}
            Some(d @ ("in" | "out")) => {
                filter.and("m.direction = ?", [Arg::from(d)]);
            }
            Some(_) => return Err(ApiError::field("direction", "is in or out")),
        }
        if let Some(from) = self.from {
            filter.and("m.at >= ?", [Arg::Int(from)]);
        }
        if let Some(until) = self.until {
            filter.and("m.at < ?", [Arg::Int(until)]);
        }
        if !self.q.trim().is_empty() {
            filter.and("m.text LIKE ? ESCAPE '\\'", [Arg::from(contains_pattern(&self.q))]);
        }
        Ok(filter)
    }
}

type Row = (
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

const COLUMNS: &str = "SELECT m.direction, m.id, m.openid, m.kind, m.event, m.text, m.at, m.author, \
     s.id AS student_id, s.name AS student_name, s.student_no ";

fn to_message(r: Row) -> LoggedMessage {
    LoggedMessage {
        direction: r.0,
        id: r.1,
        openid: r.2,
        kind: r.3,
        event: r.4,
        text: r.5,
        at: to_time(r.6),
        author: r.7,
        student_id: r.8,
        student_name: r.9,
        student_no: r.10,
    }
}

/// A page of the history, newest first. Each side gives at most the rows up to the page's
/// end, newest first from its time index (migration 0017), and only those are merged:
/// the first page of a million-row log reads a few dozen rows, not the log.
async fn rows(db: &Db, q: &HistoryQuery, limit: i64, offset: i64) -> ApiResult<(Vec<LoggedMessage>, Filter)> {
    let filter = q.filter()?;
    let where_sql = filter.where_sql();
    let upto = offset.saturating_add(limit).max(0);
    let sides = SIDES.map(|side| {
        format!("SELECT * FROM ({COLUMNS}{side}{where_sql} ORDER BY m.at DESC, m.id DESC LIMIT {upto}) AS part")
    });
    let sql = format!(
        "SELECT h.direction, h.id, h.openid, h.kind, h.event, h.text, h.at, h.author, h.student_id, h.student_name, \
         h.student_no FROM ({} UNION ALL {}) AS h ORDER BY h.at DESC, h.direction, h.id DESC LIMIT {} OFFSET {}",
        sides[0],
        sides[1],
        filter.next(1),
        filter.next(2)
    );
    let rows: Vec<Row> =
        filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).bind(limit).bind(offset).fetch_all(db.pool()).await?;
    Ok((rows.into_iter().map(to_message).collect(), filter))
}

pub async fn page(db: &Db, q: &HistoryQuery, page: PageQuery) -> ApiResult<Page<LoggedMessage>> {
    let (items, filter) = rows(db, q, page.limit(), page.offset()).await?;
    let where_sql = filter.where_sql();
    // Without a student asked for, the count needs no student: each side alone.
    let side = |i: usize| match q.student_id {
        Some(_) => SIDES[i],
        None => SIDES[i].split(" LEFT JOIN").next().unwrap_or(SIDES[i]),
    };
    let count = format!("SELECT (SELECT COUNT(*) {}{where_sql}) + (SELECT COUNT(*) {}{where_sql})", side(0), side(1));
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    Ok(Page::new(items, total, page))
}

fn sheet(items: Vec<LoggedMessage>) -> Sheet<'static> {
    let rows = items
        .into_iter()
        .map(|m| {
            vec![
                m.at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("China time"))
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                if m.direction == "in" { "收到".into() } else { "回复".into() },
                m.student_no.unwrap_or_default(),
                m.student_name.unwrap_or_default(),
                m.openid,
                m.kind,
                m.event.unwrap_or_default(),
                m.text.unwrap_or_default(),
                m.author.unwrap_or_default(),
            ]
        })
        .collect();
    Sheet {
        name: "交互记录",
        headers: vec!["时间", "方向", "学号", "姓名", "OpenID", "类型", "事件", "内容", "回复人"],
        rows,
        widths: vec![(0, 20.0), (4, 30.0), (7, 60.0)],
    }
}

/// One follower's whole history as a file (the thread's own export; the caller's scope is
/// checked by the caller).
pub async fn thread_file(db: &Db, openid: &str, format: FileFormat) -> ApiResult<(Attachment<Vec<u8>>, usize)> {
    let query = HistoryQuery { openid: Some(openid.to_string()), ..HistoryQuery::default() };
    let (items, _) = rows(db, &query, MAX_EXPORT, 0).await?;
    let n = items.len();
    Ok((sheet::file("thread", format, &sheet(items))?, n))
}

pub struct MessagesApi;

#[OpenApi(prefix_path = "/v1/messages", tag = "ApiTags::Inbox")]
impl MessagesApi {
    /// The interaction history (admins): what followers sent, events included, and the
    /// teachers' answers, newest first. `direction` is `in` or `out`; `kind` a message
    /// type (`text`, `image`, `event` …); `q` words in the text.
    #[oai(path = "/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        openid: Query<Option<String>>,
        student_id: Query<Option<i64>>,
        kind: Query<Option<String>>,
        direction: Query<Option<String>>,
        /// At or after this time.
        from: Query<Option<DateTime<Utc>>>,
        /// Before this time.
        until: Query<Option<DateTime<Utc>>>,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<LoggedMessage>>> {
        auth.0.require_admin()?;
        let query = HistoryQuery::new(openid.0, student_id.0, kind.0, direction.0, from.0, until.0, q.0);
        Ok(Json(self::page(&state.db, &query, PageQuery::new(page.0, per_page.0)).await?))
    }

    /// The same history as a file (CSV or XLSX, at most 100 000 rows, newest first);
    /// written to the audit log.
    #[oai(path = "/export", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        openid: Query<Option<String>>,
        student_id: Query<Option<i64>>,
        kind: Query<Option<String>>,
        direction: Query<Option<String>>,
        from: Query<Option<DateTime<Utc>>>,
        until: Query<Option<DateTime<Utc>>>,
        q: Query<Option<String>>,
        format: Query<Option<FileFormat>>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        auth.0.require_admin()?;
        let query = HistoryQuery::new(openid.0, student_id.0, kind.0, direction.0, from.0, until.0, q.0);
        let (items, _) = rows(&state.db, &query, MAX_EXPORT, 0).await?;
        Audit::by(&auth.0, "messages_exported").detail(format!("{} 行", items.len())).record(state.db.pool()).await?;
        sheet::file("messages", format.0.unwrap_or(FileFormat::Csv), &sheet(items))
    }
}
