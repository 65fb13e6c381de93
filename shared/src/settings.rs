//! Settings an admin changes in the console.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct Settings {
    /// Set a student's WeChat remark to `班级-姓名` when they bind.
    pub auto_remark: bool,
    /// Teachers may register themselves (with a code the account sends on `注册`).
    pub registration_open: bool,
    /// A registered teacher waits for an admin's approval before they can log in.
    pub registration_requires_approval: bool,
    /// Teachers who answer, besides the admins, the followers bound to no one (消息).
    #[serde(default)]
    pub inbox_stewards: Vec<i64>,
    /// Teachers who edit the account-wide auto-replies, besides the admins (自动回复).
    #[serde(default)]
    pub auto_reply_editors: Vec<i64>,
    /// The school's name, printed on QR codes (empty: not set).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub school_name: String,
    /// The school's city, whose weather the daily broadcast carries (empty: no weather).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub school_city: String,
    /// The first day of the term, `YYYY-MM-DD`, from which the broadcast counts the school
    /// week (第N周; empty: not set).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub term_start: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_remark: true,
            registration_open: true,
            registration_requires_approval: true,
            inbox_stewards: Vec::new(),
            auto_reply_editors: Vec::new(),
            school_name: String::new(),
            school_city: String::new(),
            term_start: String::new(),
        }
    }
}

/// Partial update: absent fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct SettingsPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_remark: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_open: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_requires_approval: Option<bool>,
    /// Replaces the list of teachers who answer followers bound to no one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox_stewards: Option<Vec<i64>>,
    /// Replaces the list of teachers who edit the account-wide auto-replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_reply_editors: Option<Vec<i64>>,
    /// The school's name (at most 40 characters; empty clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_name: Option<String>,
    /// The school's city for the broadcast's weather (at most 40 characters; empty clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_city: Option<String>,
    /// The first day of the term, `YYYY-MM-DD` (empty clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_start: Option<String>,
}

/// The longest school name, and city.
pub const MAX_SCHOOL_NAME_CHARS: usize = 40;

/// The longest term a school week is counted in: past it, the broadcast names no week.
pub const MAX_TERM_WEEKS: i64 = 30;

/// The term's first day as written in the settings (`YYYY-MM-DD`).
pub fn parse_term_start(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// The school week (第N周) `day` falls in: week 1 is the week (Monday to Sunday) of the
/// term's first day; `None` before the term or past its longest length.
pub fn school_week(term_start: chrono::NaiveDate, day: chrono::NaiveDate) -> Option<i64> {
    use chrono::Datelike;
    let monday = term_start - chrono::Duration::days(i64::from(term_start.weekday().num_days_from_monday()));
    let days = (day - monday).num_days();
    let week = days.div_euclid(7) + 1;
    (days >= 0 && week <= MAX_TERM_WEEKS && day >= term_start).then_some(week)
}

/// How notices reach students, as any teacher may know it: without a template mapped for
/// notices they go by customer-service message, which reaches only students who wrote to
/// the account in the last 48 hours (the rest find them in 我的通知).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct TemplateStatus {
    /// A template is chosen for notices (通知提醒).
    pub notice_mapped: bool,
    /// The account can send template messages at all (a verified service account).
    pub templates_available: bool,
}

#[cfg(test)]
mod tests {
    use super::{parse_term_start, school_week};

    #[test]
    fn the_school_week_counts_from_the_monday_of_the_terms_first_week() {
        // 2026-09-07 is a Monday; a term that starts on Wednesday 09-09 counts from it too.
        let start = parse_term_start("2026-09-07").unwrap();
        let day = |s: &str| parse_term_start(s).unwrap();
        assert_eq!(school_week(start, day("2026-09-07")), Some(1));
        assert_eq!(school_week(start, day("2026-09-13")), Some(1), "Sunday is still week 1");
        assert_eq!(school_week(start, day("2026-09-14")), Some(2));
        assert_eq!(school_week(start, day("2026-12-04")), Some(13));
        assert_eq!(school_week(start, day("2026-09-06")), None, "before the term");
        assert_eq!(school_week(start, day("2027-09-06")), None, "long past the term");
        let wednesday = day("2026-09-09");
        assert_eq!(school_week(wednesday, day("2026-09-14")), Some(2));
        assert_eq!(school_week(wednesday, day("2026-09-08")), None, "the term has not begun");
        assert_eq!(parse_term_start("2026-02-30"), None);
        assert_eq!(parse_term_start("九月"), None);
    }
}
