//! The document library (常用表格文档下载): folders (奖助, 请假, 党团, 就业 …) of forms and
//! documents students download. A document's file is its current version; replacing it
//! keeps the previous ones, which teachers can still download. Downloads are counted per
//! version. Who may see a document is its audience: everyone (unbound followers too),
//! bound students, teachers only, or the students of listed classes and groups.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldErrors, Problem};

pub const MAX_FOLDER_CHARS: usize = 20;
pub const MAX_TITLE_CHARS: usize = 80;
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 20;

/// A folder of the library, in the school's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct DocFolder {
    pub id: i64,
    pub name: String,
    pub position: i64,
    /// Documents in it the caller sees.
    pub documents: i64,
}

/// A folder's name, to make one or rename it (at most 20 characters, unique).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct DocFolderName {
    pub name: String,
}

impl DocFolderName {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("name", validate::label(&self.name, MAX_FOLDER_CHARS));
        errors.into_result()
    }
}

/// The folders in their new order (every folder, once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct DocFolderOrder {
    pub ids: Vec<i64>,
}

/// Who may see a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum DocAudienceKind {
    /// Every follower of the account, bound or not, and every teacher.
    #[default]
    All,
    /// Bound students (and teachers).
    Students,
    /// Teachers only (in the console).
    Teachers,
    /// The students of the listed classes and groups (and teachers).
    Listed,
}

impl DocAudienceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocAudienceKind::All => "all",
            DocAudienceKind::Students => "students",
            DocAudienceKind::Teachers => "teachers",
            DocAudienceKind::Listed => "listed",
        }
    }

    pub fn parse(s: &str) -> Option<DocAudienceKind> {
        Some(match s {
            "all" => DocAudienceKind::All,
            "students" => DocAudienceKind::Students,
            "teachers" => DocAudienceKind::Teachers,
            "listed" => DocAudienceKind::Listed,
            _ => return None,
        })
    }
}

/// A document's audience: a kind, and for `listed` its classes and groups.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct DocAudience {
    pub kind: DocAudienceKind,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub classes: Vec<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub groups: Vec<i64>,
}

impl DocAudience {
    /// `listed` needs a class or a group; the others take none.
    pub fn check(&self) -> Result<(), Problem> {
        let listed = !self.classes.is_empty() || !self.groups.is_empty();
        match self.kind {
            DocAudienceKind::Listed if !listed => Err(Problem::Required),
            DocAudienceKind::Listed => Ok(()),
            _ if listed => Err(Problem::Invalid),
            _ => Ok(()),
        }
    }
}

/// A document as the console shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Document {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub folder_id: Option<i64>,
    /// The folder's name.
    pub folder: Option<String>,
    pub audience: DocAudience,
    /// The listed classes' and groups' names, for `listed`.
    pub audience_names: Vec<String>,
    /// The current version's number (1 for the first file).
    pub version: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// Downloads of every version.
    pub downloads: i64,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Whether the caller may edit, replace and delete it.
    pub editable: bool,
}

/// What a document is, apart from its file: its edit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct DocumentEdit {
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub description: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub tags: Vec<String>,
    /// None: no folder (未分类).
    #[serde(default)]
    pub folder_id: Option<i64>,
    pub audience: DocAudience,
}

impl DocumentEdit {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("title", validate::label(&self.title, MAX_TITLE_CHARS));
        if self.description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.add("description", Problem::TooLong(MAX_DESCRIPTION_CHARS));
        }
        errors.check("tags", check_tags(&self.tags));
        errors.check("audience", self.audience.check());
        errors.into_result()
    }
}

/// At most 10 tags of at most 20 characters, none empty.
pub fn check_tags(tags: &[String]) -> Result<(), Problem> {
    if tags.len() > MAX_TAGS {
        return Err(Problem::TooLong(MAX_TAGS));
    }
    tags.iter().try_for_each(|t| validate::label(t, MAX_TAG_CHARS))
}

/// Tags as typed in one box: split on commas, spaces and 、, trimmed, without repeats.
pub fn split_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split([',', '，', '、', ' ', '\u{3000}']).map(str::trim).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    tags
}

/// One file a document has had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct DocumentVersion {
    pub id: i64,
    pub number: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub downloads: i64,
    /// The one students get.
    pub current: bool,
    pub uploaded_by_name: String,
    pub uploaded_at: DateTime<Utc>,
}

/// A document as a student sees it (the current file only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentDocument {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub folder_id: Option<i64>,
    pub folder: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// A PDF or an image: WeChat's browser shows it in place (预览).
    pub previewable: bool,
    pub updated_at: DateTime<Utc>,
}

/// Whether a phone's browser shows a file of this type in place: PDFs and images.
pub fn previewable(content_type: &str) -> bool {
    content_type == "application/pdf" || content_type.starts_with("image/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_audience_names_someone_and_the_others_name_no_one() {
        let listed = DocAudience { kind: DocAudienceKind::Listed, classes: vec![], groups: vec![] };
        assert_eq!(listed.check(), Err(Problem::Required));
        assert_eq!(DocAudience { groups: vec![3], ..listed.clone() }.check(), Ok(()));
        let all = DocAudience { kind: DocAudienceKind::All, classes: vec![1], groups: vec![] };
        assert_eq!(all.check(), Err(Problem::Invalid));
        assert_eq!(DocAudience::default().check(), Ok(()));
    }

    #[test]
    fn tags_typed_in_one_box_are_split_and_kept_once() {
        assert_eq!(split_tags("奖学金, 申请表，奖学金、 表格"), vec!["奖学金", "申请表", "表格"]);
        assert!(split_tags("  ").is_empty());
        assert_eq!(check_tags(&["长".repeat(21)]), Err(Problem::TooLong(20)));
    }

    #[test]
    fn pdfs_and_images_are_previewed() {
        assert!(previewable("application/pdf") && previewable("image/png"));
        assert!(!previewable("application/msword"));
    }
}
