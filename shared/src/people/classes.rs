//! Classes and their cadres (班干部): who is in charge of what, for which term.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldErrors, Problem};

use super::TeacherRef;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Class {
    pub id: i64,
    /// e.g. 计算机2301; rosters refer to classes by this name.
    pub name: String,
    /// e.g. 2023级
    pub grade: String,
    pub department: String,
    pub major: String,
    /// Mirrored as a WeChat tag (its bound students carry it).
    pub mirror_tag: bool,
    pub teachers: Vec<TeacherRef>,
    pub student_count: i64,
    /// Students whose WeChat is bound.
    pub bound_count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewClass {
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub grade: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub department: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub major: String,
    /// Teachers responsible for the class (admins only may set this).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub teacher_ids: Vec<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub mirror_tag: bool,
}

impl NewClass {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("name", validate::label(&self.name, 64));
        errors.check("grade", validate::optional_label(&self.grade, 32));
        errors.check("department", validate::optional_label(&self.department, 64));
        errors.check("major", validate::optional_label(&self.major, 64));
        errors.into_result()
    }
}

/// Partial update: absent fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ClassPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub major: Option<String>,
    /// Replaces the responsible teachers (admins only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_ids: Option<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror_tag: Option<bool>,
}

impl ClassPatch {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Some(name) = &self.name {
            errors.check("name", validate::label(name, 64));
        }
        if let Some(grade) = &self.grade {
            errors.check("grade", validate::optional_label(grade, 32));
        }
        if let Some(department) = &self.department {
            errors.check("department", validate::optional_label(department, 64));
        }
        if let Some(major) = &self.major {
            errors.check("major", validate::optional_label(major, 64));
        }
        errors.into_result()
    }
}

/// 班干部: a student's title in their class for a term.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Cadre {
    pub id: i64,
    pub class_id: i64,
    pub student_id: i64,
    pub student_no: String,
    pub student_name: String,
    /// 班长, 团支书, 学习委员 … (free text)
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// The term includes today: the student has the cadre's rights over the class.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewCadre {
    pub student_id: i64,
    pub title: String,
    pub starts_on: NaiveDate,
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

impl NewCadre {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("title", validate::label(&self.title, 16));
        if self.ends_on.is_some_and(|end| end < self.starts_on) {
            errors.add("ends_on", Problem::BeforeStart);
        }
        errors.into_result()
    }
}

/// Change a cadre's title or term.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct CadrePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<NaiveDate>,
    /// Sets the end of the term (to end it, today).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cadre_term_cannot_end_before_it_starts() {
        let cadre = NewCadre {
            student_id: 1,
            title: "班长".into(),
            starts_on: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 8, 1),
        };
        assert_eq!(cadre.validate().unwrap_err().get("ends_on"), Some(Problem::BeforeStart));
    }
}
