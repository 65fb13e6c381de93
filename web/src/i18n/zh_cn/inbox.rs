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

pub const MESSAGE_TYPE: &str = "消息类型";
pub const ALL_TYPES: &str = "全部类型";
pub const DOWNLOAD_MEDIA: &str = "下载语音（AMR）";
pub const MEDIA_PENDING: &str = "正在从微信取回文件…";
pub const MEDIA_FAILED: &str = "未能保存：微信已不再提供这个文件";
pub const EXPORT_THREAD: &str = "导出记录";
pub const NOTICE_UNREAD: &str = "未读";
pub const PUSHED_NOTICE: &str = "推送的通知";
pub const AUTO_REPLY: &str = "自动回复";
pub const REPLY_PLANNED: &str = "对方不在 48 小时回复时限内，已改由通知渠道送达，并显示在对方的「联系老师」页面。";
pub const INSERT_QUICK_REPLY: &str = "插入这条快捷回复";
pub const DELETE_QUICK_REPLY: &str = "删除这条快捷回复";
pub const SAVE_QUICK_REPLY: &str = "存为快捷回复";
pub const REPLY_KIND: &str = "回复类型";
pub const ANSWER_TITLE: &str = "标题";
pub const ANSWER_DESCRIPTION: &str = "描述（可不填）";
pub const MUSIC_URL: &str = "音乐链接（http:// 或 https://）";
pub const NEWS_URL: &str = "点开后打开的链接（http:// 或 https://）";
pub const REPLY_SENDING: &str = "发送中…";
pub const NO_FILE_CHOSEN: &str = "未选择文件";

/// A message type, for the filter.
pub fn message_type(kind: &str) -> &'static str {
    match kind {
        "text" => "文字",
        "image" => "图片",
        "voice" => "语音",
        "video" => "视频",
        "location" => "位置",
        _ => "链接",
    }
}

/// A kind of answer.
pub fn reply_kind(kind: &str) -> &'static str {
    match kind {
        "text" => "文字",
        "image" => "图片",
        "voice" => "语音",
        "video" => "视频",
        "music" => "音乐",
        _ => "图文",
    }
}

/// What the file of an answer of this kind is, and what WeChat takes.
pub fn answer_file_label(kind: &str) -> &'static str {
    match kind {
        "image" => "图片（JPG、PNG、GIF，10 MB 以内）",
        "voice" => "语音（AMR 或 MP3，2 MB、60 秒以内）",
        "video" => "视频（MP4，10 MB 以内）",
        "music" => "封面（JPG，64 KB 以内，可不选）",
        _ => "配图（JPG、PNG，可不选）",
    }
}

pub fn answer_file_accept(kind: &str) -> &'static str {
    match kind {
        "image" | "news" => "image/jpeg,image/png,image/gif",
        "voice" => "audio/amr,audio/mpeg,.amr,.mp3",
        "video" => "video/mp4",
        _ => "image/jpeg",
    }
}

pub fn notice_read_at(at: &str) -> String {
    format!("已读 {at}")
}

/// How an answer went: in the window, or another way outside it.
pub fn reply_route(channel: Option<&str>, status: Option<&str>) -> String {
    match (channel, status) {
        (_, Some("pending")) => "不在 48 小时内：等待通知渠道送达".into(),
        (Some("custom"), _) | (None, _) => String::new(),
        (Some("template"), _) => "已通过模板消息送达".into(),
        (Some("mass"), _) => "已通过群发送达".into(),
        (Some("digest"), _) => "已在对方下次发消息时送达".into(),
        (Some(other), _) => format!("渠道：{other}"),
    }
}

pub const STEWARDS_TITLE: &str = "未绑定用户的消息";
pub const STEWARDS_HINT: &str =
    "没有绑定学生身份的关注者发来的消息，除管理员外，还由这里勾选的老师在「消息」中查看和回复。";
pub const NO_TEACHERS_YET: &str = "还没有教师账号。";
