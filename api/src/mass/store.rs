//! The history of mass sends as the console lists it: an admin sees every send, a teacher
//! their own (what others sent is not theirs to delete or follow).

use shared::{MassContent, MassSend, Page, PageQuery};

use crate::auth::Caller;
use crate::db::{to_time, Db};
use crate::error::{ApiError, ApiResult};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    author_name: String,
    kind: String,
    summary: String,
    message: String,
    audience: String,
    tag_id: Option<i64>,
    audience_name: String,
    recipients: i64,
    over_quota: i64,
    status: String,
    platform_status: Option<String>,
    failure: Option<String>,
    msg_id: Option<i64>,
    msg_data_id: Option<i64>,
    total: Option<i64>,
    filtered: Option<i64>,
    sent: Option<i64>,
    errors: Option<i64>,
    created_at: i64,
    finished_at: Option<i64>,
    deleted_at: Option<i64>,
}

const COLUMNS: &str = "id, author_name, kind, summary, message, audience, tag_id, audience_name, recipients, \
     over_quota, status, platform_status, failure, msg_id, msg_data_id, total, filtered, sent, errors, created_at, \
     finished_at, deleted_at";

impl Row {
    fn into_dto(self) -> MassSend {
        let message: MassContent = serde_json::from_str(&self.message).unwrap_or_default();
        MassSend {
            id: self.id,
            author: self.author_name,
            kind: self.kind,
            summary: self.summary,
            message,
            audience: self.audience,
            tag_id: self.tag_id,
            audience_name: self.audience_name,
            recipients: self.recipients,
            over_quota: self.over_quota,
            status: self.status,
            platform_status: self.platform_status,
            failure: self.failure,
            msg_id: self.msg_id,
            msg_data_id: self.msg_data_id,
            total: self.total,
            filtered: self.filtered,
            sent: self.sent,
            errors: self.errors,
            created_at: to_time(self.created_at),
            finished_at: self.finished_at.map(to_time),
            deleted_at: self.deleted_at.map(to_time),
        }
    }
}

/// The author a teacher is limited to (admins: none).
fn author(caller: &Caller) -> Option<i64> {
    (!caller.is_admin()).then_some(caller.user_id)
}

/// One send the caller may see; 404 otherwise.
pub async fn one(db: &Db, caller: &Caller, id: i64) -> ApiResult<MassSend> {
    let sql = format!("SELECT {COLUMNS} FROM mass_sends WHERE id = $1 AND ($2 IS NULL OR author_id = $2)");
    let row: Option<Row> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).bind(author(caller)).fetch_optional(db.pool()).await?;
    row.map(Row::into_dto).ok_or_else(|| ApiError::not_found("mass send"))
}

/// The sends the caller may see, newest first.
pub async fn list(db: &Db, caller: &Caller, page: PageQuery) -> ApiResult<Page<MassSend>> {
    let who = author(caller);
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mass_sends WHERE ($1 IS NULL OR author_id = $1)")
        .bind(who)
        .fetch_one(db.pool())
        .await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM mass_sends WHERE ($1 IS NULL OR author_id = $1) \
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    );
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(who)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    Ok(Page::new(rows.into_iter().map(Row::into_dto).collect(), total, page))
}
