//! Notices in the console: the list, composing (audience, live count, attachments),
//! sending, the detail page, and the admins' categories and template mappings.

use shared::{Audience, AudienceCount, NoticeStatus, Urgency};

use crate::api::ClientError;

// Navigation
pub const NAV_NOTICES: &str = "通知";
pub const NAV_CATEGORIES: &str = "通知分类";
pub const NAV_TEMPLATES: &str = "模板消息";

// List
pub const NOTICES_TITLE: &str = "通知";
pub const NOTICES_INTRO: &str = "撰写通知并推送到学生的微信，发送后可实时查看每位学生的送达情况。";
pub const NEW_NOTICE: &str = "新建通知";
pub const NOTICES_SEARCH_PLACEHOLDER: &str = "搜索标题或正文";
pub const ALL_CATEGORIES: &str = "全部分类";
pub const ALL_URGENCIES: &str = "全部紧急程度";
pub const ALL_AUTHORS: &str = "全部发布人";
pub const CREATED_FROM: &str = "创建日期";
pub const CREATED_UNTIL: &str = "至";
pub const NO_NOTICES: &str = "没有符合条件的通知。";
pub const NOTICE_TITLE: &str = "标题";
pub const CATEGORY: &str = "分类";
pub const URGENCY: &str = "紧急程度";
pub const AUTHOR: &str = "发布人";
pub const RECIPIENTS: &str = "接收人数";
pub const VIEW: &str = "查看";
pub const BACK_TO_NOTICES: &str = "返回通知列表";

pub fn notice_status(status: NoticeStatus) -> &'static str {
    match status {
        NoticeStatus::Draft => "草稿",
        NoticeStatus::Scheduled => "定时发送",
        NoticeStatus::Sending => "发送中",
        NoticeStatus::Sent => "已发送",
        NoticeStatus::Withdrawn => "已撤回",
    }
}

pub const NOTICE_STATUSES: [NoticeStatus; 5] =
    [NoticeStatus::Draft, NoticeStatus::Scheduled, NoticeStatus::Sending, NoticeStatus::Sent, NoticeStatus::Withdrawn];

pub use shared::notice_page::urgency;

pub const URGENCIES: [Urgency; 3] = [Urgency::Urgent, Urgency::Important, Urgency::Normal];

pub fn sent_at(time: &str) -> String {
    format!("发送于 {time}")
}

pub fn scheduled_for(time: &str) -> String {
    format!("定时 {time}")
}

pub fn created_at(time: &str) -> String {
    format!("创建于 {time}")
}

// Compose
pub const EDIT_NOTICE: &str = "编辑通知";
pub const BODY: &str = "正文";
pub const WRITE: &str = "编写";
pub const MARKDOWN_HINT: &str =
    "支持 Markdown：**加粗**、# 标题、- 列表、[链接文字](https://…)。学生看到的就是「预览」中的样子。";
pub const PREVIEW_EMPTY: &str = "正文为空。";
pub const NO_CATEGORY: &str = "不分类";
pub const REQUIRES_CONFIRMATION: &str = "需要学生确认收到";
pub const DEADLINE: &str = "截止时间（可不填）";
pub const SAVE_DRAFT: &str = "保存草稿";
pub const DRAFT_SAVED: &str = "草稿已保存。";
pub const SEND_ELLIPSIS: &str = "发送…";
pub const NOT_EDITABLE: &str = "该通知已开始发送，不能再修改。";
pub const TITLE_PLACEHOLDER: &str = "例如：关于期末考试安排的通知";

// Audience
pub const AUDIENCE: &str = "接收对象";
pub const ADD_CLASS: &str = "添加班级…";
pub const ADD_GROUP: &str = "添加分组…";
pub const STUDENT_SEARCH: &str = "搜索姓名或学号，添加个别学生";
pub const PUBLIC_AUDIENCE: &str = "全体关注者";
pub const PUBLIC_HINT: &str = "发送给公众号的所有关注者，包括未绑定学号的家长和访客。";
pub const NO_AUDIENCE: &str = "还没有选择接收对象。";
pub const NO_TEMPLATE: &str =
    "尚未设置通知使用的模板消息：通知将改用客服消息推送，只有 48 小时内与公众号互动过的学生能收到，其他学生只能在「我的通知」中看到。";
pub const NO_TEMPLATE_ACCOUNT: &str =
    "公众号不能发送模板消息（需认证服务号）：通知将改用客服消息推送，只有 48 小时内与公众号互动过的学生能收到。";
pub const GO_MAP_TEMPLATE: &str = "去设置模板消息";
pub const CHIP_CLASS: &str = "班级";
pub const CHIP_GROUP: &str = "分组";
pub const NO_STUDENT_MATCH: &str = "没有找到学生。";
pub const COUNTING: &str = "正在计算人数…";
pub const COUNT_HINT: &str =
    "未绑定或已取关的学生收不到推送；屏蔽了该分类的学生不会收到推送（紧急通知除外），但都能在「我的通知」中看到。";

pub fn student_chip(id: i64) -> String {
    format!("学生 #{id}")
}

pub fn recipients(n: i64) -> String {
    format!("共 {n} 位接收人")
}

/// `学生 30 人，其他关注者 2 人`.
pub fn audience_breakdown(c: &AudienceCount) -> String {
    let mut parts = vec![format!("学生 {} 人", c.students)];
    if c.followers > 0 {
        parts.push(format!("其他关注者 {} 人", c.followers));
    }
    parts.join("，")
}

/// The ones a push will not reach (empty when all are reachable).
pub fn audience_problems(c: &AudienceCount) -> Vec<String> {
    let mut parts = Vec::new();
    if c.unbound > 0 {
        parts.push(format!("未绑定微信 {} 人", c.unbound));
    }
    if c.not_following > 0 {
        parts.push(format!("已取消关注 {} 人", c.not_following));
    }
    if c.muted > 0 {
        parts.push(format!("屏蔽了该分类 {} 人", c.muted));
    }
    parts
}

/// `2 个班级、1 个分组、3 名学生`.
pub fn audience_summary(a: &Audience) -> String {
    let mut parts = Vec::new();
    if !a.classes.is_empty() {
        parts.push(format!("{} 个班级", a.classes.len()));
    }
    if !a.groups.is_empty() {
        parts.push(format!("{} 个分组", a.groups.len()));
    }
    if !a.students.is_empty() {
        parts.push(format!("{} 名学生", a.students.len()));
    }
    if a.public {
        parts.push(PUBLIC_AUDIENCE.to_string());
    }
    if parts.is_empty() {
        NO_AUDIENCE.to_string()
    } else {
        parts.join("、")
    }
}

// Attachments
pub const ATTACHMENTS: &str = "附件";
pub const UPLOAD: &str = "上传附件";
pub const UPLOADING: &str = "上传中…";
pub const NO_ATTACHMENTS: &str = "没有附件。";
// Kept while writing
pub const RESTORE: &str = "恢复";
pub const DISCARD: &str = "丢弃";

pub fn unsaved_copy(at: &str) -> String {
    format!("这里有一份未保存的内容（{at} 编辑），要恢复吗？")
}

// The Markdown toolbar
pub const MD_TOOLBAR: &str = "格式";
pub const MD_BOLD: &str = "加粗";
pub const MD_LIST: &str = "列表";
pub const MD_LINK: &str = "链接";
pub const MD_TABLE_LABEL: &str = "表格";
pub const MD_IMAGE: &str = "图片";
pub const MD_BOLD_TEXT: &str = "加粗文字";
pub const MD_LINK_TEXT: &str = "链接文字";
pub const MD_IMAGE_TEXT: &str = "图片说明";
pub const MD_LIST_ITEM: &str = "第一项\n第二项";
pub const MD_TABLE: &str = "| 项目 | 内容 |\n| --- | --- |\n| 时间 |  |\n| 地点 |  |";

pub const ATTACH_SAVES_DRAFT: &str = "上传附件时会自动保存草稿（需先填好标题、正文和接收人）。";
pub const SAVING_FOR_ATTACHMENT: &str = "正在保存草稿，随后上传附件…";
pub const PICK_A_FILE: &str = "请先选择要上传的文件。";
pub const ATTACHMENT_ADDED: &str = "附件已上传。";
pub const ATTACHMENT_REMOVED: &str = "附件已删除。";

pub use shared::notice_page::file_size;

pub fn downloads(n: i64) -> String {
    format!("下载 {n} 次")
}

// Sending
pub const SEND_TITLE: &str = "发送通知";
pub const SEND: &str = "发送";
pub const SEND_NOW: &str = "立即发送";
pub const SEND_LATER: &str = "定时发送";
pub const SEND_AT: &str = "发送时间";
pub const CONFIRM_SEND: &str = "确定发送";
pub const SEND_AT_REQUIRED: &str = "请选择一个将来的发送时间。";
pub const SENDING_STARTED: &str = "通知已开始发送。";
pub const NO_RECIPIENTS: &str = "这些接收对象目前没有任何人，请先修改接收对象。";

pub fn send_summary(n: i64) -> String {
    format!("将发送给 {n} 位接收人。")
}

pub fn send_unreachable(unbound: i64, not_following: i64) -> String {
    let mut who = Vec::new();
    if unbound > 0 {
        who.push(format!("{unbound} 人未绑定微信"));
    }
    if not_following > 0 {
        who.push(format!("{not_following} 人已取消关注"));
    }
    format!("其中 {}，无法推送，只能在「我的通知」中看到。", who.join("、"))
}

pub fn send_muted(muted: i64) -> String {
    format!("{muted} 人屏蔽了该分类，不会推送给他们。")
}

pub fn scheduled_done(time: &str) -> String {
    format!("已定时，将于 {time} 发送。")
}

// Detail
pub const DELETE_DRAFT: &str = "删除";
pub const WITHDRAW: &str = "撤回";
pub const WITHDRAWN_DONE: &str = "通知已撤回。";
pub const SCHEDULED_AT: &str = "定时发送";
pub const SENT_AT: &str = "发送时间";
pub const FINISHED_AT: &str = "发送完成";
pub const WITHDRAWN_AT: &str = "撤回时间";
pub const DEADLINE_AT: &str = "截止时间";
pub const CONFIRMATION: &str = "确认收到";
pub const NEEDED: &str = "需要";
pub const NOT_NEEDED: &str = "不需要";

pub fn confirm_delete_notice(title: &str) -> String {
    format!("确定删除「{title}」吗？其附件一并删除，此操作无法撤销。")
}

pub fn confirm_withdraw(title: &str) -> String {
    format!(
        "确定撤回「{title}」吗？尚未发出的消息将不再发送，学生打开通知时会看到「已撤回」。已经发出的微信消息无法收回。"
    )
}

// Categories (admins)
pub const CATEGORIES_TITLE: &str = "通知分类";
pub const CATEGORIES_INTRO: &str =
    "学生可以在微信中屏蔽不想接收推送的分类（紧急通知除外）。删除分类后，其通知保留，但不再属于任何分类。";
pub const CATEGORY_NAME: &str = "分类名称";
pub const ADD_CATEGORY: &str = "添加分类";
pub const RENAME: &str = "重命名";
pub const CATEGORY_SAVED: &str = "分类已保存。";
pub const CATEGORY_DELETED: &str = "分类已删除。";
pub const NO_CATEGORIES: &str = "还没有分类。";

pub fn confirm_delete_category(name: &str) -> String {
    format!("确定删除分类「{name}」吗？其通知会保留，学生对该分类的屏蔽设置将被清除。")
}

// Template mappings (admins)
pub const TEMPLATES_TITLE: &str = "模板消息";
pub const TEMPLATES_INTRO: &str =
    "为每类消息选择公众号中的模板，并指定每项内容填入模板的哪个字段。未设置模板时，通知会改用客服消息或群发送达。";
pub const TEMPLATE: &str = "模板";
pub const CHOOSE_TEMPLATE: &str = "选择模板…";
pub const TEMPLATE_ID: &str = "模板 ID";
pub const TEMPLATE_FIELDS: &str = "内容与模板字段";
pub const NOT_FILLED: &str = "不填";
pub const KEYWORD_PLACEHOLDER: &str = "例如 thing1";
pub const TEMPLATE_SAVED: &str = "模板设置已保存。";
pub const TEMPLATE_CLEARED: &str = "已清除，这类消息不再使用模板。";
pub const CLEAR: &str = "清除";
pub const MAPPED: &str = "已设置";
pub const NOT_MAPPED: &str = "未设置";

pub fn templates_unavailable(reason: &str) -> String {
    format!("无法读取公众号的模板列表（{reason}）。可以手动填写模板 ID 和字段名。")
}

pub fn template_value(value: &str) -> String {
    match value {
        "title" => "通知标题",
        "author" => "发布人",
        "time" => "发布时间",
        "category" => "分类",
        "urgency" => "紧急程度",
        "excerpt" => "内容摘要",
        "deadline" => "截止时间",
        other => return other.to_string(),
    }
    .to_string()
}

/// Errors of the notice pages, in words.
pub fn notices_error(err: &ClientError) -> Option<String> {
    if let Some(problem) = err.field("file") {
        return Some(attachment_problem(&problem));
    }
    if err.field("audience").is_some() || err.field("audience.public").is_some() {
        return Some("请选择接收对象（全体关注者仅管理员可选）。".into());
    }
    if err.field("audience.classes").is_some() || err.field("audience.groups").is_some() {
        return Some("接收对象中有您不负责或已删除的班级、分组。".into());
    }
    if err.field("audience.students").is_some() {
        return Some("接收对象中有您不负责或已删除的学生。".into());
    }
    if err.field("at").is_some() {
        return Some(SEND_AT_REQUIRED.into());
    }
    Some(
        match err.code()? {
            "notice_sent" => NOT_EDITABLE,
            "not_sent" => "只有已发送的通知可以撤回；草稿请直接删除。",
            "category_taken" => "已有同名分类。",
            "bad_upload" => "上传失败，请重试。",
            _ => return None,
        }
        .into(),
    )
}

/// The server's (English) problem with an uploaded file.
pub fn attachment_problem(server: &str) -> String {
    if server.starts_with("this kind of file is not accepted") {
        let allowed = server.split_once("allowed: ").map(|(_, a)| a).unwrap_or_default();
        return format!("不支持此类文件。可上传：{allowed}");
    }
    if let Some(mb) = server.strip_prefix("is larger than ") {
        return format!("文件不能超过 {mb}。");
    }
    match server {
        "is empty" => "文件是空的。".into(),
        "needs a file name" => "文件缺少名称。".into(),
        other => other.to_string(),
    }
}

// Correcting a sent notice
pub const CORRECT: &str = "更正";
pub const CORRECT_HINT: &str = "修改已发送通知的标题或正文（如错别字）。学生页面会标注「已修改」，不会再次推送；需要告知学生时，请在下方使用「提醒」。";
pub const CORRECTED: &str = "已更正。学生打开通知时会看到修改后的内容。";
pub const CORRECTED_AT: &str = "更正时间";
