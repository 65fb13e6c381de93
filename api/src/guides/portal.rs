//! The students' side: published procedures (`/portal/guides`), one of them as a page
//! (`/portal/guides/{id}`: a draft answers 404), and the contacts page
//! (`/portal/contacts`: every office and the teachers who made their details public).
//!
//! A procedure is shown from the same shape its author writes (`NewGuide`), so the
//! console's preview (`POST /guides/preview`) is exactly what a student will see: steps
//! rendered with the notices' Markdown renderer and sanitised, materials with their
//! document, contacts resolved — a teacher only when their contact is public, the rule
//! of `/s/teachers` that each teacher chooses.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{
    ContactCard, GuideMaterial, NewGuide, NewGuideMaterial, Page, PageQuery, PortalContacts, PortalGuide,
    PortalGuideSummary,
};

use super::offices::{self, OfficeRow};
use super::store;
use crate::api_tags::ApiTags;
use crate::db::filter::Filter;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::notices::markdown;
use crate::people::teachers::{self, Viewer};
use crate::portal::StudentAuth;
use crate::state::AppState;

fn office_card(office: OfficeRow) -> ContactCard {
    ContactCard {
        office_id: Some(office.id),
        teacher_id: None,
        name: office.name,
        title: String::new(),
        phone: office.phone,
        place: office.place,
        hours: office.hours,
    }
}

async fn office_of(db: &Db, id: i64) -> ApiResult<Option<ContactCard>> {
    match offices::row(db, id).await {
        Ok(row) => Ok(Some(office_card(row))),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(err) => Err(err),
    }
}

/// A teacher's name, title, office room and phone.
type TeacherRow = (String, Option<String>, Option<String>, Option<String>);

/// A teacher as a contact, when their contact details are public (and their account in use).
async fn teacher(db: &Db, id: i64) -> sqlx::Result<Option<ContactCard>> {
    let row: Option<TeacherRow> = sqlx::query_as(
        "SELECT u.display_name, p.title, p.office, p.phone FROM users u JOIN teacher_profiles p ON p.user_id = u.id \
         WHERE u.id = $1 AND u.disabled = FALSE AND u.pending = FALSE AND p.contact_public = TRUE",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(name, title, place, phone)| ContactCard {
        office_id: None,
        teacher_id: Some(id),
        name,
        title: title.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        place: place.unwrap_or_default(),
        hours: String::new(),
    }))
}

/// A material with its document's title; a document only teachers may see is named, not linked.
async fn material(db: &Db, new: &NewGuideMaterial) -> sqlx::Result<GuideMaterial> {
    let document = match new.document_id {
        Some(id) => {
            sqlx::query_as::<_, (i64, String)>(
                "SELECT id, title FROM documents WHERE id = $1 AND audience <> 'teachers'",
            )
            .bind(id)
            .fetch_optional(db.pool())
            .await?
        }
        None => None,
    };
    Ok(GuideMaterial {
        name: new.name.trim().to_string(),
        document_id: document.as_ref().map(|d| d.0),
        document_title: document.map(|d| d.1),
    })
}

/// The procedure `new` as a student sees it.
pub async fn shown(db: &Db, id: i64, new: &NewGuide) -> ApiResult<PortalGuide> {
    let office = match new.office_id {
        Some(office_id) => office_of(db, office_id).await?,
        None => None,
    };
    let mut materials = Vec::with_capacity(new.materials.len());
    for m in &new.materials {
        materials.push(material(db, m).await?);
    }
    let mut contacts = Vec::with_capacity(new.contacts.len());
    for c in &new.contacts {
        let card = match (c.office_id, c.teacher_id) {
            (Some(o), _) => office_of(db, o).await?,
            (None, Some(t)) => teacher(db, t).await?,
            (None, None) => None,
        };
        contacts.extend(card);
    }
    Ok(PortalGuide {
        id,
        title: new.title.trim().to_string(),
        summary: new.summary.trim().to_string(),
        office,
        when_where: new.when_where.trim().to_string(),
        steps_html: new.steps.iter().map(|s| markdown::render(s)).collect(),
        materials,
        contacts,
        tags: new.tags.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
        reviewed_on: new.reviewed_on.clone().filter(|d| !d.trim().is_empty()),
    })
}

/// A stored procedure back in the shape it was written in.
async fn as_written(db: &Db, row: store::GuideRow) -> sqlx::Result<NewGuide> {
    let materials = store::materials(db, row.id).await?;
    Ok(NewGuide {
        materials: materials
            .into_iter()
            .map(|m| NewGuideMaterial { name: m.name, document_id: m.document_id })
            .collect(),
        contacts: store::contacts(db, row.id).await?,
        steps: row.steps(),
        tags: row.tags(),
        title: row.title,
        summary: row.summary,
        office_id: row.office_id,
        when_where: row.when_where,
        reviewed_on: row.reviewed_on,
        published: row.published.0,
    })
}

pub struct PortalGuidesApi;

#[OpenApi(prefix_path = "/v1/portal", tag = "ApiTags::Guides")]
impl PortalGuidesApi {
    /// Published procedures, by title; narrowed by words (title, summary, steps, tags) and
    /// by a tag.
    #[oai(path = "/guides", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        _auth: StudentAuth,
        q: Query<Option<String>>,
        tag: Query<Option<String>>,
        page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<PortalGuideSummary>>> {
        let page = PageQuery::new(page.0, Some(50));
        let mut filter = Filter::new();
        filter.and("g.published = TRUE", []);
        store::matching(&mut filter, q.0.as_deref(), tag.0.as_deref());
        let (rows, total) = store::rows(&state.db, &filter, "g.title, g.id", page).await?;
        let items = rows
            .into_iter()
            .map(|r| PortalGuideSummary {
                tags: r.tags(),
                id: r.id,
                title: r.title,
                summary: r.summary,
                office_name: r.office_name,
            })
            .collect();
        Ok(Json(Page::new(items, total, page)))
    }

    /// A published procedure: steps as sanitised HTML, materials with their document,
    /// contacts resolved. A draft is not found.
    #[oai(path = "/guides/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, _auth: StudentAuth, id: Path<i64>) -> ApiResult<Json<PortalGuide>> {
        let row = store::row(&state.db, id.0).await?;
        if !row.published.0 {
            return Err(ApiError::not_found("procedure"));
        }
        let written = as_written(&state.db, row).await?;
        Ok(Json(shown(&state.db, id.0, &written).await?))
    }

    /// Whom to call or visit: every office (narrowed by words in its name, place or
    /// description) and the teachers who made their contact details public (a page of them).
    #[oai(path = "/contacts", method = "get")]
    async fn contacts(
        &self,
        state: Data<&AppState>,
        _auth: StudentAuth,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
    ) -> ApiResult<Json<PortalContacts>> {
        let words = q.0.unwrap_or_default();
        let page = PageQuery::new(page.0, Some(20));
        let offices = offices::list(&state.db, &words).await?.into_iter().map(OfficeRow::into_dto).collect();
        let teachers = teachers::list(&state.db, &words, true, Viewer::Public, page).await?;
        Ok(Json(PortalContacts { offices, teachers }))
    }
}
