//! The webhook against the real app: verification, the three modes, rejections without
//! side effects, dedup of platform retries, unknown types, the time budget. Tests that post
//! messages in clear run the account in compatible mode (`ACCEPTS_PLAINTEXT`); the mock
//! account's default is safe mode, which refuses them (`webhook_replay.rs`).

use std::time::Duration;

use banji::wechat::webhook::router::{Match, Router, Text};
use banji::wechat::xml;
use banji::wechat::Reply;
use serde_json::json;

use crate::helpers::{error_body, spawn_app, spawn_app_with, spawn_app_with_router};
use crate::wechat_helpers::{crypto, now, signed, text_xml, Mode};

/// Takes messages in clear as well as encrypted.
pub const ACCEPTS_PLAINTEXT: &[(&str, &str)] = &[("WECHAT_MESSAGE_MODE", "compatible")];

#[tokio::test]
async fn get_verification_echoes_echostr_only_for_a_valid_signature() {
    let app = spawn_app().await;
    let mut good = signed(Mode::Plain, "", now()).query;
    good.push(("echostr", "4387230947509".into()));
    let resp = app.client.get(app.url("/wechat")).query(&good).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "4387230947509");

    let mut bad = good.clone();
    bad[0].1 = "0".repeat(40);
    let resp = app.client.get(app.url("/wechat")).query(&bad).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    assert!(!resp.text().await.unwrap().contains("4387230947509"), "nothing echoed");
}

#[tokio::test]
async fn a_plain_message_gets_a_plain_reply_addressed_back_to_the_sender() {
    let app = spawn_app_with(ACCEPTS_PLAINTEXT).await;
    let resp = app.post_webhook(&signed(Mode::Plain, &text_xml("oLiLei", 1001, "帮助"), now())).await;
    assert_eq!(resp.status(), 200);
    let body = resp.text().await.unwrap();
    assert!(
        body.starts_with("<xml><ToUserName><![CDATA[oLiLei]]></ToUserName><FromUserName><![CDATA[gh_banjimock0001]]>"),
        "{body}"
    );
    assert!(body.contains("<Content><![CDATA[可用指令"));
}

#[tokio::test]
async fn safe_and_compatible_mode_messages_get_encrypted_replies() {
    let app = spawn_app().await;
    for (mode, msg_id) in [(Mode::Safe, 2001), (Mode::Compatible, 2002)] {
        let request = signed(mode, &text_xml("oLiLei", msg_id, "帮助"), now());
        let body = app.post_webhook(&request).await.text().await.unwrap();
        let envelope = xml::parse(&body).unwrap();
        let encrypt = envelope.text_of("Encrypt").expect("an encrypted reply");
        let (ts, nonce) = (envelope.text_of("TimeStamp").unwrap(), envelope.text_of("Nonce").unwrap());
        let expected = banji::wechat::signature::msg_signature(banji::wechat::config::MOCK_TOKEN, ts, nonce, encrypt);
        assert_eq!(envelope.text_of("MsgSignature"), Some(expected.as_str()));
        let (reply, root) = Reply::parse(&crypto().decrypt(encrypt).unwrap()).unwrap();
        assert_eq!(root.text_of("ToUserName"), Some("oLiLei"));
        assert!(matches!(reply, Reply::Text { content } if content.starts_with("可用指令")));
    }
}

#[tokio::test]
async fn forged_stale_or_foreign_requests_are_refused_and_leave_no_trace() {
    let app = spawn_app_with(ACCEPTS_PLAINTEXT).await;
    let xml_text = text_xml("oLiLei", 3001, "帮助");

    let mut forged = signed(Mode::Plain, &xml_text, now());
    forged.query[0].1 = "f".repeat(40);
    error_body(app.post_webhook(&forged).await, 403, "webhook_rejected").await;

    let mut bad_msg_signature = signed(Mode::Safe, &xml_text, now());
    bad_msg_signature.query.last_mut().unwrap().1 = "0".repeat(40);
    error_body(app.post_webhook(&bad_msg_signature).await, 403, "webhook_rejected").await;

    let stale = signed(Mode::Plain, &xml_text, now() - 600);
    error_body(app.post_webhook(&stale).await, 403, "webhook_rejected").await;

    // Encrypted for another account: the signature is right, the appid is not.
    let other =
        banji::wechat::crypto::MessageCrypto::new(banji::wechat::config::MOCK_AES_KEY, "wx0000000000000000").unwrap();
    let mut foreign = signed(Mode::Safe, &xml_text, now());
    let encrypt = other.encrypt(&xml_text);
    let ts = foreign.query[1].1.clone();
    foreign.query.last_mut().unwrap().1 =
        banji::wechat::signature::msg_signature(banji::wechat::config::MOCK_TOKEN, &ts, &foreign.query[2].1, &encrypt);
    foreign.body = format!("<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
    error_body(app.post_webhook(&foreign).await, 403, "webhook_rejected").await;

    assert!(app.logged_messages().await.is_empty(), "nothing was stored");
    // The same message, properly signed, is still handled as new (nothing was claimed).
    let body = app.post_webhook(&signed(Mode::Plain, &xml_text, now())).await.text().await.unwrap();
    assert!(body.contains("可用指令"));
    assert_eq!(app.logged_messages().await.len(), 1);
}

#[tokio::test]
async fn a_billion_laughs_body_is_refused_and_an_oversized_one_is_not_read() {
    let app = spawn_app_with(ACCEPTS_PLAINTEXT).await;
    let mut bomb = String::from("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        bomb.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&lol{};", i - 1).repeat(10)));
    }
    bomb.push_str("]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>");
    error_body(app.post_webhook(&signed(Mode::Plain, &bomb, now())).await, 400, "webhook_rejected").await;

    let huge = format!("<xml><Content>{}</Content></xml>", "x".repeat(1024 * 1024 + 1));
    error_body(app.post_webhook(&signed(Mode::Plain, &huge, now())).await, 413, "payload_too_large").await;
    assert!(app.logged_messages().await.is_empty());
}

#[tokio::test]
async fn three_deliveries_of_one_message_take_effect_once_and_get_the_same_reply() {
    let app = spawn_app().await;
    let openid = app.follower("李雷").await;
    let message = json!({ "type": "text", "content": "帮助", "msg_id": 987654321, "create_time": now() });
    let mut replies = Vec::new();
    for _ in 0..3 {
        replies.push(app.say(&openid, message.clone()).await["reply"].clone());
    }
    assert!(replies[0]["content"].as_str().unwrap().starts_with("可用指令"));
    assert_eq!(replies[1], replies[0]);
    assert_eq!(replies[2], replies[0]);
    let texts: Vec<_> = app.logged_messages().await.into_iter().filter(|m| m.1 == "text").collect();
    assert_eq!(texts.len(), 1, "the retries were not handled again");

    // An event without a reply: its retries are acknowledged with `success`.
    let location = json!({ "type": "event", "event": "LOCATION", "create_time": now(), "fields": { "Latitude": "23.1", "Longitude": "113.2", "Precision": "30" } });
    for _ in 0..3 {
        let answer = app.say(&openid, location.clone()).await;
        assert_eq!(answer["body"], "success");
    }
    let locations: Vec<_> =
        app.logged_messages().await.into_iter().filter(|m| m.3.contains("<![CDATA[LOCATION]]>")).collect();
    assert_eq!(locations.len(), 1);
}

#[tokio::test]
async fn unknown_message_types_are_stored_raw_and_acknowledged() {
    let app = spawn_app().await;
    let openid = app.follower("韩梅梅").await;
    let answer = app.say(&openid, json!({ "type": "miniprogrampage" })).await;
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["body"], "success");
    let event =
        app.say(&openid, json!({ "type": "event", "event": "guide_qrcode_scan_event", "event_key": "g1" })).await;
    assert_eq!(event["body"], "success");
    let log = app.logged_messages().await;
    let unknown = log.iter().find(|m| m.1 == "miniprogrampage").expect("stored");
    assert!(unknown.3.contains("<MsgType><![CDATA[miniprogrampage]]></MsgType>"));
    assert!(log.iter().any(|m| m.3.contains("guide_qrcode_scan_event")));
}

#[tokio::test]
async fn every_message_is_logged_with_its_openid_type_content_and_raw_xml() {
    let app = spawn_app().await;
    let openid = app.follower("李雷").await;
    app.say(&openid, json!({ "type": "text", "content": "签到 123456" })).await;
    app.say(&openid, json!({ "type": "location", "latitude": 23.1, "longitude": 113.3, "label": "图书馆" })).await;
    app.say(&openid, json!({ "type": "event", "event": "CLICK", "event_key": "MY_NOTICES" })).await;
    let log = app.logged_messages().await;
    let kinds: Vec<&str> = log.iter().map(|m| m.1.as_str()).collect();
    assert_eq!(kinds, ["event", "text", "location", "event"], "subscribe first");
    assert!(log.iter().all(|m| m.0 == openid));
    assert_eq!(log[1].2.as_deref(), Some("签到 123456"));
    // Where they are is not kept (see `message_log`).
    assert_eq!(log[2].2, None);
    let (event, key): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT event, event_key FROM wechat_messages WHERE msg_type = 'event' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!((event.as_deref(), key.as_deref()), (Some("CLICK"), Some("MY_NOTICES")));
}

#[tokio::test]
async fn a_handler_past_the_budget_is_answered_with_success_and_replies_later_by_customer_service() {
    let router = Router::new().rule("slow", Match::Text(Text::Keyword("慢".into())), |_| async {
        tokio::time::sleep(Duration::from_millis(800)).await;
        Ok(Some(Reply::text("迟到的回复")))
    });
    let app = spawn_app_with_router(&[("WECHAT_REPLY_BUDGET_MS", "200")], router).await;
    let openid = app.follower("李雷").await;

    let answer = app.say(&openid, json!({ "type": "text", "content": "慢 一点" })).await;

    assert_eq!(answer["body"], "success", "the platform is answered before the handler finishes");
    let mut late = None;
    for _ in 0..50 {
        late = app.inbox(&openid).await.into_iter().find(|m| m["channel"] == "custom");
        if late.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let late = late.expect("the late reply arrived as a customer-service message");
    assert_eq!(late["content"], "迟到的回复");
}

#[tokio::test]
async fn a_failing_handler_is_acknowledged_not_answered_with_an_error() {
    let router = Router::new().rule("broken", Match::MsgType("text"), |_| async { anyhow::bail!("database on fire") });
    let app = spawn_app_with_router(ACCEPTS_PLAINTEXT, router).await;
    let resp = app.post_webhook(&signed(Mode::Plain, &text_xml("oLiLei", 5001, "hi"), now())).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "success");
}

#[tokio::test]
async fn a_burst_of_messages_is_stored_completely_across_statement_boundaries() {
    let app = spawn_app().await;
    // More rows than one multi-row INSERT holds (900 parameters / 9 columns = 100 rows).
    for n in 0..257 {
        let incoming = banji::wechat::Incoming {
            to: "gh_banjimock0001".into(),
            openid: format!("oBurst{}", n % 7),
            create_time: now(),
            body: banji::wechat::Body::Text { msg_id: 5_000 + n, content: format!("第{n}条 'quoted' \"消息\"") },
        };
        app.state.wechat.log.record(&incoming, &format!("<xml>{n}</xml>"));
    }
    let logged = app.logged_messages().await;
    assert_eq!(logged.len(), 257);
    assert_eq!(logged[0].0, "oBurst0");
    assert_eq!(logged[0].2.as_deref(), Some("第0条 'quoted' \"消息\""));
    assert_eq!(logged[256].2.as_deref(), Some("第256条 'quoted' \"消息\""));
    assert_eq!(logged[256].3, "<xml>256</xml>");
}

#[tokio::test]
async fn a_known_type_missing_a_field_is_stored_and_acknowledged_not_refused() {
    let app = spawn_app_with(ACCEPTS_PLAINTEXT).await;
    let t = now();
    let no_msg_id = format!(
        "<xml><ToUserName><![CDATA[gh_banjimock0001]]></ToUserName><FromUserName><![CDATA[oLiLei]]></FromUserName>\
         <CreateTime>{t}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>"
    );
    let no_latitude = format!(
        "<xml><ToUserName><![CDATA[gh_banjimock0001]]></ToUserName><FromUserName><![CDATA[oLiLei]]></FromUserName>\
         <CreateTime>{t}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event>\
         <Longitude>113.3</Longitude></xml>"
    );
    for xml in [&no_msg_id, &no_latitude] {
        let resp = app.post_webhook(&signed(Mode::Plain, xml, t)).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.text().await.unwrap(), "success");
    }
    let logged = app.logged_messages().await;
    assert_eq!(logged.len(), 2, "both are in the message log");
    assert_eq!((logged[0].1.as_str(), logged[0].3.as_str()), ("text", no_msg_id.as_str()));
    // Kept as it came, but for the position it holds.
    assert_eq!(logged[1].1, "event");
    assert!(logged[1].3.contains("<![CDATA[LOCATION]]>") && !logged[1].3.contains("113.3"), "{}", logged[1].3);
}

#[tokio::test]
async fn a_timestamp_from_the_future_is_refused_like_a_stale_one() {
    let app = spawn_app_with(ACCEPTS_PLAINTEXT).await;
    let resp = app.post_webhook(&signed(Mode::Plain, &text_xml("oLiLei", 7001, "hi"), now() + 600)).await;
    error_body(resp, 403, "webhook_rejected").await;
    assert!(app.logged_messages().await.is_empty());
}

#[tokio::test]
async fn the_mock_platform_is_not_mounted_when_a_real_account_is_configured() {
    let app = crate::helpers::spawn_app_with(&[
        ("WECHAT_APPID", "wx1234567890abcdef"),
        ("WECHAT_APPSECRET", "real-secret"),
        ("WECHAT_TOKEN", "real-token"),
    ])
    .await;
    for path in ["/mock-wechat/sim/stats", "/mock-wechat/cgi-bin/token", "/mock-wechat/connect/oauth2/authorize"] {
        // Nothing answers there but the console's page (every unknown path gets it).
        let body = app.client.get(app.url(path)).send().await.unwrap().text().await.unwrap();
        assert!(body.contains("<title>班级</title>") && !body.contains("errcode"), "{path} answered {body}");
    }
    let status: serde_json::Value =
        app.get("/api/v1/wechat/status", &app.admin().await.access).await.json().await.unwrap();
    assert_eq!(status["mock"], false);
}

#[tokio::test]
async fn a_handler_slower_than_the_platform_waits_is_cut_off_by_the_default_budget() {
    // The handler never finishes on its own: it waits for the test to let it go, so the
    // answer can only come from the budget cutting it off, however loaded the machine is.
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (wait, done) = (release.clone(), finished.clone());
    let router = Router::new().rule("very slow", Match::MsgType("text"), move |_| {
        let (wait, done) = (wait.clone(), done.clone());
        async move {
            wait.notified().await;
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(Some(Reply::text("太迟了")))
        }
    });
    let app = spawn_app_with_router(ACCEPTS_PLAINTEXT, router).await;
    let started = std::time::Instant::now();
    let body = signed(Mode::Plain, &text_xml("oLiLei", 8001, "hi"), now());
    let answer = app.post_webhook(&body);
    let resp = tokio::time::timeout(Duration::from_secs(60), answer)
        .await
        .expect("an answer came although the handler never finished");
    let waited = started.elapsed();
    assert_eq!(resp.text().await.unwrap(), "success", "the platform is told nothing is coming");
    assert!(!finished.load(std::sync::atomic::Ordering::SeqCst), "answered while the handler still ran");
    // The platform gives up at 5 s; the default budget is 3 s. It is a lower bound only:
    // when the answer comes is the scheduler's business, that it came without the handler is ours.
    assert!(waited >= Duration::from_millis(2900), "the handler was given its budget: {waited:?}");
    release.notify_waiters();
}
