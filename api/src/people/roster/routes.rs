//! `/roster/*`: upload a roster (a dry run by default), poll the import job, export.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, Binary, Json};
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiRequest, ApiResponse, Multipart, OpenApi};
use shared::{ImportJob, StudentStatus};

use super::{export, jobs};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::error::{ApiError, ApiResult};
use crate::http::sheet::{self, FileFormat};
use crate::people::scope::{RecordClasses, StudentView};
use crate::people::students::StudentQuery;
use crate::people::Scope;
use crate::state::AppState;

/// A roster upload as a form with a `file` field.
#[derive(Multipart)]
struct RosterForm {
    /// A CSV or XLSX file whose first row names the columns (学号, 姓名, 班级, 手机 …).
    file: Upload,
}

#[derive(ApiRequest)]
enum RosterFile {
    Form(RosterForm),
    /// The file itself as the body.
    Raw(Binary<Vec<u8>>),
}

#[derive(ApiResponse)]
enum JobStarted {
    /// The job started; poll `GET /roster/imports/{id}` for its progress and report.
    #[oai(status = 202)]
    Accepted(Json<ImportJob>),
}

pub struct RosterApi;

#[OpenApi(prefix_path = "/v1/roster", tag = "ApiTags::People")]
impl RosterApi {
    /// Import students from a CSV or XLSX roster (Chinese or English headers), upserting
    /// by 学号. A dry run (the default) checks every row and reports per-row errors without
    /// writing; a real import writes everything in one transaction, or nothing if any row
    /// is bad. Teachers import into their own classes; admins may have missing classes
    /// created. Columns absent from the file, and empty cells, leave existing values.
    #[oai(path = "/imports", method = "post")]
    async fn import(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: RosterFile,
        /// Check only (default true).
        dry_run: Query<Option<bool>>,
        /// Create classes the file names that do not exist (admins; default false).
        create_classes: Query<Option<bool>>,
    ) -> ApiResult<JobStarted> {
        let bytes = match body {
            RosterFile::Form(form) => {
                form.file.into_vec().await.map_err(|e| ApiError::bad_request("bad_upload", e.to_string()))?
            }
            RosterFile::Raw(raw) => raw.0,
        };
        if bytes.is_empty() {
            return Err(ApiError::field("file", "is empty"));
        }
        let job =
            jobs::start(&state, &auth.0, bytes, dry_run.0.unwrap_or(true), create_classes.0.unwrap_or(false)).await;
        Ok(JobStarted::Accepted(Json(job)))
    }

    /// An import job: its phase, progress and, when done, its report. Only its starter sees it.
    #[oai(path = "/imports/:id", method = "get")]
    async fn job(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<String>) -> ApiResult<Json<ImportJob>> {
        let job = jobs::load(&state.kv, &id.0, auth.0.user_id).await?;
        Ok(Json(job.ok_or_else(|| ApiError::not_found("import job"))?))
    }

    /// The students the caller sees (with the list's filters) as a roster file an import
    /// reads back. Phone numbers are in full for the students of the caller's classes (all,
    /// for admins); members of their groups from other classes come without phone, e-mail,
    /// dormitory and notes. Every export is written to the audit log.
    #[oai(path = "/export", method = "get")]
    async fn export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        format: Query<Option<FileFormat>>,
        q: Query<Option<String>>,
        class_id: Query<Option<i64>>,
        group_id: Query<Option<i64>>,
        status: Query<Option<StudentStatus>>,
        bound: Query<Option<bool>>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        let query = StudentQuery {
            search: q.0.unwrap_or_default(),
            class_id: class_id.0,
            group_id: group_id.0,
            status: status.0,
            bound: bound.0,
        };
        let scope = Scope::of(&auth.0);
        let rows = export::rows(&state.db, scope, &query).await?;
        let records = scope.record_classes(&state.db).await?;
        let full = rows.iter().filter(|r| records.view(r.class_id) == StudentView::Record).count();
        Audit::by(&auth.0, "roster_exported")
            .detail(format!("{} 名学生，其中 {full} 名含完整手机号", rows.len()))
            .record(state.db.pool())
            .await?;
        let format = format.0.unwrap_or(FileFormat::Xlsx);
        let name = format!("roster-{}", crate::db::school_today().format("%Y%m%d"));
        sheet::file(&name, format, &export::sheet(&rows, &records))
    }

    /// An empty roster with the columns an import reads.
    #[oai(path = "/template", method = "get")]
    async fn template(&self, _auth: BearerAuth, format: Query<Option<FileFormat>>) -> ApiResult<Attachment<Vec<u8>>> {
        let format = format.0.unwrap_or(FileFormat::Xlsx);
        sheet::file("roster-template", format, &export::sheet(&[], &RecordClasses::All))
    }
}
