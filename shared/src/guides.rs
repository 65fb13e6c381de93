//! Procedures (办事指南) and offices' contacts (联系方式): what a student needs to get a
//! thing done — who handles it, when and where, the steps, the materials (often a form
//! from the document library), whom to ask — and the offices they call or visit.
//!
//! The console writes a procedure as a `NewGuide` (the same shape creates and replaces)
//! and reads a `Guide`; students read a `PortalGuide`, whose steps are rendered and
//! sanitised by the server and whose contacts are resolved (a teacher only when their
//! contact details are public).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::page::Page;
use crate::people::TeacherProfile;
use crate::validate::{self, FieldErrors, Problem};

pub const MAX_OFFICE_NAME_CHARS: usize = 40;
pub const MAX_OFFICE_LINE_CHARS: usize = 100;
pub const MAX_OFFICE_DESCRIPTION_CHARS: usize = 500;
pub const MAX_TITLE_CHARS: usize = 60;
pub const MAX_SUMMARY_CHARS: usize = 200;
pub const MAX_WHEN_WHERE_CHARS: usize = 300;
pub const MAX_STEPS: usize = 30;
pub const MAX_STEP_CHARS: usize = 2000;
pub const MAX_MATERIALS: usize = 30;
pub const MAX_MATERIAL_CHARS: usize = 80;
pub const MAX_CONTACTS: usize = 10;
pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 16;

/// An office students call or visit (教务处, 学工办, 图书馆 …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Office {
    pub id: i64,
    pub name: String,
    /// An office line or a mobile, shown as a `tel:` link.
    pub phone: String,
    /// Where it is (building and room).
    pub place: String,
    /// When it is open, as the school writes it (e.g. 工作日 8:30–11:30, 14:30–17:00).
    pub hours: String,
    pub description: String,
    /// Smaller first in lists.
    pub position: i64,
    pub updated_at: DateTime<Utc>,
}

/// An office as an admin writes it (creating or replacing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewOffice {
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub phone: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub place: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub hours: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub description: String,
    /// Smaller first; absent keeps the office where it is (a new one goes last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

impl NewOffice {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("name", validate::label(&self.name, MAX_OFFICE_NAME_CHARS));
        errors.check("phone", validate::contact_phone(&self.phone));
        errors.check("place", validate::optional_label(&self.place, MAX_OFFICE_LINE_CHARS));
        errors.check("hours", validate::optional_label(&self.hours, MAX_OFFICE_LINE_CHARS));
        errors.check("description", validate::note(&self.description, MAX_OFFICE_DESCRIPTION_CHARS));
        errors.into_result()
    }
}

/// A material a procedure needs, as written: a name, optionally a document of the library.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewGuideMaterial {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<i64>,
}

/// A material as read: the linked document's title too (None when it has none, or the
/// document was deleted: the name stays).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct GuideMaterial {
    pub name: String,
    pub document_id: Option<i64>,
    pub document_title: Option<String>,
}

/// Whom to ask: an office or a teacher (exactly one of the two).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct GuideContactRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_id: Option<i64>,
    /// The office's or teacher's name (read only: ignored when writing).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub name: String,
}

/// A procedure as its author writes it (creating or replacing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewGuide {
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub summary: String,
    /// The office responsible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_id: Option<i64>,
    /// When and where it is done (e.g. 每学期第 2–4 周，行政楼 302).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub when_where: String,
    /// The steps in order, each Markdown.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub steps: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub materials: Vec<NewGuideMaterial>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub contacts: Vec<GuideContactRef>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub tags: Vec<String>,
    /// The day its content was last checked (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<String>,
    /// Students see published procedures only.
    #[serde(default = "yes")]
    #[cfg_attr(feature = "openapi", oai(default = "yes"))]
    pub published: bool,
}

fn yes() -> bool {
    true
}

/// A calendar day as `YYYY-MM-DD`.
pub fn day(value: &str) -> Result<(), Problem> {
    let value = value.trim();
    if value.len() == 10 && chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() {
        Ok(())
    } else {
        Err(Problem::Invalid)
    }
}

impl NewGuide {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("title", validate::label(&self.title, MAX_TITLE_CHARS));
        errors.check("summary", validate::note(&self.summary, MAX_SUMMARY_CHARS));
        errors.check("when_where", validate::note(&self.when_where, MAX_WHEN_WHERE_CHARS));
        if self.steps.len() > MAX_STEPS {
            errors.add("steps", Problem::TooLong(MAX_STEPS));
        }
        for (i, step) in self.steps.iter().enumerate() {
            if step.trim().is_empty() {
                errors.add(&format!("steps.{i}"), Problem::Required);
            }
            errors.check(&format!("steps.{i}"), validate::note(step, MAX_STEP_CHARS));
        }
        if self.materials.len() > MAX_MATERIALS {
            errors.add("materials", Problem::TooLong(MAX_MATERIALS));
        }
        for (i, material) in self.materials.iter().enumerate() {
            errors.check(&format!("materials.{i}"), validate::label(&material.name, MAX_MATERIAL_CHARS));
        }
        if self.contacts.len() > MAX_CONTACTS {
            errors.add("contacts", Problem::TooLong(MAX_CONTACTS));
        }
        for (i, contact) in self.contacts.iter().enumerate() {
            if contact.office_id.is_some() == contact.teacher_id.is_some() {
                errors.add(&format!("contacts.{i}"), Problem::Invalid);
            }
        }
        if self.tags.len() > MAX_TAGS {
            errors.add("tags", Problem::TooLong(MAX_TAGS));
        }
        for tag in &self.tags {
            errors.check("tags", validate::label(tag, MAX_TAG_CHARS));
        }
        if let Some(reviewed) = self.reviewed_on.as_deref().filter(|d| !d.trim().is_empty()) {
            errors.check("reviewed_on", day(reviewed));
        }
        errors.into_result()
    }
}

/// A procedure as the console reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Guide {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub office_id: Option<i64>,
    pub office_name: Option<String>,
    pub when_where: String,
    pub steps: Vec<String>,
    pub materials: Vec<GuideMaterial>,
    pub contacts: Vec<GuideContactRef>,
    pub tags: Vec<String>,
    pub reviewed_on: Option<String>,
    pub published: bool,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    /// Whether the caller may change it (its author, or an admin).
    pub can_edit: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A procedure in the console's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct GuideSummary {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub office_name: Option<String>,
    pub tags: Vec<String>,
    pub reviewed_on: Option<String>,
    pub published: bool,
    pub created_by_name: String,
    pub can_edit: bool,
    pub updated_at: DateTime<Utc>,
}

/// Someone to ask, as a student sees them: an office (phone, place, hours) or a teacher
/// who made their contact details public (phone, office room as `place`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ContactCard {
    pub office_id: Option<i64>,
    pub teacher_id: Option<i64>,
    pub name: String,
    /// A teacher's title (辅导员 …); empty for an office.
    pub title: String,
    pub phone: String,
    pub place: String,
    pub hours: String,
}

/// A procedure in the students' list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct PortalGuideSummary {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub office_name: Option<String>,
    pub tags: Vec<String>,
}

/// A procedure as a student reads it (and as the console's preview shows it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct PortalGuide {
    pub id: i64,
    pub title: String,
    pub summary: String,
    /// The office responsible.
    pub office: Option<ContactCard>,
    pub when_where: String,
    /// Each step rendered from Markdown and sanitised (safe to insert as HTML).
    pub steps_html: Vec<String>,
    pub materials: Vec<GuideMaterial>,
    pub contacts: Vec<ContactCard>,
    pub tags: Vec<String>,
    pub reviewed_on: Option<String>,
}

/// The students' contacts page: every office, and the teachers who made their contact
/// details public.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct PortalContacts {
    pub offices: Vec<Office>,
    pub teachers: Page<TeacherProfile>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide() -> NewGuide {
        NewGuide {
            title: "奖学金申请".into(),
            steps: vec!["填写申请表".into()],
            published: true,
            ..NewGuide::default()
        }
    }

    #[test]
    fn a_contact_is_an_office_or_a_teacher_not_both() {
        let both = GuideContactRef { office_id: Some(1), teacher_id: Some(2), name: String::new() };
        let wrong = NewGuide { contacts: vec![both], ..guide() };
        assert_eq!(wrong.validate().unwrap_err().get("contacts.0"), Some(Problem::Invalid));
        let office = GuideContactRef { office_id: Some(1), ..GuideContactRef::default() };
        assert!(NewGuide { contacts: vec![office], ..guide() }.validate().is_ok());
    }

    #[test]
    fn the_reviewed_day_is_a_real_calendar_day() {
        assert_eq!(day("2024-09-01"), Ok(()));
        assert_eq!(day("2024-02-30"), Err(Problem::Invalid));
        assert_eq!(day("2024-9-1"), Err(Problem::Invalid));
        let bad = NewGuide { reviewed_on: Some("昨天".into()), ..guide() };
        assert_eq!(bad.validate().unwrap_err().get("reviewed_on"), Some(Problem::Invalid));
    }

    #[test]
    fn an_empty_step_is_refused() {
        let empty = NewGuide { steps: vec!["第一步".into(), "  ".into()], ..guide() };
        assert_eq!(empty.validate().unwrap_err().get("steps.1"), Some(Problem::Required));
    }
}
