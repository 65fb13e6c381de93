//! Display formats: local date-times and masked values.

use chrono::{DateTime, Local, Utc};

use crate::i18n::t;

pub fn datetime(time: &DateTime<Utc>) -> String {
    time.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

pub fn maybe_datetime(time: &Option<DateTime<Utc>>, none: &'static str) -> String {
    time.as_ref().map(datetime).unwrap_or_else(|| none.to_string())
}

/// 上午好 / 下午好 / 晚上好 for the current local hour.
pub fn greeting() -> &'static str {
    use chrono::Timelike;
    match Local::now().hour() {
        5..=11 => t::GOOD_MORNING,
        12..=17 => t::GOOD_AFTERNOON,
        _ => t::GOOD_EVENING,
    }
}
