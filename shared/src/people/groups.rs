//! Groups (学生会, 社团, 宿舍 …): students from any class, gathered by a teacher.

use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldErrors};

use super::TeacherRef;

/// 学生会, 社团, 宿舍 …: students from any class, owned by a teacher.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Group {
    pub id: i64,
    pub name: String,
    /// e.g. 学生会, 社团, 宿舍 (free text)
    pub kind: String,
    pub description: String,
    pub owner: Option<TeacherRef>,
    pub mirror_tag: bool,
    pub member_count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewGroup {
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub description: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub mirror_tag: bool,
    /// Admins may give the group to a teacher; otherwise the creator owns it.
    #[serde(default)]
    pub owner_id: Option<i64>,
}

impl NewGroup {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("name", validate::label(&self.name, 30));
        errors.check("kind", validate::optional_label(&self.kind, 16));
        errors.check("description", validate::note(&self.description, 200));
        errors.into_result()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct GroupPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror_tag: Option<bool>,
    /// Admins only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<i64>,
}

impl GroupPatch {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Some(v) = &self.name {
            errors.check("name", validate::label(v, 30));
        }
        if let Some(v) = &self.kind {
            errors.check("kind", validate::optional_label(v, 16));
        }
        if let Some(v) = &self.description {
            errors.check("description", validate::note(v, 200));
        }
        errors.into_result()
    }
}

/// Students to add to a group, by id or by 学号 (a group's members may come from any
/// class, so its owner may name students they do not otherwise see).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct GroupMembersChange {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub student_ids: Vec<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub student_nos: Vec<String>,
}
