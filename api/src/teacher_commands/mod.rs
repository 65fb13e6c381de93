//! What a bound teacher can do by writing to the account (issue 17's text commands), so
//! the common jobs need no computer: send a class a notice (previewed, then confirmed),
//! see how the latest notices were read, list and remind the unread, start a check-in.
//!
//! Each command acts as the teacher's `Caller` (`Caller::of_wechat`): scoped exactly like
//! their console login, through the same domain functions the console's routes call, and
//! audited with the channel `wechat`. Anyone else sending the same words gets what they
//! would have got without these rules — `crate::conversation` decides that, where every
//! rule is listed. Each answer takes a few queries, well within the webhook's budget.
//!
//! - `notice`: 「发通知 班级 内容」, 「确认」, 「取消」 (the draft waits in the Kv).
//! - `receipts`: 「统计」, 「未读 N」, 「提醒 N」.
//! - `checkin`: 「签到 发起 班级」.
//! - `classes`: which class a command names; `text`: the answers' wording.

pub mod checkin;
mod classes;
pub mod notice;
pub mod receipts;
mod text;

use crate::error::ApiError;
use crate::state::AppState;

/// The teacher's 帮助, with the link to the teacher pages.
pub fn help(state: &AppState) -> String {
    format!("{}\n老师页面：{}/api/v1/portal/oauth?next=/t/", text::HELP, state.config.public_url)
}

/// A notice's report on the teacher's phone pages (opened in WeChat, which signs the
/// teacher in), with the full list of who has not read.
fn notice_link(state: &AppState, id: i64) -> String {
    format!("{}/t/notices/{id}", state.config.public_url)
}

/// Why a domain function refused, for the teacher; a failure of Banji itself (5xx) is
/// the handler's error instead (logged by the webhook).
fn refusal(err: &ApiError) -> anyhow::Result<String> {
    let body = err.body();
    if err.status() >= 500 {
        anyhow::bail!("teacher command failed: {} ({})", body.message, body.code);
    }
    let fields = body.fields.as_ref();
    Ok(match body.code.as_str() {
        _ if fields.is_some_and(|f| f.keys().any(|k| k.starts_with("audience"))) => text::NOT_YOUR_CLASS.into(),
        "not_found" => "没有找到。".into(),
        "notice_sent" => "这条通知已经发出。".into(),
        code => format!("请求没有完成（{code}），请在电脑上操作。"),
    })
}
