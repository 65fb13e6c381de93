//! Auto-replies: rules of every match type in their order, after the fixed commands;
//! a teacher's own rules answer their students only, while their switch is on; time
//! windows, audiences and validity; every reply type on the wire; follow-ups as
//! customer-service messages; who may edit what.

use banji::wechat::mock::media::{SAMPLE_IMAGE, SAMPLE_VIDEO, SAMPLE_VOICE};
use banji::wechat::Reply;
use chrono::{FixedOffset, Timelike, Utc};
use serde_json::{json, Value};

use crate::helpers::{error_body, Session, TestApp};
use crate::inbox_replies::uploaded;
use crate::wechat_helpers::{crypto, now, signed, text_xml, Mode};

/// A rule body: `kind` matching `words`, answering with the texts in order.
pub fn rule(scope: &str, kind: &str, words: &[&str], texts: &[&str]) -> Value {
    let replies: Vec<Value> = texts.iter().map(|t| json!({ "kind": "text", "text": t })).collect();
    json!({ "name": words.first().copied().unwrap_or(kind), "scope": scope, "match_kind": kind, "keywords": words,
            "replies": replies, "reply_mode": "all", "enabled": true, "audience": "everyone" })
}

pub async fn create(app: &TestApp, who: &Session, body: Value) -> Value {
    let resp = app.post("/api/v1/auto-replies/rules", &who.access, body).await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

/// What the account answers `text` from `openid` (the passive reply's text or title).
pub async fn answer(app: &TestApp, openid: &str, text: &str) -> String {
    let said = app.say(openid, json!({ "type": "text", "content": text })).await;
    let reply = &said["reply"];
    reply["content"].as_str().or(reply["articles"][0]["title"].as_str()).unwrap_or_default().to_string()
}

/// The passive reply exactly as the platform receives it, decrypted.
pub async fn wire(app: &TestApp, openid: &str, msg_id: i64, text: &str) -> (Reply, String) {
    let body =
        app.post_webhook(&signed(Mode::Safe, &text_xml(openid, msg_id, text), now())).await.text().await.unwrap();
    let envelope = banji::wechat::xml::parse(&body).unwrap();
    let plain = crypto().decrypt(envelope.text_of("Encrypt").expect("a reply")).unwrap();
    (Reply::parse(&plain).unwrap().0, plain)
}

#[tokio::test]
async fn rules_of_every_match_type_answer_in_order_after_the_fixed_commands() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[]).await;
    let openid = &students[0].1;
    let name: String = sqlx::query_scalar("SELECT name FROM students WHERE openid = $1")
        .bind(openid)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    create(&app, &admin, rule("account", "contains", &["奖学金"], &["{姓名}同学，奖学金材料周五前交到{班级}班长处。"]))
        .await;
    create(&app, &admin, rule("account", "exact", &["请假"], &["请假请在「请假」页面提交。"])).await;
    create(&app, &admin, rule("account", "prefix", &["宿舍"], &["宿舍报修请拨打 8888。"])).await;
    create(&app, &admin, rule("account", "regex", &[r"^\d{4}年.*校历$"], &["校历见学校官网。"])).await;
    create(&app, &admin, rule("account", "contains", &["帮助"], &["规则不会抢先回答帮助。"])).await;
    create(&app, &admin, rule("account", "default", &[], &["已收到，老师会尽快回复。"])).await;

    assert_eq!(
        answer(&app, openid, "奖学金什么时候交？").await,
        format!("{name}同学，奖学金材料周五前交到软件2401班长处。")
    );
    assert_eq!(answer(&app, openid, "请假").await, "请假请在「请假」页面提交。");
    assert_eq!(answer(&app, openid, "宿舍灯坏了").await, "宿舍报修请拨打 8888。");
    assert_eq!(answer(&app, openid, "2026年秋季校历").await, "校历见学校官网。");
    assert_eq!(answer(&app, openid, "我想请假").await, "已收到，老师会尽快回复。", "exact is the whole message");
    // A default answer still leaves the question waiting for a teacher; a rule's does not.
    app.state.wechat.log.flush().await;
    let threads: Value = app.get("/api/v1/inbox/threads?waiting=true", &admin.access).await.json().await.unwrap();
    assert_eq!(threads["items"][0]["last_text"], "我想请假");
    assert!(answer(&app, openid, "帮助").await.starts_with("可用指令"), "a fixed command answers first");

    // Order: a narrower rule added last answers only once moved first; a disabled rule
    // answers no more.
    let list: Value = app.get("/api/v1/auto-replies?filter=account", &admin.access).await.json().await.unwrap();
    let ids: Vec<i64> = list["rules"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 6);
    assert!(list["builtins"].as_array().unwrap().iter().any(|b| b["trigger"] == "绑定 学号 姓名 验证码"));
    let narrower = create(&app, &admin, rule("account", "contains", &["奖学金什么时候"], &["下周一发放。"])).await;
    let older = answer(&app, openid, "奖学金什么时候发").await;
    assert!(older.ends_with("奖学金材料周五前交到软件2401班长处。"), "the older rule is first: {older}");
    let mut order = vec![narrower["id"].as_i64().unwrap()];
    order.extend(&ids);
    let resp = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/auto-replies/order",
            Some(&admin.access),
            Some(json!({ "scope": "account", "ids": order })),
        )
        .await;
    assert_eq!(resp.status(), 204);
    assert_eq!(answer(&app, openid, "奖学金什么时候发").await, "下周一发放。");
    let resp = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/auto-replies/order",
            Some(&admin.access),
            Some(json!({ "scope": "account", "ids": [order[0]] })),
        )
        .await;
    error_body(resp, 422, "validation_failed").await;

    let mut off = narrower.clone();
    off["enabled"] = json!(false);
    let resp = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/auto-replies/rules/{}", narrower["id"]),
            Some(&admin.access),
            Some(off),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_ne!(answer(&app, openid, "奖学金什么时候发").await, "下周一发放。");
}

#[tokio::test]
async fn a_teachers_own_rule_answers_their_students_only_while_their_switch_is_on() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (wang_id, wang) = app.teacher("wang").await;
    let (li_id, li) = app.teacher("li").await;
    let (_, mine) = app.bound_class(&admin, "软件2401", 1, &[wang_id]).await;
    let (_, theirs) = app.bound_class(&admin, "软件2402", 1, &[li_id]).await;
    let (_, both) = app.bound_class(&admin, "软件2403", 1, &[wang_id, li_id]).await;
    create(&app, &admin, rule("account", "contains", &["奖学金"], &["全校：见学工处通知。"])).await;
    let own = create(&app, &wang, rule("mine", "contains", &["奖学金"], &["王老师：材料交给我。"])).await;

    assert_eq!(answer(&app, &mine[0].1, "奖学金").await, "王老师：材料交给我。", "before the account's");
    assert_eq!(answer(&app, &theirs[0].1, "奖学金").await, "全校：见学工处通知。", "not another teacher's student");

    // A second teacher of one student with the same word: the editor shows the conflict.
    let other = create(&app, &li, rule("mine", "exact", &["奖学金"], &["李老师：找我。"])).await;
    assert_eq!(other["conflicts"][0]["owner_name"], "wang 老师");
    assert_eq!(other["conflicts"][0]["keyword"], "奖学金");
    let seen: Value =
        app.get(&format!("/api/v1/auto-replies/rules/{}", own["id"]), &wang.access).await.json().await.unwrap();
    assert_eq!(seen["conflicts"][0]["rule_id"], other["id"]);
    assert!(!answer(&app, &both[0].1, "奖学金").await.is_empty());

    // Teachers see their own and the account's rules, not each other's.
    assert_eq!(app.get(&format!("/api/v1/auto-replies/rules/{}", own["id"]), &li.access).await.status(), 404);
    let listed: Value = app.get("/api/v1/auto-replies", &li.access).await.json().await.unwrap();
    assert_eq!(listed["rules"].as_array().unwrap().len(), 2);
    assert_eq!(listed["may_edit_account"], false);

    let resp = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/auto-replies/switch",
            Some(&wang.access),
            Some(json!({ "enabled": false })),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(answer(&app, &mine[0].1, "奖学金").await, "全校：见学工处通知。", "switched off");
}

#[tokio::test]
async fn account_wide_rules_are_edited_by_admins_and_the_teachers_they_name() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (wang_id, wang) = app.teacher("wang").await;
    let body = rule("account", "exact", &["作息"], &["8:00 上课。"]);
    error_body(app.post("/api/v1/auto-replies/rules", &wang.access, body.clone()).await, 403, "not_an_editor").await;
    let account = create(&app, &admin, body.clone()).await;
    let path = format!("/api/v1/auto-replies/rules/{}", account["id"]);
    let seen: Value = app.get(&path, &wang.access).await.json().await.unwrap();
    assert_eq!(seen["editable"], false);
    error_body(app.delete(&path, &wang.access).await, 403, "not_editable").await;

    let resp = app.patch("/api/v1/settings", &admin.access, json!({ "auto_reply_editors": [wang_id] })).await;
    assert_eq!(resp.status(), 200);
    create(&app, &wang, body).await;
    assert_eq!(app.delete(&path, &wang.access).await.status(), 204);
}

#[tokio::test]
async fn a_regular_expression_that_would_backtrack_for_seconds_is_refused_when_saved() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    for bad in [r"^(a+)+$", r"(\w*)*@"] {
        let resp =
            app.post("/api/v1/auto-replies/rules", &admin.access, rule("account", "regex", &[bad], &["x"])).await;
        let body = error_body(resp, 422, "validation_failed").await;
        assert!(body["fields"]["keywords"].as_str().unwrap().contains("嵌套的重复"), "{body}");
    }
    let resp =
        app.post("/api/v1/auto-replies/rules", &admin.access, rule("account", "regex", &["(未闭合"], &["x"])).await;
    error_body(resp, 422, "validation_failed").await;
}

/// The minutes of the day in China now, shifted.
fn china_clock(shift_minutes: i64) -> String {
    let china = Utc::now().with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap());
    let minutes = (china.hour() as i64 * 60 + china.minute() as i64 + shift_minutes).rem_euclid(1440);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[tokio::test]
async fn time_windows_in_china_time_audiences_and_validity_decide_whether_a_rule_answers() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (class, students) = app.bound_class(&admin, "软件2401", 1, &[]).await;
    let stranger = app.follower("路人").await;
    let mut later = rule("account", "exact", &["在吗"], &["下班时间，明早回复。"]);
    later["window_start"] = json!(china_clock(120));
    later["window_end"] = json!(china_clock(180));
    create(&app, &admin, later).await;
    assert_eq!(answer(&app, &students[0].1, "在吗").await, "已收到。发送「帮助」查看可用指令。", "not in its window");
    let mut now = rule("account", "exact", &["在吗"], &["在的。"]);
    now["window_start"] = json!(china_clock(-5));
    now["window_end"] = json!(china_clock(5));
    create(&app, &admin, now).await;
    assert_eq!(answer(&app, &students[0].1, "在吗").await, "在的。");

    let mut class_only = rule("account", "exact", &["班会"], &["班会周三晚上。"]);
    class_only["audience"] = json!("classes");
    class_only["class_ids"] = json!([class]);
    create(&app, &admin, class_only).await;
    let mut unbound = rule("account", "exact", &["班会"], &["请先绑定学号。"]);
    unbound["audience"] = json!("unbound");
    create(&app, &admin, unbound).await;
    assert_eq!(answer(&app, &students[0].1, "班会").await, "班会周三晚上。");
    assert_eq!(answer(&app, &stranger, "班会").await, "请先绑定学号。");

    let mut expired = rule("account", "exact", &["迎新"], &["迎新晚会 9 月 1 日。"]);
    expired["valid_until"] = json!("2020-01-01T00:00:00Z");
    expired["valid_from"] = json!("2019-01-01T00:00:00Z");
    create(&app, &admin, expired).await;
    assert_eq!(answer(&app, &stranger, "迎新").await, "已收到。发送「帮助」查看可用指令。");
}

#[tokio::test]
async fn every_reply_type_goes_out_as_the_platform_expects_and_follow_ups_as_customer_service() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[]).await;
    let openid = &students[0].1;
    let image = uploaded(&app, &admin, "image", "地图.jpg", SAMPLE_IMAGE).await;
    let voice = uploaded(&app, &admin, "voice", "说明.amr", SAMPLE_VOICE).await;
    let video = uploaded(&app, &admin, "video", "演示.mp4", SAMPLE_VIDEO).await;
    let replies = json!([
        { "kind": "image", "upload_id": image },
        { "kind": "news", "articles": [
            { "title": "奖学金指南", "description": "申请流程", "url": "https://school.example/a", "upload_id": image },
            { "title": "往年名单", "url": "https://school.example/b" }] },
        { "kind": "link", "title": "签到", "description": "打开签到页", "page": "/s/checkin" },
        { "kind": "music", "title": "校歌", "url": "https://school.example/song.mp3" },
        { "kind": "voice", "upload_id": voice },
        { "kind": "video", "upload_id": video, "title": "演示", "description": "怎么申请" },
    ]);
    let mut body = rule("account", "exact", &["全部"], &[]);
    // At most five replies: the answer and four customer-service messages after it.
    body["replies"] = json!(replies.as_array().unwrap()[..5]);
    let saved = create(&app, &admin, body.clone()).await;

    // From the follower's phone (so the platform knows they wrote: the window is open).
    let said = app.say(openid, json!({ "type": "text", "content": "全部" })).await;
    assert_eq!(said["reply"]["msg_type"], "image");
    // The rest follow as customer-service messages, in order.
    app.settled().await;
    let sent: Vec<Value> = app.inbox(openid).await.into_iter().filter(|m| m["channel"] == "custom").collect();
    let kinds: Vec<&str> = sent.iter().map(|m| m["raw"]["msgtype"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["news", "news", "music", "voice"]);
    assert!(sent[1]["raw"]["news"]["articles"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/api/v1/portal/oauth?next=/s/checkin"));
    assert_eq!(sent[2]["raw"]["music"]["musicurl"], "https://school.example/song.mp3");

    // Each kind first, as the passive answer: its exact XML.
    for (i, reply) in replies.as_array().unwrap().iter().enumerate() {
        let mut one = body.clone();
        one["replies"] = json!([reply]);
        let path = format!("/api/v1/auto-replies/rules/{}", saved["id"]);
        assert_eq!(app.request(reqwest::Method::PUT, &path, Some(&admin.access), Some(one)).await.status(), 200);
        let (reply, xml) = wire(&app, openid, 920_000 + i as i64, "全部").await;
        match reply {
            Reply::Image { media_id } if i == 0 => assert!(xml.contains(&format!(
                "<MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[{media_id}]]></MediaId></Image></xml>"
            ))),
            Reply::News { articles } if i == 1 => {
                assert_eq!(articles.len(), 2);
                assert!(articles[0].pic_url.contains("/inbox-media/"), "the picture is fetched from Banji");
                assert!(
                    xml.contains("<ArticleCount>2</ArticleCount><Articles><item><Title><![CDATA[奖学金指南]]></Title>")
                );
            }
            Reply::News { articles } if i == 2 => assert!(articles[0].url.ends_with("next=/s/checkin")),
            Reply::Music { music_url, thumb_media_id, .. } if i == 3 => {
                assert_eq!(music_url, "https://school.example/song.mp3");
                assert!(!thumb_media_id.is_empty(), "a cover the platform took");
            }
            Reply::Voice { .. } if i == 4 => assert!(xml.contains("<Voice><MediaId><![CDATA[")),
            Reply::Video { title, .. } if i == 5 => {
                assert_eq!(title, "演示");
                assert!(xml.contains("<Video><MediaId><![CDATA["));
            }
            other => panic!("reply {i}: {other:?}"),
        }
    }
    // A file answers again and again from one upload to the platform.
    let uploads = app.mock().media_held();
    assert!(uploads <= 5, "{uploads} uploads for three files and a cover");
}
