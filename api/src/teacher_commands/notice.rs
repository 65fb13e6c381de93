//! 「发通知 班级 内容」 → a preview, then 「确认」 sends it or 「取消」 drops it. Until it is
//! confirmed the draft lives only in the Kv (one per WeChat, gone after five minutes), so
//! a command nobody confirms leaves nothing behind in the notices; taking it out of the
//! Kv is single-use, so a 确认 sent twice (or retried by the platform) sends once.
//! Confirmed, it goes the console's way: created and sent through `notices::lifecycle`,
//! audited as `notice_created` and `notice_sent`, and the senders woken.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use shared::{Audience, NewNotice, SendRequest, Urgency};

use super::classes::{self, ClassRef};
use super::{refusal, text};
use crate::audit::Audit;
use crate::auth::Caller;
use crate::notices::{audience, lifecycle, store};
use crate::people::Scope;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

/// How long a preview waits for 「确认」.
pub const DRAFT_TTL: Duration = Duration::from_secs(5 * 60);
/// A title taken from the content is cut to this many characters.
const TITLE_CHARS: usize = 20;
/// How many lines of the body the preview shows.
const PREVIEW_LINES: usize = 3;

/// The Kv key of the draft waiting for this WeChat's 「确认」.
pub fn draft_key(openid: &str) -> String {
    format!("teacher_notice_draft:{openid}")
}

/// What 「确认」 will send.
#[derive(Debug, Serialize, Deserialize)]
struct Draft {
    user_id: i64,
    class_id: i64,
    class_name: String,
    title: String,
    body: String,
}

/// The title a notice gets from its content: its first line, cut short.
fn title_of(content: &str) -> String {
    let first = content.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    let limit = TITLE_CHARS.min(shared::notices::MAX_TITLE_CHARS - 1);
    if first.chars().count() > limit {
        format!("{}…", first.chars().take(limit).collect::<String>())
    } else {
        first.to_string()
    }
}

/// The body's first lines, for the preview.
fn opening(body: &str) -> String {
    let lines: Vec<&str> = body.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut shown: String = lines.iter().take(PREVIEW_LINES).copied().collect::<Vec<_>>().join("\n");
    if shown.chars().count() > 120 {
        shown = format!("{}…", shown.chars().take(120).collect::<String>());
    } else if lines.len() > PREVIEW_LINES {
        shown.push_str("\n…");
    }
    shown
}

fn which_class(list: &[ClassRef], problem: &str) -> String {
    if list.is_empty() {
        return text::NO_CLASSES.to_string();
    }
    format!(
        "{problem}你的班级：{}\n{}\n（也可以用序号，如「发通知 1 内容」）",
        classes::listed(list),
        text::NOTICE_USAGE
    )
}

/// 「发通知 …」: `rest` is what follows the command.
pub async fn compose(ctx: Context, me: Caller, rest: String) -> HandlerResult {
    let state = &ctx.state;
    let list = classes::of(&state.db, Scope::of(&me)).await?;
    if rest.trim().is_empty() {
        return Ok(Some(Reply::text(which_class(&list, ""))));
    }
    let Some((class, content)) = classes::named(&list, &rest) else {
        return Ok(Some(Reply::text(which_class(&list, text::NOT_YOUR_CLASS))));
    };
    if content.is_empty() {
        return Ok(Some(Reply::text(format!("没有通知内容。\n{}", text::NOTICE_USAGE))));
    }
    let draft = Draft {
        user_id: me.user_id,
        class_id: class.id,
        class_name: class.name.clone(),
        title: title_of(content),
        body: content.to_string(),
    };
    if let Err(problems) = new_notice(&draft).validate(chrono::Utc::now()) {
        let why = if problems.0.contains_key("body") { "内容太长" } else { "标题不能为空" };
        return Ok(Some(Reply::text(format!("没有生成通知：{why}。\n{}", text::NOTICE_USAGE))));
    }
    let count = audience::count(&state.db, &audience_of(&draft), None, Urgency::Normal).await?;
    let saved = state.kv.set(&draft_key(&ctx.incoming.openid), &serde_json::to_string(&draft)?, Some(DRAFT_TTL)).await;
    if let Err(err) = saved {
        tracing::warn!(error = %err, "a notice draft could not be kept");
        return Ok(Some(Reply::text(text::BUSY)));
    }
    let unreachable = count.unbound + count.not_following;
    let reach = if unreachable > 0 {
        format!("{} 名学生（其中 {unreachable} 人未绑定微信或已取消关注，收不到推送）", count.recipients)
    } else {
        format!("{} 名学生", count.recipients)
    };
    Ok(Some(Reply::text(format!(
        "通知预览\n标题：{}\n正文：{}\n发给：{}，{reach}\n{}",
        draft.title,
        opening(&draft.body),
        draft.class_name,
        text::CONFIRM_OR_CANCEL
    ))))
}

fn audience_of(draft: &Draft) -> Audience {
    Audience { classes: vec![draft.class_id], ..Audience::default() }
}

fn new_notice(draft: &Draft) -> NewNotice {
    NewNotice {
        title: draft.title.clone(),
        body: draft.body.clone(),
        audience: audience_of(draft),
        ..NewNotice::default()
    }
}

/// The pending draft of this WeChat, taken out (whoever takes it first sends it); an
/// error when the Kv cannot be asked.
async fn take(ctx: &Context, me: &Caller) -> Result<Option<Draft>, crate::kv::KvError> {
    let Some(saved) = ctx.state.kv.take(&draft_key(&ctx.incoming.openid)).await? else { return Ok(None) };
    // A draft of another account (the WeChat was bound to someone else since) is not theirs.
    Ok(serde_json::from_str::<Draft>(&saved).ok().filter(|d| d.user_id == me.user_id))
}

/// What to answer when the pending draft cannot be looked at.
fn busy(err: crate::kv::KvError) -> Reply {
    tracing::warn!(error = %err, "a notice draft could not be taken");
    Reply::text(text::BUSY)
}

/// 「确认」: sends the pending draft, as the console's create and send do.
pub async fn confirm(ctx: Context, me: Caller) -> HandlerResult {
    let draft = match take(&ctx, &me).await {
        Ok(Some(draft)) => draft,
        Ok(None) => return Ok(Some(Reply::text(text::NOTHING_PENDING))),
        Err(err) => return Ok(Some(busy(err))),
    };
    let state = &ctx.state;
    let scope = Scope::of(&me);
    let created =
        lifecycle::create(&state.db, scope, me.user_id, new_notice(&draft), Audit::by(&me, "notice_created")).await;
    let id = match created {
        Ok(id) => id,
        Err(err) => return Ok(Some(Reply::text(format!("没有发送：{}", refusal(&err)?)))),
    };
    let sent = lifecycle::send(&state.db, scope, id, SendRequest::default(), Audit::by(&me, "notice_sent")).await;
    if let Err(err) = sent {
        let link = super::notice_link(state, id);
        return Ok(Some(Reply::text(format!("通知已保存为草稿，但没有发送：{}\n{link}", refusal(&err)?))));
    }
    state.delivery.wake();
    let recipients = store::row(&state.db, id).await?.map_or(0, |row| row.recipient_count);
    Ok(Some(Reply::text(format!(
        "已发送给 {recipients} 位学生：「{}」（{}，通知编号 {id}）。\n阅读情况：{}\n发送「未读 {id}」查看未读名单，「提醒 {id}」提醒未读的学生。",
        draft.title,
        draft.class_name,
        super::notice_link(state, id)
    ))))
}

/// 「取消」: drops the pending draft.
pub async fn cancel(ctx: Context, me: Caller) -> HandlerResult {
    Ok(Some(match take(&ctx, &me).await {
        Ok(Some(_)) => Reply::text(text::CANCELLED),
        Ok(None) => Reply::text(text::NOTHING_PENDING),
        Err(err) => busy(err),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_is_the_first_line_cut_short() {
        assert_eq!(title_of("\n  明天停课  \n请在家自习"), "明天停课");
        assert_eq!(
            title_of("一二三四五六七八九十一二三四五六七八九十一二"),
            "一二三四五六七八九十一二三四五六七八九十…"
        );
    }

    #[test]
    fn the_preview_shows_the_first_lines() {
        assert_eq!(opening("a\n\nb\nc\nd"), "a\nb\nc\n…");
        assert_eq!(opening("a\nb"), "a\nb");
    }
}
