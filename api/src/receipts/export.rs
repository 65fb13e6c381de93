//! The report's lists as files (Chinese headers): every recipient, or those who have
//! not read or not confirmed, with class, binding state, times and reminders.

use shared::Receipt;

use crate::http::sheet::Sheet;

const HEADERS: [&str; 10] =
    ["学号", "姓名", "班级", "绑定微信", "关注公众号", "发送状态", "阅读时间", "确认时间", "提醒次数", "备注"];

fn china_time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    t.map(|t| t.with_timezone(&china).format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
}

fn status_label(status: &str) -> &'static str {
    match status {
        "sent" => "已发送",
        "failed" => "发送失败",
        "unbound" => "未绑定微信",
        "pending" | "sending" => "发送中",
        "held" => "待汇总推送",
        "muted" => "已屏蔽该分类",
        "cancelled" => "已撤回",
        _ => "其他",
    }
}

fn yes(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

pub fn sheet<'a>(name: &'a str, receipts: &[Receipt]) -> Sheet<'a> {
    let rows = receipts
        .iter()
        .map(|r| {
            let note = if r.read_at.is_none() && !r.bound {
                "未绑定微信，无法推送"
            } else if r.read_at.is_none() && !r.following {
                "已取消关注公众号"
            } else {
                ""
            };
            vec![
                r.student_no.clone().unwrap_or_default(),
                r.name.clone(),
                r.class_name.clone().unwrap_or_default(),
                yes(r.bound),
                yes(r.following),
                status_label(&r.status).to_string(),
                china_time(r.read_at),
                china_time(r.confirmed_at),
                r.reminded.to_string(),
                note.to_string(),
            ]
        })
        .collect();
    Sheet { name, headers: HEADERS.to_vec(), rows, widths: vec![(0, 14.0), (2, 16.0), (6, 20.0), (7, 20.0), (9, 24.0)] }
}
