//! Roster import and export: the job a file upload becomes, and its report.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum ImportStatus {
    Running,
    /// Finished: `report` says what was (or, for a dry run, would be) written.
    Done,
    /// The file could not be read at all (`error` says why); nothing was written.
    Failed,
}

/// One problem with one row of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct RowError {
    /// The row as a spreadsheet numbers it (the header is row 1).
    pub row: u32,
    pub student_no: String,
    /// The column's field (`student_no`, `name`, `class`, `phone` …).
    pub field: String,
    /// `required`, `invalid`, `too_long`, `unknown_class`, `duplicate_in_file`,
    /// `not_yours`, `unknown_value`.
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ImportReport {
    pub total_rows: u32,
    pub valid_rows: u32,
    /// Students that are (or would be) new.
    pub created: u32,
    /// Existing students (same 学号) that are (or would be) updated.
    pub updated: u32,
    /// Classes named in the file that do not exist yet (created only when asked).
    pub classes_to_create: Vec<String>,
    pub errors: Vec<RowError>,
    /// The columns recognised, by field, in file order.
    pub columns: Vec<String>,
    /// False for a dry run, and for an import refused because of errors.
    pub applied: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ImportJob {
    pub id: String,
    pub dry_run: bool,
    pub status: ImportStatus,
    /// `reading`, `checking` or `writing`.
    pub phase: String,
    pub total_rows: u32,
    pub processed_rows: u32,
    pub report: Option<ImportReport>,
    pub error: Option<String>,
}
