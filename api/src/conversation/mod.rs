//! What Banji does with each message a follower sends: every capability's rules, in the
//! order they are tried (first match wins), in this one place. Handlers live with their
//! capability (`people::replies` for following, binding and registering,
//! `notices::subscriptions` for muting categories, `broadcast::subscribers` for the daily
//! broadcast, `delivery` for job results and the
//! digest of held notices, which rides on the welcome and on unmatched messages),
//! `people::poster` for a class's binding poster, `qrcodes::wechat` for the other
//! parametric QR codes (`qr:{id}`, answered by the code's purpose), `checkin::wechat` for
//! check-in and positions, `activities::wechat` for 报名, `teacher_commands` for what a bound teacher
//! does by message). What no fixed command answers goes to the auto-reply rules teachers
//! manage (`autoreply`), then waits for a teacher (the inbox).
//!
//! A teacher's command is the teacher's only: from anyone else the same words get what
//! they would have got without it (`by_teacher`), so students' commands stay as they were.

use std::future::Future;
use std::sync::Arc;

use regex::Regex;

use crate::activities;
use crate::auth::Caller;
use crate::autoreply;
use crate::broadcast;
use crate::checkin::{self, codes::SCENE_PREFIX};
use crate::delivery::{digest, jobs};
use crate::notices::subscriptions;
use crate::people::poster::{self, CLASS_SCENE};
use crate::people::replies;
use crate::people::teacher_wechat::BIND_SCENE;
use crate::qrcodes;
use crate::search::wechat::{self as search, Command as Find};
use crate::teacher_commands as teacher;
use crate::wechat::webhook::router::{Context, HandlerResult, Key, Match, Router, Text};
use crate::wechat::{Event, Reply};

mod builtins;

pub use builtins::{builtin_label, builtin_label_for, builtins};

const HELP: &str = "可用指令：\n\
· 绑定 学号 姓名 验证码 —— 绑定学生身份\n\
· 解绑 —— 解除绑定\n\
· 通知 —— 查看未收到的通知\n\
· 订阅 每日播报 7:30 / 退订 每日播报 —— 每天早上收到当天的安排\n\
· 退订 分类 / 订阅 分类 —— 不再推送或恢复推送某类通知\n\
· 签到 123456 —— 用屏幕上的签到码签到
· 报名 活动码 / 取消报名 活动码 —— 活动、讲座报名
· 注册 —— 教师获取注册验证码\n\
· 重置密码 —— 教师获取密码重置验证码\n\
· 搜索 关键词 —— 查找通知、表格、办事指南和联系方式\n\
· 表格 / 流程 / 联系 关键词 —— 只找表格、办事流程或联系方式；热门 —— 本周热门\n\
· 添加回复 关键词 内容 / 我的回复 —— 老师管理自己的自动回复\n\
· 帮助 —— 显示本说明";
const NOT_UNDERSTOOD: &str = "已收到。发送「帮助」查看可用指令。";

pub fn router() -> Router {
    let teacher_qr = Match::Any(vec![
        Match::All(vec![Match::Event("SCAN"), Match::EventKey(Key::Prefix(BIND_SCENE.into()))]),
        Match::All(vec![Match::Event("subscribe"), Match::EventKey(Key::Prefix(format!("qrscene_{BIND_SCENE}")))]),
    ]);
    let checkin_qr = Match::Any(vec![
        Match::All(vec![Match::Event("SCAN"), Match::EventKey(Key::Prefix(SCENE_PREFIX.into()))]),
        Match::All(vec![Match::Event("subscribe"), Match::EventKey(Key::Prefix(format!("qrscene_{SCENE_PREFIX}")))]),
    ]);
    let class_poster = Match::Any(vec![
        Match::All(vec![Match::Event("SCAN"), Match::EventKey(Key::Prefix(CLASS_SCENE.into()))]),
        Match::All(vec![Match::Event("subscribe"), Match::EventKey(Key::Prefix(format!("qrscene_{CLASS_SCENE}")))]),
    ]);
    let parametric_qr = Match::Any(vec![
        Match::All(vec![Match::Event("SCAN"), Match::EventKey(Key::Prefix(qrcodes::SCENE_PREFIX.into()))]),
        Match::All(vec![
            Match::Event("subscribe"),
            Match::EventKey(Key::Prefix(format!("qrscene_{}", qrcodes::SCENE_PREFIX))),
        ]),
    ]);
    Router::new()
        .rule("teacher binds WeChat by QR", teacher_qr, replies::teacher_scan)
        .rule("a class's binding poster scanned", class_poster, poster::scanned)
        .rule("a parametric QR code scanned", parametric_qr, qrcodes::wechat::scanned)
        .rule("check in by scanning the projected QR code", checkin_qr, checkin::wechat::scanned)
        .rule("welcome on follow", Match::Event("subscribe"), |ctx: Context| async move {
            let openid = ctx.incoming.openid.clone();
            let state = ctx.state.clone();
            // A 关注 rule answers in place of Banji's welcome.
            if let Some(ruled) = by_rules(&ctx).await {
                crate::people::followers::followed(&state.db, &openid).await?;
                autoreply::answer::send_after(&state, &openid, ruled.rest);
                return Ok(Some(ruled.first));
            }
            let reply = replies::welcome(ctx).await?;
            Ok(digest::with_digest(&state, &openid, reply).await?)
        })
        .rule("unfollow", Match::Event("unsubscribe"), replies::unfollow)
        .rule("bind a student", Match::Text(Text::Keyword("绑定".into())), replies::bind)
        // The bind code (or the phone's last digits) is a password: never kept in the log.
        .secret("绑定", 2)
        .rule("unbind", Match::Text(Text::Exact("解绑".into())), replies::unbind)
        .rule("teacher registration code", Match::Text(Text::Exact("注册".into())), replies::register)
        .rule(
            "teacher password reset code",
            Match::Any(vec![Match::Text(Text::Exact("重置密码".into())), Match::Text(Text::Exact("找回密码".into()))]),
            |ctx: Context| async move {
                Ok(Some(Reply::text(crate::auth::reset::wechat_code(&ctx.state, &ctx.incoming.openid).await?)))
            },
        )
        .rule(
            "notices not yet received",
            Match::Any(vec![
                Match::EventKey(Key::Exact(crate::menus::NOTICES_KEY.into())),
                Match::Text(Text::Exact("通知".into())),
                Match::Text(Text::Exact("我的通知".into())),
            ]),
            digest::my_notices,
        )
        // A bound teacher's commands; 「签到 发起」 before the students' 「签到」.
        .rule("teacher sends a class a notice", text_regex(r"(?s)^\s*发通知\s*(.*)$"), |ctx: Context| {
            let rest = capture(&ctx);
            by_teacher(ctx, move |ctx, me| teacher::notice::compose(ctx, me, rest), not_understood)
        })
        .rule("teacher confirms the notice", Match::Text(Text::Exact("确认".into())), |ctx| {
            by_teacher(ctx, teacher::notice::confirm, not_understood)
        })
        .rule("teacher drops the notice", Match::Text(Text::Exact("取消".into())), |ctx| {
            by_teacher(ctx, teacher::notice::cancel, not_understood)
        })
        .rule("teacher sees how recent notices were read", Match::Text(Text::Exact("统计".into())), |ctx| {
            by_teacher(ctx, teacher::receipts::recent, not_understood)
        })
        .rule("teacher lists a notice's unread", text_regex(r"^\s*未读\s*(\S*)\s*$"), |ctx: Context| {
            let n = capture(&ctx);
            by_teacher(ctx, move |ctx, me| teacher::receipts::unread(ctx, me, n), not_understood)
        })
        .rule("teacher reminds a notice's unread", text_regex(r"^\s*提醒\s*(\S*)\s*$"), |ctx: Context| {
            let n = capture(&ctx);
            by_teacher(ctx, move |ctx, me| teacher::receipts::remind(ctx, me, n), not_understood)
        })
        .rule("teacher starts a check-in", text_regex(r"(?s)^\s*签到\s*发起\s*(.*)$"), |ctx: Context| {
            let rest = capture(&ctx);
            by_teacher(ctx, move |ctx, me| teacher::checkin::start(ctx, me, rest), code_sent_by_student)
        })
        .rule(
            "check in with the code",
            Match::Any(vec![
                Match::EventKey(Key::Exact(crate::menus::CHECKIN_KEY.into())),
                Match::Text(Text::Keyword("签到".into())),
            ]),
            checkin::wechat::code_sent,
        )
        .rule("keep a consenting student's position", Match::Event("LOCATION"), checkin::wechat::location)
        .rule("cancel a sign-up", Match::Text(Text::Keyword("取消报名".into())), activities::wechat::cancel)
        .rule(
            "activities open for sign-up",
            Match::Any(vec![
                Match::EventKey(Key::Exact(crate::menus::ACTIVITIES_KEY.into())),
                Match::Text(Text::Exact("报名".into())),
                Match::Text(Text::Exact("活动".into())),
            ]),
            activities::wechat::list,
        )
        .rule("sign up for an activity", Match::Text(Text::Keyword("报名".into())), activities::wechat::sign_up)
        .rule("teacher adds an auto-reply", Match::Text(Text::Keyword("添加回复".into())), autoreply::wechat::add)
        .rule("teacher deletes an auto-reply", Match::Text(Text::Keyword("删除回复".into())), autoreply::wechat::remove)
        .rule("teacher lists their auto-replies", Match::Text(Text::Exact("我的回复".into())), autoreply::wechat::list)
        .rule("teacher turns auto-replies on", Match::Text(Text::Exact("开启自动回复".into())), |ctx| {
            autoreply::wechat::switch(ctx, true)
        })
        .rule("teacher turns auto-replies off", Match::Text(Text::Exact("关闭自动回复".into())), |ctx| {
            autoreply::wechat::switch(ctx, false)
        })
        .rule("search everything", Match::Text(Text::Keyword("搜索".into())), |ctx| search::answer(ctx, Find::All))
        .rule("search documents", keywords(&["表格", "文档"]), |ctx| search::answer(ctx, Find::Documents))
        .rule("search procedures", keywords(&["流程", "办事"]), |ctx| search::answer(ctx, Find::Guides))
        .rule("search contacts", keywords(&["联系", "电话"]), |ctx| search::answer(ctx, Find::Contacts))
        .rule(
            "the week's hot list",
            Match::Any(vec![
                Match::EventKey(Key::Exact(crate::menus::HOT_KEY.into())),
                Match::Text(Text::Exact("热门".into())),
            ]),
            search::hot_list,
        )
        .rule(
            "topics: list the open ones",
            Match::Any(vec![text_regex(r"^\s*[#＃]\s*$"), Match::Text(Text::Exact("话题".into()))]),
            crate::topics::wechat::list,
        )
        .rule("topics: post by #", text_regex(r"(?s)^\s*[#＃]\s*(\S+)\s*(.*)$"), |ctx: Context| {
            let title = capture(&ctx);
            let body = ctx.captures.get(2).map(|c| c.trim().to_string()).unwrap_or_default();
            crate::topics::wechat::post(ctx, title, body)
        })
        // 「订阅 每日播报」 before the categories' 「订阅 分类」.
        .rule(
            "subscribe to the daily broadcast",
            text_regex(r"^\s*订阅\s*每日播报\s*(.*?)\s*$"),
            |ctx: Context| {
                let time = capture(&ctx);
                broadcast::subscribers::subscribe_by_text(ctx, time)
            },
        )
        .rule(
            "unsubscribe from the daily broadcast",
            text_regex(r"^\s*退订\s*每日播报\s*$"),
            broadcast::subscribers::unsubscribe_by_text,
        )
        .rule("mute a category", Match::Text(Text::Keyword("退订".into())), subscriptions::mute)
        .rule("unmute a category", Match::Text(Text::Keyword("订阅".into())), subscriptions::unmute)
        .rule(
            "help",
            Match::Any(vec![
                Match::EventKey(Key::Exact(crate::menus::HELP_KEY.into())),
                Match::Text(Text::Exact("帮助".into())),
                Match::Text(Text::Exact("help".into())),
                Match::Text(Text::Exact("?".into())),
                Match::Text(Text::Exact("？".into())),
            ]),
            |ctx: Context| async move {
                Ok(Some(Reply::text(match teacher_behind(&ctx).await {
                    Some(_) => teacher::help(&ctx.state),
                    None => HELP.to_string(),
                })))
            },
        )
        .rule(
            "subscribe notifications: subscriptions and sends",
            Match::Any(vec![
                Match::Event("subscribe_msg_popup_event"),
                Match::Event("subscribe_msg_change_event"),
                Match::Event("subscribe_msg_sent_event"),
            ]),
            crate::delivery::subscribe::on_event,
        )
        .rule(
            "send job results",
            Match::Any(vec![Match::Event("TEMPLATESENDJOBFINISH"), Match::Event("MASSSENDJOBFINISH")]),
            // Kept for notices' rows first, then matched to the mass-send assistant's sends.
            |ctx: Context| async move {
                let reply = jobs::on_job_finished(ctx.clone()).await?;
                crate::mass::on_job_finished(ctx).await?;
                Ok(reply)
            },
        )
        // Job results and other platform notifications are stored in the message log;
        // they never get a reply.
        .rule("platform notifications", Match::Predicate(Arc::new(is_notification)), |_| async { Ok(None) })
        .fallback(not_understood)
}

/// Any of these words, followed by the rest of the message.
fn keywords(words: &[&str]) -> Match {
    Match::Any(words.iter().map(|w| Match::Text(Text::Keyword((*w).into()))).collect())
}

fn text_regex(pattern: &str) -> Match {
    Match::Text(Text::Regex(Regex::new(pattern).expect("a valid command pattern")))
}

/// A regex rule's first group, trimmed.
fn capture(ctx: &Context) -> String {
    ctx.captures.get(1).map(|c| c.trim().to_string()).unwrap_or_default()
}

/// A bound teacher's command (`command`, acting as the teacher); from anyone else, what
/// the message would have got without the teacher's rule (`otherwise`).
async fn by_teacher<C, CF, O, OF>(ctx: Context, command: C, otherwise: O) -> HandlerResult
where
    C: FnOnce(Context, Caller) -> CF,
    CF: Future<Output = HandlerResult>,
    O: FnOnce(Context) -> OF,
    OF: Future<Output = HandlerResult>,
{
    match teacher_behind(&ctx).await {
        Some(me) => command(ctx, me).await,
        None => otherwise(ctx).await,
    }
}

/// The bound teacher behind this WeChat. With the database away nobody is known to be a
/// teacher: the message gets what a student's would (the help, the rules in memory), which
/// answers it, rather than no answer at all.
async fn teacher_behind(ctx: &Context) -> Option<Caller> {
    Caller::of_wechat(&ctx.state.db, &ctx.incoming.openid).await.unwrap_or_else(|err| {
        tracing::warn!(error = %err, "could not tell whether a teacher wrote; answered as anyone else");
        None
    })
}

/// 「签到 …」 from anyone but a teacher: the students' 「签到」 rule, given what it would
/// have been given (the text after 签到).
async fn code_sent_by_student(mut ctx: Context) -> HandlerResult {
    let text = ctx.incoming.text().unwrap_or_default().trim_start();
    ctx.rest = text.strip_prefix("签到").unwrap_or(text).trim().to_string();
    checkin::wechat::code_sent(ctx).await
}

fn is_notification(incoming: &crate::wechat::Incoming) -> bool {
    matches!(
        incoming.event(),
        Some(
            Event::TemplateSendJobFinish { .. }
                | Event::MassSendJobFinish { .. }
                | Event::PublishJobFinish { .. }
                | Event::Location { .. }
                | Event::View { .. }
                | Event::SubscribeMsgPopup { .. }
                | Event::SubscribeMsgChange { .. }
                | Event::SubscribeMsgSent { .. }
                | Event::KfCreateSession { .. }
                | Event::KfCloseSession { .. }
                | Event::KfSwitchSession { .. }
        )
    )
}

/// What the rules answered: the passive reply, the ones to send after it, and whether only
/// a default rule answered.
struct Ruled {
    first: Reply,
    rest: Vec<Reply>,
    default: bool,
}

/// The auto-reply rules' answer, recorded (the rule's hit, or an unanswered question).
/// None when no rule answers — also when the rules cannot be asked (the message then gets
/// the usual answer).
async fn by_rules(ctx: &Context) -> Option<Ruled> {
    let (state, incoming) = (&ctx.state, &ctx.incoming);
    let answered = autoreply::answer::respond(state, incoming).await.unwrap_or_else(|err| {
        tracing::warn!(error = %err.body().message, "auto-reply rules could not answer");
        None
    });
    let said = match (incoming.text(), incoming.event()) {
        (Some(text), _) => Some(text.to_string()),
        (None, Some(Event::Click { key })) => Some(format!("[点击菜单 {key}]")),
        (None, Some(Event::Subscribe { .. })) => Some("[关注]".into()),
        _ => answered.as_ref().map(|_| format!("[{}]", incoming.msg_type())),
    };
    match (&answered, said) {
        (Some(a), Some(said)) => state.wechat.log.record_hit(&incoming.openid, &said, Some(a.rule_id), a.default),
        (None, Some(said)) if incoming.text().is_some() => {
            state.wechat.log.record_hit(&incoming.openid, &said, None, true)
        }
        _ => {}
    }
    let answered = answered?;
    let mut rest = answered.replies;
    if rest.is_empty() {
        return None;
    }
    let first = rest.remove(0);
    Some(Ruled { first, rest, default: answered.default })
}

/// Anything else: the auto-reply rules, else the student's next interaction — held
/// notices are handed over (the digest). Otherwise text gets a pointer to the help, and
/// anything else is acknowledged. What no rule but a default one answered waits for a
/// teacher (the inbox's 未处理).
async fn not_understood(ctx: Context) -> HandlerResult {
    let kind = ctx.incoming.msg_type();
    let by_rule = by_rules(&ctx).await;
    let answered = by_rule.as_ref().is_some_and(|r| !r.default);
    if !answered && crate::inbox::MESSAGE_TYPES.contains(&kind) {
        // The answer to the follower does not wait on it: with the database away, the
        // message is still logged (the log keeps it) and answered, only not marked.
        if let Err(err) = crate::inbox::waiting(&ctx.state.db, &ctx.incoming.openid, kind).await {
            tracing::warn!(error = %err, "could not mark the inbox thread waiting");
        }
    }
    let digest = digest::take(&ctx.state, &ctx.incoming.openid).await?;
    if let Some(Ruled { first, mut rest, .. }) = by_rule {
        rest.extend(digest.map(Reply::text));
        autoreply::answer::send_after(&ctx.state, &ctx.incoming.openid, rest);
        return Ok(Some(first));
    }
    if let Some(digest) = digest {
        return Ok(Some(Reply::text(digest)));
    }
    Ok(ctx.incoming.text().map(|_| Reply::text(NOT_UNDERSTOOD)))
}
