//! The student side of notices (`/portal/notices`, `/portal/subscriptions`): a student's
//! own notices (muted and held ones included), one notice as its page shows it — to its
//! recipients, or to anyone when it went to every follower; withdrawn ones show 已撤回 —
//! its attachments, and the categories the student mutes.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{CategorySubscription, Page, PageQuery, StudentNotice, StudentNoticeDetail, SubscriptionChange, Urgency};

use super::{attachments, store, subscriptions};
use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::people::students::row_by_openid;
use crate::portal::StudentAuth;
use crate::routes::ApiTags;
use crate::state::AppState;

/// The rows that are this reader's: by WeChat, or by the student it is bound to.
const MINE: &str = "(d.openid = $1 OR d.student_id = $2)";

async fn student_id(db: &Db, openid: &str) -> sqlx::Result<i64> {
    // -1 matches no student: a follower bound to no one is known by openid only.
    Ok(row_by_openid(db, openid).await?.map_or(-1, |s| s.id))
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    title: String,
    category: Option<String>,
    urgency: String,
    author: Option<String>,
    sent_at: Option<i64>,
    notice_status: String,
    status: String,
    read_at: Option<i64>,
}

/// Whether `openid` is a recipient of the notice; marks the first open as read.
async fn open(db: &Db, notice_id: i64, openid: &str) -> sqlx::Result<bool> {
    let student = student_id(db, openid).await?;
    let sql = format!("SELECT COUNT(*) FROM deliveries d WHERE d.notice_id = $3 AND {MINE}");
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(openid)
        .bind(student)
        .bind(notice_id)
        .fetch_one(db.pool())
        .await?;
    if n > 0 {
        let sql = format!(
            "UPDATE deliveries SET read_at = $4 WHERE notice_id = $3 AND read_at IS NULL AND {}",
            MINE.replace("d.", "")
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(openid)
            .bind(student)
            .bind(notice_id)
            .bind(now_ms())
            .execute(db.pool())
            .await?;
    }
    Ok(n > 0)
}

async fn bound_student(state: &AppState, openid: &str) -> ApiResult<i64> {
    row_by_openid(&state.db, openid)
        .await?
        .map(|s| s.id)
        .ok_or_else(|| ApiError::forbidden("not_bound", "bind your student number first"))
}

pub struct PortalNoticesApi;

#[OpenApi(prefix_path = "/v1/portal", tag = "ApiTags::Portal")]
impl PortalNoticesApi {
    /// The reader's notices, newest first: muted and held ones too.
    #[oai(path = "/notices", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<StudentNotice>>> {
        let page = PageQuery::new(page.0, per_page.0);
        let student = student_id(&state.db, &auth.0).await?;
        let count = format!("SELECT COUNT(*) FROM deliveries d WHERE {MINE}");
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count))
            .bind(&auth.0)
            .bind(student)
            .fetch_one(state.db.pool())
            .await?;
        let sql = format!(
            "SELECT n.id, n.title, c.name AS category, n.urgency, u.display_name AS author, n.sent_at, \
             n.status AS notice_status, d.status, d.read_at FROM deliveries d JOIN notices n ON n.id = d.notice_id \
             LEFT JOIN notice_categories c ON c.id = n.category_id LEFT JOIN users u ON u.id = n.author_id \
             WHERE {MINE} ORDER BY n.sent_at DESC, n.id DESC LIMIT $3 OFFSET $4"
        );
        let rows: Vec<ListRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&auth.0)
            .bind(student)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(state.db.pool())
            .await?;
        let items = rows
            .into_iter()
            .map(|r| StudentNotice {
                id: r.id,
                title: r.title,
                category: r.category,
                urgency: Urgency::parse(&r.urgency).unwrap_or_default(),
                author: r.author,
                sent_at: r.sent_at.map(to_time),
                withdrawn: r.notice_status == "withdrawn",
                muted: r.status == "muted",
                held: r.status == "held",
                read: r.read_at.is_some(),
                requires_confirmation: false,
                confirmed: false,
            })
            .collect();
        Ok(Json(Page::new(items, total, page)))
    }

    /// One notice as its page shows it. Opening it marks it read for a recipient.
    #[oai(path = "/notices/:id", method = "get")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<StudentNoticeDetail>> {
        let row = store::row(&state.db, id.0).await?.ok_or_else(|| ApiError::not_found("notice"))?;
        let recipient = open(&state.db, row.id, &auth.0).await?;
        let shown = matches!(row.status.as_str(), "sending" | "sent" | "withdrawn");
        if !shown || !(recipient || row.audience().public) {
            return Err(ApiError::not_found("notice"));
        }
        let withdrawn = row.status == "withdrawn";
        let attachments = if withdrawn { Vec::new() } else { store::attachments(&state.db, row.id).await? };
        Ok(Json(StudentNoticeDetail {
            id: row.id,
            urgency: row.urgency(),
            body_html: if withdrawn { String::new() } else { super::markdown::render(&row.body) },
            title: row.title,
            category: row.category_name,
            author: row.author_name,
            sent_at: row.sent_at.map(to_time),
            deadline: row.deadline.map(to_time),
            requires_confirmation: row.requires_confirmation.0,
            withdrawn,
            attachments,
            recipient,
            read_at: None,
            confirmed_at: None,
            vote: None,
            comments: 0,
            cadre_classes: Vec::new(),
        }))
    }

    /// An attachment of a notice the reader may see (counted).
    #[oai(path = "/notices/:id/attachments/:attachment_id", method = "get")]
    async fn download(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        attachment_id: Path<i64>,
    ) -> ApiResult<attachments::FileDownload> {
        let row = store::row(&state.db, id.0).await?.ok_or_else(|| ApiError::not_found("notice"))?;
        let recipient = open(&state.db, row.id, &auth.0).await?;
        if row.status != "sent" && row.status != "sending" || !(recipient || row.audience().public) {
            return Err(ApiError::not_found("notice"));
        }
        attachments::download(&state.db, &state.config.data_dir, id.0, attachment_id.0, true).await
    }

    /// The categories, and which the reader mutes.
    #[oai(path = "/subscriptions", method = "get")]
    async fn subscriptions(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
    ) -> ApiResult<Json<Vec<CategorySubscription>>> {
        let student = bound_student(&state, &auth.0).await?;
        Ok(Json(subscriptions::list(&state.db, student).await?))
    }

    /// Mute a category (its notices are not pushed, unless urgent) or unmute it.
    #[oai(path = "/subscriptions/:category_id", method = "put")]
    async fn subscribe(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        category_id: Path<i64>,
        body: Json<SubscriptionChange>,
    ) -> ApiResult<Json<Vec<CategorySubscription>>> {
        let student = bound_student(&state, &auth.0).await?;
        if !subscriptions::set(&state.db, student, category_id.0, body.0.muted).await? {
            return Err(ApiError::not_found("category"));
        }
        Ok(Json(subscriptions::list(&state.db, student).await?))
    }
}
