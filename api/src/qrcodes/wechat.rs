//! The answer to a scan of a parametric QR code (`qr:{id}`; routed in
//! `crate::conversation`). Every scan of a known code is counted, a follow through it
//! also as a new follower (and as the follower's source); then the code's purpose
//! answers — unless it was deleted (stopped) or has expired, which is said instead and
//! joins nothing. The platform refuses to show an expired code, but its events may still
//! arrive late (retries, a queue), and Banji's clock is the one that decides.

use super::store::{self, QrRow};
use super::SCENE_PREFIX;
use crate::activities::{store as activities, wechat::page_link};
use crate::db::{now_ms, Db};
use crate::people::poster;
use crate::people::replies::{self, bind_page};
use crate::people::tags::{self, Mirror};
use crate::state::AppState;
use crate::wechat::client::media::urlencode;
use crate::wechat::reply::Article;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::{Event, Reply};

fn card(title: String, description: String, url: String) -> Reply {
    Reply::News { articles: vec![Article { title, description, pic_url: String::new(), url }] }
}

pub async fn scanned(ctx: Context) -> HandlerResult {
    let state = ctx.state.clone();
    let openid = ctx.incoming.openid.clone();
    let followed = matches!(ctx.incoming.event(), Some(Event::Subscribe { .. }));
    let key = ctx.incoming.event().and_then(Event::key).unwrap_or_default();
    let id: Option<i64> = key.trim_start_matches("qrscene_").strip_prefix(SCENE_PREFIX).and_then(|id| id.parse().ok());
    let code = match id {
        Some(id) => store::row(&state.db, id).await?,
        None => None,
    };
    let Some(code) = code else {
        // A code Banji does not know (another installation's, a database restored from
        // before it): a follow is welcomed as any other.
        if followed {
            return replies::welcome(ctx).await;
        }
        return Ok(Some(Reply::text("这个二维码已失效。发送「帮助」查看可用指令。")));
    };
    if followed {
        crate::people::followers::followed(&state.db, &openid).await?;
    }
    store::count_scan(&state.db, code.id, &openid, followed).await?;
    let welcome = if followed { "欢迎关注！" } else { "" };
    if code.hidden_at.is_some() {
        return Ok(Some(Reply::text(format!("{welcome}二维码「{}」已停用。发送「帮助」查看可用指令。", code.name))));
    }
    if code.is_expired(now_ms()) {
        return Ok(Some(Reply::text(format!(
            "{welcome}二维码「{}」已过期，请向老师索取新的二维码。发送「帮助」查看可用指令。",
            code.name
        ))));
    }
    Ok(Some(answer(&state, &openid, &code).await?))
}

/// What the code's purpose answers.
async fn answer(state: &AppState, openid: &str, code: &QrRow) -> anyhow::Result<Reply> {
    use shared::QrPurpose::*;
    let target = code.target.clone();
    Ok(match code.purpose() {
        JoinClass => {
            // A bound student keeps the tags of their own class (mirroring decides them);
            // only someone not yet bound is put into the class's tag by a scan.
            if let Some(class) = code.class_id {
                if !is_bound_student(&state.db, openid).await? {
                    join_tag(state, Mirror::Class(class), openid).await;
                }
            }
            poster::invitation(state, openid, target.as_deref()).await?
        }
        JoinGroup => {
            let group = target.unwrap_or_default();
            if let Some(id) = code.group_id {
                join_tag(state, Mirror::Group(id), openid).await;
            }
            if is_bound_student(&state.db, openid).await? {
                Reply::text(format!("已加入「{group}」，会在这里收到相关消息。"))
            } else {
                card(
                    format!("欢迎加入「{group}」！请先绑定学号"),
                    "点开本消息绑定，绑定后即可接收通知、确认已读、参与签到。".into(),
                    bind_page(state),
                )
            }
        }
        SignUp => match code.activity_id.map(|id| activities::row(&state.db, id)) {
            Some(row) => match row.await? {
                Some(a) if a.cancelled_at.is_some() => Reply::text(format!("「{}」已取消。", a.title)),
                Some(a) if !a.is_open(now_ms()) => Reply::text(format!("「{}」报名已截止。", a.title)),
                Some(a) => card(
                    format!("报名：{}", a.title),
                    format!("地点：{}\n点开本消息报名，或发送「报名 {}」。", a.place, a.code),
                    page_link(state),
                ),
                None => Reply::text("活动已删除。发送「报名」查看可报名的活动。"),
            },
            None => Reply::text("活动已删除。发送「报名」查看可报名的活动。"),
        },
        OpenPage => {
            let page = code.page.clone().unwrap_or_else(|| "/s/".into());
            let url = format!("{}/api/v1/portal/oauth?next={}", state.config.public_url, urlencode(&page));
            card(code.name.clone(), "点开本消息查看。".into(), url)
        }
    })
}

async fn is_bound_student(db: &Db, openid: &str) -> sqlx::Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM students WHERE openid = $1").bind(openid).fetch_one(db.pool()).await?;
    Ok(n > 0)
}

/// Puts the follower into the class's or group's tag; a failure is logged (the answer
/// still goes, and `banji tags resync` leaves unbound followers' tags as they are).
async fn join_tag(state: &AppState, mirror: Mirror, openid: &str) {
    let tag = match tags::tag_of(&state.db, mirror).await {
        Ok(Some((tag, _))) => tag,
        Ok(None) => return,
        Err(err) => {
            tracing::warn!(error = %err, "could not read a QR code's tag");
            return;
        }
    };
    if let Err(err) = state.wechat.client.tag_followers(tag, &[openid.to_string()]).await {
        tracing::warn!(error = %err, tag, "tagging a follower who scanned a QR code failed");
    }
}
