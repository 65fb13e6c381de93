//! The statistics page: periods, the dashboard's numbers and charts, the hot ranking.

use chrono::{DateTime, Local, Utc};

use crate::pages::Period;

pub const NAV_STATS: &str = "统计";
pub const STATS_TITLE: &str = "统计";
pub const STATS_INTRO: &str = "所选时间段内发出的通知：各分类与紧急程度的数量、阅读与确认情况、各班阅读率排行。";
pub const PERIOD: &str = "时间段";
pub const ALL_TIME: &str = "全部时间";
pub const PERIOD_FROM: &str = "从";
pub const PERIOD_UNTIL: &str = "至";
pub const PICK_DATES: &str = "请选择开始和结束日期。";
pub const STAT_NOTICES: &str = "发出通知";
pub const STAT_DELIVERIES: &str = "推送人次";
pub const STAT_MEDIAN_READ: &str = "阅读用时（中位数）";
pub const STAT_READ_RATE: &str = "平均阅读率";
pub const STAT_CONFIRM_RATE: &str = "平均确认率";
pub const NO_NOTICES_IN_PERIOD: &str = "这段时间没有发出通知。";
pub const BY_CATEGORY: &str = "按分类";
pub const BY_URGENCY: &str = "按紧急程度";
pub const BY_DAY: &str = "每日发出";
pub const CLASS_RANKING: &str = "班级阅读率排行";
pub const MOST_UNREAD: &str = "未读最多的学生";
pub const NOBODY_UNREAD: &str = "没有未读的学生。";
pub const UNREAD_COUNT: &str = "未读";
pub const HOT_TITLE: &str = "热度排行";
pub const HOT_WINDOW: &str = "统计范围";
pub const HOT_HINT: &str = "热度 = 阅读 + 3 × 评论 + 2 × 下载";
pub const NO_HOT: &str = "这段时间没有阅读或评论。";

pub fn period(p: Period) -> &'static str {
    match p {
        Period::Week => "本周",
        Period::Month => "本月",
        Period::Term => "本学期",
        Period::Custom => "自定义",
    }
}

pub fn period_key(p: Period) -> &'static str {
    match p {
        Period::Week => "week",
        Period::Month => "month",
        Period::Term => "term",
        Period::Custom => "custom",
    }
}

/// `2026-11-16 至 2026-11-22`: the days a period covers (`until` is exclusive).
pub fn period_range(from: DateTime<Utc>, until: DateTime<Utc>) -> String {
    let last = until - chrono::Duration::seconds(1);
    format!("{} 至 {}", from.with_timezone(&Local).format("%Y-%m-%d"), last.with_timezone(&Local).format("%Y-%m-%d"))
}

pub fn notices_count(n: i64) -> String {
    format!("{n} 条")
}

/// `87% · 26/30`.
pub fn class_rate(percent: &str, read: i64, recipients: i64) -> String {
    format!("{percent} · {read}/{recipients}")
}

/// The bar colour of an urgency key.
pub fn urgency_tone(key: &str) -> &'static str {
    match key {
        "urgent" => "urgent",
        "important" => "important",
        _ => "",
    }
}

/// A time to read: seconds, minutes, hours or days.
pub fn duration(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} 秒"),
        s if s < 3_600 => format!("{} 分钟", s / 60),
        s if s < 86_400 => format!("{:.1} 小时", s as f64 / 3_600.0),
        s => format!("{:.1} 天", s as f64 / 86_400.0),
    }
}

pub fn hot_window(days: u32) -> String {
    match days {
        1 => "24 小时".into(),
        d => format!("{d} 天"),
    }
}

pub fn hot_counts(reads: i64, comments: i64, downloads: i64) -> String {
    format!("阅读 {reads} · 评论 {comments} · 下载 {downloads}")
}
