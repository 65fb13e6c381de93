//! What a student is told about a try, in their words (China time). The page shows the
//! same sentence the WeChat reply carries.

use chrono::FixedOffset;

use super::sessions::SessionRow;
use crate::db::to_time;

fn china_time(ms: i64, format: &str) -> String {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    to_time(ms).with_timezone(&china).format(format).to_string()
}

pub fn clock(ms: i64) -> String {
    china_time(ms, "%H:%M:%S")
}

pub fn accepted(session: &SessionRow, at: i64, late: bool) -> String {
    let late = if late { "（迟到）" } else { "" };
    format!("签到成功{late}：「{}」，{}。", session.title, clock(at))
}

pub fn refused(code: &str, session: &SessionRow, checked_at: Option<i64>, distance_m: Option<i64>) -> String {
    let title = &session.title;
    match code {
        "already_checked_in" => match checked_at {
            Some(at) => format!("你已于 {} 签到「{title}」，无需重复签到。", clock(at)),
            None => format!("你已签到「{title}」。"),
        },
        "not_open" if crate::db::now_ms() < session.starts_at => {
            format!("「{title}」的签到尚未开始（{} 开始）。", china_time(session.starts_at, "%m月%d日 %H:%M"))
        }
        "not_open" => format!("「{title}」的签到已结束。"),
        "not_on_roll" => format!("你不在「{title}」的签到名单中，如有疑问请联系老师。"),
        "method_not_allowed" => format!("「{title}」不支持这种签到方式。"),
        "wrong_code" => "签到码不正确，请核对屏幕上的签到码。".into(),
        "code_expired" => "签到码已过期，请使用屏幕上最新的签到码或二维码。".into(),
        "code_needed" => "请扫描屏幕上的二维码，或输入屏幕上的签到码。".into(),
        "position_needed" => "本次签到需要定位：请打开签到页面并允许获取位置。".into(),
        "outside_fence" => {
            let radius = session.fence_radius_m.unwrap_or_default();
            match distance_m {
                Some(d) => format!("你不在签到范围内：距签到地点约 {d} 米（范围 {radius} 米）。"),
                None => "你不在签到范围内。".into(),
            }
        }
        "too_many_attempts" => "尝试过于频繁，请一分钟后再试。".into(),
        _ => "签到未成功，请稍后再试。".into(),
    }
}

pub const NOT_BOUND: &str = "请先绑定学号再签到：发送「绑定 学号 姓名 验证码」。";
pub const NO_SESSION: &str = "你当前没有进行中的签到。";
pub const NO_MATCH: &str = "签到码不正确，或对应的签到已结束。";
