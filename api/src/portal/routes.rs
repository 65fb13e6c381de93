//! `/portal/*`: what student pages call with a student token.

use poem::web::Data;
use poem::Request;
use poem_openapi::auth::Bearer;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{OpenApi, SecurityScheme};
use shared::{BindRequest, Classmate, GroupRef, Page, PageQuery, PortalMe, PortalStudent, TeacherProfile};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::JwtKeys;
use crate::db::to_time;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::people::binding::{self, BindError};
use crate::people::students::row_by_openid;
use crate::people::teachers::{self, Viewer};
use crate::state::AppState;

/// A student page's token from `/portal/oauth` (it names a WeChat openid).
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "student token", checker = "student_openid")]
pub struct StudentAuth(pub String);

async fn student_openid(req: &Request, bearer: Bearer) -> poem::Result<String> {
    let state = req.data::<AppState>().ok_or_else(|| poem::Error::from(ApiError::internal("AppState missing")))?;
    verify(&state.jwt, &bearer.token).map_err(poem::Error::from)
}

fn verify(jwt: &JwtKeys, token: &str) -> ApiResult<String> {
    jwt.verify_student(token)
        .map_err(|_| ApiError::unauthorized("student_token_invalid", "open this page from WeChat again"))
}

async fn me(state: &AppState, openid: &str) -> ApiResult<PortalMe> {
    let student = row_by_openid(&state.db, openid).await?;
    let mut cadre_classes = Vec::new();
    if let Some(s) = &student {
        for class in crate::people::cadres::current_classes(&state.db, s.id).await? {
            let name: String = sqlx::query_scalar("SELECT name FROM classes WHERE id = $1")
                .bind(class)
                .fetch_one(state.db.pool())
                .await?;
            cadre_classes.push(GroupRef { id: class, name });
        }
    }
    Ok(PortalMe {
        openid: openid.to_string(),
        student: student.map(|s| PortalStudent {
            id: s.id,
            student_no: s.student_no,
            name: s.name,
            class_name: s.class_name,
            bound_at: s.bound_at.map(to_time),
        }),
        cadre_classes,
    })
}

pub fn bind_refused(err: BindError) -> ApiError {
    let message = err.message();
    match err {
        BindError::Throttled(secs) => ApiError::too_many_requests(message, secs),
        BindError::NoMatch => {
            ApiError::Unprocessable(poem_openapi::payload::Json(shared::ErrorBody::new(err.code(), message)))
        }
        _ => ApiError::conflict(err.code(), message),
    }
}

pub struct PortalApi;

#[OpenApi(prefix_path = "/v1/portal", tag = "ApiTags::Portal")]
impl PortalApi {
    /// Who opened the page: their WeChat, the student it is bound to, and the classes
    /// they are a cadre of.
    #[oai(path = "/me", method = "get")]
    async fn me(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<PortalMe>> {
        Ok(Json(me(&state, &auth.0).await?))
    }

    /// Bind this WeChat to a student: 学号, name, and the student's bind code. Tries are
    /// limited per WeChat and per 学号, counted before they are judged (429).
    #[oai(path = "/bind", method = "post")]
    async fn bind(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        body: Json<BindRequest>,
    ) -> ApiResult<Json<PortalMe>> {
        match binding::bind(&state, &auth.0, &body.0).await? {
            Ok(_) => Ok(Json(me(&state, &auth.0).await?)),
            Err(err) => Err(bind_refused(err)),
        }
    }

    /// Release this WeChat from its student.
    #[oai(path = "/unbind", method = "post")]
    async fn unbind(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<NoContent> {
        let actor = format!("wechat:{}", auth.0);
        let released =
            binding::unbind_openid(&state, &auth.0, Audit::anonymous(&actor, "wechat_unbound", None)).await?;
        released.ok_or_else(|| ApiError::not_found("binding"))?;
        Ok(NoContent::Done)
    }

    /// A class cadre's classmates (the classes they are a cadre of today).
    #[oai(path = "/classmates", method = "get")]
    async fn classmates(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<Vec<Classmate>>> {
        let mine = me(&state, &auth.0).await?;
        if mine.cadre_classes.is_empty() {
            return Err(ApiError::forbidden("not_a_cadre", "only class cadres see their classmates"));
        }
        let mut all = Vec::new();
        for class in &mine.cadre_classes {
            let rows: Vec<(String, String, Option<String>)> =
                sqlx::query_as("SELECT student_no, name, openid FROM students WHERE class_id = $1 ORDER BY student_no")
                    .bind(class.id)
                    .fetch_all(state.db.pool())
                    .await?;
            all.extend(rows.into_iter().map(|(student_no, name, openid)| Classmate {
                student_no,
                name,
                class_name: class.name.clone(),
                bound: openid.is_some(),
            }));
        }
        Ok(Json(all))
    }

    /// Teachers whose contact details are public, searchable by name, title or office.
    #[oai(path = "/teachers", method = "get")]
    async fn teachers(
        &self,
        state: Data<&AppState>,
        _auth: StudentAuth,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<TeacherProfile>>> {
        let page = PageQuery::new(page.0, Some(20));
        Ok(Json(teachers::list(&state.db, q.0.as_deref().unwrap_or(""), true, Viewer::Public, page).await?))
    }
}
