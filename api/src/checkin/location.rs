//! Positions. WeChat reports a follower's position (LOCATION events) when the account
//! asks for it; Banji keeps it only for students who agreed on their page, only the latest
//! one, and deletes it — and the positions on check-in attempts — after the retention
//! (`BANJI_LOCATION_RETENTION_DAYS`). A teacher sees a student's position through an
//! audited endpoint. The latest position stands in for the check-in page's when it is
//! recent (`BANJI_CHECKIN_LOCATION_MINUTES`).

use std::time::Duration;

use shared::{LocationConsent, StudentLocation};

use super::attempt::Position;
use crate::db::{now_ms, to_time, Db};
use crate::error::ApiResult;
use crate::state::AppState;

pub async fn consent(db: &Db, student: i64) -> sqlx::Result<LocationConsent> {
    let since: Option<i64> = sqlx::query_scalar("SELECT location_consent_at FROM students WHERE id = $1")
        .bind(student)
        .fetch_optional(db.pool())
        .await?
        .flatten();
    Ok(LocationConsent { consented: since.is_some(), since: since.map(to_time) })
}

/// Gives or revokes consent; revoking deletes the kept position at once.
pub async fn set_consent(db: &Db, student: i64, consented: bool) -> sqlx::Result<LocationConsent> {
    let mut tx = db.begin_write().await?;
    if consented {
        sqlx::query("UPDATE students SET location_consent_at = $1 WHERE id = $2 AND location_consent_at IS NULL")
            .bind(now_ms())
            .bind(student)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("UPDATE students SET location_consent_at = NULL WHERE id = $1")
            .bind(student)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM student_locations WHERE student_id = $1").bind(student).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    consent(db, student).await
}

/// Keeps a reported position if the student (bound to `openid`) consented. Returns
/// whether it was kept.
pub async fn report(db: &Db, openid: &str, latitude: f64, longitude: f64, precision: f64) -> sqlx::Result<bool> {
    let student: Option<i64> =
        sqlx::query_scalar("SELECT id FROM students WHERE openid = $1 AND location_consent_at IS NOT NULL")
            .bind(openid)
            .fetch_optional(db.pool())
            .await?;
    let Some(student) = student else { return Ok(false) };
    sqlx::query(
        "INSERT INTO student_locations (student_id, latitude, longitude, precision_m, reported_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (student_id) DO UPDATE SET latitude = excluded.latitude, \
         longitude = excluded.longitude, precision_m = excluded.precision_m, reported_at = excluded.reported_at",
    )
    .bind(student)
    .bind(latitude)
    .bind(longitude)
    .bind(precision)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(true)
}

pub async fn latest(db: &Db, student: i64) -> sqlx::Result<Option<StudentLocation>> {
    let row: Option<(f64, f64, f64, i64)> = sqlx::query_as(
        "SELECT latitude, longitude, precision_m, reported_at FROM student_locations WHERE student_id = $1",
    )
    .bind(student)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(latitude, longitude, precision_m, at)| StudentLocation {
        latitude,
        longitude,
        precision_m,
        at: to_time(at),
    }))
}

/// The kept position, if recent enough to stand for "here, now".
pub async fn recent(state: &AppState, student: i64, now: i64) -> ApiResult<Option<Position>> {
    let since = now - state.config.checkin_location_minutes * 60_000;
    let row: Option<(f64, f64, f64)> = sqlx::query_as(
        "SELECT latitude, longitude, precision_m FROM student_locations WHERE student_id = $1 AND reported_at >= $2",
    )
    .bind(student)
    .bind(since)
    .fetch_optional(state.db.pool())
    .await?;
    Ok(row.map(|(latitude, longitude, precision)| Position { latitude, longitude, accuracy_m: Some(precision) }))
}

/// Deletes positions older than the retention: kept ones, and those on attempts.
pub async fn purge(db: &Db, retention_days: i64) -> sqlx::Result<u64> {
    let before = now_ms() - retention_days * 86_400_000;
    let kept =
        sqlx::query("DELETE FROM student_locations WHERE reported_at < $1").bind(before).execute(db.pool()).await?;
    let attempts = sqlx::query(
        "UPDATE checkin_attempts SET latitude = NULL, longitude = NULL, accuracy_m = NULL \
         WHERE created_at < $1 AND latitude IS NOT NULL",
    )
    .bind(before)
    .execute(db.pool())
    .await?;
    Ok(kept.rows_affected() + attempts.rows_affected())
}

/// Runs until the process ends: the purge, hourly.
pub async fn purge_forever(db: Db, retention_days: i64) {
    let mut ticks = tokio::time::interval(Duration::from_secs(3600));
    loop {
        ticks.tick().await;
        match purge(&db, retention_days).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "deleted positions past their retention"),
            Err(err) => tracing::warn!(error = %err, "deleting old positions failed"),
        }
    }
}

/// A teacher's look at a student's kept position (`GET /students/{id}/location`).
pub struct LocationApi;

#[poem_openapi::OpenApi(prefix_path = "/v1/students", tag = "crate::api_tags::ApiTags::Checkin")]
impl LocationApi {
    /// The student's latest position, if they consented and one was reported (404
    /// `no_location` otherwise). Every look is written to the audit log. For the teachers
    /// of the student's class and admins (403 `not_your_class` for a group's owner).
    #[oai(path = "/:id/location", method = "get")]
    async fn location(
        &self,
        state: poem::web::Data<&AppState>,
        auth: crate::auth::BearerAuth,
        id: poem_openapi::param::Path<i64>,
    ) -> ApiResult<poem_openapi::payload::Json<StudentLocation>> {
        crate::people::Scope::of(&auth.0).student_record(&state.db, id.0).await?;
        let found = latest(&state.db, id.0).await?;
        crate::audit::Audit::by(&auth.0, "student_location_viewed")
            .target(format!("student:{}", id.0))
            .detail(if found.is_some() { "已查看位置" } else { "没有保存的位置" })
            .record(state.db.pool())
            .await?;
        let found = found.ok_or_else(|| {
            crate::error::ApiError::not_found_code(
                "no_location",
                "no position kept: the student has not consented or none was reported",
            )
        })?;
        Ok(poem_openapi::payload::Json(found))
    }
}
