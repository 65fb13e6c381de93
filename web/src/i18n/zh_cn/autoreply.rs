//! 自动回复: the rules that answer followers, the editor, the try-it box, and what students
//! asked that nothing answered.

pub const NAV_AUTO_REPLIES: &str = "自动回复";
pub const AR_TITLE: &str = "自动回复";
pub const AR_INTRO: &str =
    "学生发来消息时，先由内置指令回复，再依次匹配「该学生的老师的规则」「全校规则」，都没有匹配时由默认回复。拖动规则可调整顺序。";
pub const AR_TAB_RULES: &str = "回复规则";
pub const AR_TAB_UNANSWERED: &str = "未回复的问题";
pub const AR_NEW: &str = "新建规则";
pub const AR_EXPORT: &str = "导出规则";
pub const AR_IMPORT_MINE: &str = "导入为我的规则";
pub const AR_IMPORT_ACCOUNT: &str = "导入为全校规则";
pub const AR_SEARCH: &str = "搜索名称、关键词或回复内容";
pub const AR_FILTER_ALL: &str = "全部规则";
pub const AR_FILTER_MINE: &str = "我的规则";
pub const AR_FILTER_ACCOUNT: &str = "全校规则";
pub const AR_FILTER_DISABLED: &str = "已停用";
pub const AR_BUILTINS: &str = "内置指令（始终最先回复，不可修改）";
pub const AR_NO_RULES: &str = "还没有规则。新建一条，或从「未回复的问题」里据此新建。";
pub const AR_MY_SWITCH_ON: &str = "我的自动回复：已开启";
pub const AR_MY_SWITCH_OFF: &str = "我的自动回复：已关闭";
pub const AR_TURN_OFF: &str = "关闭";
pub const AR_TURN_ON: &str = "开启";
pub const AR_COL_NAME: &str = "名称";
pub const AR_COL_MATCH: &str = "匹配";
pub const AR_COL_REPLY: &str = "回复";
pub const AR_COL_OWNER: &str = "归属";
pub const AR_COL_STATE: &str = "状态";
pub const AR_COL_HITS: &str = "命中";
pub const AR_ACCOUNT_WIDE: &str = "全校";
pub const AR_ON: &str = "启用";
pub const AR_OFF: &str = "停用";
pub const AR_DATA: &str = "数据";
pub const AR_MOVE_UP: &str = "上移";
pub const AR_MOVE_DOWN: &str = "下移";
pub const AR_DRAG: &str = "拖动调整顺序";
pub const AR_EDIT: &str = "编辑";
pub const AR_DELETE: &str = "删除";
pub const AR_DELETE_CONFIRM: &str = "删除这条规则？它的命中记录也会一并删除。";
pub const AR_DELETED: &str = "规则已删除。";
pub const AR_SAVED: &str = "规则已保存。";
pub const AR_REORDERED: &str = "顺序已保存。";
pub const AR_READ_ONLY: &str = "全校规则由管理员维护";
pub const AR_NEVER_HIT: &str = "未命中";
pub const AR_EDITORS_TITLE: &str = "全校自动回复";
pub const AR_EDITORS_HINT: &str = "除管理员外，勾选的老师也可以编辑全校的自动回复规则。";

// 编辑
pub const AR_EDITOR_NEW: &str = "新建规则";
pub const AR_EDITOR_EDIT: &str = "编辑规则";
pub const AR_NAME: &str = "规则名称";
pub const AR_SCOPE: &str = "归属";
pub const AR_SCOPE_MINE: &str = "我的（回复我班级和小组的学生）";
pub const AR_SCOPE_ACCOUNT: &str = "全校（回复所有人）";
pub const AR_MATCH_KIND: &str = "匹配方式";
pub const AR_KEYWORDS: &str = "关键词（每行一个，匹配任意一个即可）";
pub const AR_PATTERNS: &str = "正则表达式（每行一个）";
pub const AR_CLICK_KEY: &str = "菜单按钮的 KEY 值（每行一个）";
pub const AR_REPLIES: &str = "回复内容";
pub const AR_REPLY_HINT: &str = "文字中可以用 {姓名} 和 {班级}。第一条直接回复，其余随后以客服消息发送。";
pub const AR_ADD_REPLY: &str = "添加一条回复";
pub const AR_REMOVE: &str = "移除";
pub const AR_REPLY_MODE: &str = "回复方式";
pub const AR_MODE_ALL: &str = "依次发送全部";
pub const AR_MODE_RANDOM: &str = "随机发送一条";
pub const AR_ENABLED: &str = "启用这条规则";
pub const AR_WINDOW: &str = "生效时段（北京时间，可跨午夜，如 18:00–08:00；不填为全天）";
pub const AR_WEEKDAYS: &str = "生效日（不选为每天）";
pub const AR_AUDIENCE: &str = "回复对象";
pub const AR_VALID: &str = "有效期（可不填）";
pub const AR_VALID_FROM: &str = "开始";
pub const AR_VALID_UNTIL: &str = "结束";
pub const AR_CONFLICTS: &str = "与其他老师的规则冲突：同一学生发来这个关键词时，只会收到排在前面的那条回复。";
pub const AR_ARTICLE_TITLE: &str = "文章标题";
pub const AR_ARTICLE_URL: &str = "文章链接（https://）";
pub const AR_ADD_ARTICLE: &str = "添加一篇文章";
pub const AR_PICTURE: &str = "配图（可不传）";
pub const AR_COVER: &str = "封面（JPG，64 KB 以内，可不传）";
pub const AR_PAGE: &str = "打开的页面";
pub const AR_NOTICE_ID: &str = "通知编号";
pub const AR_UPLOADED: &str = "已上传";
pub const AR_UPLOADING: &str = "上传中…";
pub const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

// 试一试
pub const AR_TRY: &str = "试一试";
pub const AR_TRY_HINT: &str = "输入一条消息，看看谁会回复、回复什么（按编辑中的规则，不会真的发送）。";
pub const AR_TRY_TEXT: &str = "消息内容";
pub const AR_TRY_SENDER: &str = "发送者";
pub const AR_TRY_STUDENT_NO: &str = "学号（不填则取你的第一位学生）";
pub const AR_TRY_NONE: &str = "没有规则回复这条消息：它会进入「消息」的未处理，由老师回复。";
pub const AR_PASSIVE: &str = "直接回复";
pub const AR_CUSTOMER_SERVICE: &str = "随后以客服消息发送";
pub const AR_RANDOM_ONE: &str = "每次随机发送其中一条";

// 数据
pub const AR_HITS_TITLE: &str = "命中数据（近 30 天）";
pub const AR_NO_HITS: &str = "近 30 天没有命中。";
pub const AR_RECENT: &str = "最近命中的消息";
pub const AR_UNANSWERED_HINT: &str = "近 30 天没有规则回答的学生消息，按相似的说法归为一组，问得最多的在前。";
pub const AR_NO_UNANSWERED: &str = "近 30 天没有未回复的问题。";
pub const AR_MAKE_RULE: &str = "据此新建规则";
pub const AR_ALSO_ASKED: &str = "类似说法：";

pub fn match_kind(kind: &str) -> &'static str {
    match kind {
        "exact" => "精确匹配",
        "contains" => "包含关键词",
        "prefix" => "以关键词开头",
        "regex" => "正则表达式",
        "click" => "点击菜单",
        "follow" => "关注时",
        _ => "默认回复（都没匹配时）",
    }
}

pub fn auto_reply_kind(kind: &str) -> &'static str {
    match kind {
        "text" => "文字",
        "image" => "图片",
        "voice" => "语音",
        "video" => "视频",
        "music" => "音乐",
        "news" => "图文",
        _ => "页面卡片",
    }
}

pub fn audience(kind: &str) -> &'static str {
    match kind {
        "everyone" => "所有人",
        "students" => "已绑定的学生",
        "teachers" => "已绑定的老师",
        "unbound" => "未绑定的关注者",
        "classes" => "指定班级",
        _ => "指定小组",
    }
}

pub fn sender(kind: &str) -> &'static str {
    match kind {
        "student" => "学生",
        "teacher" => "老师",
        _ => "未绑定的关注者",
    }
}

/// Banji pages a link card may open.
pub const PAGES: [(&str, &str); 9] = [
    ("/s/checkin", "签到"),
    ("/s/notices", "我的通知"),
    ("/s/activities", "活动报名"),
    ("/s/documents", "常用文档"),
    ("/s/guides", "办事指南"),
    ("/s/search", "搜索"),
    ("/s/teachers", "联系方式"),
    ("/s/messages", "联系老师"),
    ("/s/bind", "绑定学号"),
];

pub fn hits(n: i64) -> String {
    format!("{n} 次")
}

pub fn asked(n: i64) -> String {
    format!("{n} 次")
}

pub fn imported(created: i64, updated: i64, problems: usize) -> String {
    if problems == 0 {
        format!("已导入：新增 {created} 条，更新 {updated} 条。")
    } else {
        format!("已导入：新增 {created} 条，更新 {updated} 条；{problems} 行没有导入：")
    }
}

pub fn answered_by_rule(name: &str, draft: bool) -> String {
    if draft {
        format!("由正在编辑的规则「{name}」回复")
    } else {
        format!("由规则「{name}」回复")
    }
}

pub fn answered_by_builtin(what: &str) -> String {
    format!("由内置指令回复：{what}")
}

pub fn as_sender(who: &str) -> String {
    format!("发送者：{who}")
}

pub fn conflict(owner: &str, rule: &str, keyword: &str) -> String {
    format!("{owner} 的规则「{rule}」也回复「{keyword}」")
}
