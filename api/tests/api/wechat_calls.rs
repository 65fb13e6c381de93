//! Every server-API call of the client against the mock platform, with the rules that
//! matter: menus, tags, followers, customer-service windows, templates, mass sends,
//! media, QR codes, OAuth and the JSSDK config.

use std::time::Duration;

use banji::wechat::client::media::{MediaKind, QrScene};
use banji::wechat::client::menus::{Button, MatchRule, Menu};
use banji::wechat::client::messages::{
    CustomMessage, MassAudience, MassMessage, MenuChoice, NewsArticle, TemplateMessage, TemplateValue,
};
use banji::wechat::client::oauth::OauthScope;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, TestApp};

fn click(name: &str, key: &str) -> Button {
    Button { kind: Some("click".into()), name: name.into(), key: Some(key.into()), ..Button::default() }
}

async fn raw_call(app: &TestApp, path: &str, body: Value) -> Value {
    let token = app.state.wechat.client.access_token().await.unwrap();
    let url = app.url(&format!("/mock-wechat/cgi-bin{path}"));
    app.client.post(url).query(&[("access_token", token)]).json(&body).send().await.unwrap().json().await.unwrap()
}

/// Waits for the job-finish event of `msg_id` to reach the webhook and the message log.
async fn job_result(app: &TestApp, msg_id: i64) -> banji::wechat::Event {
    for _ in 0..50 {
        app.state.wechat.log.flush().await;
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT raw_xml FROM wechat_messages WHERE event IN ('TEMPLATESENDJOBFINISH', 'MASSSENDJOBFINISH')",
        )
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
        let found = rows.iter().filter_map(|(raw,)| banji::wechat::Incoming::parse(raw).ok()?.event().cloned()).find(
            |e| match e {
                banji::wechat::Event::TemplateSendJobFinish { msg_id: id, .. }
                | banji::wechat::Event::MassSendJobFinish { msg_id: id, .. } => *id == msg_id,
                _ => false,
            },
        );
        if let Some(event) = found {
            return event;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    panic!("no job result for {msg_id} reached the webhook");
}

#[tokio::test]
async fn menus_are_created_read_matched_by_tag_and_deleted() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let menu = Menu { button: vec![click("通知", "NOTICES"), click("签到", "CHECKIN")] };
    client.create_menu(&menu).await.unwrap();
    assert_eq!(client.get_menu().await.unwrap().menu, Some(menu.clone()));

    let tag = client.create_tag("班干部").await.unwrap();
    let cadre = app.mock().add_follower("班长");
    let student = app.mock().add_follower("同学");
    client.tag_followers(tag.id, std::slice::from_ref(&cadre)).await.unwrap();
    let cadre_menu = Menu { button: vec![click("未读名单", "UNREAD")] };
    let rule = MatchRule { tag_id: Some(tag.id.to_string()), client_platform_type: None };
    let menuid = client.add_conditional_menu(&cadre_menu, &rule).await.unwrap();
    assert_eq!(client.try_match_menu(&cadre).await.unwrap(), cadre_menu);
    assert_eq!(client.try_match_menu(&student).await.unwrap(), menu);

    client.delete_conditional_menu(&menuid).await.unwrap();
    assert_eq!(client.try_match_menu(&cadre).await.unwrap(), menu);
    client.delete_menu().await.unwrap();
    assert_eq!(client.get_menu().await.unwrap_err().code(), Some(46003));
    // The platform itself enforces the rules the client checks.
    let crowded = json!({ "button": [{"type":"click","name":"a","key":"k"},{"type":"click","name":"b","key":"k"},{"type":"click","name":"c","key":"k"},{"type":"click","name":"d","key":"k"}] });
    assert_eq!(raw_call(&app, "/menu/create", crowded).await["errcode"], 40016);
    assert_eq!(raw_call(&app, "/menu/create", json!({ "button": "not a list" })).await["errcode"], 47001);
}

#[tokio::test]
async fn tags_are_managed_and_members_tagged_fifty_per_call() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let tag = client.create_tag("计科2301").await.unwrap();
    assert!(tag.id >= 100, "ids 0–2 are reserved");
    assert_eq!(client.create_tag("计科2301").await.unwrap_err().code(), Some(45157));
    client.rename_tag(tag.id, "计科2301班").await.unwrap();

    let openids: Vec<String> = (0..120).map(|i| app.mock().add_follower(&format!("学生{i}"))).collect();
    let stats = || async {
        app.client.get(app.url("/mock-wechat/sim/stats")).send().await.unwrap().json::<Value>().await.unwrap()
            ["api_calls"]
            .as_u64()
            .unwrap()
    };
    let before = stats().await;
    client.tag_followers(tag.id, &openids).await.unwrap();
    assert_eq!(stats().await - before, 3, "120 openids in batches of 50");

    app.client.put(app.url("/mock-wechat/sim/settings")).json(&json!({ "page_size": 50 })).send().await.unwrap();
    let mut members = Vec::new();
    let mut next = String::new();
    loop {
        let page = client.followers_of_tag(tag.id, &next).await.unwrap();
        members.extend(page.openids().to_vec());
        if page.next_openid.is_empty() {
            break;
        }
        next = page.next_openid;
    }
    assert_eq!(members.len(), 120);
    assert_eq!(client.tags().await.unwrap().into_iter().find(|t| t.id == tag.id).unwrap().count, 120);
    assert_eq!(client.tags_of_follower(&openids[0]).await.unwrap(), vec![tag.id]);
    client.untag_followers(tag.id, &openids[..60]).await.unwrap();
    assert_eq!(client.tags_of_follower(&openids[0]).await.unwrap(), Vec::<i64>::new());

    assert_eq!(client.delete_tag(2).await.unwrap_err().code(), Some(45058));
    client.delete_tag(tag.id).await.unwrap();
    assert_eq!(client.tags_of_follower(&openids[100]).await.unwrap(), Vec::<i64>::new());
}

#[tokio::test]
async fn an_account_has_at_most_one_hundred_tags() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    for i in 0..100 {
        client.create_tag(&format!("组{i}")).await.unwrap();
    }
    let err = client.create_tag("第101个").await.unwrap_err();
    assert_eq!(err.code(), Some(45056));
    assert_eq!(err.reason(), "the account has the maximum number of tags");
}

#[tokio::test]
async fn followers_are_listed_by_page_described_in_batches_and_given_remarks() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let openids: Vec<String> = (0..150).map(|i| app.mock().add_follower(&format!("学生{i}"))).collect();
    app.client.put(app.url("/mock-wechat/sim/settings")).json(&json!({ "page_size": 100 })).send().await.unwrap();

    let first = client.followers("").await.unwrap();
    assert_eq!((first.total, first.page.count), (150, 100));
    let second = client.followers(&first.page.next_openid).await.unwrap();
    assert_eq!(second.page.count, 50);
    assert!(second.page.next_openid.is_empty());

    let infos = client.followers_info(&openids).await.unwrap();
    assert_eq!(infos.len(), 150);
    client.set_remark(&openids[0], "计科2301-张三").await.unwrap();
    let info = client.follower_info(&openids[0]).await.unwrap();
    assert_eq!((info.subscribe, info.remark.as_str()), (1, "计科2301-张三"));
    assert!(client.set_remark(&openids[0], &"长".repeat(31)).await.is_err());
    assert_eq!(client.follower_info("oNobody").await.unwrap_err().code(), Some(40003));
}

#[tokio::test]
async fn customer_service_messages_of_every_type_reach_a_follower_who_wrote() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let openid = app.follower("李雷").await;
    // Media must be on the platform (uploaded as temporary media) to be sent.
    use banji::wechat::mock::media::{SAMPLE_IMAGE, SAMPLE_VIDEO, SAMPLE_VOICE};
    let upload = |kind: MediaKind, name: &'static str, bytes: &'static [u8]| async move {
        client.upload_media(kind, name, bytes).await.unwrap().media_id
    };
    let image = upload(MediaKind::Image, "a.jpg", SAMPLE_IMAGE).await;
    let voice = upload(MediaKind::Voice, "a.amr", SAMPLE_VOICE).await;
    let video = upload(MediaKind::Video, "a.mp4", SAMPLE_VIDEO).await;
    let thumb = upload(MediaKind::Thumb, "t.jpg", SAMPLE_IMAGE).await;
    let unknown = CustomMessage::Image { media_id: "never-uploaded".into() };
    app.say(&openid, json!({ "type": "text", "content": "在吗" })).await;
    let refused = client.send_custom_message(&openid, &unknown).await.unwrap_err();
    assert_eq!(refused.code(), Some(40007), "media the platform does not hold");
    let messages = [
        CustomMessage::Text { content: "你的提问已收到".into() },
        CustomMessage::Image { media_id: image.clone() },
        CustomMessage::Voice { media_id: voice },
        CustomMessage::Video {
            media_id: video,
            thumb_media_id: thumb.clone(),
            title: "t".into(),
            description: "d".into(),
        },
        CustomMessage::Music {
            title: "t".into(),
            description: "d".into(),
            musicurl: "u".into(),
            hqmusicurl: "h".into(),
            thumb_media_id: thumb,
        },
        CustomMessage::News {
            articles: vec![NewsArticle {
                title: "新通知".into(),
                description: "d".into(),
                url: "http://u".into(),
                picurl: "p".into(),
            }],
        },
        CustomMessage::MpNews { media_id: "M".into() },
        CustomMessage::MsgMenu {
            head_content: "请选择".into(),
            list: vec![MenuChoice { id: "1".into(), content: "满意".into() }],
            tail_content: "谢谢".into(),
        },
        CustomMessage::MiniProgramPage {
            title: "t".into(),
            appid: "wx1".into(),
            pagepath: "p".into(),
            thumb_media_id: "T".into(),
        },
    ];
    for (i, message) in messages.iter().enumerate() {
        if i % 4 == 0 {
            app.say(&openid, json!({ "type": "text", "content": "在吗" })).await;
        }
        client.send_custom_message(&openid, message).await.unwrap_or_else(|e| panic!("{}: {e}", message.msg_type()));
    }
    let received: Vec<String> = app
        .inbox(&openid)
        .await
        .iter()
        .filter(|m| m["channel"] == "custom")
        .map(|m| m["msg_type"].as_str().unwrap().to_string())
        .collect();
    let sent: Vec<&str> = messages.iter().map(|m| m.msg_type()).collect();
    assert_eq!(received, sent);
}

#[tokio::test]
async fn customer_service_messages_respect_the_window_the_cap_and_the_follow() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let hello = CustomMessage::Text { content: "hi".into() };

    let silent = app.mock().add_follower("从未发言");
    assert_eq!(client.send_custom_message(&silent, &hello).await.unwrap_err().code(), Some(45015));

    // Added without a follow event, so only the 48-hour window applies.
    let talker = app.mock().add_follower("李雷");
    app.say(&talker, json!({ "type": "text", "content": "老师好" })).await;
    for _ in 0..5 {
        client.send_custom_message(&talker, &hello).await.unwrap();
    }
    let err = client.send_custom_message(&talker, &hello).await.unwrap_err();
    assert_eq!(err.code(), Some(45047));
    app.say(&talker, json!({ "type": "text", "content": "还在吗" })).await;
    client.send_custom_message(&talker, &hello).await.expect("a new message opens a new window");

    let blocker = app.follower("拒收").await;
    app.say(&blocker, json!({ "type": "text", "content": "x" })).await;
    app.client
        .patch(app.url(&format!("/mock-wechat/sim/users/{blocker}")))
        .json(&json!({ "blocked": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(client.send_custom_message(&blocker, &hello).await.unwrap_err().code(), Some(43101));

    let leaver = app.follower("取关").await;
    app.say(&leaver, json!({ "type": "text", "content": "x" })).await;
    app.say(&leaver, json!({ "type": "unsubscribe" })).await;
    let err = client.send_custom_message(&leaver, &hello).await.unwrap_err();
    assert_eq!((err.code(), err.reason().as_str()), (Some(43004), "the student does not follow the account"));
}

fn template_to(openid: &str, client_msg_id: &str) -> TemplateMessage {
    let mut data = std::collections::BTreeMap::new();
    data.insert("thing1".to_string(), TemplateValue { value: "期末考试安排".into() });
    data.insert("thing2".to_string(), TemplateValue { value: "王老师".into() });
    data.insert("time3".to_string(), TemplateValue { value: "2026-11-21 14:00".into() });
    TemplateMessage {
        touser: openid.to_string(),
        template_id: "TPL_NOTICE".into(),
        url: Some("http://127.0.0.1/notices/1".into()),
        miniprogram: None,
        data,
        client_msg_id: Some(client_msg_id.to_string()),
    }
}

#[tokio::test]
async fn template_messages_send_once_per_client_msg_id_and_report_their_outcome() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let openid = app.follower("李雷").await;
    assert_eq!(client.templates().await.unwrap().len(), 4);

    let msgid = client.send_template(&template_to(&openid, "delivery-1")).await.unwrap();
    assert!(msgid > 0);
    let inbox = app.inbox(&openid).await;
    let received = inbox.iter().find(|m| m["channel"] == "template").unwrap();
    assert_eq!(received["url"], "http://127.0.0.1/notices/1");
    assert_eq!(
        job_result(&app, msgid).await,
        banji::wechat::Event::TemplateSendJobFinish { msg_id: msgid, status: "success".into() }
    );

    assert_eq!(client.send_template(&template_to(&openid, "delivery-1")).await.unwrap_err().code(), Some(45065));
    let mut unknown = template_to(&openid, "delivery-2");
    unknown.template_id = "TPL_NOPE".into();
    assert_eq!(client.send_template(&unknown).await.unwrap_err().code(), Some(40037));
    let mut long = template_to(&openid, "delivery-3");
    long.data.get_mut("thing1").unwrap().value = "这是一个超过二十个字的通知标题用来测试平台的长度限制".into();
    assert_eq!(client.send_template(&long).await.unwrap_err().code(), Some(47003));
    let mut multiline = template_to(&openid, "delivery-4");
    multiline.data.get_mut("thing1").unwrap().value = "两\n行".into();
    assert!(client.send_template(&multiline).await.is_err());

    let blocker = app.follower("拒收").await;
    app.client
        .patch(app.url(&format!("/mock-wechat/sim/users/{blocker}")))
        .json(&json!({ "blocked": true }))
        .send()
        .await
        .unwrap();
    let blocked = client.send_template(&template_to(&blocker, "delivery-5")).await.unwrap();
    let expected = banji::wechat::Event::TemplateSendJobFinish { msg_id: blocked, status: "failed:user block".into() };
    assert_eq!(job_result(&app, blocked).await, expected);

    let leaver = app.follower("取关").await;
    app.say(&leaver, json!({ "type": "unsubscribe" })).await;
    let err = client.send_template(&template_to(&leaver, "delivery-6")).await.unwrap_err();
    assert_eq!(err.code(), Some(43004), "a template cannot reach someone who does not follow");
}

#[tokio::test]
async fn accounts_that_are_not_verified_service_accounts_cannot_send_templates() {
    let app = spawn_app_with(&[("WECHAT_ACCOUNT_KIND", "service")]).await;
    let openid = app.follower("李雷").await;
    let err = app.state.wechat.client.send_template(&template_to(&openid, "x")).await.unwrap_err();
    assert_eq!(err.code(), Some(48001));
}

#[tokio::test]
async fn mass_sends_reach_a_tag_or_a_list_within_the_monthly_quota() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let tag = client.create_tag("学生会").await.unwrap();
    let members: Vec<String> = (0..3).map(|i| app.mock().add_follower(&format!("干事{i}"))).collect();
    client.tag_followers(tag.id, &members).await.unwrap();
    let notice = MassMessage::Text { content: "周五开会".into() };

    let sent = client.mass_send_all(MassAudience::Tag(tag.id), &notice, "mass-1").await.unwrap();
    assert_eq!(client.mass_status(sent.msg_id).await.unwrap().msg_status, "SEND_SUCCESS");
    assert!(app.inbox(&members[0]).await.iter().any(|m| m["channel"] == "mass" && m["content"] == "周五开会"));
    let banji::wechat::Event::MassSendJobFinish { status, total, sent: delivered, .. } =
        job_result(&app, sent.msg_id).await
    else {
        panic!("a mass result")
    };
    assert_eq!((status.as_str(), total, delivered), ("send success", 3, 3));
    assert_eq!(
        client.mass_send_all(MassAudience::Tag(tag.id), &notice, "mass-1").await.unwrap_err().code(),
        Some(45065)
    );

    // Each follower of a service account receives at most 4 a month; the rest are filtered.
    for i in 2..=4 {
        client.mass_send(&members, &notice, &format!("mass-{i}")).await.unwrap();
    }
    let fifth = client.mass_send(&members, &notice, "mass-5").await.unwrap();
    let banji::wechat::Event::MassSendJobFinish { filtered, sent: delivered, .. } =
        job_result(&app, fifth.msg_id).await
    else {
        panic!("a mass result")
    };
    assert_eq!((filtered, delivered), (3, 0));
    let mass_count = app.inbox(&members[0]).await.iter().filter(|m| m["channel"] == "mass").count();
    assert_eq!(mass_count, 4);
}

#[tokio::test]
async fn a_subscription_account_mass_sends_once_a_day_and_not_to_lists() {
    let app = spawn_app_with(&[("WECHAT_ACCOUNT_KIND", "subscription")]).await;
    let client = &app.state.wechat.client;
    let notice = MassMessage::Text { content: "通知".into() };
    let list = vec![app.mock().add_follower("a"), app.mock().add_follower("b")];
    assert_eq!(client.mass_send(&list, &notice, "l1").await.unwrap_err().code(), Some(48001));
    client.mass_send_all(MassAudience::All, &notice, "d1").await.unwrap();
    let err = client.mass_send_all(MassAudience::All, &notice, "d2").await.unwrap_err();
    assert_eq!((err.code(), err.reason().as_str()), (Some(45028), "no mass-send quota left"));
}

#[tokio::test]
async fn media_is_uploaded_as_temporary_permanent_or_article_images() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let png = *b"\x89PNG\r\n\x1a\n-image";
    let temp = client.upload_media(MediaKind::Image, "poster.png", &png).await.unwrap();
    let not_an_image = client.upload_media(MediaKind::Image, "poster.png", b"<svg/>").await.unwrap_err();
    assert_eq!(not_an_image.code(), Some(40005), "the platform's types only");
    assert_eq!(temp.kind, "image");
    assert!(!temp.media_id.is_empty());
    let video = client.add_material(MediaKind::Video, "intro.mp4", &png, Some(("开学典礼", "视频简介"))).await.unwrap();
    assert!(!video.media_id.is_empty());
    let url = client.upload_article_image("inline.png", &png).await.unwrap();
    assert!(url.starts_with("http://mmbiz.qpic.cn/"));
    assert_eq!(client.upload_media(MediaKind::Image, "empty.png", &[]).await.unwrap_err().code(), Some(41005));
}

#[tokio::test]
async fn a_scanned_qr_code_brings_scan_or_subscribe_events_with_its_scene() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let temporary = client.create_qrcode(&QrScene::Str("checkin:42".into()), Some(600)).await.unwrap();
    assert_eq!(temporary.expire_seconds, 600);
    let permanent = client.create_qrcode(&QrScene::Id(7), None).await.unwrap();
    let image = app.client.get(client.qrcode_image_url(&permanent.ticket)).send().await.unwrap();
    assert_eq!(image.headers()["content-type"], "image/svg+xml");

    let follower = app.follower("李雷").await;
    app.say(&follower, json!({ "type": "scan", "ticket": temporary.ticket })).await;
    let (event, key): (String, String) = {
        app.state.wechat.log.flush().await;
        sqlx::query_as("SELECT event, event_key FROM wechat_messages WHERE openid = $1 ORDER BY id DESC LIMIT 1")
            .bind(&follower)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap()
    };
    assert_eq!((event.as_str(), key.as_str()), ("SCAN", "checkin:42"));

    let newcomer = app.mock().add_follower("新同学");
    app.say(&newcomer, json!({ "type": "unsubscribe" })).await;
    app.say(&newcomer, json!({ "type": "scan", "ticket": temporary.ticket })).await;
    app.state.wechat.log.flush().await;
    let key: (String,) = sqlx::query_as(
        "SELECT event_key FROM wechat_messages WHERE openid = $1 AND event = 'subscribe' ORDER BY id DESC LIMIT 1",
    )
    .bind(&newcomer)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(key.0, "qrscene_checkin:42");

    let short = client.create_qrcode(&QrScene::Id(1), Some(1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = app
        .client
        .post(app.url(&format!("/mock-wechat/sim/users/{follower}/messages")))
        .json(&json!({ "type": "scan", "ticket": short.ticket }))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 410);
}

#[tokio::test]
async fn oauth_resolves_a_code_to_the_chosen_follower_once() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let openid = app.follower("韩梅梅").await;
    let authorize = client.authorize_url("http://127.0.0.1/back?x=1", OauthScope::UserInfo, "notice-7");
    assert!(authorize.ends_with("#wechat_redirect"));

    let page =
        app.client.get(authorize.trim_end_matches("#wechat_redirect")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("韩梅梅"), "the mock lists its followers to choose from");
    let chosen = format!("{}&openid={openid}", authorize.trim_end_matches("#wechat_redirect"));
    let resp = app.client.get(chosen).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("http://127.0.0.1/back?x=1&code="));
    assert!(location.ends_with("&state=notice-7"));
    let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap();

    let token = client.exchange_code(code).await.unwrap();
    assert_eq!(token.openid, openid);
    assert_eq!(client.oauth_user(&token).await.unwrap().nickname, "韩梅梅");
    assert_eq!(client.exchange_code(code).await.unwrap_err().code(), Some(40163));
    assert_eq!(client.exchange_code("made-up").await.unwrap_err().code(), Some(40029));

    let base = client.authorize_url("http://127.0.0.1/b", OauthScope::Base, "s");
    let resp =
        app.client.get(format!("{}&openid={openid}", base.trim_end_matches("#wechat_redirect"))).send().await.unwrap();
    let code = resp.headers()["location"]
        .to_str()
        .unwrap()
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let token = client.exchange_code(&code).await.unwrap();
    assert_eq!(client.oauth_user(&token).await.unwrap_err().code(), Some(48001), "snsapi_base gives only the openid");
}

#[tokio::test]
async fn the_jssdk_config_is_signed_for_our_own_pages_only() {
    let app = spawn_app().await;
    let page = format!("{}/s/checkin?session=4#top", app.state.config.public_url);
    let resp = app.client.get(app.url("/api/v1/wechat/jssdk-config")).query(&[("url", &page)]).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let config: Value = resp.json().await.unwrap();
    let ticket = app.state.wechat.client.jsapi_ticket().await.unwrap();
    let expected = banji::wechat::signature::jssdk_signature(
        &ticket,
        config["nonceStr"].as_str().unwrap(),
        config["timestamp"].as_i64().unwrap(),
        &page,
    );
    assert_eq!(config["signature"], expected);
    assert_eq!(config["appId"], banji::wechat::config::MOCK_APPID);

    let foreign = app
        .client
        .get(app.url("/api/v1/wechat/jssdk-config"))
        .query(&[("url", "https://evil.example/page")])
        .send()
        .await
        .unwrap();
    let body = crate::helpers::error_body(foreign, 422, "validation_failed").await;
    assert!(body["fields"]["url"].as_str().unwrap().starts_with("must be a page of"));
}

#[tokio::test]
async fn a_click_or_a_follow_opens_a_minute_for_three_customer_service_messages_but_a_reported_location_does_not() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let hello = CustomMessage::Text { content: "hi".into() };
    // Added without any event: no window is open.
    let student = app.mock().add_follower("李雷");
    let location = json!({ "type": "event", "event": "LOCATION", "fields": { "Latitude": "23.1", "Longitude": "113.3", "Precision": "30" } });
    app.say(&student, location).await;
    assert_eq!(client.send_custom_message(&student, &hello).await.unwrap_err().code(), Some(45015));

    app.say(&student, json!({ "type": "event", "event": "CLICK", "event_key": "NOTICES" })).await;
    for _ in 0..3 {
        client.send_custom_message(&student, &hello).await.expect("three messages after a click");
    }
    assert_eq!(client.send_custom_message(&student, &hello).await.unwrap_err().code(), Some(45015));

    let newcomer = app.follower("新同学").await;
    for _ in 0..3 {
        client.send_custom_message(&newcomer, &hello).await.expect("three messages after following");
    }
    assert_eq!(client.send_custom_message(&newcomer, &hello).await.unwrap_err().code(), Some(45015));
}

#[tokio::test]
async fn the_qr_image_leads_to_a_page_where_a_follower_or_someone_new_scans_it() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let qr = client.create_qrcode(&QrScene::Str("bind_teacher:9".into()), Some(600)).await.unwrap();
    let follower = app.follower("王老师").await;

    let scan_url = format!("{}/sim/scan?ticket={}", app.url("/mock-wechat"), qr.ticket);
    let page = app.client.get(&scan_url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("王老师") && page.contains(&follower), "the page lists the followers");

    let scanned = app
        .client
        .post(&scan_url)
        .form(&[("ticket", qr.ticket.as_str()), ("openid", follower.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(scanned.status(), 200);
    let newcomer = app
        .client
        .post(&scan_url)
        .form(&[("ticket", qr.ticket.as_str()), ("nickname", "李老师")])
        .send()
        .await
        .unwrap();
    assert_eq!(newcomer.status(), 200);

    app.state.wechat.log.flush().await;
    let events: Vec<(String, String)> = sqlx::query_as(
        "SELECT event, event_key FROM wechat_messages WHERE event IN ('SCAN', 'subscribe') AND event_key IS NOT NULL ORDER BY id",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(
        events,
        [
            ("SCAN".to_string(), "bind_teacher:9".to_string()),
            ("subscribe".to_string(), "qrscene_bind_teacher:9".to_string())
        ]
    );
}

#[tokio::test]
async fn the_simulator_conversation_interleaves_what_a_follower_sent_and_received() {
    let app = spawn_app().await;
    let openid = app.follower("韩梅梅").await;
    app.say(&openid, json!({ "type": "text", "content": "帮助" })).await;
    app.state
        .wechat
        .client
        .send_custom_message(&openid, &CustomMessage::Text { content: "老师的消息".into() })
        .await
        .unwrap();

    let url = app.url(&format!("/mock-wechat/sim/users/{openid}/conversation"));
    let items: Vec<Value> = app.client.get(url).send().await.unwrap().json().await.unwrap();
    let lines: Vec<(&str, &str)> =
        items.iter().map(|i| (i["direction"].as_str().unwrap(), i["content"].as_str().unwrap_or_default())).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0], ("out", "关注公众号"));
    assert_eq!((lines[1].0, items[1]["title"].as_str()), ("in", Some("欢迎关注！请先绑定学号")), "{items:#?}");
    assert_eq!(lines[2], ("out", "帮助"));
    assert!(lines[3].0 == "in" && lines[3].1.starts_with("可用指令"));
    assert_eq!(lines[4], ("in", "老师的消息"));
    assert_eq!(items[4]["channel"], "custom");
}
