//! How a notice's delivery is going (live progress, each recipient's row, mass jobs, why a
//! channel was passed over) and which template message carries each kind of message.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A sending notice, live: counts by status and channel, rate and time left.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct DeliveryProgress {
    pub notice_id: i64,
    pub status: String,
    pub total: i64,
    /// pending, sending, sent, failed, held, muted, cancelled.
    pub by_status: BTreeMap<String, i64>,
    /// template, subscribe, custom, mass, digest (of the sent ones).
    pub by_channel: BTreeMap<String, i64>,
    /// The platform confirmed these reached the student.
    pub delivered: i64,
    /// Sends in the last minute.
    pub per_minute: i64,
    /// At the current rate, seconds until nothing is pending.
    pub eta_seconds: Option<i64>,
    pub status_note: String,
    /// Sending waits until then (the day's quota is used up).
    pub paused_until: Option<DateTime<Utc>>,
    /// What the platform reported about this notice's mass sends.
    pub mass_jobs: Vec<MassJob>,
    /// Students who refused the notice template in WeChat (拒收模板): their rows went by
    /// the next channel.
    #[serde(default)]
    pub refused_template: i64,
    /// Why the notice's template message stopped (blocked for its content), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_blocked: Option<String>,
}

/// A mass send as the platform reported it (MASSSENDJOBFINISH).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MassJob {
    pub msg_id: i64,
    /// `send success`, `send fail`, `err(n)`; empty until the platform reports.
    pub status: String,
    pub rows: i64,
    pub total: Option<i64>,
    /// Followers the platform did not send to (quota, refused, not following).
    pub filtered: Option<i64>,
    pub sent: Option<i64>,
    pub errors: Option<i64>,
}

/// Why a better channel did not carry a delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct FallbackReason {
    /// template, subscribe, custom, mass.
    pub channel: String,
    /// account_kind, not_mapped, refused (the student turned the template off, 43101),
    /// blocked (40249), not_subscribed, outside_window, window_cap, monthly_quota, single,
    /// unknown_outcome, invalid_value:<keyword> (47003), or rejected:<errcode>.
    pub code: String,
    pub message: String,
}

/// One recipient's delivery, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Delivery {
    pub id: i64,
    pub student_id: Option<i64>,
    pub student_name: Option<String>,
    pub student_no: Option<String>,
    pub class_name: Option<String>,
    pub openid: Option<String>,
    pub status: String,
    pub channel: Option<String>,
    /// Why better channels were not used, in the order they were passed over.
    pub fallback: Vec<FallbackReason>,
    pub failure: Option<String>,
    pub errcode: Option<i64>,
    pub attempts: i64,
    pub sent_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub job_status: Option<String>,
    pub read_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// A kind of message Banji sends by template, and the values it fills in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MessageKind {
    pub kind: String,
    pub label: String,
    /// Values Banji can put in the template: `title`, `author`, `time` …
    pub values: Vec<String>,
}

/// One of the account's templates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AccountTemplate {
    pub template_id: String,
    pub title: String,
    pub content: String,
    /// Its keywords (`thing1`, `time3` …), in order.
    pub keywords: Vec<String>,
    /// Each keyword with its type and limit.
    #[serde(default)]
    pub fields: Vec<crate::channels::TemplateKeyword>,
    /// The kinds of message it carries now (a template in use cannot be deleted).
    #[serde(default)]
    pub used_for: Vec<String>,
    /// Subscribe templates: long-term (长期订阅) or one-time (一次性订阅).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_term: Option<bool>,
}

/// Which template carries a kind of message, and which keyword holds each value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TemplateMapping {
    pub kind: String,
    pub template_id: String,
    /// Banji value → template keyword, e.g. `{"title": "thing1"}`.
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TemplateSettings {
    pub kinds: Vec<MessageKind>,
    pub mappings: Vec<TemplateMapping>,
    /// The account's templates (empty when the account cannot use templates).
    pub templates: Vec<AccountTemplate>,
    /// Why `templates` is empty, if it is.
    pub unavailable: Option<String>,
    /// How many templates the account may keep (25).
    #[serde(default)]
    pub max_templates: i64,
    /// Which subscribe template carries each kind of message (订阅通知).
    #[serde(default)]
    pub subscribe_mappings: Vec<TemplateMapping>,
    /// The account's subscribe templates.
    #[serde(default)]
    pub subscribe_templates: Vec<AccountTemplate>,
}
