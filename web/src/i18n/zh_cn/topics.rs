//! 话题: the students' topic pages and the console's 话题.

pub const TOPICS_TITLE: &str = "话题讨论";
pub const TOPICS_INTRO: &str = "和同学们聊聊正在进行的话题。在公众号里发送「#话题名 你想说的话」也可以参与。";
pub const TOPICS_NONE: &str = "现在没有你可以参加的话题。";
pub const TOPIC_COL_POSTS: &str = "发言数";
pub const TOPIC_COL_PEOPLE: &str = "参与人数";
pub const TOPIC_NEW: &str = "最新";
pub const TOPIC_HOT: &str = "最热";
pub const TOPIC_WRITE_PLACEHOLDER: &str = "说说你的想法……";
pub const TOPIC_ANONYMOUS: &str = "匿名发言（同学看不到你的名字，老师可以看到）";
pub const TOPIC_SEND: &str = "发言";
pub const TOPIC_SENT: &str = "已发言。";
pub const TOPIC_HELD: &str = "已提交，老师审核后显示。";
pub const TOPIC_HELD_BADGE: &str = "审核中";
pub const TOPIC_PINNED: &str = "置顶";
pub const TOPIC_REPLY: &str = "回复";
pub const TOPIC_REPLY_PLACEHOLDER: &str = "回复这条发言……";
pub const TOPIC_LIKE: &str = "赞";
pub const TOPIC_REPORT: &str = "举报";
pub const TOPIC_REPORTED: &str = "已举报，老师会尽快查看。";
pub const TOPIC_NO_POSTS: &str = "还没有人发言，来说第一句吧。";
pub const TOPIC_LOCKED: &str = "这个话题已锁定，只能浏览。";
pub const TOPIC_CLOSED: &str = "这个话题已结束，只能浏览。";
pub const TOPIC_ALL: &str = "全部话题";
pub const TOPIC_PROPOSE: &str = "提议一个话题";
pub const TOPIC_PROPOSE_TITLE: &str = "话题名（不含空格）";
pub const TOPIC_PROPOSE_DESCRIPTION: &str = "想聊什么";
pub const TOPIC_PROPOSE_SEND: &str = "提交给老师";
pub const TOPIC_PROPOSED: &str = "已提交，老师同意后开放。";

pub fn topic_muted(until: &str) -> String {
    format!("你在这个话题中被暂时禁言，{until} 后可以发言。")
}

pub const TOPIC_PICTURE: &str = "话题图片";

/// The picture picker's line: what it takes, or how many are chosen.
pub fn topic_pictures_chosen(n: usize) -> String {
    if n == 0 {
        "添加图片（最多 3 张，每张 5 MB 以内）".into()
    } else {
        format!("已选 {n} 张图片")
    }
}

pub fn topic_counts(posts: i64, people: i64) -> String {
    format!("{posts} 条发言 · {people} 人参与")
}

// The console's.
pub const NAV_TOPICS: &str = "话题";
pub const TOPICS_CONSOLE_INTRO: &str =
    "学生在手机上或在公众号里发送「#话题名 内容」参与讨论。含审核词的发言先进入审核队列，被举报的发言也会出现在这里。";
pub const TOPICS_QUEUE: &str = "审核队列";
pub const TOPICS_QUEUE_EMPTY: &str = "没有待审核的发言。";
pub const TOPICS_LIST: &str = "话题";
pub const TOPICS_OPEN_NEW: &str = "开设话题";
pub const TOPIC_TITLE_LABEL: &str = "话题名";
pub const TOPIC_DESCRIPTION_LABEL: &str = "简介";
pub const TOPIC_ALLOW_ANONYMOUS: &str = "允许匿名发言";
pub const TOPIC_FOR_CLASSES: &str = "面向班级（不选则面向全体）";
pub const TOPIC_OPENED: &str = "话题已开设。";
pub const TOPIC_APPROVE: &str = "通过";
pub const TOPIC_HIDE: &str = "隐藏";
pub const TOPIC_PIN: &str = "置顶";
pub const TOPIC_UNPIN: &str = "取消置顶";
pub const TOPIC_MUTE_DAY: &str = "禁言一天";
pub const TOPIC_MUTED_DONE: &str = "已禁言该学生 24 小时。";
pub const TOPIC_LOCK: &str = "锁定";
pub const TOPIC_UNLOCK: &str = "解锁";
pub const TOPIC_CLOSE: &str = "结束";
pub const TOPIC_REOPEN: &str = "重新开放";
pub const TOPIC_ACCEPT: &str = "同意开放";
pub const TOPIC_REJECT: &str = "不同意";
pub const TOPIC_EXPORT: &str = "导出";
pub const TOPIC_VIEW: &str = "查看发言";
pub const TOPIC_DONE: &str = "已处理。";
pub const TOPIC_ANONYMOUS_BADGE: &str = "匿名";
pub const TOPIC_REPORTS: &str = "举报";
pub const TOPIC_HELD_FOR: &str = "命中审核词";
pub const TOPIC_ACTIVITY: &str = "每天的发言";
pub const TOPIC_BY_CLASS: &str = "各班参与";
pub const TOPIC_WORDS: &str = "审核词表";
pub const TOPIC_WORDS_HINT: &str = "每行一个词。含这些词的发言不会直接显示，先进入审核队列。";
pub const TOPIC_WORDS_SAVED: &str = "审核词表已保存。";
pub const TOPIC_EVERYONE: &str = "全体";

pub fn topic_status(status: shared::TopicStatus) -> &'static str {
    match status {
        shared::TopicStatus::Proposed => "学生提议",
        shared::TopicStatus::Open => "进行中",
        shared::TopicStatus::Closed => "已结束",
        shared::TopicStatus::Rejected => "未通过",
    }
}
