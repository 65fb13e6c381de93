//! The one error body every endpoint answers with on a 4xx or 5xx.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `{ "code": "snake_case", "message": "…", "fields": { "name": "…" } }`.
///
/// `code` is stable and machine-readable (clients switch on it and translate it);
/// `message` is for developers; `fields` names each invalid input field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ErrorBody {
    /// Stable snake_case error code, e.g. `invalid_credentials`.
    pub code: String,
    /// Human-readable explanation, safe to show to a developer.
    pub message: String,
    /// Per-field problems when the input failed validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
    pub fields: Option<BTreeMap<String, String>>,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into(), fields: None }
    }
}
