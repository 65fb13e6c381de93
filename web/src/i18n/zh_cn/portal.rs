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
        (ClientError::Network, _) => "网络不太好，请稍后再试。".into(),
        _ => "出了点问题，请稍后再试。".into(),
    }
}
