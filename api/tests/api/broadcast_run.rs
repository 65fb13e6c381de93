//! 每日播报's daily run: each subscriber's broadcast is written and queued once a day at
//! their minute, goes through the channel planner (customer service in the window, the
//! template when mapped, held for the digest otherwise, never by mass), its page counts
//! the opening, a failed weather leaves the weather out, and unfollowing ends it.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeZone;
use reqwest::StatusCode;
use serde_json::{json, Value};

use banji::broadcast::run::{run_at, run_with};
use banji::broadcast::weather::{QWeather, Weather};

use crate::helpers::{spawn_app, Session, TestApp};
use crate::oauth_helpers::student_token;
use crate::teacher_binding::bound_teacher;

/// 2026-12-07 (a Monday) at `hh:mm`, China time, in ms.
fn monday_at(hh: u32, mm: u32) -> i64 {
    let china = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    china.with_ymd_and_hms(2026, 12, 7, hh, mm, 0).unwrap().timestamp_millis()
}

async fn said(app: &TestApp, openid: &str, text: &str) -> String {
    let answer = app.say(openid, json!({ "type": "text", "content": text })).await;
    answer["reply"]["content"].as_str().unwrap_or_default().to_string()
}

/// The broadcast rows of `openid`: (send id, text, delivery status, channel, fallback).
async fn sends(app: &TestApp, openid: &str) -> Vec<(i64, String, String, Option<String>, String)> {
    sqlx::query_as(
        "SELECT x.id, x.text, d.status, d.channel, d.fallback FROM broadcast_sends x \
         JOIN deliveries d ON d.id = x.delivery_id WHERE x.openid = $1 ORDER BY x.id",
    )
    .bind(openid)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap()
}

/// Waits until no broadcast row is waiting for the delivery worker.
async fn settled(app: &TestApp) {
    for _ in 0..200 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deliveries WHERE kind LIKE 'broadcast:%' AND status IN ('pending', 'sending')",
        )
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        if waiting == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("broadcast deliveries still waiting");
}

async fn set_city(app: &TestApp, admin: &Session, city: &str) {
    let resp = app.patch("/api/v1/settings", &admin.access, json!({ "school_city": city })).await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn each_subscriber_gets_one_broadcast_a_day_at_their_minute_by_the_best_channel_but_never_mass() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    set_city(&app, &admin, "北京").await;
    let (_, students) = app.bound_class(&admin, "计算机2401", 3, &[]).await;
    let (talker, silent, later) = (&students[0].1, &students[1].1, &students[2].1);
    let teacher = bound_teacher(&app, "sun").await;
    // The talker writes (their customer-service window opens); the silent one only subscribed.
    assert!(said(&app, talker, "订阅 每日播报").await.starts_with("已订阅"));
    assert!(said(&app, silent, "订阅 每日播报 7:00").await.starts_with("已订阅"));
    assert!(said(&app, later, "订阅 每日播报 8:00").await.starts_with("已订阅"));
    assert!(said(&app, &teacher, "订阅 每日播报 7:15").await.starts_with("已订阅"));
    app.state.wechat.log.flush().await;
    // The silent one's window: their subscribing message is older than 48 hours.
    sqlx::query("UPDATE wechat_messages SET received_at = received_at - 3 * 86400000 WHERE openid = $1")
        .bind(silent)
        .execute(app.state.db.pool())
        .await
        .unwrap();

    assert_eq!(run_at(&app.state, monday_at(6, 59)).await.unwrap(), 0, "nobody's minute has come");
    assert_eq!(run_at(&app.state, monday_at(7, 31)).await.unwrap(), 3);
    assert_eq!(run_at(&app.state, monday_at(7, 32)).await.unwrap(), 0, "once a day");
    settled(&app).await;

    let mine = sends(&app, talker).await;
    assert_eq!(mine.len(), 1);
    let (_, text, status, channel, _) = &mine[0];
    assert!(text.starts_with("早上好！今天是12月7日 星期一\n天气：北京 "), "{text}");
    assert!(text.contains("今天没有签到和活动安排。") && text.contains("今日一句："), "{text}");
    assert_eq!((status.as_str(), channel.as_deref()), ("sent", Some("custom")));
    let chat = app.inbox(talker).await;
    let message = chat.iter().rev().find(|m| m["channel"] == "custom").expect("a customer-service message");
    let raw = message["raw"].to_string();
    assert!(raw.contains("早上好") && raw.contains("next=/s/broadcast/"), "{raw}");

    // Outside the window, a service account would mass-send; the broadcast waits instead.
    let (id, _, status, channel, fallback) = sends(&app, silent).await.remove(0);
    assert_eq!((status.as_str(), channel.as_deref()), ("held", Some("digest")), "{fallback}");
    assert!(!fallback.contains("mass") && fallback.contains("custom:outside_window"), "{fallback}");
    assert!(app.inbox(silent).await.iter().all(|m| m["channel"] != "mass"));
    let digest = said(&app, silent, "你好").await;
    assert!(digest.contains("今天的每日播报") && digest.contains(&format!("next=/s/broadcast/{id}")), "{digest}");

    // The teacher's broadcast tells no student's day; the 08:00 subscriber waits for 08:00.
    let (_, theirs, ..) = sends(&app, &teacher).await.remove(0);
    assert!(!theirs.contains("安排"), "{theirs}");
    assert!(sends(&app, later).await.is_empty());
    assert_eq!(run_at(&app.state, monday_at(8, 0)).await.unwrap(), 1);
    // The next day, everyone again.
    assert_eq!(run_at(&app.state, monday_at(8, 0) + 86_400_000).await.unwrap(), 4);
}

#[tokio::test]
async fn with_the_notice_template_mapped_the_broadcast_goes_by_template_to_its_page_which_counts_the_opening() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (_, students) = app.bound_class(&admin, "计算机2402", 2, &[]).await;
    let (reader, other) = (&students[0].1, &students[1].1);
    for s in [reader, other] {
        said(&app, s, "订阅 每日播报").await;
    }
    assert_eq!(run_at(&app.state, monday_at(7, 30)).await.unwrap(), 2);
    settled(&app).await;
    let (id, text, status, channel, _) = sends(&app, reader).await.remove(0);
    assert_eq!((status.as_str(), channel.as_deref()), ("sent", Some("template")));
    let pushed = app.inbox(reader).await;
    let template = pushed.iter().find(|m| m["channel"] == "template").expect("a template message");
    assert!(template["url"].as_str().unwrap().ends_with(&format!("next=/s/broadcast/{id}")), "{template}");
    assert!(template.to_string().contains("每日播报 · 12月7日"), "{template}");

    let overview: Value = app.get("/api/v1/broadcast/overview", &admin.access).await.json().await.unwrap();
    assert_eq!(overview["subscribers"], 2);
    assert_eq!(
        overview["days"][0],
        json!({ "day": "2026-12-07", "queued": 2, "sent": 2, "waiting": 0, "failed": 0, "opened": 0 })
    );

    // Another student's token does not open it.
    let path = format!("/api/v1/portal/broadcast/days/{id}");
    let stranger = student_token(&app, other).await;
    assert_eq!(app.get(&path, &stranger).await.status(), StatusCode::NOT_FOUND);
    let token = student_token(&app, reader).await;
    let page: Value = app.get(&path, &token).await.json().await.unwrap();
    assert_eq!((page["date"].as_str(), page["text"].as_str()), (Some("2026-12-07"), Some(text.as_str())));
    app.get(&path, &token).await;
    let overview: Value = app.get("/api/v1/broadcast/overview", &admin.access).await.json().await.unwrap();
    assert_eq!(overview["days"][0]["opened"], 1, "opened twice, counted once");
    let read: Option<i64> = sqlx::query_scalar(
        "SELECT d.read_at FROM deliveries d JOIN broadcast_sends x ON x.delivery_id = d.id WHERE x.id = $1",
    )
    .bind(id)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert!(read.is_some(), "the delivery is read, as a notice's is");
}

#[tokio::test]
async fn a_weather_service_that_fails_leaves_the_weather_out_but_not_the_broadcast() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    set_city(&app, &admin, "北京").await;
    let (_, students) = app.bound_class(&admin, "计算机2403", 1, &[]).await;
    said(&app, &students[0].1, "订阅 每日播报").await;
    // Nothing listens on the port: the fetch fails at once.
    let unreachable = QWeather::new("http://127.0.0.1:9", "key".to_string().into(), Duration::from_millis(300));
    let weather = Weather::new(Arc::new(unreachable), app.state.kv.clone());
    assert_eq!(run_with(&app.state, monday_at(7, 30), Some(&weather)).await.unwrap(), 1);
    let (_, text, ..) = sends(&app, &students[0].1).await.remove(0);
    assert!(text.starts_with("早上好！今天是12月7日 星期一\n今天没有签到"), "{text}");
}

#[tokio::test]
async fn replicas_running_the_same_minute_queue_each_subscriber_once_and_a_late_start_catches_up_three_hours() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2404", 40, &[]).await;
    let rows: Vec<String> = students
        .iter()
        .enumerate()
        .map(|(i, (_, openid))| format!("('{openid}', {}, 0)", if i < 30 { 450 } else { 300 }))
        .collect();
    let sql =
        format!("INSERT INTO broadcast_subscribers (openid, send_minute, subscribed_at) VALUES {}", rows.join(", "));
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(app.state.db.pool()).await.unwrap();

    let replica = app.replica().await;
    // 05:00 is more than three hours before 08:31: those ten are not sent this late.
    let now = monday_at(8, 31);
    let (a, b) = tokio::join!(run_at(&app.state, now), run_at(&replica.state, now));
    assert_eq!(a.unwrap() + b.unwrap(), 30);
    let (sends, deliveries): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM broadcast_sends), \
         (SELECT COUNT(*) FROM deliveries WHERE kind LIKE 'broadcast:%')",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!((sends, deliveries), (30, 30));
}

#[tokio::test]
async fn unfollowing_the_account_ends_the_subscription() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2405", 1, &[]).await;
    let openid = &students[0].1;
    said(&app, openid, "订阅 每日播报").await;
    app.say(openid, json!({ "type": "unsubscribe" })).await;
    let kept: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM broadcast_subscribers").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(kept, 0);
    assert_eq!(run_at(&app.state, monday_at(7, 30)).await.unwrap(), 0);
}
