//! One search over what students look for — their notices, documents (常用表格), procedures
//! (办事指南) and contacts (offices, teachers who made theirs public) — and the week's hot
//! list (热门). Chinese fragments of two characters are found (「请假」, 「奖学」), as are
//! numbers and names.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The most results one search answers.
pub const MAX_RESULTS: u32 = 50;
/// The longest query taken (characters).
pub const MAX_QUERY_CHARS: usize = 50;

/// What a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum SearchKind {
    /// A notice (the student's own, or one they received as every follower did).
    Notice,
    /// A document or form to download.
    Document,
    /// A procedure (办事指南).
    Guide,
    /// An office's contact (phone, place, hours).
    Office,
    /// A teacher's public contact.
    Teacher,
}

impl SearchKind {
    pub const ALL: [SearchKind; 5] =
        [SearchKind::Notice, SearchKind::Document, SearchKind::Guide, SearchKind::Office, SearchKind::Teacher];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Notice => "notice",
            SearchKind::Document => "document",
            SearchKind::Guide => "guide",
            SearchKind::Office => "office",
            SearchKind::Teacher => "teacher",
        }
    }

    pub fn parse(s: &str) -> Option<SearchKind> {
        SearchKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind's name as students read it.
    pub fn label(self) -> &'static str {
        match self {
            SearchKind::Notice => "通知",
            SearchKind::Document => "文档",
            SearchKind::Guide => "办事指南",
            SearchKind::Office => "部门",
            SearchKind::Teacher => "老师",
        }
    }

    /// The student page that shows an item of this kind.
    pub fn student_page(self, id: i64) -> String {
        match self {
            SearchKind::Notice => format!("/s/notices/{id}"),
            SearchKind::Document => format!("/s/documents/{id}"),
            SearchKind::Guide => format!("/s/guides/{id}"),
            SearchKind::Office => format!("/s/teachers#office-{id}"),
            SearchKind::Teacher => format!("/s/teachers#teacher-{id}"),
        }
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct SearchHit {
    pub kind: SearchKind,
    /// The id of the notice, document, procedure, office or teacher.
    pub id: i64,
    pub title: String,
    /// A line under the title (start of the text, folder, office …); may be empty.
    pub summary: String,
    /// When it was sent, published or last changed.
    pub at: DateTime<Utc>,
    /// The page that shows it (a student page for students, a console page for teachers).
    pub url: String,
}

/// The answer to a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct SearchResults {
    /// The query as searched (trimmed, cut to its maximum length).
    pub query: String,
    pub hits: Vec<SearchHit>,
}

/// An item of the hot list with its count this week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct HotItem {
    pub id: i64,
    pub title: String,
    /// Reads (notices) or downloads (documents) in the last 7 days.
    pub count: i64,
    pub url: String,
}

/// The week's most read public notices and most downloaded documents (热门).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct HotList {
    pub notices: Vec<HotItem>,
    pub documents: Vec<HotItem>,
}
