//! The students' side of check-in (`/portal/checkins`, the check-in page inside WeChat),
//! a class cadre's own sessions for their class, and the student's consent to keep
//! their position (`/portal/location-consent`).

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{
    CheckinDisplay, CheckinOutcome, CheckinRequest, CheckinSession, ConsentChange, LocationConsent, NewCheckinSession,
    StudentCheckin,
};

use super::attempt::{self, Position, Proof, Student, Via};
use super::sessions::{self, Creator, SessionRow};
use super::{live, location};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::db::{now_ms, to_time, Db, Flag};
use crate::error::{ApiError, ApiResult};
use crate::portal::StudentAuth;
use crate::state::AppState;

#[derive(ApiResponse)]
enum SessionMade {
    #[oai(status = 201)]
    Created(Json<CheckinSession>),
}

struct Me {
    id: i64,
    name: String,
}

async fn me(db: &Db, openid: &str) -> ApiResult<Me> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT id, name FROM students WHERE openid = $1")
        .bind(openid)
        .fetch_optional(db.pool())
        .await?;
    row.map(|(id, name)| Me { id, name })
        .ok_or_else(|| ApiError::forbidden("not_bound", "bind your student number first"))
}

/// How the session looks to this student (their check-in, and what the page must ask).
async fn student_view(state: &AppState, row: &SessionRow, student: i64) -> ApiResult<StudentCheckin> {
    let mine: Option<(Option<i64>, Flag)> =
        sqlx::query_as("SELECT checked_at, late FROM checkin_roll WHERE session_id = $1 AND student_id = $2")
            .bind(row.id)
            .bind(student)
            .fetch_optional(state.db.pool())
            .await?;
    let (checked_at, late) = mine.ok_or_else(|| ApiError::not_found("check-in session"))?;
    let scanned = state.kv.get(&format!("checkin-pass:{}:{student}", row.id)).await?.is_some();
    Ok(StudentCheckin {
        id: row.id,
        title: row.title.clone(),
        starts_at: to_time(row.starts_at),
        ends_at: to_time(row.closes_at()),
        late_after: row.late_after.map(to_time),
        state: row.state(now_ms()),
        methods: row.methods(),
        needs_position: row.has(shared::CheckinMethod::Geo),
        needs_code: row.has_code() && !scanned,
        checked_at: checked_at.map(to_time),
        late: late.0,
    })
}

fn finite(v: Option<f64>) -> bool {
    v.is_none_or(f64::is_finite)
}

pub struct PortalCheckinApi;

#[OpenApi(prefix_path = "/v1/portal", tag = "ApiTags::Portal")]
impl PortalCheckinApi {
    /// The student's sessions: scheduled, open, and those closed in the last day.
    #[oai(path = "/checkins", method = "get")]
    async fn mine(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<Vec<StudentCheckin>>> {
        let me = me(&state.db, &auth.0).await?;
        let since = now_ms() - 86_400_000;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT cs.id FROM checkin_sessions cs JOIN checkin_roll r ON r.session_id = cs.id \
             WHERE r.student_id = $1 AND COALESCE(cs.closed_early_at, cs.ends_at) > $2 ORDER BY cs.starts_at DESC LIMIT 50",
        )
        .bind(me.id)
        .bind(since)
        .fetch_all(state.db.pool())
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = sessions::row(&state.db, id).await? {
                out.push(student_view(&state, &row, me.id).await?);
            }
        }
        // Open first, then scheduled, then closed.
        out.sort_by_key(|s| match s.state {
            shared::SessionState::Open => 0,
            shared::SessionState::Scheduled => 1,
            shared::SessionState::Closed => 2,
        });
        Ok(Json(out))
    }

    #[oai(path = "/checkins/:id", method = "get")]
    async fn one(&self, state: Data<&AppState>, auth: StudentAuth, id: Path<i64>) -> ApiResult<Json<StudentCheckin>> {
        let me = me(&state.db, &auth.0).await?;
        let row = sessions::row(&state.db, id.0).await?.ok_or_else(|| ApiError::not_found("check-in session"))?;
        Ok(Json(student_view(&state, &row, me.id).await?))
    }

    /// Check in from the page: the code (unless a QR code was just scanned) and/or the
    /// position. Refusals are answers (200, `accepted: false`, the reason); every try is
    /// recorded.
    #[oai(path = "/checkins/:id", method = "post")]
    async fn check_in(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        body: Json<CheckinRequest>,
    ) -> ApiResult<Json<CheckinOutcome>> {
        let me = me(&state.db, &auth.0).await?;
        let row = sessions::row(&state.db, id.0).await?.ok_or_else(|| ApiError::not_found("check-in session"))?;
        let b = body.0;
        let position = match (b.latitude, b.longitude) {
            (Some(latitude), Some(longitude)) => {
                if !(-90.0..=90.0).contains(&latitude)
                    || !(-180.0..=180.0).contains(&longitude)
                    || !finite(b.accuracy_m)
                {
                    return Err(ApiError::field("latitude", "is not a position on Earth"));
                }
                Some(Position { latitude, longitude, accuracy_m: b.accuracy_m })
            }
            (None, None) => None,
            _ => return Err(ApiError::field("longitude", "latitude and longitude come together")),
        };
        if b.code.as_deref().is_some_and(|c| c.chars().count() > 16)
            || b.device.as_deref().is_some_and(|d| d.len() > 128)
        {
            return Err(ApiError::field("code", "is too long"));
        }
        let student = Student { id: me.id, openid: Some(auth.0.clone()) };
        let proof = Proof { scene: None, code: b.code, position, device: b.device };
        Ok(Json(attempt::attempt(&state, &row, &student, Via::Page, proof).await?))
    }

    /// A class cadre opens a session for their own class (the audience must be exactly it).
    #[oai(path = "/checkins", method = "post")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        body: Json<NewCheckinSession>,
    ) -> ApiResult<SessionMade> {
        let me = me(&state.db, &auth.0).await?;
        let a = &body.0.audience;
        let classes = crate::people::cadres::current_classes(&state.db, me.id).await?;
        let class = match (a.classes.as_slice(), a.groups.is_empty() && a.students.is_empty() && !a.public) {
            ([class], true) if classes.contains(class) => *class,
            _ => {
                return Err(ApiError::forbidden("not_cadre", "a class cadre opens check-ins for their own class only"))
            }
        };
        let creator = Creator::Cadre { student_id: me.id, class_id: class };
        let audit = Audit::anonymous(&me.name, "checkin_created", None);
        let id = sessions::create(&state.db, creator, &body.0, None, audit).await?;
        let row = sessions::row(&state.db, id).await?.ok_or_else(|| ApiError::not_found("check-in session"))?;
        Ok(SessionMade::Created(Json(sessions::dto(&state.db, row).await?)))
    }

    /// The code of a session the cadre opened, to show to the class.
    #[oai(path = "/checkins/:id/display", method = "get")]
    async fn display(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<CheckinDisplay>> {
        let me = me(&state.db, &auth.0).await?;
        let row = sessions::row(&state.db, id.0).await?.filter(|r| r.cadre_id == Some(me.id));
        let row = row.ok_or_else(|| ApiError::not_found("check-in session"))?;
        Ok(Json(live::display(&state, row).await?))
    }

    #[oai(path = "/location-consent", method = "get")]
    async fn consent(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<LocationConsent>> {
        let me = me(&state.db, &auth.0).await?;
        Ok(Json(location::consent(&state.db, me.id).await?))
    }

    /// Agree to (or stop) keeping the position WeChat reports; stopping deletes it.
    #[oai(path = "/location-consent", method = "put")]
    async fn set_consent(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        body: Json<ConsentChange>,
    ) -> ApiResult<Json<LocationConsent>> {
        let me = me(&state.db, &auth.0).await?;
        Ok(Json(location::set_consent(&state.db, me.id, body.0.consented).await?))
    }
}
