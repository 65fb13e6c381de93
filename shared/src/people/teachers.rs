//! Teachers as students and colleagues see them, and what each makes public.

use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldErrors};

use super::GroupRef;

/// A teacher, by name (who is responsible for a class, who owns a group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TeacherRef {
    pub id: i64,
    pub display_name: String,
}

/// A teacher as students and colleagues see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TeacherProfile {
    pub user_id: i64,
    pub display_name: String,
    pub title: String,
    pub office: String,
    pub phone: String,
    pub email: String,
    /// Students may look up the contact details.
    pub contact_public: bool,
    pub wechat_bound: bool,
    pub classes: Vec<GroupRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TeacherProfilePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_public: Option<bool>,
}

impl TeacherProfilePatch {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Some(v) = &self.title {
            errors.check("title", validate::optional_label(v, 32));
        }
        if let Some(v) = &self.office {
            errors.check("office", validate::optional_label(v, 64));
        }
        if let Some(v) = &self.phone {
            errors.check("phone", validate::contact_phone(v));
        }
        if let Some(v) = &self.email {
            errors.check("email", validate::email(v));
        }
        errors.into_result()
    }
}
