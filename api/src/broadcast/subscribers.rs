//! Who receives the daily broadcast, and when. A bound student or teacher subscribes by
//! sending 「订阅 每日播报」 (with a time: 「订阅 每日播报 6:45」, 「… 7点半」), or on their
//! page (`/portal/broadcast`), and stops with 「退订 每日播报」; kept per WeChat openid, the
//! minute of the day in China time (`shared::broadcast`). A follower bound to no one is
//! asked to bind first: the broadcast is about their day at school.

use shared::broadcast::{format_time, parse_time, DEFAULT_MINUTE};
use shared::BroadcastSubscription;

use crate::auth::Caller;
use crate::db::{now_ms, Db};
use crate::people::students::row_by_openid;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

/// What the broadcast is called in commands and answers.
pub const NAME: &str = "每日播报";

/// The minute `openid` is subscribed at, if subscribed.
pub async fn minute_of(db: &Db, openid: &str) -> sqlx::Result<Option<u16>> {
    let minute: Option<i64> = sqlx::query_scalar("SELECT send_minute FROM broadcast_subscribers WHERE openid = $1")
        .bind(openid)
        .fetch_optional(db.pool())
        .await?;
    Ok(minute.and_then(|m| u16::try_from(m).ok()))
}

/// The subscription as a page shows it.
pub async fn of(db: &Db, openid: &str) -> sqlx::Result<BroadcastSubscription> {
    let minute = minute_of(db, openid).await?;
    Ok(BroadcastSubscription { subscribed: minute.is_some(), time: format_time(minute.unwrap_or(DEFAULT_MINUTE)) })
}

/// Subscribes `openid` at `minute` (a time already kept is replaced).
pub async fn subscribe(db: &Db, openid: &str, minute: u16) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO broadcast_subscribers (openid, send_minute, subscribed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (openid) DO UPDATE SET send_minute = $2",
    )
    .bind(openid)
    .bind(i64::from(minute))
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Ends the subscription; `false` when there was none.
pub async fn unsubscribe(db: &Db, openid: &str) -> sqlx::Result<bool> {
    let done =
        sqlx::query("DELETE FROM broadcast_subscribers WHERE openid = $1").bind(openid).execute(db.pool()).await?;
    Ok(done.rows_affected() > 0)
}

/// The openid belongs to a bound student or a bound teacher.
pub async fn may_subscribe(db: &Db, openid: &str) -> sqlx::Result<bool> {
    Ok(row_by_openid(db, openid).await?.is_some() || Caller::of_wechat(db, openid).await?.is_some())
}

fn how_to_change() -> String {
    format!("发送「订阅 {NAME} 6:45」更改时间，「退订 {NAME}」停止。")
}

/// 「订阅 每日播报 [时间]」: the time given, else the one kept, else 07:30.
pub async fn subscribe_by_text(ctx: Context, time: String) -> HandlerResult {
    let db = &ctx.state.db;
    let openid = &ctx.incoming.openid;
    if !may_subscribe(db, openid).await? {
        return Ok(Some(Reply::text(format!(
            "{NAME}按学生的课表和通知编写，请先绑定学号。{}",
            crate::people::replies::BIND_USAGE
        ))));
    }
    let minute = if time.is_empty() {
        minute_of(db, openid).await?.unwrap_or(DEFAULT_MINUTE)
    } else {
        match parse_time(&time) {
            Some(minute) => minute,
            None => {
                return Ok(Some(Reply::text(format!("没看懂时间「{time}」。请这样发送：订阅 {NAME} 7:30"))));
            }
        }
    };
    subscribe(db, openid, minute).await?;
    Ok(Some(Reply::text(format!(
        "已订阅{NAME}：每天 {} 推送今天的日期、天气、你的安排和一条推荐。\n{}",
        format_time(minute),
        how_to_change()
    ))))
}

/// 「退订 每日播报」.
pub async fn unsubscribe_by_text(ctx: Context) -> HandlerResult {
    let text = if unsubscribe(&ctx.state.db, &ctx.incoming.openid).await? {
        format!("已退订{NAME}。发送「订阅 {NAME}」可重新订阅。")
    } else {
        format!("你没有订阅{NAME}。发送「订阅 {NAME}」订阅，每天早上收到当天的安排。")
    };
    Ok(Some(Reply::text(text)))
}
