//! The digest: notices no push channel could carry are held, and handed over as a
//! passive reply the next time the student writes to the account (or follows it again,
//! or asks for their notices). Handing them over is what marks them sent, by `digest`.

use crate::db::now_ms;
use crate::state::AppState;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

/// Notices listed in one reply (a text reply must stay under 2 048 bytes).
const PER_REPLY: i64 = 6;

/// The student's notice list, through WeChat's authorisation.
pub fn list_link(state: &AppState) -> String {
    format!("{}/api/v1/portal/oauth?next=/s/notices", state.config.public_url)
}

/// Takes the held notices of this follower (marking them sent) and words them, or
/// `None` when nothing is held.
pub async fn take(state: &AppState, openid: &str) -> sqlx::Result<Option<String>> {
    let db = &state.db;
    let held: Vec<i64> = sqlx::query_scalar(
        "SELECT d.id FROM deliveries d LEFT JOIN notices n ON n.id = d.notice_id \
         WHERE d.openid = $1 AND d.status = 'held' AND (n.status IS NULL OR n.status <> 'withdrawn') \
         ORDER BY d.id LIMIT $2",
    )
    .bind(openid)
    .bind(PER_REPLY)
    .fetch_all(db.pool())
    .await?;
    if held.is_empty() {
        return Ok(None);
    }
    let list = held.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // Only the rows this call changed are listed: a concurrent reply never lists them twice.
    let taken: Vec<(Option<i64>, String, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE deliveries SET status = 'sent', channel = 'digest', sent_at = $1, sent_by = 'digest', delivered_at = $1 \
         WHERE status = 'held' AND id IN ({list}) RETURNING notice_id, kind, ref_id"
    )))
    .bind(now_ms())
    .fetch_all(db.pool())
    .await?;
    if taken.is_empty() {
        return Ok(None);
    }
    // Rows of no notice are teachers' answers from 消息, listed once as a link to them, and
    // the day's broadcast (one at most: a new day's replaces one still held).
    let broadcast = taken.iter().find(|(n, kind, _)| n.is_none() && kind.starts_with(super::send::BROADCAST));
    let answers = taken.iter().filter(|(n, kind, _)| n.is_none() && !kind.starts_with(super::send::BROADCAST)).count();
    let ids = taken.iter().filter_map(|(n, _, _)| *n).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    let ids = if ids.is_empty() { "0".to_string() } else { ids };
    let notices: Vec<(i64, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, title, urgency FROM notices WHERE id IN ({ids}) ORDER BY id"
    )))
    .fetch_all(db.pool())
    .await?;
    let remaining: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE openid = $1 AND status = 'held'")
        .bind(openid)
        .fetch_one(db.pool())
        .await?;
    let mut text = if answers > 0 {
        let link = format!("{}/api/v1/portal/oauth?next=/s/messages", state.config.public_url);
        format!("老师回复了你的留言（{answers} 条），<a href=\"{link}\">点击查看</a>。\n")
    } else {
        String::new()
    };
    if let Some((_, _, Some(id))) = broadcast {
        let link = crate::broadcast::sends::link(&state.config.public_url, *id);
        text.push_str(&format!("今天的每日播报，<a href=\"{link}\">点击查看</a>。\n"));
    }
    if notices.is_empty() && remaining == 0 {
        return Ok(Some(text.trim_end().to_string()));
    }
    text.push_str(&format!("您有 {} 条新通知：", notices.len() as i64 + remaining));
    for (i, (id, title, urgency)) in notices.iter().enumerate() {
        let flag = match urgency.as_str() {
            "urgent" => "【紧急】",
            "important" => "【重要】",
            _ => "",
        };
        let link = super::send::notice_link(&state.config.public_url, *id);
        text.push_str(&format!("\n{}. {flag}<a href=\"{link}\">{}</a>", i + 1, title.replace('<', "＜")));
    }
    if remaining > 0 {
        text.push_str(&format!("\n还有 {remaining} 条，<a href=\"{}\">查看全部</a>", list_link(state)));
    }
    Ok(Some(text))
}

/// `reply`, with the digest added when notices are held: after a text reply, or in
/// place of no reply. Other kinds of reply are left alone (the digest waits).
pub async fn with_digest(state: &AppState, openid: &str, reply: Option<Reply>) -> sqlx::Result<Option<Reply>> {
    match reply {
        None => Ok(take(state, openid).await?.map(Reply::text)),
        Some(Reply::Text { content }) => Ok(Some(Reply::text(match take(state, openid).await? {
            Some(digest) => format!("{content}\n\n{digest}"),
            None => content,
        }))),
        other => Ok(other),
    }
}

/// The "my notices" menu button and the text `通知`.
pub async fn my_notices(ctx: Context) -> HandlerResult {
    let digest = take(&ctx.state, &ctx.incoming.openid).await?;
    Ok(Some(Reply::text(
        digest.unwrap_or_else(|| format!("暂无未收到的通知。<a href=\"{}\">查看全部通知</a>", list_link(&ctx.state))),
    )))
}
