//! QR codes as records. A code is made in two steps because the platform needs its scene
//! (`qr:{id}`) and Banji's id comes from the row: the row first, then the platform's
//! ticket; when the platform refuses, the row goes again. A permanent code counts against
//! the account's 100 000 from the moment its row exists, so two makers at once cannot
//! both take the last one.

use shared::qrcodes::PERMANENT_QUOTA;
use shared::{NewQrCode, Page, PageQuery, QrCode, QrPurpose};

use super::SCENE_PREFIX;
use crate::activities::store as activities;
use crate::audit::Audit;
use crate::auth::Caller;
use crate::db::filter::{Arg, Filter};
use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::people::tags::{self, Mirror};
use crate::people::Scope;
use crate::state::AppState;
use crate::wechat::client::media::QrScene;
use crate::wechat::WechatClient;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QrRow {
    pub id: i64,
    pub name: String,
    pub purpose: String,
    pub class_id: Option<i64>,
    pub group_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub page: Option<String>,
    pub ticket: String,
    pub expires_at: Option<i64>,
    pub scans: i64,
    pub new_followers: i64,
    pub created_at: i64,
    pub hidden_at: Option<i64>,
    /// The class's, group's or activity's name (None when it was deleted), or the page.
    pub target: Option<String>,
    pub creator_name: Option<String>,
}

const SELECT: &str = "SELECT q.id, q.name, q.purpose, q.class_id, q.group_id, q.activity_id, q.page, q.ticket, \
     q.expires_at, q.scans, q.new_followers, q.created_at, q.hidden_at, \
     COALESCE(c.name, g.name, a.title, q.page) AS target, u.display_name AS creator_name \
     FROM qrcodes q LEFT JOIN classes c ON c.id = q.class_id LEFT JOIN student_groups g ON g.id = q.group_id \
     LEFT JOIN activities a ON a.id = q.activity_id LEFT JOIN users u ON u.id = q.created_by";

impl QrRow {
    pub fn purpose(&self) -> QrPurpose {
        QrPurpose::parse(&self.purpose).unwrap_or(QrPurpose::OpenPage)
    }

    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }

    pub fn into_dto(self, client: &WechatClient) -> QrCode {
        QrCode {
            id: self.id,
            purpose: self.purpose(),
            expired: self.is_expired(now_ms()),
            scene: format!("{SCENE_PREFIX}{}", self.id),
            permanent: self.expires_at.is_none(),
            expires_at: self.expires_at.map(to_time),
            image_url: client.qrcode_image_url(&self.ticket),
            target: self.target.unwrap_or_default(),
            created_by_name: self.creator_name.unwrap_or_default(),
            created_at: to_time(self.created_at),
            name: self.name,
            class_id: self.class_id,
            group_id: self.group_id,
            activity_id: self.activity_id,
            page: self.page,
            scans: self.scans,
            new_followers: self.new_followers,
        }
    }
}

pub async fn row(db: &Db, id: i64) -> sqlx::Result<Option<QrRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE q.id = $1"))).bind(id).fetch_optional(db.pool()).await
}

/// The code, if `scope` sees it and it was not deleted; otherwise 404.
pub async fn visible(db: &Db, scope: Scope, id: i64) -> ApiResult<QrRow> {
    let mut filter = Filter::new();
    filter.and("q.id = ?", [Arg::Int(id)]).and("q.hidden_at IS NULL", []);
    scope.qrcodes(&mut filter, "q");
    let sql = format!("{SELECT}{}", filter.where_sql());
    let row: Option<QrRow> = filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_optional(db.pool()).await?;
    row.ok_or_else(|| ApiError::not_found("QR code"))
}

/// The codes `scope` sees, newest first.
pub async fn list(state: &AppState, scope: Scope, page: PageQuery) -> ApiResult<Page<QrCode>> {
    let mut filter = Filter::new();
    filter.and("q.hidden_at IS NULL", []);
    scope.qrcodes(&mut filter, "q");
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM qrcodes q{where_sql}");
    let pool = state.db.pool();
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(pool).await?;
    let sql = format!("{SELECT}{where_sql} ORDER BY q.id DESC LIMIT {} OFFSET {}", filter.next(1), filter.next(2));
    let rows: Vec<QrRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(pool)
        .await?;
    let client = &state.wechat.client;
    Ok(Page::new(rows.into_iter().map(|r| r.into_dto(client)).collect(), total, page))
}

/// Permanent codes the account has made: these codes (deleted ones too, the platform
/// keeps them) and the class posters.
pub async fn permanent_used(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM qrcodes WHERE expires_at IS NULL) \
         + (SELECT COUNT(*) FROM classes WHERE poster_ticket IS NOT NULL)",
    )
    .fetch_one(db.pool())
    .await
}

fn quota_reached() -> ApiError {
    ApiError::conflict(
        "permanent_qr_quota",
        format!("the account has made its {PERMANENT_QUOTA} permanent QR codes; make a temporary one"),
    )
}

/// The purpose's target, checked against the caller's scope; what is not theirs is as
/// unknown as what does not exist. True when a class or group was mirrored for it now.
async fn check_target(state: &AppState, caller: &Caller, new: &NewQrCode) -> ApiResult<bool> {
    let db = &state.db;
    let scope = Scope::of(caller);
    match new.purpose {
        QrPurpose::JoinClass => {
            let id = new.class_id.unwrap_or_default();
            scope.class(db, id).await.map_err(|_| ApiError::field("class_id", "no such class"))?;
            mirrored(state, Mirror::Class(id)).await
        }
        QrPurpose::JoinGroup => {
            let id = new.group_id.unwrap_or_default();
            scope.group(db, id).await.map_err(|_| ApiError::field("group_id", "no such group"))?;
            mirrored(state, Mirror::Group(id)).await
        }
        QrPurpose::SignUp => {
            let id = new.activity_id.unwrap_or_default();
            let activity = activities::visible(db, caller, id)
                .await
                .map_err(|_| ApiError::field("activity_id", "no such activity"))?;
            if activity.cancelled_at.is_some() || activity.ends_at <= now_ms() {
                return Err(ApiError::field("activity_id", "is cancelled or over"));
            }
            Ok(false)
        }
        QrPurpose::OpenPage => Ok(false),
    }
}

/// A code that joins a tag needs the tag: the class or group is mirrored now if it was
/// not (refused like turning mirroring on by hand: the tag limit, a taken name). True
/// when it was mirrored now.
async fn mirrored(state: &AppState, mirror: Mirror) -> ApiResult<bool> {
    if tags::tag_of(&state.db, mirror).await?.is_some() {
        return Ok(false);
    }
    let (table, id) = match mirror {
        Mirror::Class(id) => ("classes", id),
        Mirror::Group(id) => ("student_groups", id),
        Mirror::Role(_) => return Ok(false),
    };
    let sql = format!("UPDATE {table} SET mirror_tag = TRUE WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).execute(state.db.pool()).await?;
    match mirror {
        Mirror::Class(id) => tags::after_class_change(state, id).await?,
        _ => tags::after_group_change(state, id).await?,
    }
    Ok(true)
}

/// Makes the code with the platform; its id.
pub async fn create(state: &AppState, caller: &Caller, new: &NewQrCode) -> ApiResult<i64> {
    new.validate()?;
    let mirrored_now = check_target(state, caller, new).await?;
    let db = &state.db;
    let now = now_ms();
    let pick = |purpose: QrPurpose, id: Option<i64>| id.filter(|_| new.purpose == purpose);
    let page = new.page.as_deref().map(str::trim).filter(|_| new.purpose == QrPurpose::OpenPage);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO qrcodes (name, purpose, class_id, group_id, activity_id, page, expires_at, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(new.name.trim())
    .bind(new.purpose.as_str())
    .bind(pick(QrPurpose::JoinClass, new.class_id))
    .bind(pick(QrPurpose::JoinGroup, new.group_id))
    .bind(pick(QrPurpose::SignUp, new.activity_id))
    .bind(page)
    .bind(new.expire_seconds.map(|s| now + s * 1000))
    .bind(caller.user_id)
    .bind(now)
    .fetch_one(db.pool())
    .await?;
    let forget = || async {
        if let Err(err) = sqlx::query("DELETE FROM qrcodes WHERE id = $1").bind(id).execute(db.pool()).await {
            tracing::error!(error = %err, "a QR code the platform refused could not be forgotten");
        }
    };
    // Counted with this one: over the quota, it goes again.
    if new.expire_seconds.is_none() && permanent_used(db).await? > PERMANENT_QUOTA {
        forget().await;
        return Err(quota_reached());
    }
    let seconds = new.expire_seconds.map(|s| s as u32);
    let scene = QrScene::Str(format!("{SCENE_PREFIX}{id}"));
    let made = match state.wechat.client.create_qrcode(&scene, seconds).await {
        Ok(made) => made,
        Err(err) => {
            forget().await;
            return Err(match err.code() {
                // The platform's count of permanent codes, when it is ahead of Banji's.
                Some(45029) => quota_reached(),
                _ => err.to_api_error("WeChat did not make the QR code"),
            });
        }
    };
    sqlx::query("UPDATE qrcodes SET ticket = $1 WHERE id = $2").bind(&made.ticket).bind(id).execute(db.pool()).await?;
    let lasts = match new.expire_seconds {
        Some(s) => format!("临时 {} 天", (s as f64 / 86_400.0 * 10.0).round() / 10.0),
        None => "永久".into(),
    };
    let mirrored_now = if mirrored_now { "，并同步为微信标签" } else { "" };
    Audit::by(caller, "qrcode_created")
        .target(format!("qrcode:{id}"))
        .detail(format!("{}（{}，{lasts}{mirrored_now}）", new.name.trim(), purpose_label(new.purpose)))
        .record(db.pool())
        .await?;
    Ok(id)
}

/// The purpose, in the audit log's words.
fn purpose_label(purpose: QrPurpose) -> &'static str {
    match purpose {
        QrPurpose::JoinClass => "加入班级",
        QrPurpose::JoinGroup => "加入分组",
        QrPurpose::SignUp => "活动报名",
        QrPurpose::OpenPage => "打开页面",
    }
}

/// Hides a code from the console. A temporary code runs out by itself; a permanent one
/// cannot be deleted on the platform and keeps answering scans (as stopped).
pub async fn hide(db: &Db, caller: &Caller, code: &QrRow) -> ApiResult<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE qrcodes SET hidden_at = $1 WHERE id = $2 AND hidden_at IS NULL")
        .bind(now_ms())
        .bind(code.id)
        .execute(&mut *tx)
        .await?;
    Audit::by(caller, "qrcode_deleted")
        .target(format!("qrcode:{}", code.id))
        .detail(code.name.clone())
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A scan of the code: counted, and for a follow through it, the follower's source
/// unless an earlier code brought them first.
pub async fn count_scan(db: &Db, id: i64, openid: &str, followed: bool) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE qrcodes SET scans = scans + 1, new_followers = new_followers + $1 WHERE id = $2")
        .bind(i64::from(followed))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if followed {
        sqlx::query("UPDATE followers SET source_qrcode_id = $1 WHERE openid = $2 AND source_qrcode_id IS NULL")
            .bind(id)
            .bind(openid)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}
