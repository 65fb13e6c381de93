//! Exactly once when a lease runs out while its batch is still being sent: two replicas
//! on one platform that answers slowly, with leases shorter than a batch takes (2 s
//! against 300 ms a call is a 60 s lease against a platform taking ~4 s a call). The
//! mock's inboxes are the judge, the digest counted: every student sees each notice once,
//! and the report says what the platform received.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use serde_json::json;

use crate::helpers::{spawn_app_with, Session, TestApp};

const LEASE: [(&str, &str); 1] = [("BANJI_LEASE_SECS", "2")];

/// Each student writes to the account (through the webhook, as the platform delivers it):
/// it opens their customer-service window, and hands over whatever the digest holds.
async fn write_in(app: &TestApp, openids: &[String], text: &str) {
    stream::iter(openids)
        .for_each_concurrent(8, |openid| async move {
            app.say(openid, json!({ "type": "text", "content": text })).await;
        })
        .await;
    app.state.wechat.log.flush().await;
}

/// The channels by which each message carrying notice `id` reached this follower
/// (`template`, `custom`, `mass`, or `passive` for the digest in a reply).
async fn copies(app: &TestApp, openid: &str, id: i64) -> Vec<String> {
    let link = format!("/s/notices/{id}");
    app.inbox(openid)
        .await
        .into_iter()
        .filter(|item| {
            let raw = item["raw"].to_string();
            raw.match_indices(&link).any(|(at, _)| !raw[at + link.len()..].starts_with(|c: char| c.is_ascii_digit()))
        })
        .map(|item| item["channel"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Every student got notice `id` exactly once, and their row says by which channel; the
/// failures are listed, a few of each kind.
async fn assert_exactly_once(app: &TestApp, admin: &Session, id: i64, openids: &[String]) -> HashMap<String, usize> {
    let rows = app.deliveries(admin, id).await;
    assert_eq!(rows.len(), openids.len());
    let mut wrong: HashMap<String, Vec<String>> = HashMap::new();
    let mut by_channel: HashMap<String, usize> = HashMap::new();
    for openid in openids {
        let row = rows.iter().find(|r| r["openid"] == *openid.as_str()).expect("a row per student");
        let got = copies(app, openid, id).await;
        let (status, channel) =
            (row["status"].as_str().unwrap_or_default(), row["channel"].as_str().unwrap_or_default());
        let expected = if channel == "digest" { "passive" } else { channel };
        let problem = match got.as_slice() {
            [] => Some(format!("never received (row {status}/{channel})")),
            [one] if status == "sent" && one == expected => None,
            [one] => Some(format!("received by {one}, row says {status}/{channel}")),
            many => Some(format!("received {} times ({many:?}), row says {status}/{channel}", many.len())),
        };
        match problem {
            Some(p) => {
                wrong.entry(p.split(" (").next().unwrap().to_string()).or_default().push(format!("{openid}: {p}"))
            }
            None => *by_channel.entry(channel.to_string()).or_default() += 1,
        }
    }
    let summary: Vec<String> = wrong
        .iter()
        .map(|(kind, all)| format!("{} × {kind}, e.g. {:?}", all.len(), &all[..all.len().min(3)]))
        .collect();
    assert!(wrong.is_empty(), "notice {id}: {summary:#?}");
    by_channel
}

#[tokio::test]
async fn a_lease_that_runs_out_mid_batch_never_sends_a_customer_service_notice_twice() {
    let one = spawn_app_with(&LEASE).await;
    let two = one.replica_on_same_platform_with(&LEASE).await;
    let admin = one.admin().await;
    // No template is mapped: students who just wrote in get customer-service messages.
    let (class, students) = one.bound_class(&admin, "计算机2301", 300, &[]).await;
    let openids: Vec<String> = students.into_iter().map(|(_, o)| o).collect();
    write_in(&one, &openids, "老师好").await;

    one.set_faults(json!({ "latency_ms": 300 })).await;
    let id = one.draft(&admin, "明日停电通知", json!({ "classes": [class] })).await;
    one.send_notice(&admin, id).await;
    two.state.delivery.wake();
    one.until_sent(&admin, id, 120).await;
    one.set_faults(json!({})).await;
    // Each writes once more: a notice held for the digest would be handed over now.
    write_in(&one, &openids, "收到").await;

    let by_channel = assert_exactly_once(&one, &admin, id, &openids).await;
    assert_eq!(by_channel, HashMap::from([("custom".to_string(), 300)]));
}

#[tokio::test]
async fn template_customer_service_and_mass_sends_under_leases_shorter_than_a_batch_reach_each_student_once() {
    let one = spawn_app_with(&LEASE).await;
    let two = one.replica_on_same_platform_with(&LEASE).await;
    let admin = one.admin().await;
    one.map_notice_template(&admin).await;
    let (class, students) = one.bound_class(&admin, "计算机2302", 300, &[]).await;
    let openids: Vec<String> = students.into_iter().map(|(_, o)| o).collect();
    // Two in three wrote in (customer service once the template is gone); the rest are
    // reached by mass send.
    let wrote: Vec<String> = openids.iter().enumerate().filter(|(i, _)| i % 3 != 2).map(|(_, o)| o.clone()).collect();
    write_in(&one, &wrote, "老师好").await;

    one.set_faults(json!({ "latency_ms": 300 })).await;
    let by_template = one.draft(&admin, "期末考试安排", json!({ "classes": [class] })).await;
    one.send_notice(&admin, by_template).await;
    two.state.delivery.wake();
    // Once the first went out by template, the template is taken away: what is left of
    // the first notice and all of the second go by customer service and mass send.
    for _ in 0..600 {
        if one.progress(&admin, by_template).await["by_status"]["sent"].as_i64().unwrap_or(0) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let resp = one.delete("/api/v1/settings/templates/notice", &admin.access).await;
    assert_eq!(resp.status(), 204);
    let without = one.draft(&admin, "寒假离校须知", json!({ "classes": [class] })).await;
    one.send_notice(&admin, without).await;
    two.state.delivery.wake();
    one.until_sent(&admin, by_template, 120).await;
    one.until_sent(&admin, without, 120).await;
    one.set_faults(json!({})).await;
    write_in(&one, &openids, "收到").await;

    let first = assert_exactly_once(&one, &admin, by_template, &openids).await;
    let second = assert_exactly_once(&one, &admin, without, &openids).await;
    assert!(first.get("template").is_some_and(|n| *n > 0), "the first notice went by template: {first:?}");
    assert_eq!(second.get("custom"), Some(&200), "{second:?}");
    assert_eq!(second.get("mass"), Some(&100), "{second:?}");
}

#[tokio::test]
async fn a_customer_service_message_whose_answer_was_lost_is_neither_sent_again_nor_handed_over_by_the_digest() {
    let app = spawn_app_with(&[]).await;
    let admin = app.admin().await;
    let (class, students) = app.bound_class(&admin, "计算机2303", 3, &[]).await;
    let openids: Vec<String> = students.into_iter().map(|(_, o)| o).collect();
    write_in(&app, &openids, "老师好").await;
    app.state.wechat.client.access_token().await.expect("a token before the answers are lost");
    // The platform takes every call but its answers are lost (a 504 after the work is done).
    app.set_faults(json!({ "lost_answer_rate": 1.0 })).await;
    let id = app.draft(&admin, "体测时间调整", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    app.until_sent(&admin, id, 60).await;
    app.set_faults(json!({})).await;
    write_in(&app, &openids, "收到").await;

    assert_exactly_once(&app, &admin, id, &openids).await;
    for row in app.deliveries(&admin, id).await {
        assert!(row["delivered_at"].is_null(), "the platform never said it was delivered: {row}");
        let codes: Vec<&str> = row["fallback"].as_array().unwrap().iter().filter_map(|r| r["code"].as_str()).collect();
        assert!(codes.contains(&"unknown_outcome"), "the report says the outcome is unknown: {row}");
    }
}

#[tokio::test]
async fn a_lease_that_runs_out_mid_batch_never_sends_a_subscribe_notification_twice() {
    let one = spawn_app_with(&LEASE).await;
    let two = one.replica_on_same_platform_with(&LEASE).await;
    let admin = one.admin().await;
    let mapping =
        json!({ "kind": "notice", "template_id": "SUB_NOTICE", "fields": { "title": "thing1", "time": "time3" } });
    let resp = one
        .request(
            reqwest::Method::PUT,
            "/api/v1/settings/subscribe-templates/notice",
            Some(&admin.access),
            Some(mapping),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let (class, students) = one.bound_class(&admin, "计算机2302", 100, &[]).await;
    let openids: Vec<String> = students.into_iter().map(|(_, o)| o).collect();
    // Every student subscribes (long-term) with the page's button; nobody wrote in, so no
    // customer-service message could carry a notice either.
    let app = &one;
    stream::iter(&openids)
        .for_each_concurrent(8, |openid| async move {
            let url = app.url(&format!("/mock-wechat/sim/users/{openid}/subscribe"));
            let body = json!({ "template_ids": ["SUB_NOTICE"], "status": "accept" });
            assert_eq!(app.client.post(url).json(&body).send().await.unwrap().status(), 204);
        })
        .await;
    for _ in 0..200 {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions WHERE accepted = TRUE")
            .fetch_one(one.state.db.pool())
            .await
            .unwrap();
        if n == 100 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    one.set_faults(json!({ "latency_ms": 300 })).await;
    let id = one.draft(&admin, "明日停水通知", json!({ "classes": [class] })).await;
    one.send_notice(&admin, id).await;
    two.state.delivery.wake();
    one.until_sent(&admin, id, 120).await;
    one.set_faults(json!({})).await;
    write_in(&one, &openids, "收到").await;

    let by_channel = assert_exactly_once(&one, &admin, id, &openids).await;
    assert_eq!(by_channel, HashMap::from([("subscribe".to_string(), 100)]));
}
