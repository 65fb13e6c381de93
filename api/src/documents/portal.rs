//! `/portal/documents`: the library as a student has it (`/s/documents`). A student sees
//! the documents for everyone, for students, and those listed for their class or one of
//! their groups; a follower bound to no student only those for everyone; teachers-only
//! documents never. What they may not see answers 404 exactly as if it did not exist — in
//! the list, the detail, the download and the links. Students always get the current file.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::OpenApi;
use shared::documents::previewable;
use shared::{DocFolder, FileLink, Page, PageQuery, StudentDocument};

use super::store::{self, DocRow, SELECT};
use super::{files, versions};
use crate::api_tags::ApiTags;
use crate::db::filter::{Arg, Filter};
use crate::db::{to_time, Db};
use crate::error::{ApiError, ApiResult};
use crate::notices::attachments::{self, FileDownload};
use crate::people::students::row_by_openid;
use crate::portal::StudentAuth;
use crate::state::AppState;

/// Who is asking: their WeChat, and the student it is bound to (if any).
#[derive(Debug, Clone)]
pub struct Viewer {
    pub openid: String,
    pub student_id: Option<i64>,
    pub class_id: Option<i64>,
}

impl Viewer {
    pub async fn of(db: &Db, openid: &str) -> sqlx::Result<Viewer> {
        let student = row_by_openid(db, openid).await?;
        Ok(Viewer {
            openid: openid.to_string(),
            student_id: student.as_ref().map(|s| s.id),
            class_id: student.and_then(|s| s.class_id),
        })
    }

    /// `s:<student id>` or, for a follower bound to no one, `o:<openid>`.
    pub fn downloader(&self) -> String {
        match self.student_id {
            Some(id) => format!("s:{id}"),
            None => format!("o:{}", self.openid),
        }
    }

    /// Limits `filter` to the documents (alias `d`) this viewer sees.
    pub fn sees(&self, filter: &mut Filter) {
        filter.and("d.current_version IS NOT NULL", []);
        match self.student_id {
            None => {
                filter.and("d.audience = 'all'", []);
            }
            Some(student) => {
                filter.and(
                    "d.audience IN ('all', 'students') OR (d.audience = 'listed' AND EXISTS (SELECT 1 FROM document_audience da \
                     WHERE da.document_id = d.id AND (da.class_id = ? \
                     OR da.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.student_id = ?))))",
                    [Arg::Int(self.class_id.unwrap_or(-1)), Arg::Int(student)],
                );
            }
        }
    }
}

/// The document, if the viewer sees it; otherwise 404.
pub async fn visible(db: &Db, viewer: &Viewer, id: i64) -> ApiResult<DocRow> {
    let mut filter = Filter::new();
    filter.and("d.id = ?", [Arg::Int(id)]);
    viewer.sees(&mut filter);
    let sql = format!("{SELECT}{}", filter.where_sql());
    let row: Option<DocRow> =
        filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_optional(db.pool()).await?;
    row.ok_or_else(|| ApiError::not_found("document"))
}

fn to_student(row: DocRow) -> StudentDocument {
    let tags = row.tags();
    let content_type = row.content_type.unwrap_or_default();
    StudentDocument {
        id: row.id,
        title: row.title,
        description: row.description,
        tags,
        folder_id: row.folder_id,
        folder: row.folder,
        file_name: row.file_name.unwrap_or_default(),
        previewable: previewable(&content_type),
        content_type,
        size: row.size.unwrap_or_default(),
        updated_at: to_time(row.updated_at),
    }
}

pub struct PortalDocumentsApi;

#[OpenApi(prefix_path = "/v1/portal/documents", tag = "ApiTags::Portal")]
impl PortalDocumentsApi {
    /// The documents the reader may have, last changed first; in a folder (`0`: none), with
    /// words in the title, description, tags or file name.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        folder_id: Query<Option<i64>>,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<StudentDocument>>> {
        let page = PageQuery::new(page.0, per_page.0);
        let viewer = Viewer::of(&state.db, &auth.0).await?;
        let mut filter = Filter::new();
        viewer.sees(&mut filter);
        store::narrow(&mut filter, folder_id.0, q.0.as_deref());
        let where_sql = filter.where_sql();
        let pool = state.db.pool();
        let count = format!(
            "SELECT COUNT(*) FROM documents d LEFT JOIN document_versions v ON v.id = d.current_version{where_sql}"
        );
        let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(pool).await?;
        let sql = format!(
            "{SELECT}{where_sql} ORDER BY d.updated_at DESC, d.id DESC LIMIT {} OFFSET {}",
            filter.next(1),
            filter.next(2)
        );
        let rows: Vec<DocRow> = filter
            .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(pool)
            .await?;
        Ok(Json(Page::new(rows.into_iter().map(to_student).collect(), total, page)))
    }

    /// The folders that hold documents the reader may have, in order, with how many.
    #[oai(path = "/folders", method = "get")]
    async fn folders(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<Vec<DocFolder>>> {
        let viewer = Viewer::of(&state.db, &auth.0).await?;
        let mut filter = Filter::new();
        viewer.sees(&mut filter);
        let all = super::folders::list(&state.db, filter).await?;
        Ok(Json(all.into_iter().filter(|f| f.documents > 0).collect()))
    }

    /// One document (404 when the reader may not have it).
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: StudentAuth, id: Path<i64>) -> ApiResult<Json<StudentDocument>> {
        let viewer = Viewer::of(&state.db, &auth.0).await?;
        Ok(Json(to_student(visible(&state.db, &viewer, id.0).await?)))
    }

    /// The current file, counted as a download of its version.
    #[oai(path = "/:id/file", method = "get")]
    async fn file(&self, state: Data<&AppState>, auth: StudentAuth, id: Path<i64>) -> ApiResult<FileDownload> {
        let viewer = Viewer::of(&state.db, &auth.0).await?;
        visible(&state.db, &viewer, id.0).await?;
        let file = versions::version_file(&state, id.0, None).await?;
        let bytes = tokio::fs::read(&file.path).await.map_err(|_| ApiError::not_found("file"))?;
        files::count(&state.db, id.0, file.id, &viewer).await?;
        Ok(FileDownload::File(Binary(bytes), attachments::disposition(&file.name)))
    }

    /// A short-lived link (10 minutes) to the current file that any browser opens without
    /// signing in, WeChat's own included; counted when opened. With `preview=true` a PDF
    /// or an image is shown in place (预览); otherwise the file is offered to save.
    #[oai(path = "/:id/link", method = "post")]
    async fn link(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        id: Path<i64>,
        preview: Query<Option<bool>>,
    ) -> ApiResult<Json<FileLink>> {
        Ok(Json(files::open(&state, &auth.0, id.0, preview.0.unwrap_or(false)).await?))
    }

    /// 发送到微信: sends the reader a day-long link to the file as a message in their chat
    /// with the account, for a file WeChat's browser cannot open (10 files an hour, notice
    /// attachments included). WeChat allows it only within 48 hours of the reader's last
    /// message to the account (409 `outside_window`).
    #[oai(path = "/:id/send", method = "post")]
    async fn send(&self, state: Data<&AppState>, auth: StudentAuth, id: Path<i64>) -> ApiResult<Json<FileLink>> {
        Ok(Json(files::send_to_wechat(&state, &auth.0, id.0).await?))
    }
}
