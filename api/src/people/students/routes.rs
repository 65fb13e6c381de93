//! The students' HTTP operations; what each does to a record lives in the parent module,
//! how much of a student a caller sees is `Scope`'s decision.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{NewStudent, Page, PageQuery, Student, StudentDetail, StudentPatch, StudentStatus};

use super::{create, delete, detail, list, row, update, StudentQuery};
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::people::scope::{Scope, StudentView};
use crate::state::AppState;

pub struct StudentsApi;

#[derive(ApiResponse)]
enum StudentCreated {
    #[oai(status = 201)]
    Created(Json<Student>),
}

#[OpenApi(prefix_path = "/v1/students", tag = "ApiTags::People")]
impl StudentsApi {
    /// Students the caller may see: of their classes and of the groups they own (admins:
    /// all). Phone numbers are masked. Search matches part of the name or of the 学号.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        q: Query<Option<String>>,
        class_id: Query<Option<i64>>,
        group_id: Query<Option<i64>>,
        status: Query<Option<StudentStatus>>,
        /// Only students whose WeChat is (true) or is not (false) bound.
        bound: Query<Option<bool>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<Student>>> {
        let query = StudentQuery {
            search: q.0.unwrap_or_default(),
            class_id: class_id.0,
            group_id: group_id.0,
            status: status.0,
            bound: bound.0,
        };
        let page = PageQuery::new(page.0, per_page.0);
        Ok(Json(list(&state.db, Scope::of(&auth.0), &query, page).await?))
    }

    /// Add a student (teachers: into one of their classes).
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<NewStudent>,
    ) -> ApiResult<StudentCreated> {
        let id = create(&state.db, Scope::of(&auth.0), body.0, Audit::by(&auth.0, "student_created")).await?;
        let row = row(state.db.pool(), id).await?.ok_or_else(|| ApiError::internal("inserted student vanished"))?;
        Ok(StudentCreated::Created(Json(row.into_student(StudentView::Record, false))))
    }

    /// The full record, phone number and bind code included, for the teachers of the
    /// student's class and admins; every such view is written to the audit log. The owner
    /// of a group the student is in gets the member view (`student.limited`, no bind code).
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<StudentDetail>> {
        let view = Scope::of(&auth.0).student_view(&state.db, id.0).await?;
        let detail = detail(&state.db, Scope::of(&auth.0), id.0, view).await?;
        if view == StudentView::Record {
            Audit::by(&auth.0, "student_viewed")
                .target(format!("student:{}", id.0))
                .detail(format!("{}（显示了手机号与绑定码）", detail.student.student_no))
                .record(state.db.pool())
                .await?;
        }
        Ok(Json(detail))
    }

    /// Edit a record (the teachers of the student's class, or admins). Moving a student
    /// to another class needs responsibility for both.
    #[oai(path = "/:id", method = "patch")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<StudentPatch>,
    ) -> ApiResult<Json<Student>> {
        let moved = update(&state.db, Scope::of(&auth.0), id.0, body.0, Audit::by(&auth.0, "student_updated")).await?;
        if let Some(from) = moved {
            crate::people::tags::after_student_moved(&state, id.0, from).await;
        }
        let row = row(state.db.pool(), id.0).await?.ok_or_else(|| ApiError::not_found("student"))?;
        Ok(Json(row.into_student(StudentView::Record, false)))
    }

    /// Release the student's WeChat binding (the teachers of their class, or admins).
    #[oai(path = "/:id/unbind", method = "post")]
    async fn unbind(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Student>> {
        let scope = Scope::of(&auth.0);
        scope.student(&state.db, id.0).await?;
        let student = row(state.db.pool(), id.0).await?.ok_or_else(|| ApiError::not_found("student"))?;
        if !scope.may_edit_in_class(&state.db, student.class_id).await? {
            return Err(ApiError::forbidden(
                "not_your_class",
                "only the teachers of this student's class may unbind them",
            ));
        }
        if student.openid.is_none() {
            return Err(ApiError::conflict("not_bound", "this student has no WeChat bound"));
        }
        crate::people::binding::release(&state, &student, Audit::by(&auth.0, "wechat_unbound")).await?;
        let row = row(state.db.pool(), id.0).await?.ok_or_else(|| ApiError::not_found("student"))?;
        Ok(Json(row.into_student(StudentView::Record, false)))
    }

    /// Delete a record. Their WeChat is untagged; the follower stays a follower.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        let gone = delete(&state.db, Scope::of(&auth.0), id.0, Audit::by(&auth.0, "student_deleted")).await?;
        if let Some(openid) = gone.openid {
            crate::people::tags::after_unbind(&state, &openid, gone.class_id).await;
        }
        Ok(NoContent::Done)
    }
}
