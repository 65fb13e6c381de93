//! The platform's channels as the console and the student pages see them (issue 18):
//! templates a student refused, subscribe-notification state, the account's template
//! library with each keyword's type and limit.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A template a student turned off in WeChat (43101): Banji passes it over for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct RefusedTemplate {
    pub template_id: String,
    /// The kind of message it carries (`notice`, `reminder`), when it is mapped.
    pub kind: Option<String>,
    pub refused_at: DateTime<Utc>,
    /// When Banji tries the template for them again (a success clears it sooner).
    pub retried_after: DateTime<Utc>,
}

/// One keyword of a template: its name, its label in the template, and its type's rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TemplateKeyword {
    /// `thing1`, `time3` …
    pub keyword: String,
    /// What the template calls it (`通知标题`).
    pub label: String,
    /// thing, phrase, character_string, number, letter, symbol, amount, time, date, name,
    /// phone_number, car_number, const, or text (old-style keywords).
    pub kind: String,
    /// At most this many characters.
    pub limit: i64,
    /// What the type accepts, in words.
    pub rule: String,
}

/// Add a template from the category library (类目模板).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewLibraryTemplate {
    /// The library template's number (编号), e.g. `OPENTM411999701`.
    pub template_id_short: String,
    /// The keywords to use, by their names in the library (`通知标题`, `发布时间` …).
    pub keyword_names: Vec<String>,
}

/// A student's subscription to one subscribe template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct SubscriptionState {
    pub template_id: String,
    pub accepted: bool,
    pub long_term: bool,
    /// One-time subscriptions not yet used (each send uses one).
    pub remaining: i64,
}

/// What a student's page needs for WeChat's subscribe button: the subscribe templates
/// Banji sends by, and where the student stands with each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentSubscriptions {
    /// The templates to put in `<wx-open-subscribe template="…">` (empty: no button).
    pub template_ids: Vec<String>,
    pub states: Vec<SubscriptionState>,
}
