//! Display formats: local date-times and masked values, and the values of the
//! browser's date and date-time inputs (local time) to and from UTC.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};

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

/// `2025-03-01T09:30` for an `<input type=datetime-local>`.
pub fn datetime_input(time: &DateTime<Utc>) -> String {
    time.with_timezone(&Local).format("%Y-%m-%dT%H:%M").to_string()
}

/// The UTC instant of an `<input type=datetime-local>` value (local time).
pub fn parse_datetime_input(value: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Local.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc))
}

/// Local midnight at the start of an `<input type=date>` value, `days_later` days on.
pub fn parse_date_input(value: &str, days_later: u64) -> Option<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()?;
    let date = date.checked_add_days(chrono::Days::new(days_later))?;
    Local.from_local_datetime(&date.and_hms_opt(0, 0, 0)?).earliest().map(|t| t.with_timezone(&Utc))
}

/// `06-20 09:30`: a time in a dense table (this year's, mostly).
pub fn short_datetime(time: &Option<DateTime<Utc>>, none: &'static str) -> String {
    time.as_ref().map(|t| t.with_timezone(&Local).format("%m-%d %H:%M").to_string()).unwrap_or_else(|| none.to_string())
}

/// `2026-11-22 08:00–09:00`, or both ends in full when they fall on different days.
pub fn time_range(start: &DateTime<Utc>, end: &DateTime<Utc>) -> String {
    let (s, e) = (start.with_timezone(&Local), end.with_timezone(&Local));
    if s.date_naive() == e.date_naive() {
        format!("{}–{}", s.format("%Y-%m-%d %H:%M"), e.format("%H:%M"))
    } else {
        format!("{} – {}", s.format("%Y-%m-%d %H:%M"), e.format("%Y-%m-%d %H:%M"))
    }
}

/// `08:05:12`: a time of today, to the second.
pub fn clock(time: &DateTime<Utc>) -> String {
    time.with_timezone(&Local).format("%H:%M:%S").to_string()
}
