//! 每日播报: the daily broadcast's words, on the students' subscriptions page and in 系统设置.

pub const BROADCAST_TITLE: &str = "每日播报";
pub const BROADCAST_INTRO: &str = "每天早上推送当天的日期、天气、你的签到和活动安排、未读通知，外加一条推荐。";
pub const BROADCAST_RECEIVING: &str = "接收中";
pub const BROADCAST_OFF: &str = "未订阅";
pub const BROADCAST_TIME: &str = "推送时间";
pub const BROADCAST_SUBSCRIBE: &str = "订阅";
pub const BROADCAST_CHANGE_TIME: &str = "修改时间";
pub const BROADCAST_STOPPED: &str = "已退订每日播报。";

/// After subscribing or changing the time.
pub fn broadcast_at(time: &str) -> String {
    format!("已订阅，每天 {time} 推送。")
}

pub const SCHOOL_CITY: &str = "学校所在城市";
pub const SCHOOL_CITY_PLACEHOLDER: &str = "例如：北京";
pub const SCHOOL_CITY_HINT: &str = "每日播报按这座城市播报天气；不填则不带天气。";
pub const TERM_START: &str = "本学期开学日期";
pub const TERM_START_HINT: &str = "每日播报据此写明「第N周」。";
