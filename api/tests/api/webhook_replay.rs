//! Who may post to the webhook: in safe mode only the holder of the AES key (a message in
//! clear is refused), and in every mode a signed request carries one message — replaying
//! its query with another body is refused, while the platform's own retry of the same
//! message is answered as the first attempt was, and takes effect once.

use banji::wechat::config::{MOCK_AES_KEY, MOCK_APPID, MOCK_TOKEN};
use banji::wechat::xml;
use banji::wechat::Reply;
use serde_json::Value;

use crate::helpers::{error_body, spawn_app, spawn_app_with, TestApp};
use crate::webhook::ACCEPTS_PLAINTEXT;
use crate::wechat_helpers::{crypto, now, signed, text_xml, Mode, Signed};

/// The reply's text, decrypting it when it came in an envelope.
fn reply_text(body: &str) -> String {
    let plain = match xml::parse(body).unwrap().text_of("Encrypt") {
        Some(encrypt) => crypto().decrypt(encrypt).unwrap(),
        None => body.to_string(),
    };
    match Reply::parse(&plain).unwrap().0 {
        Reply::Text { content } => content,
        other => panic!("not a text reply: {other:?}"),
    }
}

async fn texts_logged(app: &TestApp) -> Vec<String> {
    app.logged_messages().await.into_iter().filter(|m| m.1 == "text").filter_map(|m| m.2).collect()
}

fn location_event(openid: &str, create_time: i64) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_banjimock0001]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>\
         <CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event>\
         <Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>30</Precision></xml>"
    )
}

#[tokio::test]
async fn a_plaintext_message_is_refused_when_the_account_is_in_safe_mode() {
    // The mock account has an AES key, so it is in safe mode unless told otherwise.
    let app = spawn_app().await;
    let forged = signed(Mode::Plain, &text_xml("oLiLei", 1001, "帮助"), now());

    let body = error_body(app.post_webhook(&forged).await, 403, "webhook_rejected").await;

    assert!(body["message"].as_str().unwrap().contains("plaintext"), "{body}");
    assert!(app.logged_messages().await.is_empty(), "nothing was taken in");
    // The same message encrypted, as the platform sends it in safe mode, is answered.
    let sealed = app.post_webhook(&signed(Mode::Safe, &text_xml("oLiLei", 1001, "帮助"), now())).await;
    assert!(reply_text(&sealed.text().await.unwrap()).starts_with("可用指令"));

    // A real account with an EncodingAESKey is in safe mode by default too.
    let real = spawn_app_with(&[
        ("WECHAT_APPID", MOCK_APPID),
        ("WECHAT_APPSECRET", "real-secret"),
        ("WECHAT_TOKEN", MOCK_TOKEN),
        ("WECHAT_AES_KEY", MOCK_AES_KEY),
    ])
    .await;
    error_body(real.post_webhook(&forged).await, 403, "webhook_rejected").await;
    let sealed = real.post_webhook(&signed(Mode::Compatible, &text_xml("oLiLei", 1002, "帮助"), now())).await;
    assert_eq!(sealed.status(), 200, "compatible-mode requests are encrypted too");
    assert_eq!(real.logged_messages().await.len(), 1);
}

#[tokio::test]
async fn a_replayed_request_with_a_new_body_is_refused() {
    let app = spawn_app_with(ACCEPTS_PLAINTEXT).await;
    let first = signed(Mode::Plain, &text_xml("oLiLei", 2001, "帮助"), now());
    assert_eq!(app.post_webhook(&first).await.status(), 200);

    // The callback URL of that request, seen in a log, with a message of the attacker's.
    let replays = [
        text_xml("oHanMeimei", 2002, "解绑"),
        text_xml("oLiLei", 2003, "解绑"),
        // Without MsgId there is nothing that could make it a retry.
        text_xml("oLiLei", 2001, "帮助").replace("<MsgId>2001</MsgId>", ""),
        location_event("oLiLei", now()),
    ];
    for body in replays {
        let replay = Signed { query: first.query.clone(), body };
        let answer = error_body(app.post_webhook(&replay).await, 403, "webhook_rejected").await;
        assert!(answer["message"].as_str().unwrap().contains("replayed"), "{answer}");
    }
    assert_eq!(texts_logged(&app).await, ["帮助"], "only the first message was taken in");

    // A message without MsgId is good once per request, like any other.
    let bare = signed(Mode::Plain, &text_xml("oLiLei", 0, "你好").replace("<MsgId>0</MsgId>", ""), now());
    assert_eq!(app.post_webhook(&bare).await.status(), 200);
    error_body(app.post_webhook(&bare).await, 403, "webhook_rejected").await;

    // In safe mode the body is signed too (msg_signature): a new one fails that check first.
    let safe = spawn_app().await;
    let sealed = signed(Mode::Safe, &text_xml("oLiLei", 2004, "帮助"), now());
    assert_eq!(safe.post_webhook(&sealed).await.status(), 200);
    let other = signed(Mode::Safe, &text_xml("oLiLei", 2005, "解绑"), now());
    let replay = Signed { query: sealed.query.clone(), body: other.body };
    error_body(safe.post_webhook(&replay).await, 403, "webhook_rejected").await;
    assert_eq!(texts_logged(&safe).await, ["帮助"]);
}

#[tokio::test]
async fn a_platform_retry_of_the_same_message_is_still_answered_once() {
    let app = spawn_app().await;
    // The platform resends a message it got no answer for, as it sent it.
    let request = signed(Mode::Safe, &text_xml("oLiLei", 3001, "帮助"), now());
    let mut replies = Vec::new();
    for _ in 0..3 {
        let resp = app.post_webhook(&request).await;
        assert_eq!(resp.status(), 200);
        replies.push(reply_text(&resp.text().await.unwrap()));
    }
    assert!(replies[0].starts_with("可用指令"), "{replies:?}");
    assert!(replies.iter().all(|r| *r == replies[0]), "every attempt gets the first answer");
    assert_eq!(texts_logged(&app).await, ["帮助"], "handled once");

    // An event has no MsgId; its sender, time and kind make its retry recognisable.
    let event = signed(Mode::Safe, &location_event("oLiLei", now()), now());
    for _ in 0..3 {
        let resp = app.post_webhook(&event).await;
        assert_eq!((resp.status().as_u16(), resp.text().await.unwrap()), (200, "success".to_string()));
    }
    let logged: Vec<Value> = app
        .logged_messages()
        .await
        .into_iter()
        .filter(|m| m.1 == "event")
        .map(|m| Value::String(m.2.unwrap_or_default()))
        .collect();
    assert_eq!(logged.len(), 1, "the event was taken in once: {logged:?}");
}

#[tokio::test]
async fn the_built_in_mock_is_answered_in_every_mode_it_sends() {
    for mode in ["plain", "compatible", "safe"] {
        let app = spawn_app_with(&[("WECHAT_MOCK_MODE", mode)]).await;
        let openid = app.follower("李雷").await;
        let answer = app.say(&openid, serde_json::json!({ "type": "text", "content": "帮助" })).await;
        assert_eq!(answer["status"], 200, "{mode}: {answer}");
        assert!(answer["reply"]["content"].as_str().unwrap().starts_with("可用指令"), "{mode}: {answer}");
    }
}
