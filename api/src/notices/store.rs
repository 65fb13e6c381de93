//! Reading notices: one in full, or a filtered page of them, as the caller may see them
//! (teachers their own notices, admins all).

use shared::{
    Attachment, Audience, Notice, NoticeCategory, NoticeStatus, NoticeSummary, Page, PageQuery, TeacherRef, Urgency,
    VoteSpec,
};

use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{to_time, Db, Flag};
use crate::error::{ApiError, ApiResult};
use crate::people::Scope;

#[derive(sqlx::FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub category_id: Option<i64>,
    pub category_name: Option<String>,
    pub urgency: String,
    pub requires_confirmation: Flag,
    pub deadline: Option<i64>,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub status: String,
    pub audience: String,
    pub scheduled_at: Option<i64>,
    pub sent_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
    pub corrected_at: Option<i64>,
    pub recipient_count: i64,
    pub status_note: String,
    pub paused_until: Option<i64>,
    pub vote: Option<String>,
    /// Where its message leads, when not to its own page (a student page path).
    pub link_path: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub const SELECT: &str = "SELECT n.id, n.title, n.body, n.category_id, c.name AS category_name, n.urgency, \
     n.requires_confirmation, n.deadline, n.author_id, u.display_name AS author_name, n.status, n.audience, \
     n.scheduled_at, n.sent_at, n.finished_at, n.withdrawn_at, n.corrected_at, n.recipient_count, n.status_note, n.paused_until, n.vote, n.link_path, n.created_at, \
     n.updated_at FROM notices n LEFT JOIN notice_categories c ON c.id = n.category_id \
     LEFT JOIN users u ON u.id = n.author_id";

impl NoticeRow {
    pub fn status(&self) -> NoticeStatus {
        NoticeStatus::parse(&self.status).unwrap_or(NoticeStatus::Draft)
    }

    pub fn urgency(&self) -> Urgency {
        Urgency::parse(&self.urgency).unwrap_or_default()
    }

    pub fn audience(&self) -> Audience {
        serde_json::from_str(&self.audience).unwrap_or_default()
    }

    pub fn vote(&self) -> Option<VoteSpec> {
        self.vote.as_deref().and_then(|v| serde_json::from_str(v).ok())
    }

    fn category(&self) -> Option<NoticeCategory> {
        self.category_id.zip(self.category_name.clone()).map(|(id, name)| NoticeCategory { id, name })
    }

    fn author(&self) -> Option<TeacherRef> {
        self.author_id.zip(self.author_name.clone()).map(|(id, display_name)| TeacherRef { id, display_name })
    }

    pub fn summary(&self) -> NoticeSummary {
        NoticeSummary {
            id: self.id,
            title: self.title.clone(),
            category: self.category(),
            urgency: self.urgency(),
            status: self.status(),
            author: self.author(),
            recipient_count: self.recipient_count,
            scheduled_at: self.scheduled_at.map(to_time),
            sent_at: self.sent_at.map(to_time),
            created_at: to_time(self.created_at),
            requires_confirmation: self.requires_confirmation.0,
            students: 0,
            read: 0,
            confirmed: 0,
        }
    }

    pub fn into_notice(self, attachments: Vec<Attachment>) -> Notice {
        Notice {
            id: self.id,
            vote: self.vote(),
            body_html: super::markdown::render(&self.body),
            category: self.category(),
            urgency: self.urgency(),
            status: self.status(),
            author: self.author(),
            audience: self.audience(),
            title: self.title,
            body: self.body,
            requires_confirmation: self.requires_confirmation.0,
            deadline: self.deadline.map(to_time),
            scheduled_at: self.scheduled_at.map(to_time),
            sent_at: self.sent_at.map(to_time),
            finished_at: self.finished_at.map(to_time),
            withdrawn_at: self.withdrawn_at.map(to_time),
            corrected_at: self.corrected_at.map(to_time),
            recipient_count: self.recipient_count,
            status_note: self.status_note,
            attachments,
            created_at: to_time(self.created_at),
            updated_at: to_time(self.updated_at),
        }
    }
}

pub async fn row(db: &Db, id: i64) -> sqlx::Result<Option<NoticeRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE n.id = $1"))).bind(id).fetch_optional(db.pool()).await
}

/// The notice, if the caller may see it (its author, or an admin); otherwise 404.
pub async fn visible(db: &Db, scope: Scope, id: i64) -> ApiResult<NoticeRow> {
    let row = row(db, id).await?.ok_or_else(|| ApiError::not_found("notice"))?;
    match scope {
        Scope::Teacher(user) if row.author_id != Some(user) => Err(ApiError::not_found("notice")),
        _ => Ok(row),
    }
}

pub async fn attachments(db: &Db, notice_id: i64) -> sqlx::Result<Vec<Attachment>> {
    let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, file_name, content_type, size, downloads FROM notice_attachments WHERE notice_id = $1 ORDER BY id",
    )
    .bind(notice_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, file_name, content_type, size, downloads)| Attachment {
            id,
            file_name,
            content_type,
            size,
            downloads,
        })
        .collect())
}

pub async fn full(db: &Db, row: NoticeRow) -> sqlx::Result<Notice> {
    let files = attachments(db, row.id).await?;
    Ok(row.into_notice(files))
}

/// What a notice list may be narrowed to.
#[derive(Debug, Default, Clone)]
pub struct NoticeQuery {
    /// Words in the title or body.
    pub search: String,
    pub status: Option<NoticeStatus>,
    pub category_id: Option<i64>,
    pub urgency: Option<Urgency>,
    pub author_id: Option<i64>,
    /// Created at or after (unix ms).
    pub from: Option<i64>,
    /// Created before (unix ms).
    pub until: Option<i64>,
    /// Sent to students of this class; the read and confirm counts are then the class's.
    pub class_id: Option<i64>,
}

pub async fn list(db: &Db, scope: Scope, q: &NoticeQuery, page: PageQuery) -> ApiResult<Page<NoticeSummary>> {
    let mut filter = Filter::new();
    if let Scope::Teacher(user) = scope {
        filter.and("n.author_id = ?", [Arg::Int(user)]);
    }
    if !q.search.trim().is_empty() {
        let p = contains_pattern(&q.search);
        filter.and("n.title LIKE ? ESCAPE '\\' OR n.body LIKE ? ESCAPE '\\'", [Arg::from(p.clone()), Arg::from(p)]);
    }
    if let Some(s) = q.status {
        filter.and("n.status = ?", [Arg::from(s.as_str())]);
    }
    if let Some(c) = q.category_id {
        filter.and("n.category_id = ?", [Arg::Int(c)]);
    }
    if let Some(u) = q.urgency {
        filter.and("n.urgency = ?", [Arg::from(u.as_str())]);
    }
    if let Some(a) = q.author_id {
        filter.and("n.author_id = ?", [Arg::Int(a)]);
    }
    if let Some(from) = q.from {
        filter.and("n.created_at >= ?", [Arg::Int(from)]);
    }
    if let Some(until) = q.until {
        filter.and("n.created_at < ?", [Arg::Int(until)]);
    }
    if let Some(class) = q.class_id {
        filter.and(
            "EXISTS (SELECT 1 FROM notice_class_tallies ct WHERE ct.notice_id = n.id AND ct.class_id = ?)",
            [Arg::Int(class)],
        );
    }
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM notices n{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!("{SELECT}{where_sql} ORDER BY n.id DESC LIMIT {} OFFSET {}", filter.next(1), filter.next(2));
    let rows: Vec<NoticeRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    let mut items: Vec<NoticeSummary> = rows.iter().map(NoticeRow::summary).collect();
    with_receipts(db, &mut items, q.class_id).await?;
    Ok(Page::new(items, total, page))
}

/// Fills in the page's read and confirm counts from the kept tallies (one small query,
/// however many deliveries the notices have): one class's when `class` is given.
async fn with_receipts(db: &Db, items: &mut [NoticeSummary], class: Option<i64>) -> sqlx::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let ids = items.iter().map(|n| n.id.to_string()).collect::<Vec<_>>().join(",");
    let of_class = class.map(|c| format!(" AND class_id = {c}")).unwrap_or_default();
    let counts: Vec<(i64, i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT notice_id, CAST(SUM(students) AS BIGINT), CAST(SUM(reads) AS BIGINT), \
         CAST(SUM(confirmations) AS BIGINT) FROM notice_class_tallies WHERE notice_id IN ({ids}){of_class} \
         GROUP BY notice_id"
    )))
    .fetch_all(db.pool())
    .await?;
    for (id, students, read, confirmed) in counts {
        if let Some(n) = items.iter_mut().find(|n| n.id == id) {
            (n.students, n.read, n.confirmed) = (students, read, confirmed);
        }
    }
    Ok(())
}
