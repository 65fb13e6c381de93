//! 报名 from WeChat: `报名 1234` signs up, `取消报名 1234` cancels, `报名` alone (or
//! `活动`, or the ACTIVITIES menu key) lists the open activities with their codes and a
//! link to the page. The rules that route here are in `crate::conversation`.

use super::portal::activities_of;
use super::report::china_time;
use super::signups::{self, Joined, Refusal};
use super::store::{self, ActivityRow};
use crate::db::{now_ms, to_time};
use crate::people::replies::BIND_USAGE;
use crate::people::students::row_by_openid;
use crate::state::AppState;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

/// Activities listed in one reply (a text reply must stay under 2 048 bytes).
const LISTED: usize = 8;

/// The student's activities page, through WeChat's authorisation.
pub fn page_link(state: &AppState) -> String {
    format!("{}/api/v1/portal/oauth?next=/s/activities", state.config.public_url)
}

fn bind_first() -> Reply {
    Reply::text(format!("请先绑定学号。{BIND_USAGE}"))
}

fn when(a: &ActivityRow) -> String {
    let start = china_time(Some(to_time(a.starts_at)));
    start.get(5..16).unwrap_or(&start).to_string()
}

fn refused(refusal: Refusal, a: &ActivityRow) -> String {
    match refusal {
        Refusal::NoActivity => "未找到活动。发送「报名」查看可报名的活动。".to_string(),
        Refusal::ActivityCancelled => format!("「{}」已取消。", a.title),
        Refusal::Closed => format!("「{}」报名已截止。", a.title),
        Refusal::NotInAudience => format!("你不在「{}」的报名范围。", a.title),
        Refusal::NotSignedUp => format!("你没有报名「{}」。", a.title),
    }
}

/// The activity the code names, or the reply saying there is none.
async fn by_code(ctx: &Context, usage: &str) -> anyhow::Result<Result<ActivityRow, Reply>> {
    let code = ctx.rest.trim();
    if code.is_empty() {
        return Ok(Err(Reply::text(usage.to_string())));
    }
    match store::by_code(&ctx.state.db, code).await? {
        Some(a) => Ok(Ok(a)),
        None => Ok(Err(Reply::text(format!("未找到活动「{code}」。发送「报名」查看可报名的活动。")))),
    }
}

/// `报名 1234`
pub async fn sign_up(ctx: Context) -> HandlerResult {
    let db = &ctx.state.db;
    let Some(student) = row_by_openid(db, &ctx.incoming.openid).await? else {
        return Ok(Some(bind_first()));
    };
    let a = match by_code(&ctx, "报名格式：报名 活动码，例如：报名 1234").await? {
        Ok(a) => a,
        Err(reply) => return Ok(Some(reply)),
    };
    let text = match signups::sign_up(db, a.id, student.id).await? {
        Ok(Joined::Placed) => format!("报名成功：「{}」\n时间：{}\n地点：{}", a.title, when(&a), a.place),
        Ok(Joined::Waitlisted { position }) => {
            format!("「{}」已满，已进入候补第 {position} 位。有人取消时按顺序递补。", a.title)
        }
        Ok(Joined::AlreadyPlaced) => format!("你已报名「{}」。时间：{}，地点：{}", a.title, when(&a), a.place),
        Ok(Joined::AlreadyWaitlisted { position }) => format!("你已在「{}」的候补第 {position} 位。", a.title),
        Err(refusal) => refused(refusal, &a),
    };
    signups::roll_changed(&ctx.state, a.id).await?;
    Ok(Some(Reply::text(text)))
}

/// `取消报名 1234`
pub async fn cancel(ctx: Context) -> HandlerResult {
    let db = &ctx.state.db;
    let Some(student) = row_by_openid(db, &ctx.incoming.openid).await? else {
        return Ok(Some(bind_first()));
    };
    let a = match by_code(&ctx, "取消格式：取消报名 活动码，例如：取消报名 1234").await? {
        Ok(a) => a,
        Err(reply) => return Ok(Some(reply)),
    };
    let text = match signups::cancel(db, a.id, student.id).await? {
        Ok(_) => format!("已取消报名「{}」。", a.title),
        Err(Refusal::Closed) => format!("「{}」报名已截止，不能再取消。", a.title),
        Err(refusal) => refused(refusal, &a),
    };
    signups::roll_changed(&ctx.state, a.id).await?;
    Ok(Some(Reply::text(text)))
}

/// `报名`, `活动`, the ACTIVITIES menu key: the open activities the student may join.
pub async fn list(ctx: Context) -> HandlerResult {
    let db = &ctx.state.db;
    let Some(student) = row_by_openid(db, &ctx.incoming.openid).await? else {
        return Ok(Some(bind_first()));
    };
    let now = now_ms();
    let open: Vec<ActivityRow> = activities_of(db, student.id).await?.into_iter().filter(|a| a.is_open(now)).collect();
    let link = page_link(&ctx.state);
    if open.is_empty() {
        return Ok(Some(Reply::text(format!("暂无可报名的活动。<a href=\"{link}\">查看我的活动</a>"))));
    }
    let mut text = String::from("可报名的活动：");
    for (i, a) in open.iter().take(LISTED).enumerate() {
        let mine = match signups::position(db.pool(), a.id, student.id).await? {
            Some(n) => format!("【候补第{n}位】"),
            None if mine_placed(&ctx.state, a.id, student.id).await? => "【已报名】".to_string(),
            None => String::new(),
        };
        let left = (a.capacity - a.signed_up).max(0);
        let places = if left > 0 { format!("余{left}位") } else { "已满可候补".to_string() };
        text.push_str(&format!(
            "\n{}. {mine}{}（活动码 {}）{} {}，{places}",
            i + 1,
            a.title.replace('<', "＜"),
            a.code,
            when(a),
            a.place.replace('<', "＜")
        ));
    }
    if open.len() > LISTED {
        text.push_str(&format!("\n还有 {} 个活动。", open.len() - LISTED));
    }
    text.push_str(&format!("\n发送「报名 活动码」报名，或<a href=\"{link}\">在页面上报名</a>"));
    Ok(Some(Reply::text(text)))
}

async fn mine_placed(state: &AppState, activity_id: i64, student_id: i64) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM activity_signups WHERE activity_id = $1 AND student_id = $2 AND status = 'signed_up'",
    )
    .bind(activity_id)
    .bind(student_id)
    .fetch_one(state.db.pool())
    .await?;
    Ok(n > 0)
}
