//! 每日播报, the daily broadcast: who receives it and at what time of the morning. A time
//! is the minute of the day in China time, written `HH:MM`; students and teachers also
//! write it the way they say it (「7点半」), so the reading is here, for the server's
//! WeChat command and the page alike.

use serde::{Deserialize, Serialize};

/// When a broadcast is sent unless the subscriber picks a time.
pub const DEFAULT_MINUTE: u16 = 7 * 60 + 30;

/// A follower's subscription to the daily broadcast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct BroadcastSubscription {
    pub subscribed: bool,
    /// When it is sent, `HH:MM` China time (when not subscribed: the time it would be).
    pub time: String,
}

/// Subscribing, or changing the time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct BroadcastSubscribe {
    /// `HH:MM` (also 「7点半」); absent: the time kept, or 07:30 for a new subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

/// `HH:MM` of a minute of the day.
pub fn format_time(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The minute of the day a subscriber wrote: `7:30`, `07:30`, `7：30`, `7点`, `7点半`,
/// `7点15`, `7点15分`; `None` for anything else or a time that does not exist.
pub fn parse_time(text: &str) -> Option<u16> {
    let text = text.trim();
    let (hour, minute) = if let Some((h, m)) = text.split_once([':', '：']) {
        (h, m)
    } else if let Some((h, m)) = text.split_once('点') {
        let m = m.strip_suffix('分').unwrap_or(m);
        (
            h,
            if m == "半" {
                "30"
            } else if m.is_empty() {
                "0"
            } else {
                m
            },
        )
    } else {
        return None;
    };
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u16>().ok())
            .flatten()
    };
    let (hour, minute) = (number(hour.trim())?, number(minute.trim())?);
    (hour < 24 && minute < 60).then_some(hour * 60 + minute)
}

#[cfg(test)]
mod tests {
    use super::{format_time, parse_time, DEFAULT_MINUTE};

    #[test]
    fn times_are_read_as_students_write_them() {
        for (text, minute) in [
            ("7:30", 450),
            ("07:30", 450),
            ("7：30", 450),
            (" 6:05 ", 365),
            ("7点", 420),
            ("7点半", 450),
            ("7点15", 435),
            ("7点15分", 435),
            ("23:59", 1439),
            ("0:00", 0),
        ] {
            assert_eq!(parse_time(text), Some(minute), "{text}");
        }
    }

    #[test]
    fn what_is_no_time_of_day_is_refused() {
        for text in ["", "7", "24:00", "7:60", "7:5x", "-1:00", "七点", "7:300", "明早", "7点半半"] {
            assert_eq!(parse_time(text), None, "{text}");
        }
    }

    #[test]
    fn a_minute_is_written_as_hours_and_minutes() {
        assert_eq!(format_time(DEFAULT_MINUTE), "07:30");
        assert_eq!(format_time(0), "00:00");
        assert_eq!(format_time(1439), "23:59");
    }
}
