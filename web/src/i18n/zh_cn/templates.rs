//! The template page's words for what changed on the platform since 2023: typed
//! keywords, the category template library, subscribe notifications.

pub const SUBSCRIBE_TITLE: &str = "订阅通知";
pub const SUBSCRIBE_INTRO: &str =
    "学生在通知页点击「订阅通知提醒」后，可用订阅通知送达（在模板消息之后、客服消息之前）。长期订阅一直有效；一次性订阅每次发送用掉一次。";
pub const SUBSCRIBE_NONE: &str = "公众号还没有订阅通知模板。请先在公众平台「订阅通知」中从公共模板库选用。";
pub const LIBRARY_TITLE: &str = "公众号的模板";
pub const LIBRARY_INTRO: &str =
    "2023 年起新模板只能从类目模板库添加，每个关键词有类型和字数限制；超出限制的内容会被班级自动截短，无法适配时改用其他渠道并说明原因。";
pub const LIBRARY_ADD: &str = "从类目模板库添加";
pub const LIBRARY_SHORT_ID: &str = "模板编号";
pub const LIBRARY_SHORT_ID_HINT: &str = "类目模板库中的编号，例如 OPENTM411999701";
pub const LIBRARY_KEYWORDS: &str = "关键词名称";
pub const LIBRARY_KEYWORDS_HINT: &str = "用逗号分隔，例如：通知标题，发布人，发布时间";
pub const LIBRARY_ADDED: &str = "模板已添加。";
pub const LIBRARY_DELETED: &str = "模板已删除。";
pub const LIBRARY_IN_USE: &str = "使用中";
pub const LIBRARY_EMPTY: &str = "公众号还没有模板。";
pub const KEYWORD: &str = "关键词";
pub const KEYWORD_LABEL: &str = "名称";
pub const KEYWORD_KIND: &str = "类型";
pub const KEYWORD_RULE: &str = "要求";
pub const LONG_TERM: &str = "长期订阅";
pub const ONE_TIME: &str = "一次性订阅";

pub fn templates_used(used: usize, max: i64) -> String {
    format!("已有 {used} 个模板，最多 {max} 个")
}

pub fn confirm_delete_template(title: &str) -> String {
    format!("确定删除模板「{title}」吗？删除后无法恢复，需要时可重新从模板库添加。")
}

/// A keyword in a chooser: `thing1 · 通知标题（事物，20 字以内）`.
pub fn keyword_option(keyword: &shared::TemplateKeyword) -> String {
    format!("{} · {}（{}，{} 字以内）", keyword.keyword, keyword.label, keyword_kind(&keyword.kind), keyword.limit)
}

pub fn keyword_kind(kind: &str) -> &'static str {
    match kind {
        "thing" => "事物",
        "phrase" => "汉字短语",
        "character_string" => "字符串",
        "number" => "数字",
        "letter" => "字母",
        "symbol" => "符号",
        "amount" => "金额",
        "time" => "时间",
        "date" => "日期",
        "name" => "姓名",
        "phone_number" => "电话",
        "car_number" => "车牌",
        "const" => "常量",
        _ => "文本",
    }
}

// On a student's record.
pub const REFUSED_TEMPLATES: &str = "拒收模板";
pub const SUBSCRIPTIONS: &str = "订阅通知";

/// The templates a student turned off in WeChat, for their record.
pub fn refused_templates(list: &[shared::RefusedTemplate]) -> String {
    if list.is_empty() {
        return "无".into();
    }
    list.iter()
        .map(|r| {
            let what = match r.kind.as_deref() {
                Some("notice") => "新通知模板".to_string(),
                Some("reminder") => "未读提醒模板".to_string(),
                _ => format!("模板 {}", r.template_id),
            };
            format!(
                "{what}（{} 拒收，{} 后再试）",
                crate::format::datetime(&r.refused_at),
                crate::format::datetime(&r.retried_after)
            )
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// A student's subscribe-notification subscriptions, for their record.
pub fn subscriptions(list: &[shared::SubscriptionState]) -> String {
    let live: Vec<String> = list
        .iter()
        .filter(|s| s.accepted && (s.long_term || s.remaining > 0))
        .map(|s| {
            if s.long_term {
                format!("{}（长期）", s.template_id)
            } else {
                format!("{}（一次性，剩 {} 次）", s.template_id, s.remaining)
            }
        })
        .collect();
    if live.is_empty() {
        "未订阅".into()
    } else {
        live.join("；")
    }
}
