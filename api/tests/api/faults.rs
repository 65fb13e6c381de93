//! When Redis or PostgreSQL falters: answers stay quick and never 500, nothing is lost,
//! and Banji recovers alone. Each test reaches the service through its own `FaultProxy`,
//! so its outage does not touch the tests running beside it. They need the real services:
//! Redis tests run when `REDIS_URL` is set, the PostgreSQL one when `DATABASE_URL` is
//! PostgreSQL (the CI's second pass).

use std::time::Duration;

use serde_json::{json, Value};
use shared::Role;

use crate::fault_proxy::{target_of, FaultProxy};
use crate::helpers::{error_body, spawn_app_with, TestApp, PASSWORD};
use crate::wechat_helpers::{now, signed, text_xml, Mode};

/// The platform gives up on a webhook answer after 5 s: every answer must come before.
const PLATFORM_WAITS: Duration = Duration::from_secs(5);

fn redis_url() -> Option<String> {
    let url = std::env::var("REDIS_URL").ok();
    if url.is_none() {
        eprintln!("REDIS_URL unset: the Redis fault tests run in the PostgreSQL + Redis pass");
    }
    url
}

/// An app whose Redis is behind a proxy the test controls.
async fn app_behind_redis_proxy(redis: &str) -> (TestApp, FaultProxy) {
    let proxy = FaultProxy::start(&target_of(redis)).await;
    let url = proxy.url_for(redis);
    let app = spawn_app_with(&[("REDIS_URL", url.as_str()), ("WECHAT_MESSAGE_MODE", "compatible")]).await;
    (app, proxy)
}

/// Posts `帮助` as `openid` with `msg_id`; the answer's body, which must come before the
/// platform gives up and must not be an error.
async fn ask_for_help(app: &TestApp, openid: &str, msg_id: i64) -> String {
    let request = signed(Mode::Plain, &text_xml(openid, msg_id, "帮助"), now());
    let resp = tokio::time::timeout(PLATFORM_WAITS, app.post_webhook(&request))
        .await
        .unwrap_or_else(|_| panic!("message {msg_id} was answered before the platform gave up"));
    assert_eq!(resp.status(), 200, "message {msg_id}");
    resp.text().await.unwrap()
}

async fn message_log_count(app: &TestApp, msg_id: i64) -> i64 {
    app.state.wechat.log.flush().await;
    sqlx::query_scalar("SELECT COUNT(*) FROM wechat_messages WHERE msg_id = $1")
        .bind(msg_id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

async fn readyz(app: &TestApp) -> (u16, Value) {
    let resp = tokio::time::timeout(PLATFORM_WAITS, app.client.get(app.url("/readyz")).send())
        .await
        .expect("readiness answers quickly whatever is down")
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

/// Waits until the cache is back in the readiness check (the circuit's probe succeeded).
async fn until_cache_is_back(app: &TestApp) {
    for _ in 0..100 {
        if readyz(app).await.0 == 200 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the cache did not come back: {:?}", readyz(app).await);
}

#[tokio::test]
async fn webhook_messages_get_their_normal_reply_while_redis_is_stalled_or_stopped_and_a_retry_is_answered_once() {
    let Some(redis) = redis_url() else { return };
    for (outage, base) in [("stalled", 71_000), ("stopped", 72_000)] {
        let (app, proxy) = app_behind_redis_proxy(&redis).await;
        assert!(ask_for_help(&app, "oHealthy", base).await.contains("可用指令"), "healthy first");

        if outage == "stalled" {
            proxy.stall();
        } else {
            proxy.cut();
        }
        for i in 1..=8 {
            let body = ask_for_help(&app, &format!("oStudent{i}"), base + i).await;
            assert!(body.contains("可用指令"), "{outage}: message {i} got the normal reply: {body}");
        }
        assert!(app.state.kv.is_failing_fast(), "{outage}: the circuit is open, calls no longer wait");
        // The platform retries a message it thinks went unanswered: the same reply, handled once.
        let again = ask_for_help(&app, "oStudent1", base + 1).await;
        assert!(again.contains("可用指令"), "{outage}: the retry got the first attempt's reply");

        proxy.resume();
        until_cache_is_back(&app).await;
        assert!(!app.state.kv.is_failing_fast());
        // A retry after Redis is back still finds the mark this replica kept meanwhile.
        assert!(ask_for_help(&app, "oStudent2", base + 2).await.contains("可用指令"));
        assert!(ask_for_help(&app, "oAfter", base + 100).await.contains("可用指令"), "{outage}: after");
        for msg_id in [base, base + 1, base + 2, base + 3, base + 8, base + 100] {
            assert_eq!(message_log_count(&app, msg_id).await, 1, "{outage}: message {msg_id} logged once");
        }
    }
}

#[tokio::test]
async fn logins_while_redis_is_stalled_or_stopped_are_counted_in_this_replicas_memory_and_never_answer_500() {
    let Some(redis) = redis_url() else { return };
    for outage in ["stalled", "stopped"] {
        let (app, proxy) = app_behind_redis_proxy(&redis).await;
        app.create_user("guessed", Role::Teacher).await;
        if outage == "stalled" {
            proxy.stall();
        } else {
            proxy.cut();
        }
        // A teacher logs in during the outage (before the guessing below uses up this address).
        let (_, wang) = app.signed_in("wang", Role::Admin).await;
        let class = app.create_class(&wang, "计算机2301", &[]).await;
        let notice = app.draft(&wang, "停电通知", json!({ "classes": [class] })).await;
        let token = wang.access;

        let mut statuses = Vec::new();
        for _ in 0..8 {
            statuses.push(app.login("guessed", "wrong-password").await.status().as_u16());
        }
        assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429], "{outage}: the limit holds on this replica");
        let resp = app.login("guessed", PASSWORD).await;
        assert_eq!(resp.status(), 429, "{outage}: the right password waits out the window too (fails closed)");

        // What cannot work without the shared cache says so, with a code.
        let ticket = format!("/api/v1/notices/{notice}/report/ticket");
        error_body(app.post(&ticket, &token, json!({})).await, 503, "cache_unavailable").await;
        let (status, ready) = readyz(&app).await;
        assert_eq!(
            (status, ready["cache"].as_str(), ready["database"].as_str()),
            (503, Some("unavailable"), Some("ok")),
            "{outage}"
        );

        proxy.resume();
        until_cache_is_back(&app).await;
        assert_eq!(app.post(&ticket, &token, json!({})).await.status(), 200, "{outage}: the cache serves again");
    }
}

#[tokio::test]
async fn readiness_names_a_stalled_redis_and_answers_without_waiting_for_it() {
    let Some(redis) = redis_url() else { return };
    let (app, proxy) = app_behind_redis_proxy(&redis).await;
    assert_eq!(readyz(&app).await.0, 200);
    proxy.stall();
    let (status, ready) = readyz(&app).await;
    assert_eq!(status, 503);
    assert_eq!(ready["cache"], "unavailable", "{ready}");
    assert_eq!(ready["database"], "ok", "{ready}");
    assert_eq!(ready["status"], "not_ready");
    proxy.resume();
    until_cache_is_back(&app).await;
}

/// What each follower of the mock received, by openid.
async fn received(app: &TestApp) -> std::collections::HashMap<String, u64> {
    let users: Vec<Value> =
        app.client.get(app.url("/mock-wechat/sim/users")).send().await.unwrap().json().await.unwrap();
    users.into_iter().map(|u| (u["openid"].as_str().unwrap().to_string(), u["received"].as_u64().unwrap())).collect()
}

async fn sent_so_far(app: &TestApp, notice: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE notice_id = $1 AND status = 'sent'")
        .bind(notice)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_postgres_outage_mid_fan_out_answers_503_keeps_every_message_and_sends_each_student_the_notice_once() {
    let Some(database) = std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) else {
        eprintln!("DATABASE_URL is not PostgreSQL: the PostgreSQL fault test runs in the second pass");
        return;
    };
    let proxy = FaultProxy::start(&target_of(&database)).await;
    let through = proxy.url_for(&database);
    let app = spawn_app_with(&[("DATABASE_URL", through.as_str()), ("WECHAT_MESSAGE_MODE", "compatible")]).await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "2026级新生", 2000, &[]).await;
    // Slow enough that the cut lands in the middle of the fan-out.
    app.set_faults(json!({ "latency_ms": 5 })).await;
    let notice = app.draft(&admin, "全体学生安全教育", json!({ "classes": [class] })).await;
    app.send_notice(&admin, notice).await;
    // Cut while a batch is on its way to the platform (its first rows arrived, its record
    // not yet written): the hardest moment for exactly once.
    for _ in 0..1000 {
        if received(&app).await.values().sum::<u64>() >= 300 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    eprintln!("cut with {} recorded sent", sent_so_far(&app, notice).await);
    proxy.cut();
    // Requests that need the database say so, quickly, with a code.
    let resp = tokio::time::timeout(
        PLATFORM_WAITS,
        app.client.get(app.url("/api/v1/notices")).bearer_auth(&admin.access).send(),
    )
    .await
    .expect("answered before a client gives up")
    .unwrap();
    error_body(resp, 503, "database_unavailable").await;
    let (status, ready) = readyz(&app).await;
    assert_eq!((status, ready["database"].as_str()), (503, Some("unavailable")), "{ready}");
    // Students keep writing in: every message is answered meanwhile.
    for (i, (_, openid)) in students.iter().take(20).enumerate() {
        let body = ask_for_help(&app, openid, 90_000 + i as i64).await;
        assert!(body.contains("可用指令"), "message {i} answered during the outage: {body}");
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.resume();

    let progress = app.until_sent(&admin, notice, 180).await;
    assert_eq!(progress["by_status"], json!({ "sent": 2000 }), "{progress}");
    let inboxes = received(&app).await;
    let wrong: Vec<(&String, u64)> =
        students.iter().map(|(_, o)| (o, inboxes.get(o).copied().unwrap_or(0))).filter(|(_, n)| *n != 1).collect();
    assert!(
        wrong.is_empty(),
        "{} students did not get exactly one message: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
    for i in 0..20 {
        assert_eq!(message_log_count(&app, 90_000 + i).await, 1, "message {i} is in the log once");
    }
    assert_eq!(readyz(&app).await.0, 200, "ready again without a restart");
}

#[tokio::test]
async fn platform_calls_keep_working_while_redis_is_stopped_with_a_token_kept_in_this_replicas_memory() {
    let Some(redis) = redis_url() else { return };
    let (app, proxy) = app_behind_redis_proxy(&redis).await;
    proxy.cut();
    let client = &app.state.wechat.client;
    client.tags().await.expect("a platform call while Redis is away");
    client.tags().await.expect("and another, with the token kept meanwhile");
    proxy.resume();
    until_cache_is_back(&app).await;
    client.tags().await.expect("and after Redis is back");
}
