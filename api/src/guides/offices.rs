//! Offices (教务处, 学工办, 图书馆 …): their phone, place and hours, kept by admins and
//! read by every teacher (to name them in procedures) and every student (联系方式). An
//! office is findable in the search; renaming or deleting one re-indexes the procedures
//! it handles, whose search text carries its name.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{NewOffice, Office};
use sqlx::Any;

use super::store;
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::{BearerAuth, Caller};
use crate::db::filter::contains_pattern;
use crate::db::{now_ms, to_time, Db};
use crate::error::{on_unique, ApiError, ApiResult, NoContent};
use crate::search::index::{self, Audience, Item, Kind};
use crate::state::AppState;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfficeRow {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub place: String,
    pub hours: String,
    pub description: String,
    pub position: i64,
    pub updated_at: i64,
}

const SELECT: &str = "SELECT id, name, phone, place, hours, description, position, updated_at FROM offices";

impl OfficeRow {
    pub fn into_dto(self) -> Office {
        Office {
            id: self.id,
            name: self.name,
            phone: self.phone,
            place: self.place,
            hours: self.hours,
            description: self.description,
            position: self.position,
            updated_at: to_time(self.updated_at),
        }
    }

    /// 电话 … · 地点 … · 时间 …, the parts it has.
    pub fn line(&self) -> String {
        let parts = [("电话", &self.phone), ("地点", &self.place), ("时间", &self.hours)];
        parts.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(" · ")
    }

    fn item(&self) -> Item {
        Item {
            kind: Kind::Office,
            ref_id: self.id,
            title: self.name.clone(),
            body: [&self.phone, &self.place, &self.hours, &self.description].map(String::as_str).join("\n"),
            summary: self.line(),
            audience: Audience::Everyone,
            at: self.updated_at,
        }
    }
}

/// Every office in the school's order, or those whose name, place or description has `q`.
pub async fn list(db: &Db, q: &str) -> sqlx::Result<Vec<OfficeRow>> {
    if q.trim().is_empty() {
        let sql = format!("{SELECT} ORDER BY position, name");
        return sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await;
    }
    let sql = format!(
        "{SELECT} WHERE name LIKE $1 ESCAPE '\\' OR place LIKE $1 ESCAPE '\\' OR description LIKE $1 ESCAPE '\\' \
         ORDER BY position, name"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(contains_pattern(q)).fetch_all(db.pool()).await
}

pub async fn row(db: &Db, id: i64) -> ApiResult<OfficeRow> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<OfficeRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(db.pool()).await?;
    row.ok_or_else(|| ApiError::not_found("office"))
}

async fn row_in(tx: &mut sqlx::Transaction<'static, Any>, id: i64) -> sqlx::Result<OfficeRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"))).bind(id).fetch_one(&mut **tx).await
}

fn taken(err: sqlx::Error) -> ApiError {
    on_unique(err, "office_name_taken", "an office of that name exists")
}

/// The procedures an office handles, re-indexed after it was renamed or deleted.
async fn reindex_guides_of(tx: &mut sqlx::Transaction<'static, Any>, guides: &[i64]) -> sqlx::Result<()> {
    for guide in guides {
        store::reindex_in(tx, *guide).await?;
    }
    Ok(())
}

async fn guides_of(tx: &mut sqlx::Transaction<'static, Any>, office: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT id FROM guides WHERE office_id = $1").bind(office).fetch_all(&mut **tx).await
}

pub async fn create(db: &Db, caller: &Caller, new: &NewOffice) -> ApiResult<OfficeRow> {
    caller.require_admin()?;
    new.validate()?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(position) FROM offices").fetch_one(&mut *tx).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO offices (name, phone, place, hours, description, position, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(new.name.trim())
    .bind(new.phone.trim())
    .bind(new.place.trim())
    .bind(new.hours.trim())
    .bind(new.description.trim())
    .bind(new.position.unwrap_or(last.unwrap_or(0) + 1))
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(taken)?;
    let row = row_in(&mut tx, id).await?;
    index::put_in(&mut tx, &row.item()).await?;
    Audit::by(caller, "office_created")
        .target(format!("office:{id}"))
        .detail(row.name.clone())
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn replace(db: &Db, caller: &Caller, id: i64, new: &NewOffice) -> ApiResult<OfficeRow> {
    caller.require_admin()?;
    let before = row(db, id).await?;
    new.validate()?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE offices SET name = $1, phone = $2, place = $3, hours = $4, description = $5, \
         position = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(new.name.trim())
    .bind(new.phone.trim())
    .bind(new.place.trim())
    .bind(new.hours.trim())
    .bind(new.description.trim())
    .bind(new.position.unwrap_or(before.position))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(taken)?;
    let row = row_in(&mut tx, id).await?;
    index::put_in(&mut tx, &row.item()).await?;
    if row.name != before.name {
        let guides = guides_of(&mut tx, id).await?;
        reindex_guides_of(&mut tx, &guides).await?;
    }
    let renamed = if row.name != before.name { format!("（原名 {}）", before.name) } else { String::new() };
    Audit::by(caller, "office_updated")
        .target(format!("office:{id}"))
        .detail(format!("{}{renamed}", row.name))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(row)
}

/// Deletes the office: procedures it handled keep going without one, and it leaves their
/// contacts.
pub async fn delete(db: &Db, caller: &Caller, id: i64) -> ApiResult<()> {
    caller.require_admin()?;
    let before = row(db, id).await?;
    let mut tx = db.begin_write().await?;
    let guides = guides_of(&mut tx, id).await?;
    sqlx::query("DELETE FROM guide_contacts WHERE office_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("UPDATE guides SET office_id = NULL WHERE office_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM offices WHERE id = $1").bind(id).execute(&mut *tx).await?;
    index::remove_in(&mut tx, Kind::Office, id).await?;
    reindex_guides_of(&mut tx, &guides).await?;
    Audit::by(caller, "office_deleted").target(format!("office:{id}")).detail(before.name).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(ApiResponse)]
enum OfficeMade {
    #[oai(status = 201)]
    Created(Json<Office>),
}

pub struct OfficesApi;

#[OpenApi(prefix_path = "/v1/offices", tag = "ApiTags::Guides")]
impl OfficesApi {
    /// The offices students call or visit, in the school's order (every teacher reads them).
    #[oai(path = "/", method = "get")]
    async fn list(&self, state: Data<&AppState>, _auth: BearerAuth) -> ApiResult<Json<Vec<Office>>> {
        Ok(Json(list(&state.db, "").await?.into_iter().map(OfficeRow::into_dto).collect()))
    }

    /// Add an office (admins). Its name is unique (409 `office_name_taken`).
    #[oai(path = "/", method = "post")]
    async fn create(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewOffice>) -> ApiResult<OfficeMade> {
        Ok(OfficeMade::Created(Json(create(&state.db, &auth.0, &body.0).await?.into_dto())))
    }

    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, _auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Office>> {
        Ok(Json(row(&state.db, id.0).await?.into_dto()))
    }

    /// Replace an office's details (admins).
    #[oai(path = "/:id", method = "put")]
    async fn replace(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewOffice>,
    ) -> ApiResult<Json<Office>> {
        Ok(Json(replace(&state.db, &auth.0, id.0, &body.0).await?.into_dto()))
    }

    /// Delete an office (admins): the procedures it handled stay, without it.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        delete(&state.db, &auth.0, id.0).await?;
        Ok(NoContent::Done)
    }
}
