//! 班干部: students with a title in their own class for a term. A current term (it has
//! begun and not ended, in school time) gives the student rights over their class, which
//! later capabilities check with `current_classes` — while the student is still an
//! enrolled member of that class: moving class, graduating, suspension or leaving ends the
//! rights at once, whatever the term's dates say.

use chrono::NaiveDate;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{Cadre, CadrePatch, NewCadre};

use super::scope::Scope;
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::{now_ms, school_today, Db, Flag};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct CadreRow {
    id: i64,
    class_id: i64,
    student_id: i64,
    student_no: String,
    student_name: String,
    title: String,
    starts_on: String,
    ends_on: Option<String>,
    /// The student is an enrolled member of the term's class today.
    in_class: Flag,
}

/// When a cadre still belongs to their term's class.
const IN_CLASS: &str = "s.class_id = d.class_id AND s.status = 'enrolled'";

fn select() -> String {
    format!(
        "SELECT d.id, d.class_id, d.student_id, s.student_no, s.name AS student_name, d.title, d.starts_on, \
         d.ends_on, CASE WHEN {IN_CLASS} THEN 1 ELSE 0 END AS in_class FROM class_cadres d \
         JOIN students s ON s.id = d.student_id"
    )
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
}

fn is_current(starts_on: NaiveDate, ends_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    starts_on <= today && ends_on.is_none_or(|end| end >= today)
}

impl CadreRow {
    fn into_cadre(self, today: NaiveDate) -> Cadre {
        let starts_on = date(&self.starts_on);
        let ends_on = self.ends_on.as_deref().map(date);
        Cadre {
            id: self.id,
            class_id: self.class_id,
            student_id: self.student_id,
            student_no: self.student_no,
            student_name: self.student_name,
            title: self.title,
            current: self.in_class.0 && is_current(starts_on, ends_on, today),
            starts_on,
            ends_on,
        }
    }
}

async fn cadres(db: &Db, clause: &str, id: i64) -> sqlx::Result<Vec<Cadre>> {
    let rows: Vec<CadreRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{} WHERE {clause} ORDER BY d.starts_on DESC, d.id", select())))
            .bind(id)
            .fetch_all(db.pool())
            .await?;
    let today = school_today();
    let mut list: Vec<Cadre> = rows.into_iter().map(|r| r.into_cadre(today)).collect();
    // Current terms first, then the most recent.
    list.sort_by_key(|c| !c.current);
    Ok(list)
}

pub async fn of_class(db: &Db, class_id: i64) -> sqlx::Result<Vec<Cadre>> {
    cadres(db, "d.class_id = $1", class_id).await
}

pub async fn of_student(db: &Db, student_id: i64) -> sqlx::Result<Vec<Cadre>> {
    cadres(db, "d.student_id = $1", student_id).await
}

/// The classes over which this student has a cadre's rights today: a current term, in the
/// class they are an enrolled member of now.
pub async fn current_classes(db: &Db, student_id: i64) -> sqlx::Result<Vec<i64>> {
    let today = school_today().format("%Y-%m-%d").to_string();
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT d.class_id FROM class_cadres d JOIN students s ON s.id = d.student_id AND {IN_CLASS} \
         WHERE d.student_id = $1 AND d.starts_on <= $2 AND (d.ends_on IS NULL OR d.ends_on >= $2) ORDER BY d.class_id"
    )))
    .bind(student_id)
    .bind(today)
    .fetch_all(db.pool())
    .await
}

async fn add(db: &Db, class_id: i64, new: NewCadre, audit: Audit<'_>) -> ApiResult<i64> {
    new.validate()?;
    let in_class: Option<i64> = sqlx::query_scalar("SELECT class_id FROM students WHERE id = $1")
        .bind(new.student_id)
        .fetch_optional(db.pool())
        .await?
        .flatten();
    if in_class != Some(class_id) {
        return Err(ApiError::field("student_id", "must be a student of this class"));
    }
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO class_cadres (class_id, student_id, title, starts_on, ends_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(class_id)
    .bind(new.student_id)
    .bind(new.title.trim())
    .bind(new.starts_on.format("%Y-%m-%d").to_string())
    .bind(new.ends_on.map(|d| d.format("%Y-%m-%d").to_string()))
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit
        .target(format!("class:{class_id}"))
        .detail(format!("{}（学生 #{}）", new.title.trim(), new.student_id))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

async fn one(db: &Db, class_id: i64, id: i64) -> ApiResult<Cadre> {
    of_class(db, class_id).await?.into_iter().find(|c| c.id == id).ok_or_else(|| ApiError::not_found("cadre"))
}

async fn change(db: &Db, class_id: i64, id: i64, patch: CadrePatch, audit: Audit<'_>) -> ApiResult<()> {
    let before = one(db, class_id, id).await?;
    let title = patch.title.as_deref().map(str::trim).unwrap_or(&before.title).to_string();
    let starts_on = patch.starts_on.unwrap_or(before.starts_on);
    let ends_on = patch.ends_on.or(before.ends_on);
    NewCadre { student_id: before.student_id, title: title.clone(), starts_on, ends_on }.validate()?;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE class_cadres SET title = $1, starts_on = $2, ends_on = $3 WHERE id = $4")
        .bind(&title)
        .bind(starts_on.format("%Y-%m-%d").to_string())
        .bind(ends_on.map(|d| d.format("%Y-%m-%d").to_string()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit
        .target(format!("class:{class_id}"))
        .detail(format!("{title}（学生 #{}）", before.student_id))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub struct CadresApi;

#[derive(ApiResponse)]
enum CadreCreated {
    #[oai(status = 201)]
    Created(Json<Cadre>),
}

#[OpenApi(tag = "ApiTags::People")]
impl CadresApi {
    /// The class's cadres, current terms first.
    #[oai(path = "/v1/classes/:class_id/cadres", method = "get")]
    async fn list(&self, state: Data<&AppState>, auth: BearerAuth, class_id: Path<i64>) -> ApiResult<Json<Vec<Cadre>>> {
        Scope::of(&auth.0).class(&state.db, class_id.0).await?;
        Ok(Json(of_class(&state.db, class_id.0).await?))
    }

    /// Give a student of the class a cadre title for a term.
    #[oai(path = "/v1/classes/:class_id/cadres", method = "post")]
    async fn add(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        class_id: Path<i64>,
        body: Json<NewCadre>,
    ) -> ApiResult<CadreCreated> {
        Scope::of(&auth.0).class(&state.db, class_id.0).await?;
        let id = add(&state.db, class_id.0, body.0, Audit::by(&auth.0, "cadre_added")).await?;
        Ok(CadreCreated::Created(Json(one(&state.db, class_id.0, id).await?)))
    }

    /// Change the title or the term (set `ends_on` to end it).
    #[oai(path = "/v1/classes/:class_id/cadres/:id", method = "patch")]
    async fn change(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        class_id: Path<i64>,
        id: Path<i64>,
        body: Json<CadrePatch>,
    ) -> ApiResult<Json<Cadre>> {
        Scope::of(&auth.0).class(&state.db, class_id.0).await?;
        change(&state.db, class_id.0, id.0, body.0, Audit::by(&auth.0, "cadre_changed")).await?;
        Ok(Json(one(&state.db, class_id.0, id.0).await?))
    }

    /// Remove a cadre term (a mistake; to end a term, set its end date).
    #[oai(path = "/v1/classes/:class_id/cadres/:id", method = "delete")]
    async fn remove(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        class_id: Path<i64>,
        id: Path<i64>,
    ) -> ApiResult<NoContent> {
        Scope::of(&auth.0).class(&state.db, class_id.0).await?;
        let cadre = one(&state.db, class_id.0, id.0).await?;
        let mut tx = state.db.begin_write().await?;
        sqlx::query("DELETE FROM class_cadres WHERE id = $1").bind(id.0).execute(&mut *tx).await?;
        Audit::by(&auth.0, "cadre_removed")
            .target(format!("class:{}", class_id.0))
            .detail(format!("{}（学生 #{}）", cadre.title, cadre.student_id))
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(NoContent::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_is_current_from_its_first_to_its_last_day() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert!(is_current(d(9, 1), Some(d(12, 31)), d(9, 1)));
        assert!(is_current(d(9, 1), Some(d(12, 31)), d(12, 31)));
        assert!(!is_current(d(9, 1), Some(d(12, 31)), d(8, 31)));
        assert!(is_current(d(9, 1), None, d(11, 21)));
    }
}
