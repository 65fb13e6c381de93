//! The student pages inside WeChat.

use crate::api::ClientError;

pub const PORTAL_TITLE: &str = "我的班级";
pub const PORTAL_SIGNING_IN: &str = "正在通过微信确认身份…";
pub const PORTAL_RETRY: &str = "重新进入";
pub const PORTAL_NOT_BOUND: &str = "你还没有绑定学号。绑定后即可接收班级通知、确认已读、参与签到。";
pub const PORTAL_GO_BIND: &str = "去绑定学号";
pub const PORTAL_BIND_TITLE: &str = "绑定学号";
pub const PORTAL_BIND_INTRO: &str =
    "请输入学号、姓名和验证码。验证码是辅导员发给你的 6 位绑定码，也可以是登记的手机号后四位。";
pub const PORTAL_CODE: &str = "验证码";
pub const PORTAL_BIND: &str = "绑定";
pub const PORTAL_BINDING: &str = "绑定中…";
pub const PORTAL_BOUND: &str = "绑定成功！";
pub const PORTAL_ME: &str = "我的信息";
pub const PORTAL_UNBIND: &str = "解除绑定";
pub const PORTAL_UNBOUND: &str = "已解除绑定。";
pub const PORTAL_CLASSMATES: &str = "本班同学";
pub const PORTAL_CADRE_OF: &str = "班干部";
pub const PORTAL_TEACHERS: &str = "老师通讯录";
pub const PORTAL_TEACHERS_SEARCH: &str = "搜索老师姓名、职务或办公室";
pub const PORTAL_NO_TEACHERS: &str = "没有找到公开联系方式的老师。";
pub const PORTAL_BACK: &str = "返回";
pub const PORTAL_BOUND_MARK: &str = "已绑定";
pub const PORTAL_UNBOUND_MARK: &str = "未绑定";

// Notices and subscriptions
pub const PORTAL_NOTICES: &str = "我的通知";
pub const PORTAL_SUBSCRIPTIONS: &str = "通知订阅";
pub const PORTAL_NO_NOTICES: &str = "还没有收到通知。";
pub const PORTAL_UNREAD: &str = "未读";
pub const PORTAL_WITHDRAWN: &str = "已撤回";
pub const PORTAL_MUTED: &str = "已屏蔽";
pub const PORTAL_WITHDRAWN_BODY: &str = "该通知已撤回，内容不再显示。";
pub const PORTAL_DEADLINE: &str = "截止时间";
pub const PORTAL_NEEDS_CONFIRM: &str = "发布者要求确认收到此通知。";
pub const PORTAL_ATTACHMENTS: &str = "附件";
pub const PORTAL_SUBSCRIPTIONS_INTRO: &str = "关闭某个分类后，该分类的通知不再推送到微信，但仍会出现在「我的通知」中。";
pub const PORTAL_URGENT_ALWAYS: &str = "紧急通知始终会推送给你，不受这里的设置影响。";
pub const PORTAL_NO_CATEGORIES: &str = "暂无通知分类。";
pub const PORTAL_SAVED: &str = "已保存。";
pub const PORTAL_RECEIVING: &str = "推送到微信";

pub fn portal_sent(author: Option<&str>, time: &str) -> String {
    match author {
        Some(a) => format!("{a} · {time}"),
        None => time.to_string(),
    }
}

pub fn portal_oauth_error(code: &str) -> &'static str {
    match code {
        "expired" => "登录已过期，请重新进入。",
        "denied" => "你取消了微信授权。",
        _ => "微信授权没有成功，请重新进入。",
    }
}

pub fn portal_error(err: &ClientError) -> String {
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
