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

/// The day page's heading: 「每日播报 · 12月7日」 from `YYYY-MM-DD`.
pub fn broadcast_day_title(date: &str) -> String {
    let mut parts = date.split('-').skip(1).filter_map(|p| p.parse::<u32>().ok());
    match (parts.next(), parts.next()) {
        (Some(m), Some(d)) => format!("每日播报 · {m}月{d}日"),
        _ => BROADCAST_TITLE.to_string(),
    }
}

/// The button to the day's recommended article or song.
pub fn broadcast_open_item(title: &str) -> String {
    format!("打开今日推荐《{title}》")
}

pub const BROADCAST_CHANGE_LINK: &str = "更改推送时间或退订";

pub const NAV_BROADCAST: &str = "每日播报";
pub const BROADCAST_CONSOLE_INTRO: &str =
    "订阅的学生和老师每天在自己选的时间收到一条播报：日期和教学周、天气、当天的签到和活动、未读通知，以及一条今日推荐。它和通知一样按模板消息、客服消息、留言时附带的顺序送达，从不群发。";
pub const BROADCAST_DAYS: &str = "最近的播报";
pub const BROADCAST_NO_DAYS: &str =
    "还没有发出过播报。学生发送「订阅 每日播报」或在「我的订阅」页面订阅后，每天早上按时发出。";
pub const BROADCAST_DAY: &str = "日期";
pub const BROADCAST_QUEUED: &str = "应发";
pub const BROADCAST_SENT: &str = "已送达";
pub const BROADCAST_WAITING: &str = "等待中";
pub const BROADCAST_FAILED: &str = "失败";
pub const BROADCAST_OPENED: &str = "已打开";
pub const BROADCAST_ITEMS: &str = "今日推荐";
pub const BROADCAST_ITEMS_HINT: &str =
    "每天的播报取队列中最早的一条；队列为空时使用内置的名言。已发出的推荐保留为记录，不能撤回。";
pub const BROADCAST_NO_ITEMS: &str = "队列是空的，播报会使用内置的名言。";
pub const BROADCAST_ITEM_KIND: &str = "类型";
pub const BROADCAST_ITEM_TITLE: &str = "标题";
pub const BROADCAST_ITEM_BY: &str = "出处（可不填）";
pub const BROADCAST_ITEM_TEXT: &str = "一句介绍（可不填）";
pub const BROADCAST_ITEM_QUOTE: &str = "名言";
pub const BROADCAST_ITEM_URL: &str = "链接（可不填）";
pub const BROADCAST_ITEM_ADD: &str = "加入队列";
pub const BROADCAST_ITEM_ADDED: &str = "已加入推荐队列。";
pub const BROADCAST_ITEM_REMOVED: &str = "已撤回这条推荐。";
pub const BROADCAST_ITEM_TAKE_BACK: &str = "撤回";
pub const BROADCAST_ITEM_WAITING: &str = "排队中";
pub const BROADCAST_ITEM_LINK: &str = "打开链接";

pub fn broadcast_item_used(day: &str) -> String {
    format!("{day} 已发出")
}

pub fn broadcast_subscribers(n: i64) -> String {
    format!("当前订阅：{n} 人")
}

/// 「12（40%）」: opened, and its share of those queued.
pub fn broadcast_opened(opened: i64, queued: i64) -> String {
    if queued == 0 {
        return opened.to_string();
    }
    format!("{opened}（{}%）", opened * 100 / queued)
}
