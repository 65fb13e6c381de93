//! What Banji does with each message a follower sends: every capability's rules, in the
//! order they are tried (first match wins), in this one place. Handlers live with their
//! capability (`people::replies` for following, binding and registering,
//! `notices::subscriptions` for muting categories, `delivery` for job results and the
//! digest of held notices, which rides on the welcome and on unmatched messages),
//! `people::poster` for a class's binding poster, `checkin::wechat` for check-in and
//! positions, `activities::wechat` for 报名).

use std::sync::Arc;

use crate::activities;
use crate::checkin::{self, codes::SCENE_PREFIX};
use crate::delivery::{digest, jobs};
use crate::notices::subscriptions;
use crate::people::poster::{self, CLASS_SCENE};
use crate::people::replies;
use crate::people::teacher_wechat::BIND_SCENE;
use crate::wechat::webhook::router::{Context, HandlerResult, Key, Match, Router, Text};
use crate::wechat::{Event, Reply};

const HELP: &str = "可用指令：\n\
· 绑定 学号 姓名 验证码 —— 绑定学生身份\n\
· 解绑 —— 解除绑定\n\
· 通知 —— 查看未收到的通知\n\
· 退订 分类 / 订阅 分类 —— 不再推送或恢复推送某类通知\n\
· 签到 123456 —— 用屏幕上的签到码签到
· 报名 活动码 / 取消报名 活动码 —— 活动、讲座报名
· 注册 —— 教师获取注册验证码\n\
· 重置密码 —— 教师获取密码重置验证码\n\
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
    Router::new()
        .rule("teacher binds WeChat by QR", teacher_qr, replies::teacher_scan)
        .rule("a class's binding poster scanned", class_poster, poster::scanned)
        .rule("check in by scanning the projected QR code", checkin_qr, checkin::wechat::scanned)
        .rule("welcome on follow", Match::Event("subscribe"), |ctx: Context| async move {
            let openid = ctx.incoming.openid.clone();
            let state = ctx.state.clone();
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
            |_| async { Ok(Some(Reply::text(HELP))) },
        )
        .rule(
            "send job results",
            Match::Any(vec![Match::Event("TEMPLATESENDJOBFINISH"), Match::Event("MASSSENDJOBFINISH")]),
            jobs::on_job_finished,
        )
        // Job results and other platform notifications are stored in the message log;
        // they never get a reply.
        .rule("platform notifications", Match::Predicate(Arc::new(is_notification)), |_| async { Ok(None) })
        .fallback(not_understood)
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

/// Anything else is the student's next interaction: held notices are handed over (the
/// digest). Otherwise text gets a pointer to the help, and anything else is acknowledged.
async fn not_understood(ctx: Context) -> HandlerResult {
    // Something the robot cannot answer: a teacher will (the inbox's 未处理).
    let kind = ctx.incoming.msg_type();
    if crate::inbox::MESSAGE_TYPES.contains(&kind) {
        // The answer to the follower does not wait on it: with the database away, the
        // message is still logged (the log keeps it) and answered, only not marked.
        if let Err(err) = crate::inbox::waiting(&ctx.state.db, &ctx.incoming.openid, kind).await {
            tracing::warn!(error = %err, "could not mark the inbox thread waiting");
        }
    }
    if let Some(digest) = digest::take(&ctx.state, &ctx.incoming.openid).await? {
        return Ok(Some(Reply::text(digest)));
    }
    Ok(ctx.incoming.text().map(|_| Reply::text(NOT_UNDERSTOOD)))
}
