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
//! A thread shows, in order, what the follower sent (media kept by `media`), Banji's
//! automatic answers, the notices pushed to them and the teachers' answers (`thread`).
//! Answers of every type and their way outside the 48-hour window are `replies`; files to
//! answer with `uploads`; saved answers `quick`; open inboxes follow changes (`live`).
//!
//! The whole interaction history (both ways, events too) is `history`: admins and
//! integrations page and export it.

pub mod history;
pub mod live;
pub mod media;
mod portal;
mod quick;
mod replies;
mod routes;
mod thread;
pub mod uploads;

pub use history::MessagesApi;
pub use portal::PortalMessagesApi;
pub use quick::QuickRepliesApi;
pub use routes::InboxApi;
pub use thread::messages;

use shared::{InboxThread, InboxThreadDetail, Page, PageQuery};

use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::people::Scope;
use crate::state::AppState;

/// The message types a follower writes (events are not messages).
pub const MESSAGE_TYPES: [&str; 7] = ["text", "image", "voice", "video", "shortvideo", "location", "link"];

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
    remark: Option<String>,
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
            remark: self.remark.filter(|r| !r.is_empty()),
        }
    }
}

const SELECT: &str = "SELECT t.openid, t.last_in_at, t.last_type, t.last_text, t.waiting_since, t.handled_at, \
     u.display_name AS handled_by, s.id AS student_id, s.name AS student_name, s.student_no, c.name AS class_name, \
     tu.display_name AS teacher_name, f.nickname, f.remark FROM inbox_threads t \
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
pub async fn detail(state: &AppState, scope: Scope, openid: &str) -> ApiResult<InboxThreadDetail> {
    scope.follower(&state.db, openid).await?;
    let thread = thread(&state.db, openid).await?;
    let (window_ends_at, window_left) = thread::window(&state.db, openid).await?;
    Ok(InboxThreadDetail { thread, messages: messages(state, openid).await?, window_ends_at, window_left })
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
