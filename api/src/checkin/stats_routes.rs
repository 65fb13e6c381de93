//! Attendance statistics and exports: a period's numbers and its class rates as a file,
//! one session's roll as a file, and one student's history. Teachers count the sessions
//! they see; a student's history needs the student to be in the teacher's scope.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, Json};
use poem_openapi::OpenApi;
use shared::{AttendanceStats, StudentAttendance};

use super::{export, sessions, stats};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::error::ApiResult;
use crate::http::sheet::{self, FileFormat};
use crate::people::Scope;
use crate::state::AppState;
use crate::stats::Period;

pub struct AttendanceApi;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Checkin")]
impl AttendanceApi {
    /// Attendance of the sessions that started in `[from, until)` (default: the last 30
    /// days; at most 400): each session (newest first), classes by rate (best first; the
    /// class a student was in at the session), and one point per week (Monday, China
    /// time). `class_id` narrows everything to that class's students.
    #[oai(path = "/checkins/stats", method = "get")]
    async fn stats(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        from: Query<Option<DateTime<Utc>>>,
        until: Query<Option<DateTime<Utc>>>,
        class_id: Query<Option<i64>>,
    ) -> ApiResult<Json<AttendanceStats>> {
        let period = Period::parse(from.0, until.0, Utc::now())?;
        Ok(Json(stats::attendance(&state.db, &auth.0, period, class_id.0).await?))
    }

    /// The period's class rates as CSV or XLSX (Chinese headers).
    #[oai(path = "/checkins/stats/export", method = "get")]
    async fn stats_export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        from: Query<Option<DateTime<Utc>>>,
        until: Query<Option<DateTime<Utc>>>,
        format: Query<Option<FileFormat>>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        let period = Period::parse(from.0, until.0, Utc::now())?;
        let classes = stats::class_rates(&state.db, &auth.0, period).await?;
        let name = format!("attendance-{}-{}", period.from.format("%Y%m%d"), period.until.format("%Y%m%d"));
        sheet::file(&name, format.0.unwrap_or(FileFormat::Csv), &export::classes_sheet(&classes))
    }

    /// The session's roll as CSV or XLSX: 学号, 姓名, 班级, 状态, 签到时间, 方式, 标记,
    /// 补签原因. Written to the audit log.
    #[oai(path = "/checkins/:id/export", method = "get")]
    async fn roll_export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        format: Query<Option<FileFormat>>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        let session = sessions::visible(&state.db, &auth.0, id.0).await?;
        let sheet = export::roll_sheet(&state.db, session.id).await?;
        Audit::by(&auth.0, "checkin_exported")
            .target(format!("checkin:{}", session.id))
            .detail(format!("{} 行", sheet.rows.len()))
            .record(state.db.pool())
            .await?;
        sheet::file(&format!("checkin-{}", session.id), format.0.unwrap_or(FileFormat::Csv), &sheet)
    }

    /// A student's attendance: every session they were expected at (newest first) and
    /// their rate. Part of the record: the teachers of the student's class and admins
    /// (403 `not_your_class` for a group's owner).
    #[oai(path = "/students/:id/attendance", method = "get")]
    async fn student(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<StudentAttendance>> {
        Scope::of(&auth.0).student_record(&state.db, id.0).await?;
        Ok(Json(stats::student(&state.db, id.0).await?))
    }
}
