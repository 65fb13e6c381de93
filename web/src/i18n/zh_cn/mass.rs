//! 群发助手: plain WeChat mass messages to every follower, a class's or group's tag, or a list.

use crate::api::ClientError;

pub const NAV_MASS: &str = "群发助手";
pub const MASS_TITLE: &str = "群发助手";
pub const MASS_INTRO: &str = "给全部关注者、一个班级或群组的微信标签、或指定关注者群发一条微信消息（文字、图片、语音、视频或图文）。先预览到自己的微信，确认无误再发送；发送后可在下方查看微信报告的成功、失败和过滤人数。";
pub const MASS_COMPOSE: &str = "编辑群发消息";
pub const MASS_KIND: &str = "消息类型";
pub const MASS_AUDIENCE: &str = "发送对象";
pub const MASS_TO_ALL: &str = "全部关注者";
pub const MASS_TO_TAG: &str = "班级或群组";
pub const MASS_TO_LIST: &str = "指定关注者";
pub const MASS_CHOOSE_TAG: &str = "选择班级或群组的微信标签";
pub const MASS_NO_TAGS: &str = "没有可群发的标签：请先在班级或群组设置中开启「同步为微信标签」。";
pub const MASS_OPENIDS: &str = "关注者 OpenID（每行一个，至少 2 个）";
pub const MASS_TEXT: &str = "群发内容";
pub const MASS_TEXT_PLACEHOLDER: &str = "输入要群发的文字…";
pub const MASS_TITLE_FIELD: &str = "标题";
pub const MASS_DESCRIPTION: &str = "简介（可不填）";
pub const MASS_DIGEST: &str = "摘要（可不填）";
pub const MASS_AUTHOR: &str = "作者（可不填）";
pub const MASS_ARTICLE: &str = "正文（每段一行）";
pub const MASS_SOURCE_URL: &str = "阅读原文链接（可不填，http:// 或 https://）";
pub const MASS_PREVIEW: &str = "预览";
pub const MASS_PREVIEWING: &str = "正在发送预览…";
pub const MASS_PREVIEW_SENT: &str = "已发送到你的微信，请在手机上查看效果。";
pub const MASS_SEND: &str = "发送";
pub const MASS_SENDING: &str = "发送中…";
pub const MASS_CONFIRM_TITLE: &str = "确认群发";
pub const MASS_CONFIRM_SEND: &str = "确认发送";
pub const MASS_CONFIRM_NOTE: &str = "群发后无法撤回：删除只能让图文无法再打开，已收到的消息仍会保留在对方微信中。";
pub const MASS_SENT: &str = "已提交给微信群发，发送结果稍后显示在下方。";
pub const MASS_HISTORY: &str = "群发记录";
pub const MASS_NONE: &str = "还没有群发过消息。";
pub const MASS_WHEN: &str = "时间";
pub const MASS_CONTENT: &str = "内容";
pub const MASS_STATUS: &str = "状态";
pub const MASS_COUNTS: &str = "结果";
pub const MASS_ACTIONS: &str = "操作";
pub const MASS_REFRESH: &str = "刷新";
pub const MASS_DELETE: &str = "删除";
pub const MASS_DELETE_TITLE: &str = "删除这条群发？";
pub const MASS_DELETE_NOTE: &str = "删除后图文将无法再打开；已收到的消息卡片仍会保留在对方微信中。";
pub const MASS_DELETED_DONE: &str = "已删除。";
pub const MASS_QUOTA_LOADING: &str = "正在计算群发额度…";
pub const MASS_CHOOSE_FILE_FIRST: &str = "请先选择文件。";
pub const MASS_WAITING: &str = "等待微信报告";

pub fn mass_kind(kind: &str) -> &'static str {
    match kind {
        "text" => "文字",
        "image" => "图片",
        "voice" => "语音",
        "video" => "视频",
        _ => "图文",
    }
}

pub fn mass_file_label(kind: &str) -> &'static str {
    match kind {
        "image" => "图片（JPG、PNG、GIF，10 MB 以内）",
        "voice" => "语音（AMR 或 MP3，2 MB、60 秒以内）",
        "video" => "视频（MP4，10 MB 以内）",
        _ => "封面图片（JPG、PNG）",
    }
}

pub fn mass_file_accept(kind: &str) -> &'static str {
    match kind {
        "voice" => "audio/amr,audio/mpeg,.amr,.mp3",
        "video" => "video/mp4",
        _ => "image/jpeg,image/png,image/gif",
    }
}

/// Who a send went to, as the history names it.
pub fn mass_audience(kind: &str, name: &str, recipients: i64) -> String {
    match kind {
        "all" => format!("全部关注者（{recipients} 人）"),
        "tag" => format!("{name}（{recipients} 人）"),
        _ => format!("指定关注者 {recipients} 人"),
    }
}

pub fn mass_status(status: &str) -> &'static str {
    match status {
        "sending" => "提交中",
        "submitted" => "等待微信报告",
        "success" => "成功",
        "deleted" => "已删除",
        _ => "失败",
    }
}

/// The platform's job status in words (`err(10001)` is its content review).
pub fn mass_platform_status(status: &str) -> String {
    let code = status.trim().strip_prefix("err(").and_then(|s| s.strip_suffix(')'));
    let words = match code {
        Some("10001") => "涉嫌广告",
        Some("20001") => "涉嫌政治",
        Some("20002") => "涉嫌色情",
        Some("20004") => "涉嫌社会",
        Some("20006") => "涉嫌违法犯罪",
        Some("20008") => "涉嫌欺诈",
        Some("20013") => "涉嫌版权",
        Some("21000") => "涉嫌其他",
        Some("22000") => "涉嫌互推（互相宣传）",
        Some("30001" | "30002" | "30003") => "未通过原创校验",
        Some(_) => "未通过微信审核",
        None => match status.trim() {
            "send success" | "sendsuccess" | "SEND_SUCCESS" => "发送成功",
            "send fail" | "sendfail" | "SEND_FAIL" => "发送失败",
            "DELETE" => "已删除",
            _ => return status.to_string(),
        },
    };
    format!("{words}（{}）", status.trim())
}

/// 成功 N / 失败 N / 过滤 N of a job result.
pub fn mass_counts(sent: i64, errors: i64, filtered: i64) -> String {
    format!("成功 {sent} / 失败 {errors} / 过滤 {filtered}")
}

pub const MASS_NO_COUNTS: &str = "微信未报告人数";

/// Whom the confirmation says the message goes to.
pub fn mass_confirm_to(who: &str) -> String {
    format!("发送给：{who}")
}

/// The quota line before sending.
pub fn mass_quota_month(limit: i64, recipients: i64, over: i64) -> String {
    if over > 0 {
        format!("服务号每位关注者每月最多收到 {limit} 条群发（通知也计入）。本次对象 {recipients} 人，其中 {over} 人本月已收满，微信会将其过滤。")
    } else {
        format!("服务号每位关注者每月最多收到 {limit} 条群发（通知也计入）。本次对象 {recipients} 人，均有剩余额度。")
    }
}

pub fn mass_quota_day(sent_today: i64) -> String {
    format!("订阅号每天可群发 1 次，今天已群发 {sent_today} 次。")
}

pub fn mass_error(err: &ClientError) -> Option<String> {
    Some(match err.code()? {
        "no_bound_wechat" => "预览会发到你自己的微信：请先在「账号设置」中扫码绑定微信。".into(),
        "mass_quota_used" => "群发额度已用完：对象中的每个人本月都已收满 4 条群发（订阅号：今天已群发过）。".into(),
        "no_recipients" => "这个对象里没有已绑定并关注公众号的人。".into(),
        "unknown_tag" => "没有这个标签，或你无权向它群发。".into(),
        "unknown_follower" => "有的 OpenID 不是你可以群发的关注者。".into(),
        "account_kind" => "订阅号不能向指定关注者群发，只能发给全部关注者或标签。".into(),
        "not_sent" => "只有微信已发出的群发才能删除。".into(),
        "already_deleted" => "这条群发已经删除过了。".into(),
        "media_refused" => "微信不接受这个文件：请检查类型和大小。".into(),
        _ => return None,
    })
}
