//! Students as the roster keeps them: who they are, where they study, their WeChat.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldErrors};

use super::Cadre;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum Gender {
    Male,
    Female,
    #[default]
    Unknown,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
            Gender::Unknown => "unknown",
        }
    }

    /// The stored form, or a roster's 男/女/M/F.
    pub fn parse(s: &str) -> Option<Gender> {
        match s.trim() {
            "male" | "男" | "M" | "m" | "Male" => Some(Gender::Male),
            "female" | "女" | "F" | "f" | "Female" => Some(Gender::Female),
            "unknown" | "" => Some(Gender::Unknown),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
            Gender::Unknown => "",
        }
    }
}

/// 在读 / 休学 / 毕业
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum StudentStatus {
    #[default]
    Enrolled,
    Suspended,
    Graduated,
}

impl StudentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StudentStatus::Enrolled => "enrolled",
            StudentStatus::Suspended => "suspended",
            StudentStatus::Graduated => "graduated",
        }
    }

    /// The stored form, or a roster's 在读/休学/毕业.
    pub fn parse(s: &str) -> Option<StudentStatus> {
        match s.trim() {
            "enrolled" | "在读" | "在校" | "" => Some(StudentStatus::Enrolled),
            "suspended" | "休学" => Some(StudentStatus::Suspended),
            "graduated" | "毕业" | "已毕业" => Some(StudentStatus::Graduated),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StudentStatus::Enrolled => "在读",
            StudentStatus::Suspended => "休学",
            StudentStatus::Graduated => "毕业",
        }
    }
}

/// A student's WeChat: bound or not, and whether that WeChat user still follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct WechatBinding {
    pub bound: bool,
    pub bound_at: Option<DateTime<Utc>>,
    pub following: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Student {
    pub id: i64,
    /// 学号
    pub student_no: String,
    pub name: String,
    pub gender: Gender,
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    /// Masked (`138****1234`) in lists; in full only on the detail view.
    pub phone: String,
    pub email: String,
    pub dormitory: String,
    pub status: StudentStatus,
    pub wechat: WechatBinding,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// True when the caller sees this student only as a member of a group they own (not a
    /// teacher of the student's class): phone, e-mail, dormitory and notes are withheld
    /// (empty), as are the position, attendance history and bind code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub limited: bool,
}

/// A group or class a student is in, by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct GroupRef {
    pub id: i64,
    pub name: String,
}

/// One student: in full for a teacher of their class or an admin (the view is audited),
/// or as a group's member for the group's owner (`student.limited`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentDetail {
    /// With the phone number unmasked (withheld when `student.limited`).
    pub student: Student,
    /// The code the student types when binding WeChat: only for admins and the teachers
    /// of the student's class (every view is audited); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
    pub bind_code: Option<String>,
    pub groups: Vec<GroupRef>,
    /// Cadre titles the student holds now or held.
    pub cadre_terms: Vec<Cadre>,
    /// Templates the student turned off in WeChat (拒收模板).
    #[serde(default)]
    pub refused_templates: Vec<crate::channels::RefusedTemplate>,
    /// Their subscribe-notification subscriptions.
    #[serde(default)]
    pub subscriptions: Vec<crate::channels::SubscriptionState>,
    /// The name of the QR code that first brought the student's WeChat to follow (来源).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_source: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewStudent {
    pub student_no: String,
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub gender: Gender,
    #[serde(default)]
    pub class_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub phone: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub email: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub dormitory: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub status: StudentStatus,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub notes: String,
}

impl NewStudent {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("student_no", validate::student_no(&self.student_no));
        errors.check("name", validate::label(&self.name, 32));
        errors.check("phone", validate::phone(&self.phone));
        errors.check("email", validate::email(&self.email));
        errors.check("dormitory", validate::optional_label(&self.dormitory, 64));
        errors.check("notes", validate::note(&self.notes, 500));
        errors.into_result()
    }
}

/// Partial update. `class_id: null` leaves the class as it is; `clear_class` removes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear_class: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dormitory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StudentStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl StudentPatch {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Some(v) = &self.student_no {
            errors.check("student_no", validate::student_no(v));
        }
        if let Some(v) = &self.name {
            errors.check("name", validate::label(v, 32));
        }
        if let Some(v) = &self.phone {
            errors.check("phone", validate::phone(v));
        }
        if let Some(v) = &self.email {
            errors.check("email", validate::email(v));
        }
        if let Some(v) = &self.dormitory {
            errors.check("dormitory", validate::optional_label(v, 64));
        }
        if let Some(v) = &self.notes {
            errors.check("notes", validate::note(v, 500));
        }
        errors.into_result()
    }
}

/// `138****1234`: the first three and last four digits of a mobile number.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_keep_their_first_three_and_last_four_digits() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("12345"), "*****");
    }

    #[test]
    fn roster_words_parse_to_genders_and_statuses() {
        assert_eq!(Gender::parse("女"), Some(Gender::Female));
        assert_eq!(Gender::parse("其他"), None);
        assert_eq!(StudentStatus::parse("休学"), Some(StudentStatus::Suspended));
        assert_eq!(StudentStatus::parse(""), Some(StudentStatus::Enrolled));
        assert_eq!(StudentStatus::parse("退学"), None);
    }
}
