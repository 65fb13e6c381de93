//! The student pages inside WeChat.

use shared::{ReminderPolicy, VoteResults};

use crate::api::ClientError;

// The notice page's words, shared with the first view the server sends.
pub use shared::notice_page::{
    portal_corrected, portal_sent, PORTAL_ATTACHMENTS, PORTAL_CONFIRM, PORTAL_CONFIRMED, PORTAL_DEADLINE,
    PORTAL_FILES_HINT, PORTAL_NEEDS_CONFIRM, PORTAL_NOTICES, PORTAL_SEND_TO_WECHAT, PORTAL_TITLE, PORTAL_WITHDRAWN,
    PORTAL_WITHDRAWN_BODY,
};

pub const PORTAL_SIGNING_IN: &str = "正在通过微信确认身份…";
pub const PORTAL_RETRY: &str = "重新进入";
pub const PORTAL_NOT_BOUND: &str = "你还没有绑定学号。绑定后即可接收班级通知、确认已读、参与签到。";
pub const PORTAL_GO_BIND: &str = "去绑定学号";
pub const PORTAL_BIND_TITLE: &str = "绑定学号";
pub const PORTAL_BIND_INTRO: &str = "请输入学号、姓名和验证码。验证码是辅导员发给你的 6 位绑定码。";
pub const PORTAL_CODE: &str = "验证码";
pub const PORTAL_BIND: &str = "绑定";
pub const PORTAL_BINDING: &str = "绑定中…";
pub const PORTAL_BOUND: &str = "绑定成功！";
pub const PORTAL_ALREADY_BOUND: &str = "你已经绑定了学号。";
pub const PORTAL_GO_BACK: &str = "返回刚才的页面";
pub const PORTAL_ME: &str = "我的信息";
pub const PORTAL_UNBIND: &str = "解除绑定";
pub const PORTAL_UNBOUND: &str = "已解除绑定。";
pub const PORTAL_CLASSMATES: &str = "本班同学";
pub const PORTAL_CADRE_OF: &str = "班干部";
pub const PORTAL_NO_TEACHERS: &str = "没有找到公开联系方式的老师。";
pub const PORTAL_BACK: &str = "返回";
pub const PORTAL_BOUND_MARK: &str = "已绑定";
pub const PORTAL_UNBOUND_MARK: &str = "未绑定";

// Notices and subscriptions
pub const PORTAL_SUBSCRIPTIONS: &str = "通知订阅";
pub const PORTAL_NO_NOTICES: &str = "还没有收到通知。";
pub const PORTAL_UNREAD: &str = "未读";
pub const PORTAL_MUTED: &str = "已屏蔽";

/// After 发送到微信.
pub fn portal_file_sent(name: &str) -> String {
    format!("「{name}」的链接已发到你和公众号的聊天里，24 小时内有效。")
}
pub const PORTAL_SUBSCRIPTIONS_INTRO: &str = "关闭某个分类后，该分类的通知不再推送到微信，但仍会出现在「我的通知」中。";
pub const PORTAL_URGENT_ALWAYS: &str = "紧急通知始终会推送给你，不受这里的设置影响。";
pub const PORTAL_NO_CATEGORIES: &str = "暂无通知分类。";
pub const PORTAL_SAVED: &str = "已保存。";
pub const PORTAL_RECEIVING: &str = "推送到微信";

// Receipts: confirming, voting, comments, a cadre's class
pub const PORTAL_TO_CONFIRM: &str = "待确认";
pub const PORTAL_SEARCH: &str = "搜索通知标题或内容";
pub const PORTAL_NO_MATCH: &str = "没有找到相关通知。";
pub const PORTAL_CONFIRMING: &str = "提交中…";
pub const PORTAL_VOTE: &str = "投票";
pub const PORTAL_SUBMIT_VOTE: &str = "提交投票";
pub const PORTAL_CHANGE_VOTE: &str = "修改投票";
pub const PORTAL_VOTED: &str = "投票成功。";
pub const PORTAL_MY_VOTE: &str = "你的选择：";
pub const PORTAL_VOTE_CLOSED: &str = "投票已截止。";
pub const PORTAL_VOTE_RECIPIENTS_ONLY: &str = "只有收到此通知的同学可以投票。";
pub const PORTAL_COMMENTS: &str = "留言";
pub const PORTAL_NO_COMMENTS: &str = "还没有留言。";
pub const PORTAL_PUBLIC_COMMENT: &str = "公开评论";
pub const PORTAL_PRIVATE_QUESTION: &str = "私信提问老师";
pub const PORTAL_PUBLIC_HINT: &str = "所有收到此通知的同学都能看到。";
pub const PORTAL_PRIVATE_HINT: &str = "只有你和发布通知的老师能看到。";
pub const PORTAL_COMMENT_PLACEHOLDER: &str = "写下你的评论";
pub const PORTAL_ASK_PLACEHOLDER: &str = "写下你想问老师的问题";
pub const PORTAL_SEND_COMMENT: &str = "发表评论";
pub const PORTAL_SEND_QUESTION: &str = "发送提问";
pub const PORTAL_COMMENTED: &str = "评论已发表。";
pub const PORTAL_ASKED: &str = "提问已发送，老师回复后会通知你。";
pub const PORTAL_ME_AUTHOR: &str = "我";
pub const PORTAL_TEACHER_REPLY: &str = "老师回复";
pub const PORTAL_ALL_DONE: &str = "全班都已完成。";

/// `单选` / `多选，最多 2 项`, and whether it is anonymous.
pub fn portal_vote_rules(multiple: bool, most: usize, anonymous: bool) -> String {
    let kind = if multiple { format!("多选，最多 {most} 项") } else { "单选".to_string() };
    if anonymous {
        format!("{kind} · 匿名投票")
    } else {
        format!("{kind} · 老师可以看到你的选择")
    }
}

/// Why the results are not shown yet (after voting).
pub fn portal_results_later(results: VoteResults) -> &'static str {
    match results {
        VoteResults::AfterDeadline => "投票结果将在截止后公布。",
        VoteResults::TeachersOnly => "投票结果仅老师可见。",
        _ => "投票结果暂不可见。",
    }
}

pub fn portal_class_receipts(class: &str) -> String {
    format!("班级回执 · {class}")
}

pub fn portal_remind_confirm(n: usize, p: &ReminderPolicy) -> String {
    format!(
        "将再次推送此通知给名单中的 {n} 位同学（未绑定微信的同学收不到）。提醒后 {} 分钟内不能再次提醒，还可提醒 {} 次。",
        p.interval_minutes,
        (p.remaining - 1).max(0)
    )
}

pub fn portal_oauth_error(code: &str) -> &'static str {
    match code {
        "expired" => "登录已过期，请重新进入。",
        "denied" => "你取消了微信授权。",
        _ => "微信授权没有成功，请重新进入。",
    }
}

pub fn portal_error(err: &ClientError) -> String {
    if let Some(text) = super::receipts::receipts_error(err) {
        return text;
    }
    match err.code() {
        Some("signup_closed") => return "报名已截止，不能再报名或取消。".into(),
        Some("not_on_roll") => return "你不在这次签到的名单中。".into(),
        Some("not_open") => return "签到不在进行中。".into(),
        // The form already says what the code is; the server's message repeats it (for WeChat).
        Some("no_match") => return "学号、姓名或验证码不正确，请核对后重试。".into(),
        // 发送到微信: WeChat lets the account write only after the student did.
        Some("outside_window") => {
            return "微信只允许公众号在你发消息后回复你：请先给公众号发一条消息（任意内容即可），再点发送到微信。"
                .into()
        }
        Some("not_following") => return "请先关注公众号，才能接收消息。".into(),
        Some("no_customer_service") => return "本公众号不能给你发消息，请直接点文件名打开。".into(),
        Some("topic_locked") => return super::topics::TOPIC_LOCKED.into(),
        Some("topic_closed") => return super::topics::TOPIC_CLOSED.into(),
        Some("muted") => return "你在这个话题中被暂时禁言。".into(),
        _ => {}
    }
    if err.field("choices").is_some() {
        return "请按要求选择选项。".into();
    }
    if err.field("anonymous").is_some() {
        return "这个话题不能匿名发言。".into();
    }
    if err.field("title").is_some() {
        return "请填写话题名（20 字以内，不含空格和 #）。".into();
    }
    if err.field("body").is_some() {
        return "请填写内容（不超过 1000 字）。".into();
    }
    match (err, err.code()) {
        (ClientError::RateLimited { retry_after }, _) => {
            format!("尝试次数过多，请 {} 分钟后再试。", retry_after.div_ceil(60))
        }
        (ClientError::Validation(b) | ClientError::Conflict(b), Some(_)) => b.message.clone(),
        (_, Some("not_bound")) => "请先绑定学号。".into(),
        (ClientError::NotFound(_), _) => "内容不存在，或你无权查看。".into(),
        (ClientError::Network, _) => "网络不太好，请稍后再试。".into(),
        _ => "出了点问题，请稍后再试。".into(),
    }
}

// 联系老师
pub const PORTAL_MESSAGES: &str = "联系老师";
pub const PORTAL_MESSAGES_HINT: &str = "在这里或直接在公众号里给老师留言，老师的回复会显示在这里。";
pub const PORTAL_NO_MESSAGES: &str = "还没有留言。";
pub const PORTAL_MESSAGE_PLACEHOLDER: &str = "想问老师什么？";
pub const PORTAL_SEND_MESSAGE: &str = "发送";

pub fn teacher_said(name: &str) -> String {
    format!("{name}回复")
}

// WeChat's subscribe button (订阅通知)
pub const PORTAL_SUBSCRIBE: &str = "订阅通知提醒";
pub const PORTAL_SUBSCRIBE_HINT: &str = "订阅后，即使关闭了模板消息，新通知也会通过微信订阅通知提醒你。";
pub const PORTAL_SUBSCRIBED: &str = "已订阅通知提醒";
pub const PORTAL_SUBSCRIBE_IN_WECHAT: &str = "在微信中打开本页，可订阅通知提醒。";
