//! The student side of notices (`/portal/notices`, `/portal/subscriptions`): a student's
//! own notices (muted and held ones included, unread first), a notice's attachments, and
//! the categories the student mutes. The notice page itself — reading, confirming,
//! voting, commenting — is `crate::receipts::portal`.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{CategorySubscription, FileLink, Page, PageQuery, StudentNotice, SubscriptionChange, Urgency};

use super::{attachments, links, subscriptions};
use crate::api_tags::ApiTags;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{to_time, Db, Flag};
use crate::error::{ApiError, ApiResult};
use crate::people::students::row_by_openid;
use crate::portal::StudentAuth;
use crate::state::AppState;

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
    requires_confirmation: Flag,
    confirmed_at: Option<i64>,
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
    /// The reader's notices, unread first, then newest: muted and held ones too. Narrowed
    /// by category and by words in the title or body.
    #[oai(path = "/notices", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        category_id: Query<Option<i64>>,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<StudentNotice>>> {
        let page = PageQuery::new(page.0, per_page.0);
        let student = student_id(&state.db, &auth.0).await?;
        let mut f = Filter::new();
        f.and(
            "(d.openid = ? OR d.student_id = ?) AND d.kind = 'notice'",
            [Arg::from(auth.0.as_str()), Arg::Int(student)],
        );
        if let Some(c) = category_id.0 {
            f.and("n.category_id = ?", [Arg::Int(c)]);
        }
        if let Some(words) = q.0.filter(|w| !w.trim().is_empty()) {
            let p = contains_pattern(&words);
            f.and("n.title LIKE ? ESCAPE '\\' OR n.body LIKE ? ESCAPE '\\'", [Arg::from(p.clone()), Arg::from(p)]);
        }
        let from = "FROM deliveries d JOIN notices n ON n.id = d.notice_id";
        let total: i64 = f
            .bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {from}{}", f.where_sql()))))
            .fetch_one(state.db.pool())
            .await?;
        let sql = format!(
            "SELECT n.id, n.title, c.name AS category, n.urgency, u.display_name AS author, n.sent_at, \
             n.status AS notice_status, d.status, d.read_at, n.requires_confirmation, d.confirmed_at {from} \
             LEFT JOIN notice_categories c ON c.id = n.category_id LEFT JOIN users u ON u.id = n.author_id{} \
             ORDER BY CASE WHEN d.read_at IS NULL AND n.status <> 'withdrawn' THEN 0 ELSE 1 END, n.sent_at DESC, n.id DESC \
             LIMIT {} OFFSET {}",
            f.where_sql(),
            page.limit(),
            page.offset()
        );
        let rows: Vec<ListRow> = f.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(state.db.pool()).await?;
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
                requires_confirmation: r.requires_confirmation.0,
                confirmed: r.confirmed_at.is_some(),
            })
            .collect();
        Ok(Json(Page::new(items, total, page)))
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
        links::check_reader(&state, &auth.0, id.0).await?;
        let file = attachments::download(&state.db, &state.config.data_dir, id.0, attachment_id.0).await?;
        attachments::count_download(&state, id.0, attachment_id.0).await?;
        Ok(file)
    }

    /// A short-lived link (10 minutes) to open an attachment in any browser, WeChat's own
    /// included, without signing in; each opening is counted.
    #[oai(path = "/notices/:id/attachments/:attachment_id/link", method = "post")]
    async fn link(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        attachment_id: Path<i64>,
    ) -> ApiResult<Json<FileLink>> {
        Ok(Json(links::open(&state, &auth.0, id.0, attachment_id.0).await?))
    }

    /// 发送到微信: sends the reader a day-long link to the attachment as a message in their
    /// chat with the account, for a file WeChat's browser cannot open (10 an hour). WeChat
    /// allows it only within 48 hours of the reader's last message to the account
    /// (`outside_window`).
    #[oai(path = "/notices/:id/attachments/:attachment_id/send", method = "post")]
    async fn send_to_wechat(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        attachment_id: Path<i64>,
    ) -> ApiResult<Json<FileLink>> {
        Ok(Json(links::send_to_wechat(&state, &auth.0, id.0, attachment_id.0).await?))
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
