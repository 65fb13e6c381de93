//! The statistics a school looks at over a period (分类统计), the notices people are
//! talking about (热度排行), and the numbers behind the dashboard's charts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A count under a key (a category, an urgency, a day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct CountBy {
    /// The category id, urgency (`urgent` …) or day (`2026-11-22`, China time).
    pub key: String,
    /// What to show: the category's name, 紧急 …, the day.
    pub label: String,
    pub count: i64,
}

/// A class ranked by how much of what it received it read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ClassRate {
    pub class_id: i64,
    pub class_name: String,
    pub recipients: i64,
    pub read: i64,
    /// read / recipients, 0..=1.
    pub read_rate: f64,
}

/// A student with many notices unread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentUnread {
    pub student_id: i64,
    pub name: String,
    pub student_no: String,
    pub class_name: Option<String>,
    pub unread: i64,
}

/// A period's numbers (notices sent in `[from, until)`; teachers: their own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Dashboard {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub notices: i64,
    pub deliveries: i64,
    pub by_category: Vec<CountBy>,
    pub by_urgency: Vec<CountBy>,
    /// Notices sent per day (China time).
    pub by_day: Vec<CountBy>,
    /// Mean over the period's notices of read / recipients (None: no notices).
    pub read_rate: Option<f64>,
    /// Mean over notices asking for confirmation of confirmed / recipients.
    pub confirm_rate: Option<f64>,
    /// Median of (first read − sent) over every read delivery.
    pub median_read_seconds: Option<i64>,
    /// Best read rate first.
    pub classes: Vec<ClassRate>,
    /// Most unread first.
    pub most_unread: Vec<StudentUnread>,
}

/// A notice's heat in a window: reads, comments and downloads then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct HotNotice {
    pub id: i64,
    pub title: String,
    pub category: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub reads: i64,
    pub comments: i64,
    pub downloads: i64,
    /// reads + 3 × comments + 2 × downloads.
    pub score: i64,
}
