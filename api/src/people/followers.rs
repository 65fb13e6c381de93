//! The account's followers as Banji knows them: kept current by subscribe and
//! unsubscribe events, and by a sync (the platform's list, then their info 100 at a
//! time). Unfollowing marks a bound student as not following; it does not unbind them.
//! Admins see every follower, including those not bound to anyone.

use std::collections::HashSet;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{BoundTo, Follower, FollowerSync, Page, PageQuery, RemarkChange};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, to_time, Db, Flag};
use crate::error::{ApiError, ApiResult};
use crate::kv::Kv;
use crate::state::AppState;

/// A follow (or a follow again): the follower row, and a bound student's `following`.
pub async fn followed(db: &Db, openid: &str) -> sqlx::Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO followers (openid, subscribed, subscribe_time, updated_at) VALUES ($1, TRUE, $2, $3) \
         ON CONFLICT (openid) DO UPDATE SET subscribed = TRUE, subscribe_time = $2, updated_at = $3",
    )
    .bind(openid)
    .bind(now / 1000)
    .bind(now)
    .execute(db.pool())
    .await?;
    sqlx::query("UPDATE students SET following = TRUE WHERE openid = $1").bind(openid).execute(db.pool()).await?;
    Ok(())
}

/// An unfollow: the binding stays, only `following` changes.
pub async fn unfollowed(db: &Db, openid: &str) -> sqlx::Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO followers (openid, subscribed, updated_at) VALUES ($1, FALSE, $2) \
         ON CONFLICT (openid) DO UPDATE SET subscribed = FALSE, updated_at = $2",
    )
    .bind(openid)
    .bind(now)
    .execute(db.pool())
    .await?;
    sqlx::query("UPDATE students SET following = FALSE WHERE openid = $1").bind(openid).execute(db.pool()).await?;
    // Leaving the account ends the daily broadcast: following again does not restart it.
    crate::broadcast::subscribers::unsubscribe(db, openid).await?;
    Ok(())
}

/// Whether the openid follows the account, as last known (unknown: assume it does).
pub async fn is_following(db: &Db, openid: &str) -> sqlx::Result<bool> {
    let row: Option<Flag> = sqlx::query_scalar("SELECT subscribed FROM followers WHERE openid = $1")
        .bind(openid)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.is_none_or(|f| f.0))
}

pub async fn remember_remark(db: &Db, openid: &str, remark: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO followers (openid, remark, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (openid) DO UPDATE SET remark = $2, updated_at = $3",
    )
    .bind(openid)
    .bind(remark)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

const SYNC_KEY: &str = "followers:sync";

async fn publish(kv: &Kv, report: &FollowerSync) {
    let _ = kv.set(SYNC_KEY, &serde_json::to_string(report).unwrap_or_default(), None).await;
}

pub async fn last_sync(kv: &Kv) -> ApiResult<FollowerSync> {
    Ok(kv.get(SYNC_KEY).await?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
}

/// Reads every follower from the platform and brings the table (and students'
/// `following`) in line with it.
pub async fn sync(state: &AppState) -> FollowerSync {
    let mut report =
        FollowerSync { status: "running".into(), started_at: Some(chrono::Utc::now()), ..FollowerSync::default() };
    publish(&state.kv, &report).await;
    match sync_all(state, &mut report).await {
        Ok(()) => report.status = "done".into(),
        Err(err) => {
            report.status = "failed".into();
            report.error = Some(err);
        }
    }
    report.finished_at = Some(chrono::Utc::now());
    publish(&state.kv, &report).await;
    report
}

async fn sync_all(state: &AppState, report: &mut FollowerSync) -> Result<(), String> {
    let client = &state.wechat.client;
    let mut openids = Vec::new();
    let mut next = String::new();
    loop {
        let page = client.followers(&next).await.map_err(|e| e.reason())?;
        openids.extend(page.page.openids().iter().cloned());
        if page.page.next_openid.is_empty() || page.page.openids().is_empty() || openids.len() as i64 >= page.total {
            break;
        }
        next = page.page.next_openid.clone();
    }
    report.followers = openids.len() as u32;
    let known: HashSet<String> = sqlx::query_scalar("SELECT openid FROM followers WHERE subscribed = TRUE")
        .fetch_all(state.db.pool())
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .collect();
    let listed: HashSet<&String> = openids.iter().collect();
    let infos = client.followers_info(&openids).await.map_err(|e| e.reason())?;
    let now = now_ms();
    let mut tx = state.db.begin_write().await.map_err(|e| e.to_string())?;
    for info in &infos {
        if !known.contains(&info.openid) {
            report.new += 1;
        }
        let tags = info.tagid_list.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        sqlx::query(
            "INSERT INTO followers (openid, subscribed, subscribe_time, remark, tag_ids, updated_at) \
             VALUES ($1, TRUE, $2, $3, $4, $5) ON CONFLICT (openid) DO UPDATE SET subscribed = TRUE, \
             subscribe_time = $2, remark = $3, tag_ids = $4, updated_at = $5",
        )
        .bind(&info.openid)
        .bind(info.subscribe_time)
        .bind(&info.remark)
        .bind(tags)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    }
    for gone in known.iter().filter(|o| !listed.contains(o)) {
        report.unfollowed += 1;
        sqlx::query("UPDATE followers SET subscribed = FALSE, updated_at = $1 WHERE openid = $2")
            .bind(now)
            .bind(gone)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    }
    sqlx::query(
        "UPDATE students SET following = (openid IN (SELECT openid FROM followers WHERE subscribed = TRUE)) \
         WHERE openid IS NOT NULL",
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct FollowerRow {
    openid: String,
    subscribed: Flag,
    subscribe_time: Option<i64>,
    nickname: String,
    remark: String,
    tag_ids: String,
    student_id: Option<i64>,
    student_name: Option<String>,
    student_no: Option<String>,
    teacher_id: Option<i64>,
    teacher_name: Option<String>,
    source: Option<String>,
}

impl FollowerRow {
    fn into_follower(self) -> Follower {
        let bound_to = match (self.student_id, self.teacher_id) {
            (Some(id), _) => Some(BoundTo {
                kind: "student".into(),
                id,
                name: self.student_name.unwrap_or_default(),
                number: self.student_no,
            }),
            (None, Some(id)) => {
                Some(BoundTo { kind: "teacher".into(), id, name: self.teacher_name.unwrap_or_default(), number: None })
            }
            _ => None,
        };
        Follower {
            openid: self.openid,
            subscribed: self.subscribed.0,
            subscribed_at: self.subscribe_time.map(|s| to_time(s * 1000)),
            nickname: self.nickname,
            remark: self.remark,
            tag_ids: self.tag_ids.split(',').filter_map(|t| t.parse().ok()).collect(),
            bound_to,
            source: self.source,
        }
    }
}

async fn list(
    db: &Db,
    search: &str,
    bound: Option<bool>,
    subscribed: Option<bool>,
    page: PageQuery,
) -> ApiResult<Page<Follower>> {
    let mut filter = Filter::new();
    if !search.trim().is_empty() {
        let p = contains_pattern(search);
        filter.and(
            "f.openid LIKE ? ESCAPE '\\' OR f.remark LIKE ? ESCAPE '\\' OR s.name LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\'",
            [Arg::from(p.clone()), Arg::from(p.clone()), Arg::from(p.clone()), Arg::from(p)],
        );
    }
    match bound {
        Some(true) => filter.and("s.id IS NOT NULL OR u.id IS NOT NULL", []),
        Some(false) => filter.and("s.id IS NULL AND u.id IS NULL", []),
        None => &mut filter,
    };
    if let Some(on) = subscribed {
        filter.and("f.subscribed = ?", [Arg::Bool(on)]);
    }
    let from = "FROM followers f LEFT JOIN students s ON s.openid = f.openid \
                LEFT JOIN teacher_profiles t ON t.openid = f.openid LEFT JOIN users u ON u.id = t.user_id \
                LEFT JOIN qrcodes q ON q.id = f.source_qrcode_id";
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) {from}{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!(
        "SELECT f.openid, f.subscribed, f.subscribe_time, f.nickname, f.remark, f.tag_ids, s.id AS student_id, \
         s.name AS student_name, s.student_no, u.id AS teacher_id, u.display_name AS teacher_name, \
         q.name AS source {from}{where_sql} \
         ORDER BY f.subscribe_time DESC, f.openid LIMIT {} OFFSET {}",
        filter.next(1),
        filter.next(2)
    );
    let rows: Vec<FollowerRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    Ok(Page::new(rows.into_iter().map(FollowerRow::into_follower).collect(), total, page))
}

/// Sets a follower's remark on the platform and here.
pub async fn set_remark(state: &AppState, openid: &str, remark: &str) -> ApiResult<()> {
    if remark.chars().count() > crate::wechat::client::users::MAX_REMARK_CHARS {
        return Err(ApiError::field("remark", "must be at most 30 characters"));
    }
    state.wechat.client.set_remark(openid, remark).await.map_err(|e| match e.code() {
        Some(40003) => ApiError::not_found("follower"),
        _ => e.to_api_error("WeChat did not set the remark"),
    })?;
    remember_remark(&state.db, openid, remark).await?;
    Ok(())
}

pub struct FollowersApi;

#[derive(ApiResponse)]
enum SyncStarted {
    /// The sync runs in the background; `GET /followers/sync` tells how it went.
    #[oai(status = 202)]
    Accepted(Json<FollowerSync>),
}

#[OpenApi(prefix_path = "/v1/followers", tag = "ApiTags::People")]
impl FollowersApi {
    /// The account's followers and who each is in Banji (admins). `bound=false` lists
    /// the followers not bound to any student or teacher.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        q: Query<Option<String>>,
        bound: Query<Option<bool>>,
        subscribed: Query<Option<bool>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<Follower>>> {
        auth.0.require_admin()?;
        let page = PageQuery::new(page.0, per_page.0);
        Ok(Json(list(&state.db, q.0.as_deref().unwrap_or(""), bound.0, subscribed.0, page).await?))
    }

    /// Read every follower from WeChat again (admins).
    #[oai(path = "/sync", method = "post")]
    async fn sync(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<SyncStarted> {
        auth.0.require_admin()?;
        let current = last_sync(&state.kv).await?;
        if current.status == "running"
            && current.started_at.is_some_and(|t| chrono::Utc::now() - t < chrono::Duration::minutes(10))
        {
            return Ok(SyncStarted::Accepted(Json(current)));
        }
        Audit::by(&auth.0, "followers_synced").record(state.db.pool()).await?;
        let running =
            FollowerSync { status: "running".into(), started_at: Some(chrono::Utc::now()), ..FollowerSync::default() };
        publish(&state.kv, &running).await;
        let state = state.clone();
        state.clone().background.spawn(async move { sync(&state).await });
        Ok(SyncStarted::Accepted(Json(running)))
    }

    /// How the last sync went.
    #[oai(path = "/sync", method = "get")]
    async fn sync_status(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<FollowerSync>> {
        auth.0.require_admin()?;
        Ok(Json(last_sync(&state.kv).await?))
    }

    /// Set the name the account sees a follower under (at most 30 characters; admins).
    #[oai(path = "/:openid/remark", method = "put")]
    async fn remark(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        openid: Path<String>,
        body: Json<RemarkChange>,
    ) -> ApiResult<Json<RemarkChange>> {
        auth.0.require_admin()?;
        set_remark(&state, &openid.0, body.0.remark.trim()).await?;
        Audit::by(&auth.0, "remark_set")
            .target(format!("openid:{}", openid.0))
            .detail(body.0.remark.trim().to_string())
            .record(state.db.pool())
            .await?;
        Ok(Json(RemarkChange { remark: body.0.remark.trim().to_string() }))
    }
}
