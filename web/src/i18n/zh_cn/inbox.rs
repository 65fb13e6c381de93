//! 消息: the inbox of what followers write to the account.

pub const NAV_INBOX: &str = "消息";
pub const INBOX_TITLE: &str = "消息";
pub const WAITING: &str = "未处理";
pub const MINE: &str = "我的";
pub const INBOX_SEARCH: &str = "搜索姓名、学号或消息内容";
pub const NOTHING_WAITING: &str = "没有待处理的消息。机器人答不上的学生留言会出现在这里。";
pub const NO_THREADS: &str = "还没有人给公众号发过消息。";
pub const CHOOSE_THREAD: &str = "选择左侧的对话查看。";
pub const UNKNOWN_FOLLOWER: &str = "未绑定的关注者";
pub const MARK_HANDLED: &str = "标记已处理";
pub const MARKED_HANDLED: &str = "已标记为已处理。";
pub const INBOX_REPLY_PLACEHOLDER: &str = "输入回复内容…";
pub const WINDOW_FULL: &str =
    "本次可回复的 5 条已用完：等对方再发消息后才能回复。对方可在「联系老师」页面看到你的回复。";
pub const WINDOW_CLOSED: &str =
    "对方 48 小时内没有在微信里发消息，微信会拒收回复；对方可在「联系老师」页面看到你的回复。";

/// The customer-service window still open.
pub fn window_open(until: &str, left: i64) -> String {
    format!("回复以客服消息发到对方微信：可回复至 {until}，还可发 {left} 条。")
}

/// Who a thread is with, when they are no student.
pub fn thread_kind(kind: &str) -> &'static str {
    match kind {
        "student" => "学生",
        "teacher" => "教师",
        _ => "未绑定学号",
    }
}

/// What a message without text was.
pub fn message_kind(kind: &str) -> &'static str {
    match kind {
        "image" => "[图片]",
        "voice" => "[语音]",
        "video" | "shortvideo" => "[视频]",
        "location" => "[位置]",
        "link" => "[链接]",
        _ => "[消息]",
    }
}

pub fn reply_failed(reason: &str) -> String {
    format!("未送达：{reason}")
}
