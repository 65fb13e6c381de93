//! Parametric QR codes (二维码): the list, the form, the print view; the school's name in
//! 系统设置 that the print carries; a follower's source.

use crate::api::ClientError;
use shared::QrPurpose;

pub const NAV_QRCODES: &str = "二维码";
pub const QRCODES_TITLE: &str = "二维码";
pub const QRCODES_INTRO: &str =
    "带参数的关注二维码：学生扫码关注公众号后，按二维码的用途自动加入班级或分组的微信标签、收到活动报名卡片或页面链接。每个二维码统计扫码次数和带来的新关注者。";
pub const NEW_QRCODE: &str = "新建二维码";
pub const NO_QRCODES: &str = "还没有二维码。点击「新建二维码」为班级、分组、活动或页面生成一个。";
pub const QR_NAME: &str = "名称";
pub const QR_NAME_PLACEHOLDER: &str = "例如：2024 级迎新";
pub const QR_PURPOSE: &str = "用途";
pub const QR_TARGET: &str = "对象";
pub const QR_TYPE: &str = "类型";
pub const QR_EXPIRY: &str = "有效期";
pub const QR_SCANS: &str = "扫码次数";
pub const QR_NEW_FOLLOWERS: &str = "新关注";
pub const QR_TEMPORARY: &str = "临时";
pub const QR_PERMANENT: &str = "永久";
pub const QR_EXPIRED: &str = "已过期";
pub const QR_NEVER_EXPIRES: &str = "长期有效";
pub const QR_DAYS: &str = "有效天数";
pub const QR_DAYS_HINT: &str = "1 到 30 天，到期后扫码不再加入。";
pub const QR_PERMANENT_HINT: &str =
    "永久二维码不会过期，但每个公众号一共只能生成 100000 个，且微信不能删除已生成的永久二维码。";
pub const QR_CHOOSE_CLASS: &str = "选择班级";
pub const QR_CHOOSE_GROUP: &str = "选择分组";
pub const QR_CHOOSE_ACTIVITY: &str = "选择活动";
pub const QR_PAGE: &str = "页面路径";
pub const QR_PAGE_HINT: &str = "学生页面的路径，以 /s/ 开头，例如 /s/notices（我的通知）、/s/activities（活动报名）。";
pub const QR_TAG_HINT: &str =
    "扫码的未绑定用户会加入该班级或分组的微信标签；尚未同步为微信标签的班级或分组会自动开启同步。";
pub const QR_CREATE: &str = "生成二维码";
pub const QR_CREATED: &str = "二维码已生成。";
pub const QR_PRINT: &str = "打印";
pub const QR_DELETED: &str = "二维码已删除。";
pub const BACK_TO_QRCODES: &str = "返回二维码列表";
pub const QR_SCAN_HINT: &str = "微信扫一扫";
pub const QR_IMAGE_ALT: &str = "关注公众号的二维码";
pub const QR_PRINT_NO_SCHOOL: &str = "尚未设置学校名称，打印件上不会显示学校。管理员可在「系统设置」中填写。";
pub const QR_NONE_TO_CHOOSE: &str = "没有可选的对象";

pub fn qr_purpose(purpose: QrPurpose) -> &'static str {
    match purpose {
        QrPurpose::JoinClass => "加入班级",
        QrPurpose::JoinGroup => "加入分组",
        QrPurpose::SignUp => "活动报名",
        QrPurpose::OpenPage => "打开页面",
    }
}

/// The line under the code's name on its print.
pub fn qr_print_line(purpose: QrPurpose, target: &str) -> String {
    match purpose {
        QrPurpose::JoinClass => format!("{target} 同学请扫码关注并绑定"),
        QrPurpose::JoinGroup => format!("扫码加入「{target}」"),
        QrPurpose::SignUp => format!("扫码报名「{target}」"),
        QrPurpose::OpenPage => "扫码关注并打开".into(),
    }
}

pub fn qr_valid_until(until: &str) -> String {
    format!("有效期至 {until}")
}

pub fn qr_quota(used: i64, limit: i64) -> String {
    format!("永久二维码已用 {used} / {limit} 个")
}

pub fn confirm_delete_qrcode(name: &str, permanent: bool) -> String {
    if permanent {
        format!("从列表中删除「{name}」？微信不能删除永久二维码：已印出的二维码仍可扫描，但只会回复“已停用”，也不会再加入标签。")
    } else {
        format!("从列表中删除「{name}」？已印出的二维码扫描后只会回复“已停用”。")
    }
}

/// A follower's source on their record.
pub fn follow_source(name: &str) -> String {
    format!("二维码「{name}」")
}

pub const FOLLOW_SOURCE: &str = "来源";

// 系统设置: the school's name.
pub const SCHOOL_NAME: &str = "学校名称";
pub const SCHOOL_NAME_PLACEHOLDER: &str = "例如：某某大学计算机学院";
pub const SCHOOL_NAME_HINT: &str = "印在二维码打印件上。";

/// The QR codes' own refusals.
pub fn qrcodes_error(err: &ClientError) -> Option<&'static str> {
    Some(match err.code()? {
        "permanent_qr_quota" => "公众号的 100000 个永久二维码已用完，请生成临时二维码。",
        _ => return None,
    })
}
