//! The teachers' phone pages (`/t/…`), opened inside WeChat.

use crate::api::ClientError;

pub const TP_TITLE: &str = "教师工作台";
pub const TP_SIGNING_IN: &str = "正在通过微信确认老师身份…";
pub const TP_NOT_TEACHER: &str = "这个微信还没有绑定教师账号。";
pub const TP_HOW_TO_BIND: &str =
    "请在电脑上登录班级控制台，打开「账号设置」，用这个微信扫描页面上的二维码完成绑定；绑定后从公众号菜单重新进入。";
pub const TP_SIGN_IN_FAILED: &str = "微信登录没有成功，请从公众号菜单重新进入。";
pub const TP_RETRY: &str = "重新进入";
pub const TP_BACK: &str = "返回";
pub const TP_HELLO: &str = "您好";
pub const TP_MY_NOTICES: &str = "我的通知";
pub const TP_QUICK_NOTICE: &str = "快速通知";
pub const TP_CHECKIN: &str = "课堂签到";
pub const TP_MESSAGES: &str = "学生消息";
pub const TP_APPROVALS: &str = "注册审批";
pub const TP_OPEN_CONSOLE: &str = "在电脑上打开完整控制台";
pub const TP_NO_NOTICES: &str = "还没有发出的通知。";
pub const TP_SENT: &str = "送达";
pub const TP_READ: &str = "已读";
pub const TP_CONFIRMED: &str = "已确认";
pub const TP_BY_CLASS: &str = "各班情况";
pub const TP_UNREAD_LIST: &str = "未读名单";
pub const TP_UNCONFIRMED_LIST: &str = "未确认名单";
pub const TP_ALL_READ: &str = "全部已读。";
pub const TP_REMIND_UNREAD: &str = "提醒未读";
pub const TP_REMIND_CONFIRM: &str = "确认提醒";
pub const TP_CANCEL: &str = "取消";
pub const TP_EXPORT_TO_ME: &str = "名单发到我的微信";
pub const TP_EXPORT_SENT: &str = "名单已发送到您的微信，请在公众号对话中查看（24 小时内有效）。";
pub const TP_TITLE_LABEL: &str = "标题";
pub const TP_BODY_LABEL: &str = "内容";
pub const TP_AUDIENCE: &str = "发给";
pub const TP_CLASSES: &str = "班级";
pub const TP_GROUPS: &str = "分组";
pub const TP_NEEDS_CONFIRM: &str = "需要学生确认收到";
pub const TP_PHOTO: &str = "照片（可选）";
pub const TP_PREVIEW: &str = "预览";
pub const TP_EDIT: &str = "返回修改";
pub const TP_SEND: &str = "确认发送";
pub const TP_SENDING: &str = "正在发送…";
pub const TP_CHOOSE_AUDIENCE: &str = "请至少选择一个班级或分组。";
pub const TP_FILL_TITLE_BODY: &str = "请填写标题和内容。";
pub const TP_PROGRESS: &str = "发送进度";
pub const TP_VIEW_REPORT: &str = "查看阅读情况";
pub const TP_NO_CLASSES: &str = "您还没有负责的班级或分组。";
pub const TP_START_CHECKIN: &str = "发起签到";
pub const TP_CHECKIN_CLASS: &str = "签到班级";
pub const TP_CHECKIN_MINUTES: &str = "签到时长";
pub const TP_CHECKIN_TITLE: &str = "课堂签到";
pub const TP_CODE: &str = "签到码";
pub const TP_ABSENT: &str = "未签到";
pub const TP_CLOSE_CHECKIN: &str = "结束签到";
pub const TP_CLOSED: &str = "签到已结束";
pub const TP_MAKE_UP: &str = "补签";
pub const TP_MAKE_UP_REASON: &str = "补签原因";
pub const TP_MAKE_UP_DONE: &str = "已补签";
pub const TP_FULL_SCREEN: &str = "全屏显示";
pub const TP_RECENT_CHECKINS: &str = "最近的签到";
pub const TP_NO_THREADS: &str = "没有待处理的学生消息。";
pub const TP_REPLY_PLACEHOLDER: &str = "回复学生…";
pub const TP_REPLY: &str = "回复";
pub const TP_MARK_HANDLED: &str = "标为已处理";
pub const TP_NO_PENDING: &str = "没有待审批的教师注册。";
pub const TP_APPROVE: &str = "通过";
pub const TP_APPROVED: &str = "已通过";
pub const TP_ADMINS_ONLY: &str = "只有管理员可以审批注册。";

pub fn tp_minutes(n: i64) -> String {
    format!("{n} 分钟")
}

pub fn tp_rates(sent: i64, read: i64, confirmed: Option<i64>) -> String {
    match confirmed {
        Some(c) => format!("送达 {sent} · 已读 {read} · 已确认 {c}"),
        None => format!("送达 {sent} · 已读 {read}"),
    }
}

pub fn tp_recipients(n: i64, unbound: i64) -> String {
    if unbound > 0 {
        format!("将发给 {n} 位学生，其中 {unbound} 位未绑定微信，收不到推送")
    } else {
        format!("将发给 {n} 位学生")
    }
}

pub fn tp_remind_ask(n: i64, remaining: i64) -> String {
    format!("提醒 {n} 位未读的学生？这条通知还能提醒 {remaining} 次。")
}

pub fn tp_reminded(n: i64) -> String {
    format!("已提醒 {n} 位学生。")
}

pub fn tp_remind_wait(minutes: i64) -> String {
    format!("刚提醒过，{minutes} 分钟后才能再次提醒。")
}

pub fn tp_progress(done: i64, total: i64) -> String {
    format!("已发送 {done} / {total}")
}

pub fn tp_count(checked: i64, total: i64) -> String {
    format!("{checked} / {total} 人已签到")
}

pub fn tp_more(n: usize) -> String {
    format!("等 {n} 人")
}

pub fn tp_error(err: &ClientError) -> String {
    match err.code() {
        Some("wechat_not_bound") => "请先在「账号设置」绑定微信。".into(),
        Some("outside_window") => {
            "微信只允许公众号在您发消息后回复您：请先给公众号发一条消息（任意内容），再试一次。".into()
        }
        Some("not_following") => "请先关注公众号。".into(),
        _ => super::error(err),
    }
}
