//! Teachers and counselors as students and colleagues see them: a profile (title,
//! office, phone, e-mail, whether students may see the contact details) on top of the
//! console account, and the classes they are responsible for.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{GroupRef, Page, PageQuery, TeacherProfile, TeacherProfilePatch};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, Db, Flag};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct ProfileRow {
    user_id: i64,
    display_name: String,
    title: Option<String>,
    office: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    contact_public: Option<Flag>,
    openid: Option<String>,
}

const SELECT: &str = "SELECT u.id AS user_id, u.display_name, p.title, p.office, p.phone, p.email, \
     p.contact_public, p.openid FROM users u LEFT JOIN teacher_profiles p ON p.user_id = u.id";

/// Who is looking decides whether private contact details show.
#[derive(Clone, Copy)]
pub enum Viewer {
    /// The teacher themself, or an admin.
    Full,
    /// A colleague or a student: contact details only when public.
    Public,
}

async fn classes_of(db: &Db, user_id: i64) -> sqlx::Result<Vec<GroupRef>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, c.name FROM classes c JOIN class_teachers ct ON ct.class_id = c.id WHERE ct.user_id = $1 ORDER BY c.name",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(id, name)| GroupRef { id, name }).collect())
}

async fn to_profile(db: &Db, row: ProfileRow, viewer: Viewer) -> sqlx::Result<TeacherProfile> {
    let public = row.contact_public.is_some_and(|f| f.0);
    let shown = matches!(viewer, Viewer::Full) || public;
    let hide = |v: Option<String>| if shown { v.unwrap_or_default() } else { String::new() };
    Ok(TeacherProfile {
        classes: classes_of(db, row.user_id).await?,
        user_id: row.user_id,
        display_name: row.display_name,
        title: row.title.unwrap_or_default(),
        office: row.office.unwrap_or_default(),
        phone: hide(row.phone),
        email: hide(row.email),
        contact_public: public,
        wechat_bound: row.openid.is_some(),
    })
}

pub async fn profile(db: &Db, user_id: i64, viewer: Viewer) -> ApiResult<TeacherProfile> {
    let row: Option<ProfileRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE u.id = $1 AND u.pending = FALSE")))
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
    let row = row.ok_or_else(|| ApiError::not_found("teacher"))?;
    Ok(to_profile(db, row, viewer).await?)
}

/// Teachers (enabled, approved accounts), searchable by name, title or office.
pub async fn list(
    db: &Db,
    search: &str,
    public_only: bool,
    viewer: Viewer,
    page: PageQuery,
) -> ApiResult<Page<TeacherProfile>> {
    let mut filter = Filter::new();
    filter.and("u.disabled = FALSE AND u.pending = FALSE", []);
    if public_only {
        filter.and("p.contact_public = TRUE", []);
    }
    if !search.trim().is_empty() {
        let pattern = contains_pattern(search);
        filter.and(
            "u.display_name LIKE ? ESCAPE '\\' OR p.title LIKE ? ESCAPE '\\' OR p.office LIKE ? ESCAPE '\\'",
            [Arg::from(pattern.clone()), Arg::from(pattern.clone()), Arg::from(pattern)],
        );
    }
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM users u LEFT JOIN teacher_profiles p ON p.user_id = u.id{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!("{SELECT}{where_sql} ORDER BY u.display_name LIMIT {} OFFSET {}", filter.next(1), filter.next(2));
    let rows: Vec<ProfileRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(to_profile(db, row, viewer).await?);
    }
    Ok(Page::new(items, total, page))
}

pub async fn update(db: &Db, user_id: i64, patch: TeacherProfilePatch, audit: Audit<'_>) -> ApiResult<()> {
    patch.validate()?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO teacher_profiles (user_id, updated_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING")
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE teacher_profiles SET title = COALESCE($1, title), office = COALESCE($2, office), \
         phone = COALESCE($3, phone), email = COALESCE($4, email), contact_public = COALESCE($5, contact_public), \
         updated_at = $6 WHERE user_id = $7",
    )
    .bind(patch.title.as_deref().map(str::trim))
    .bind(patch.office.as_deref().map(str::trim))
    .bind(patch.phone.as_deref().map(str::trim))
    .bind(patch.email.as_deref().map(str::trim))
    .bind(patch.contact_public)
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    audit.target(format!("user:{user_id}")).record(&mut *tx).await?;
    tx.commit().await?;
    crate::search::sources::teacher(db, user_id).await?;
    Ok(())
}

pub struct TeachersApi;

#[OpenApi(tag = "ApiTags::People")]
impl TeachersApi {
    /// Teachers and counselors. Contact details show when the teacher made them public
    /// (admins see all of them).
    #[oai(path = "/v1/teachers", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<TeacherProfile>>> {
        let viewer = if auth.0.is_admin() { Viewer::Full } else { Viewer::Public };
        let page = PageQuery::new(page.0, per_page.0);
        Ok(Json(list(&state.db, q.0.as_deref().unwrap_or(""), false, viewer, page).await?))
    }

    #[oai(path = "/v1/teachers/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<TeacherProfile>> {
        let viewer = if auth.0.is_admin() || auth.0.user_id == id.0 { Viewer::Full } else { Viewer::Public };
        Ok(Json(profile(&state.db, id.0, viewer).await?))
    }

    /// Edit a teacher's profile (admins).
    #[oai(path = "/v1/teachers/:id", method = "patch")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<TeacherProfilePatch>,
    ) -> ApiResult<Json<TeacherProfile>> {
        auth.0.require_admin()?;
        profile(&state.db, id.0, Viewer::Full).await?;
        update(&state.db, id.0, body.0, Audit::by(&auth.0, "teacher_profile_updated")).await?;
        Ok(Json(profile(&state.db, id.0, Viewer::Full).await?))
    }

    /// The caller's own profile.
    #[oai(path = "/v1/me/profile", method = "get")]
    async fn mine(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<TeacherProfile>> {
        Ok(Json(profile(&state.db, auth.0.user_id, Viewer::Full).await?))
    }

    /// Edit the caller's own profile.
    #[oai(path = "/v1/me/profile", method = "patch")]
    async fn update_mine(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<TeacherProfilePatch>,
    ) -> ApiResult<Json<TeacherProfile>> {
        update(&state.db, auth.0.user_id, body.0, Audit::by(&auth.0, "teacher_profile_updated")).await?;
        Ok(Json(profile(&state.db, auth.0.user_id, Viewer::Full).await?))
    }
}
