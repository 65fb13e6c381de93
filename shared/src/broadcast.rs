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

/// What a curated item is: an article to read, a song to hear, a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum ItemKind {
    Article,
    Song,
    Quote,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Article => "article",
            ItemKind::Song => "song",
            ItemKind::Quote => "quote",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        Some(match s {
            "article" => ItemKind::Article,
            "song" => ItemKind::Song,
            "quote" => ItemKind::Quote,
            _ => return None,
        })
    }

    /// How the broadcast names it: 「今日推荐文章」…
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Article => "文章",
            ItemKind::Song => "歌曲",
            ItemKind::Quote => "一句话",
        }
    }
}

/// The longest title, and text, of a curated item.
pub const MAX_ITEM_TITLE_CHARS: usize = 60;
pub const MAX_ITEM_TEXT_CHARS: usize = 200;

/// A curated item as a teacher writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewBroadcastItem {
    pub kind: ItemKind,
    /// The article's or song's title; for a quote, who said it (may be empty).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub title: String,
    /// A line about it; for a quote, the quote itself.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub text: String,
    /// Where to read or hear it (http or https); none for a quote.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub url: String,
}

impl NewBroadcastItem {
    pub fn validate(&self) -> Result<(), crate::validate::FieldErrors> {
        use crate::validate::{self, FieldErrors, Problem};
        let mut errors = FieldErrors::default();
        let (title, text) = (self.title.trim(), self.text.trim());
        if self.kind == ItemKind::Quote {
            errors.check("text", validate::label(text, MAX_ITEM_TEXT_CHARS));
            errors.check("title", validate::optional_label(title, MAX_ITEM_TITLE_CHARS));
        } else {
            errors.check("title", validate::label(title, MAX_ITEM_TITLE_CHARS));
            errors.check("text", validate::optional_label(text, MAX_ITEM_TEXT_CHARS));
        }
        let url = self.url.trim();
        let web = url.is_empty() || url.starts_with("https://") || url.starts_with("http://");
        if !web || url.chars().count() > 500 {
            errors.add("url", Problem::Invalid);
        }
        errors.into_result()
    }
}

/// A curated item in the queue: waiting, or the day it went out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct BroadcastItem {
    pub id: i64,
    pub kind: ItemKind,
    pub title: String,
    pub text: String,
    pub url: String,
    /// The day (`YYYY-MM-DD`, China time) it was the broadcast's item; absent while it waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_on: Option<String>,
    /// Who added it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_by: Option<String>,
}

/// A subscriber's broadcast of a day, as its page shows it (opening it counts as read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct BroadcastDay {
    pub id: i64,
    /// `YYYY-MM-DD`, China time.
    pub date: String,
    /// What it said, line by line.
    pub text: String,
    /// The day's curated item, when teachers queued one (a standing quote is only in the text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<BroadcastItem>,
}

/// How one day's broadcast went: queued, carried (by any channel), waiting (to be sent, or
/// held for the subscriber's next message), failed, and opened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct BroadcastDayCount {
    /// `YYYY-MM-DD`, China time.
    pub day: String,
    pub queued: i64,
    pub sent: i64,
    pub waiting: i64,
    pub failed: i64,
    pub opened: i64,
}

/// The broadcast at a glance: who receives it, and its last days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct BroadcastOverview {
    pub subscribers: i64,
    /// Newest first, the last 14 days it went out.
    pub days: Vec<BroadcastDayCount>,
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
