//! What Banji does with each message a follower sends: every capability's rules, in the
//! order they are tried (first match wins), in this one place. Binding, check-in and the
//! bot add their rules here as they arrive.

use crate::wechat::webhook::router::{Context, HandlerResult, Match, Router, Text};
use crate::wechat::{Event, Reply};

const WELCOME: &str = "欢迎关注！这里是班级通知与签到平台。\n\n发送「帮助」查看可用指令。";
const HELP: &str = "可用指令：\n· 帮助 —— 显示本说明\n\n更多功能（绑定学号、查看通知、签到）即将开放。";
const NOT_UNDERSTOOD: &str = "已收到。发送「帮助」查看可用指令。";

pub fn router() -> Router {
    Router::new()
        .rule("welcome on follow", Match::Event("subscribe"), |_| async { Ok(Some(Reply::text(WELCOME))) })
        .rule(
            "help",
            Match::Any(vec![
                Match::Text(Text::Exact("帮助".into())),
                Match::Text(Text::Exact("help".into())),
                Match::Text(Text::Exact("?".into())),
                Match::Text(Text::Exact("？".into())),
            ]),
            |_| async { Ok(Some(Reply::text(HELP))) },
        )
        // Job results and other platform notifications are stored in the message log;
        // they never get a reply.
        .rule("platform notifications", Match::Predicate(std::sync::Arc::new(is_notification)), |_| async { Ok(None) })
        .fallback(not_understood)
}

fn is_notification(incoming: &crate::wechat::Incoming) -> bool {
    matches!(
        incoming.event(),
        Some(
            Event::TemplateSendJobFinish { .. }
                | Event::MassSendJobFinish { .. }
                | Event::PublishJobFinish { .. }
                | Event::Unsubscribe
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

/// Text nobody handled gets a pointer to the help; anything else is acknowledged.
async fn not_understood(ctx: Context) -> HandlerResult {
    Ok(ctx.incoming.text().map(|_| Reply::text(NOT_UNDERSTOOD)))
}
