//! What the account answers when people follow, bind and register through WeChat
//! messages. The rules that route messages here are in `crate::conversation`.

use shared::BindRequest;

use super::binding::{self, BindError};
use super::{followers, teacher_wechat};
use crate::audit::Audit;
use crate::state::AppState;
use crate::wechat::reply::Article;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

pub const BIND_USAGE: &str =
    "绑定格式：绑定 学号 姓名 验证码\n例如：绑定 2023010101 李雷 123456\n验证码是辅导员发给你的 6 位绑定码。";

/// The page that binds a student (through WeChat's web authorisation).
pub fn bind_page(state: &AppState) -> String {
    format!("{}/api/v1/portal/oauth?next=/s/bind", state.config.public_url)
}

/// Who this WeChat is in Banji, for a greeting.
async fn known_as(state: &AppState, openid: &str) -> sqlx::Result<Option<String>> {
    let student: Option<String> = sqlx::query_scalar("SELECT name FROM students WHERE openid = $1")
        .bind(openid)
        .fetch_optional(state.db.pool())
        .await?;
    if let Some(name) = student {
        return Ok(Some(format!("{name}同学")));
    }
    let teacher: Option<String> = sqlx::query_scalar(
        "SELECT u.display_name FROM teacher_profiles p JOIN users u ON u.id = p.user_id WHERE p.openid = $1",
    )
    .bind(openid)
    .fetch_optional(state.db.pool())
    .await?;
    Ok(teacher.map(|name| format!("{name}老师")))
}

/// A follow: welcome back someone bound, or invite a newcomer to bind.
pub async fn welcome(ctx: Context) -> HandlerResult {
    let openid = &ctx.incoming.openid;
    followers::followed(&ctx.state.db, openid).await?;
    if let Some(name) = known_as(&ctx.state, openid).await? {
        return Ok(Some(Reply::text(format!("欢迎回来，{name}！发送「帮助」查看可用指令。"))));
    }
    Ok(Some(Reply::News {
        articles: vec![Article {
            title: "欢迎关注！请先绑定学号".into(),
            description: format!(
                "绑定后即可接收班级通知、确认已读、参与签到。也可以直接发送：{}",
                BIND_USAGE.lines().next().unwrap_or_default()
            ),
            pic_url: String::new(),
            url: bind_page(&ctx.state),
        }],
    }))
}

pub async fn unfollow(ctx: Context) -> HandlerResult {
    followers::unfollowed(&ctx.state.db, &ctx.incoming.openid).await?;
    Ok(None)
}

/// `绑定 学号 姓名 验证码`
pub async fn bind(ctx: Context) -> HandlerResult {
    let parts: Vec<&str> = ctx.rest.split_whitespace().collect();
    let [student_no, name, code] = parts.as_slice() else {
        return Ok(Some(Reply::text(format!("{BIND_USAGE}\n也可以点击：{}", bind_page(&ctx.state)))));
    };
    let request = BindRequest { student_no: student_no.to_string(), name: name.to_string(), code: code.to_string() };
    let text = match binding::bind(&ctx.state, &ctx.incoming.openid, &request).await? {
        Ok(student) => {
            let class = student.class_name.map(|c| format!("，{c}")).unwrap_or_default();
            format!("绑定成功！{}（{}）{class}。之后的班级通知会发到这里。", student.name, student.student_no)
        }
        Err(err @ BindError::NoMatch) => format!("{}\n{BIND_USAGE}", err.message()),
        Err(err) => err.message(),
    };
    Ok(Some(Reply::text(text)))
}

/// `解绑`
pub async fn unbind(ctx: Context) -> HandlerResult {
    let openid = &ctx.incoming.openid;
    let actor = format!("wechat:{openid}");
    let text =
        match binding::unbind_openid(&ctx.state, openid, Audit::anonymous(&actor, "wechat_unbound", None)).await? {
            Some(student) => format!("已解除与 {}（{}）的绑定。", student.name, student.student_no),
            None => "这个微信还没有绑定学生。".into(),
        };
    Ok(Some(Reply::text(text)))
}

/// `注册`: a teacher asks for a registration code.
pub async fn register(ctx: Context) -> HandlerResult {
    Ok(Some(Reply::text(teacher_wechat::registration_code(&ctx.state, &ctx.incoming.openid).await?)))
}

/// A teacher-binding QR code scanned (SCAN, or subscribe by someone new).
pub async fn teacher_scan(ctx: Context) -> HandlerResult {
    if ctx.incoming.event().is_some_and(|e| e.name() == "subscribe") {
        followers::followed(&ctx.state.db, &ctx.incoming.openid).await?;
    }
    let nonce = ctx.rest.trim_start_matches(teacher_wechat::BIND_SCENE);
    Ok(Some(Reply::text(teacher_wechat::scanned(&ctx.state, &ctx.incoming.openid, nonce).await?)))
}
