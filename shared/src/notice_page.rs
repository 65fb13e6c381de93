//! The words of a student's notice page (`/s/notices/{id}`), which has two renderings:
//! the students' bundle draws it (`web::pages::portal::notice`), and the server sends its
//! first view with the page itself so it shows before any WebAssembly arrives
//! (`api::receipts::page`). Both take their words from here, so they say the same; the
//! console's other strings stay in `web/src/i18n`, which re-exports these.

use crate::Urgency;

pub const PORTAL_TITLE: &str = "我的班级";
pub const PORTAL_NOTICES: &str = "我的通知";
pub const PORTAL_WITHDRAWN: &str = "已撤回";
pub const PORTAL_WITHDRAWN_BODY: &str = "该通知已撤回，内容不再显示。";
pub const PORTAL_DEADLINE: &str = "截止时间";
pub const PORTAL_NEEDS_CONFIRM: &str = "发布者要求确认收到此通知。";
pub const PORTAL_ATTACHMENTS: &str = "附件";
pub const PORTAL_SEND_TO_WECHAT: &str = "发送到微信";
pub const PORTAL_FILES_HINT: &str =
    "点文件名打开。微信里打不开的文件（如 Word、Excel），点「发送到微信」，再在聊天里转发到「文件传输助手」，用电脑打开。";
pub const PORTAL_CONFIRM: &str = "确认收到";
pub const PORTAL_CONFIRMED: &str = "已确认";

/// Who sent it and when (`time` already formatted).
pub fn portal_sent(author: Option<&str>, time: &str) -> String {
    match author {
        Some(a) => format!("{a} · {time}"),
        None => time.to_string(),
    }
}

/// A sent notice corrected afterwards.
pub fn portal_corrected(when: &str) -> String {
    format!("已修改 · {when}")
}

/// 紧急 / 重要 / 普通.
pub fn urgency(urgency: Urgency) -> &'static str {
    urgency.label()
}

/// The badge class an urgency is drawn with, when it gets a badge at all.
pub fn urgency_badge(urgency: Urgency) -> Option<&'static str> {
    match urgency {
        Urgency::Urgent => Some("badge off"),
        Urgency::Important => Some("badge warn"),
        Urgency::Normal => None,
    }
}

pub fn file_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / 1024.0 / 1024.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_read_in_the_unit_that_fits() {
        assert_eq!(file_size(900), "900 B");
        assert_eq!(file_size(1536), "1.5 KB");
        assert_eq!(file_size(3 * 1024 * 1024), "3.0 MB");
    }

    #[test]
    fn only_urgent_and_important_notices_carry_a_badge() {
        assert_eq!(urgency_badge(Urgency::Urgent), Some("badge off"));
        assert_eq!(urgency_badge(Urgency::Important), Some("badge warn"));
        assert_eq!(urgency_badge(Urgency::Normal), None);
    }
}
