//! A subscriber's broadcast once queued (`broadcast_sends`, written by `run`): the letter
//! its delivery carries, its page — opening it counts as read, on the send and on its
//! delivery, as a notice's page does — and the console's count of the last days.

use chrono::{Datelike, NaiveDate};
use shared::{BroadcastDay, BroadcastDayCount, BroadcastOverview};

use crate::db::{now_ms, Db};
use crate::delivery::send::{china_time, Letter};
use crate::notices::markdown::plain_excerpt;
use crate::state::AppState;

/// Where a broadcast's message leads: its page, through WeChat's authorisation.
pub fn link(public_url: &str, id: i64) -> String {
    format!("{public_url}/api/v1/portal/oauth?next=/s/broadcast/{id}")
}

/// 「每日播报 · 12月7日」.
fn title(day: &str) -> String {
    match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(date) => format!("每日播报 · {}月{}日", date.month(), date.day()),
        Err(_) => "每日播报".into(),
    }
}

/// The letter of the broadcast `id`: a card or template message with its first lines, or
/// (by customer service) the whole text.
pub async fn letter(state: &AppState, id: i64) -> sqlx::Result<Option<Letter>> {
    let row: Option<(String, String, i64)> =
        sqlx::query_as("SELECT day, text, created_at FROM broadcast_sends WHERE id = $1")
            .bind(id)
            .fetch_optional(state.db.pool())
            .await?;
    Ok(row.map(|(day, text, at)| {
        // The greeting names the day, which the title says: the excerpt starts after it.
        let rest = text.split_once('\n').map_or(text.as_str(), |(_, rest)| rest).replace('\n', "；");
        Letter {
            title: title(&day),
            author: String::new(),
            category: super::subscribers::NAME.into(),
            urgency: "普通",
            excerpt: plain_excerpt(&rest, 60),
            time: china_time(at),
            deadline: String::new(),
            link: link(&state.config.public_url, id),
            withdrawn: false,
            confirm: false,
            text: Some(text),
        }
    }))
}

/// The broadcast `id` if it is `openid`'s, counting its first opening.
pub async fn open(db: &Db, openid: &str, id: i64) -> sqlx::Result<Option<BroadcastDay>> {
    let row: Option<(String, String, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT day, text, delivery_id, opened_at FROM broadcast_sends WHERE id = $1 AND openid = $2")
            .bind(id)
            .bind(openid)
            .fetch_optional(db.pool())
            .await?;
    let Some((day, text, delivery, opened)) = row else { return Ok(None) };
    if opened.is_none() {
        let now = now_ms();
        sqlx::query("UPDATE broadcast_sends SET opened_at = $1 WHERE id = $2 AND opened_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(db.pool())
            .await?;
        if let Some(delivery) = delivery {
            sqlx::query("UPDATE deliveries SET read_at = $1, views = views + 1 WHERE id = $2 AND read_at IS NULL")
                .bind(now)
                .bind(delivery)
                .execute(db.pool())
                .await?;
        }
    }
    let item = super::items::used_on(db, &day).await?;
    Ok(Some(BroadcastDay { id, date: day, text, item }))
}

/// Days the overview counts.
const DAYS: i64 = 14;

/// Subscribers now, and how each of the last days' broadcasts went.
pub async fn overview(db: &Db) -> sqlx::Result<BroadcastOverview> {
    let subscribers: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM broadcast_subscribers").fetch_one(db.pool()).await?;
    let rows: Vec<(String, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT x.day, COUNT(*), \
         SUM(CASE WHEN d.status = 'sent' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN d.status IN ('pending', 'sending', 'held') THEN 1 ELSE 0 END), \
         SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN x.opened_at IS NOT NULL THEN 1 ELSE 0 END) \
         FROM broadcast_sends x LEFT JOIN deliveries d ON d.id = x.delivery_id \
         WHERE x.day IN (SELECT DISTINCT day FROM broadcast_sends ORDER BY day DESC LIMIT $1) \
         GROUP BY x.day ORDER BY x.day DESC",
    )
    .bind(DAYS)
    .fetch_all(db.pool())
    .await?;
    let days = rows
        .into_iter()
        .map(|(day, queued, sent, waiting, failed, opened)| BroadcastDayCount {
            day,
            queued,
            sent,
            waiting,
            failed,
            opened,
        })
        .collect();
    Ok(BroadcastOverview { subscribers, days })
}
