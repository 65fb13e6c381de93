//! The inbox (消息): every follower who wrote to the account has a thread. The message
//! log keeps what they sent (`wechat::webhook::log`) and a trigger keeps each thread's
//! latest message (migration 0014); a message the robot could not answer — one that
//! reached the conversation's fallback — makes the thread wait (未处理, `waiting`) until a
//! teacher answers it here (a customer-service message) or marks it handled.
//!
//! Who sees which thread is `people::Scope::followers`: a teacher the WeChat of the
//! students they see, an admin every follower (the unbound and teachers too).
//!
//! Students also write from their page (`/s/messages`, `portal`): the message goes into
//! the same thread, as if sent in WeChat, and the page shows the teachers' answers even
//! when WeChat refused to deliver them.
//!
//! Not yet here (issue 15): media kept from the platform, replies other than text, the
//! planner's fallback outside the 48-hour window, live updates.
//!
//! The whole interaction history (both ways, events too) is `history`: admins and
//! integrations page and export it.

pub mod history;
mod portal;
mod routes;

pub use history::MessagesApi;
pub use portal::PortalMessagesApi;
pub use routes::InboxApi;

use shared::{InboxThread, InboxThreadDetail, Page, PageQuery, ThreadMessage};

use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::people::Scope;

/// The message types a follower writes (events are not messages).
pub const MESSAGE_TYPES: [&str; 7] = ["text", "image", "voice", "video", "shortvideo", "location", "link"];
/// WeChat's customer-service window after a follower's message, and its cap.
const WINDOW_MS: i64 = 48 * 3600 * 1000;
const WINDOW_CAP: i64 = 5;
/// How many of a thread's latest messages a thread shows.
const THREAD_MESSAGES: i64 = 200;

/// A message the robot could not answer: the follower's thread waits for a teacher. Called
/// from the conversation's fallback, usually before the message log has written the
/// message: a thread made here holds no text (the log's trigger fills in the message as the
/// log keeps it, secrets masked) and sorts last until then.
pub async fn waiting(db: &Db, openid: &str, msg_type: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO inbox_threads (openid, last_in_at, last_type, waiting_since) VALUES ($1, 0, $2, $3) \
         ON CONFLICT (openid) DO UPDATE SET waiting_since = COALESCE(inbox_threads.waiting_since, excluded.waiting_since)",
    )
    .bind(openid)
    .bind(msg_type)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ThreadRow {
    openid: String,
    last_in_at: i64,
    last_type: String,
    last_text: Option<String>,
    waiting_since: Option<i64>,
    handled_at: Option<i64>,
    handled_by: Option<String>,
    student_id: Option<i64>,
    student_name: Option<String>,
    student_no: Option<String>,
    class_name: Option<String>,
    teacher_name: Option<String>,
    nickname: Option<String>,
}

impl ThreadRow {
    fn into_thread(self) -> InboxThread {
        let (kind, name) = match (self.student_name, self.teacher_name) {
            (Some(name), _) => ("student", Some(name)),
            (None, Some(name)) => ("teacher", Some(name)),
            (None, None) => ("follower", self.nickname.filter(|n| !n.is_empty())),
        };
        InboxThread {
            openid: self.openid,
            kind: kind.into(),
            name,
            student_id: self.student_id,
            student_no: self.student_no,
            class_name: self.class_name,
            last_in_at: to_time(self.last_in_at),
            last_type: self.last_type,
            last_text: self.last_text,
            waiting_since: self.waiting_since.map(to_time),
            handled_at: self.handled_at.map(to_time),
            handled_by: self.handled_by,
        }
    }
}

const SELECT: &str = "SELECT t.openid, t.last_in_at, t.last_type, t.last_text, t.waiting_since, t.handled_at, \
     u.display_name AS handled_by, s.id AS student_id, s.name AS student_name, s.student_no, c.name AS class_name, \
     tu.display_name AS teacher_name, f.nickname FROM inbox_threads t \
     LEFT JOIN users u ON u.id = t.handled_by \
     LEFT JOIN students s ON s.openid = t.openid LEFT JOIN classes c ON c.id = s.class_id \
     LEFT JOIN teacher_profiles tp ON tp.openid = t.openid LEFT JOIN users tu ON tu.id = tp.user_id \
     LEFT JOIN followers f ON f.openid = t.openid";

/// What a thread list may be narrowed to.
#[derive(Debug, Default, Clone)]
pub struct ThreadQuery {
    /// Only threads waiting for an answer (未处理).
    pub waiting: bool,
    /// Only threads the caller answered or marked handled (我的): the caller's user id.
    pub mine: Option<i64>,
    /// Students of this class.
    pub class_id: Option<i64>,
    /// The latest message's type (`text`, `image` …).
    pub kind: Option<String>,
    /// Words in the name, 学号 or latest text.
    pub q: String,
}

/// The threads `scope` sees, newest activity first, narrowed by `query`.
pub async fn threads(db: &Db, scope: Scope, query: &ThreadQuery, page: PageQuery) -> ApiResult<Page<InboxThread>> {
    let mut filter = Filter::new();
    scope.followers(&mut filter, "t.openid");
    if query.waiting {
        filter.and("t.waiting_since IS NOT NULL", []);
    }
    if let Some(user) = query.mine {
        filter.and(
            "t.handled_by = ? OR EXISTS (SELECT 1 FROM inbox_replies r WHERE r.openid = t.openid AND r.user_id = ?)",
            [Arg::Int(user), Arg::Int(user)],
        );
    }
    if let Some(class) = query.class_id {
        filter.and("s.class_id = ?", [Arg::Int(class)]);
    }
    if let Some(kind) = &query.kind {
        filter.and("t.last_type = ?", [Arg::from(kind.as_str())]);
    }
    let q = &query.q;
    if !q.trim().is_empty() {
        let p = contains_pattern(q);
        filter.and(
            "s.name LIKE ? ESCAPE '\\' OR s.student_no LIKE ? ESCAPE '\\' OR t.last_text LIKE ? ESCAPE '\\'",
            [Arg::from(p.clone()), Arg::from(p.clone()), Arg::from(p)],
        );
    }
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM inbox_threads t LEFT JOIN students s ON s.openid = t.openid{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!(
        "{SELECT}{where_sql} ORDER BY t.last_in_at DESC, t.openid LIMIT {} OFFSET {}",
        filter.next(1),
        filter.next(2)
    );
    let rows: Vec<ThreadRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    Ok(Page::new(rows.into_iter().map(ThreadRow::into_thread).collect(), total, page))
}

async fn thread(db: &Db, openid: &str) -> ApiResult<InboxThread> {
    let row: Option<ThreadRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE t.openid = $1")))
        .bind(openid)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.ok_or_else(|| ApiError::not_found("thread"))?.into_thread())
}

/// The thread with its latest messages, what they sent and what teachers answered, in order.
pub async fn detail(db: &Db, scope: Scope, openid: &str) -> ApiResult<InboxThreadDetail> {
    scope.follower(db, openid).await?;
    let thread = thread(db, openid).await?;
    let (window_ends_at, window_left) = window(db, openid).await?;
    Ok(InboxThreadDetail { thread, messages: messages(db, openid).await?, window_ends_at, window_left })
}

/// WeChat's customer-service window as far as Banji knows it: 48 hours and 5 messages
/// after the follower's last message in WeChat (a message has a MsgId; what they wrote on
/// the page has none and opens nothing), less the answers sent since.
async fn window(db: &Db, openid: &str) -> sqlx::Result<(Option<chrono::DateTime<chrono::Utc>>, i64)> {
    let types = MESSAGE_TYPES.map(|t| format!("'{t}'")).join(", ");
    let last: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT MAX(received_at) FROM wechat_messages WHERE openid = $1 AND msg_type IN ({types}) AND msg_id IS NOT NULL"
    )))
    .bind(openid)
    .fetch_one(db.pool())
    .await?;
    let Some(last) = last.filter(|at| at + WINDOW_MS > now_ms()) else { return Ok((None, 0)) };
    let sent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM inbox_replies WHERE openid = $1 AND status = 'sent' AND created_at >= $2",
    )
    .bind(openid)
    .bind(last)
    .fetch_one(db.pool())
    .await?;
    Ok((Some(to_time(last + WINDOW_MS)), (WINDOW_CAP - sent).max(0)))
}

/// A follower's latest messages both ways, oldest first: what they sent (the message log)
/// and what teachers answered (sent or not).
pub async fn messages(db: &Db, openid: &str) -> sqlx::Result<Vec<ThreadMessage>> {
    let types = MESSAGE_TYPES.map(|t| format!("'{t}'")).join(", ");
    let sent: Vec<(i64, String, Option<String>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT received_at, msg_type, content FROM wechat_messages WHERE openid = $1 AND msg_type IN ({types}) \
         ORDER BY received_at DESC, id DESC LIMIT {THREAD_MESSAGES}"
    )))
    .bind(openid)
    .fetch_all(db.pool())
    .await?;
    let answered: Vec<(i64, String, String, String, String, Option<String>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT created_at, kind, content, author_name, status, failure FROM inbox_replies WHERE openid = $1 \
             ORDER BY created_at DESC, id DESC LIMIT {THREAD_MESSAGES}"
        )))
        .bind(openid)
        .fetch_all(db.pool())
        .await?;
    let mut messages: Vec<ThreadMessage> = sent
        .into_iter()
        .map(|(at, kind, text)| ThreadMessage {
            at: to_time(at),
            direction: "in".into(),
            kind,
            text,
            author: None,
            status: None,
            failure: None,
        })
        .chain(answered.into_iter().map(|(at, kind, text, author, status, failure)| ThreadMessage {
            at: to_time(at),
            direction: "out".into(),
            kind,
            text: Some(text),
            author: Some(author),
            status: Some(status),
            failure,
        }))
        .collect();
    messages.sort_by_key(|m| m.at);
    let skip = messages.len().saturating_sub(THREAD_MESSAGES as usize);
    Ok(messages.split_off(skip))
}

/// Marks the thread handled by `user`: nothing waits in it any more.
pub async fn handled(db: &Db, openid: &str, user: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE inbox_threads SET waiting_since = NULL, handled_at = $1, handled_by = $2 WHERE openid = $3")
        .bind(now_ms())
        .bind(user)
        .bind(openid)
        .execute(db.pool())
        .await?;
    Ok(())
}
