//! The platform as it is since 2023: a student who refused one template, a template
//! blocked for its content, subscribe notifications, typed keyword values and the
//! category template library — each as the planner, the report and the record show it.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, spawn_app_with, Session, TestApp};
use crate::oauth_helpers::student_token;

fn codes(row: &Value) -> Vec<String> {
    row["fallback"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{}:{}", r["channel"].as_str().unwrap(), r["code"].as_str().unwrap()))
        .collect()
}

fn row_of<'a>(rows: &'a [Value], openid: &str) -> &'a Value {
    rows.iter().find(|r| r["openid"] == openid).unwrap()
}

async fn sim_user(app: &TestApp, openid: &str, patch: Value) {
    let resp =
        app.client.patch(app.url(&format!("/mock-wechat/sim/users/{openid}"))).json(&patch).send().await.unwrap();
    assert_eq!(resp.status(), 204);
}

async fn send(app: &TestApp, admin: &Session, title: &str, class: i64) -> (i64, Vec<Value>) {
    let id = app.draft(admin, title, json!({ "classes": [class] })).await;
    app.send_notice(admin, id).await;
    app.until_sent(admin, id, 60).await;
    (id, app.deliveries(admin, id).await)
}

async fn pushed(app: &TestApp, openid: &str, channel: &str) -> usize {
    app.inbox(openid).await.iter().filter(|m| m["channel"] == channel).count()
}

#[tokio::test]
async fn a_student_who_refused_the_notice_template_gets_notices_by_the_next_channel_and_the_report_and_record_say_why()
{
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 3, &[]).await;
    let (refuser_id, refuser) = (&students[0].0, students[0].1.as_str());
    sim_user(&app, refuser, json!({ "refuse_templates": ["TPL_NOTICE"] })).await;
    app.say(refuser, json!({ "type": "text", "content": "老师好" })).await;
    app.state.wechat.log.flush().await;

    let (id, rows) = send(&app, &admin, "班会通知", class).await;
    let row = row_of(&rows, refuser);
    assert_eq!((row["status"].as_str(), row["channel"].as_str()), (Some("sent"), Some("custom")), "{row}");
    assert_eq!(codes(row)[0], "template:refused", "{row}");
    assert!(row["fallback"][0]["message"].as_str().unwrap().contains("43101"));
    for (_, other) in &students[1..] {
        assert_eq!(row_of(&rows, other)["channel"], "template");
    }
    assert_eq!(pushed(&app, refuser, "custom").await, 1, "the refusing student still got the notice");
    assert_eq!(pushed(&app, refuser, "template").await, 0);
    assert_eq!(app.progress(&admin, id).await["refused_template"], 1, "the report counts 拒收模板");

    let record: Value = app.get(&format!("/api/v1/students/{refuser_id}"), &admin.access).await.json().await.unwrap();
    assert_eq!(record["refused_templates"][0]["template_id"], "TPL_NOTICE", "{record}");
    assert_eq!(record["refused_templates"][0]["kind"], "notice");

    // Turned back on in WeChat, but Banji remembers: the template is not tried again yet.
    sim_user(&app, refuser, json!({ "accept_templates": ["TPL_NOTICE"] })).await;
    let (_, rows) = send(&app, &admin, "体检通知", class).await;
    assert_eq!(row_of(&rows, refuser)["channel"], "custom");
    assert_eq!(codes(row_of(&rows, refuser))[0], "template:refused");
    assert_eq!(pushed(&app, refuser, "template").await, 0, "the refused template was not tried");

    // A new template for notices gives everyone another chance.
    let body =
        json!({ "kind": "notice", "template_id": "TPL_REMINDER", "fields": { "title": "thing1", "time": "time2" } });
    let resp = app.request(Method::PUT, "/api/v1/settings/templates/notice", Some(&admin.access), Some(body)).await;
    assert_eq!(resp.status(), 200);
    let (_, rows) = send(&app, &admin, "放假通知", class).await;
    assert_eq!(row_of(&rows, refuser)["channel"], "template", "{:?}", row_of(&rows, refuser));
    let record: Value = app.get(&format!("/api/v1/students/{refuser_id}"), &admin.access).await.json().await.unwrap();
    assert_eq!(record["refused_templates"], json!([]), "a success clears the refusal");
}

#[tokio::test]
async fn a_template_blocked_for_its_content_stops_the_notices_template_sends_falls_back_and_tells_the_author() {
    // One send at a time, so "stops at the first block" is observable.
    let app = spawn_app_with(&[("BANJI_SEND_CONCURRENCY", "1")]).await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let resp =
        app.client.put(app.url("/mock-wechat/sim/settings")).json(&json!({ "blocked_words": ["违禁"] })).send().await;
    assert_eq!(resp.unwrap().status(), 204);
    let (class, students) = app.bound_class(&admin, "计算机2301", 3, &[]).await;
    for (_, openid) in &students {
        app.say(openid, json!({ "type": "text", "content": "收到" })).await;
    }
    app.state.wechat.log.flush().await;
    let (id, rows) = send(&app, &admin, "违禁物品检查", class).await;
    for (_, openid) in &students {
        let row = row_of(&rows, openid);
        assert_eq!(row["channel"], "custom", "{row}");
        assert_eq!(codes(row)[0], "template:blocked", "{row}");
        assert_eq!(pushed(&app, openid, "template").await, 0);
    }
    let progress = app.progress(&admin, id).await;
    assert!(progress["template_blocked"].as_str().unwrap().contains("40249"), "{progress}");
    // Only the first send reached the platform; the others were not tried.
    assert_eq!(app.mock().state().blocked.len(), 1, "the notice's template sends stopped at the first block");

    // Another notice is not blocked.
    let (id, rows) = send(&app, &admin, "班会通知", class).await;
    assert!(rows.iter().all(|r| r["channel"] == "template"));
    assert!(app.progress(&admin, id).await.get("template_blocked").is_none());
}

#[tokio::test]
async fn a_block_learnt_only_from_the_blocked_list_sends_that_row_again_by_the_next_channel() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let openid = students[0].1.clone();
    app.say(&openid, json!({ "type": "text", "content": "收到" })).await;
    app.state.wechat.log.flush().await;
    let (id, rows) = send(&app, &admin, "期末考试安排", class).await;
    assert_eq!(row_of(&rows, &openid)["channel"], "template");
    // The platform lists the message as blocked after the fact.
    app.mock().state().blocked.push(banji::wechat::client::templates::BlockedMessage {
        id: 7,
        tmpl_msg_id: "TPL_NOTICE".into(),
        title: "通知提醒".into(),
        content: "期末考试安排".into(),
        send_timestamp: chrono::Utc::now().timestamp(),
        openid: openid.clone(),
    });
    let back = banji::delivery::refusals::poll_blocked(&app.state).await.unwrap();
    assert_eq!(back, 1);
    app.until_sent(&admin, id, 60).await;
    let rows = app.deliveries(&admin, id).await;
    let row = row_of(&rows, &openid);
    assert_eq!((row["channel"].as_str(), codes(row)[0].as_str()), (Some("custom"), "template:blocked"), "{row}");
    assert_eq!(row_of(&rows, &students[1].1)["channel"], "template", "the other student's send stands");
    assert!(app.progress(&admin, id).await["template_blocked"].is_string());
    assert_eq!(banji::delivery::refusals::poll_blocked(&app.state).await.unwrap(), 0, "each block is read once");
}

async fn map_subscribe(app: &TestApp, admin: &Session, template: &str) {
    // SUB_ONCE: 活动名称 thing1, 开始时间 time2; SUB_NOTICE: 通知标题 thing1, 发布人 thing2, 发布时间 time3.
    let time = if template == "SUB_ONCE" { "time2" } else { "time3" };
    let body = json!({ "kind": "notice", "template_id": template, "fields": { "title": "thing1", "time": time } });
    let resp =
        app.request(Method::PUT, "/api/v1/settings/subscribe-templates/notice", Some(&admin.access), Some(body)).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
}

async fn subscribe(app: &TestApp, openid: &str, template: &str, student: i64, admin: &Session) {
    let url = app.url(&format!("/mock-wechat/sim/users/{openid}/subscribe"));
    let resp = app.client.post(url).json(&json!({ "template_ids": [template], "status": "accept" })).send().await;
    assert_eq!(resp.unwrap().status(), 204);
    for _ in 0..100 {
        let record: Value = app.get(&format!("/api/v1/students/{student}"), &admin.access).await.json().await.unwrap();
        if record["subscriptions"].as_array().is_some_and(|s| !s.is_empty()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the popup event was not recorded");
}

async fn page_state(app: &TestApp, token: &str) -> Value {
    let url = app.url("/api/v1/portal/notification-subscriptions");
    app.client.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_subscribed_student_gets_a_subscribe_notification_and_a_one_time_subscription_is_used_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    map_subscribe(&app, &admin, "SUB_ONCE").await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 3, &[]).await;
    let (student, openid) = (students[0].0, students[0].1.as_str());
    sim_user(&app, openid, json!({ "refuse_templates": ["TPL_NOTICE"] })).await;
    subscribe(&app, openid, "SUB_ONCE", student, &admin).await;
    // The student's page knows which template its subscribe button offers, and the grant.
    let token = student_token(&app, openid).await;
    let state = page_state(&app, &token).await;
    assert_eq!(state["template_ids"], json!(["SUB_ONCE"]), "{state}");
    assert_eq!(
        (state["states"][0]["accepted"].as_bool(), state["states"][0]["remaining"].as_i64()),
        (Some(true), Some(1))
    );

    let (id, rows) = send(&app, &admin, "班会通知", class).await;
    let row = row_of(&rows, openid);
    assert_eq!(
        (row["channel"].as_str(), codes(row)),
        (Some("subscribe"), vec!["template:refused".to_string()]),
        "{row}"
    );
    assert_eq!(pushed(&app, openid, "subscribe").await, 1);
    for _ in 0..100 {
        let rows = app.deliveries(&admin, id).await;
        if row_of(&rows, openid)["delivered_at"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        row_of(&app.deliveries(&admin, id).await, openid)["delivered_at"].is_string(),
        "the sent event confirms it"
    );

    let (_, rows) = send(&app, &admin, "体检通知", class).await;
    let row = row_of(&rows, openid);
    assert_ne!(row["channel"], "subscribe", "the one-time subscription was used: {row}");
    assert_eq!(&codes(row)[..2], ["template:refused", "subscribe:not_subscribed"]);
    assert_eq!(pushed(&app, openid, "subscribe").await, 1, "one send per one-time subscription");
}

#[tokio::test]
async fn a_long_term_subscription_carries_every_notice_until_the_student_rejects_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    map_subscribe(&app, &admin, "SUB_NOTICE").await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let (student, openid) = (students[0].0, students[0].1.as_str());
    subscribe(&app, openid, "SUB_NOTICE", student, &admin).await;
    for title in ["班会通知", "体检通知"] {
        let (_, rows) = send(&app, &admin, title, class).await;
        assert_eq!(row_of(&rows, openid)["channel"], "subscribe", "{title}");
        assert_eq!(codes(row_of(&rows, openid)), ["template:not_mapped"]);
    }
    let url = app.url(&format!("/mock-wechat/sim/users/{openid}/subscribe"));
    let body = json!({ "template_ids": ["SUB_NOTICE"], "status": "reject", "change": true });
    app.client.post(url).json(&body).send().await.unwrap();
    for _ in 0..100 {
        let record: Value = app.get(&format!("/api/v1/students/{student}"), &admin.access).await.json().await.unwrap();
        if record["subscriptions"][0]["accepted"] == false {
            let (_, rows) = send(&app, &admin, "放假通知", class).await;
            assert_ne!(row_of(&rows, openid)["channel"], "subscribe");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the change event was not recorded");
}

#[tokio::test]
async fn typed_values_are_fitted_to_their_keywords_and_a_value_that_breaks_its_type_is_explained() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let body = json!({ "template_id_short": "OPENTM_NOTICE", "keyword_names": ["通知标题", "发布人", "紧急程度", "截止时间"] });
    let resp = app.post("/api/v1/settings/templates/library", &admin.access, body).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let added: Value = resp.json().await.unwrap();
    let template = added["template_id"].as_str().unwrap().to_string();
    let kinds: Vec<(&str, &str, i64)> = added["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["keyword"].as_str().unwrap(), f["kind"].as_str().unwrap(), f["limit"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("thing1", "thing", 20), ("thing2", "thing", 20), ("phrase4", "phrase", 5), ("time5", "time", 32)]
    );

    let fields = json!({ "title": "thing1", "author": "thing2", "urgency": "phrase4" });
    let body = json!({ "kind": "notice", "template_id": template, "fields": fields });
    let resp = app.request(Method::PUT, "/api/v1/settings/templates/notice", Some(&admin.access), Some(body)).await;
    assert_eq!(resp.status(), 200);
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let title = "关于二〇二六年秋季学期期末考试安排及考场纪律要求的重要通知";
    let (_, rows) = send(&app, &admin, title, class).await;
    assert!(rows.iter().all(|r| r["channel"] == "template"), "{rows:?}");
    let inbox = app.inbox(&students[0].1).await;
    let data = &inbox.iter().find(|m| m["channel"] == "template").unwrap()["raw"]["data"];
    let sent_title = data["thing1"]["value"].as_str().unwrap();
    assert_eq!((sent_title.chars().count(), sent_title.ends_with('…')), (20, true), "{data}");
    assert_eq!(data["phrase4"]["value"], "普通", "{data}");

    // A value the keyword's type cannot hold (a name in a time) is explained, not sent.
    let fields = json!({ "title": "thing1", "author": "time5" });
    let body = json!({ "kind": "notice", "template_id": template, "fields": fields });
    app.request(Method::PUT, "/api/v1/settings/templates/notice", Some(&admin.access), Some(body)).await;
    let (_, rows) = send(&app, &admin, "班会通知", class).await;
    let row = &rows[0];
    assert_eq!(codes(row)[0], "template:invalid_value:time5", "{row}");
    assert!(row["fallback"][0]["message"].as_str().unwrap().contains("time5"));

    // The library: a template in use cannot be deleted; an unused one can; the limit holds.
    let path = format!("/api/v1/settings/templates/library/{template}");
    error_body(app.delete(&path, &admin.access).await, 409, "template_in_use").await;
    let resp = app.delete("/api/v1/settings/templates/library/TPL_CHECKIN", &admin.access).await;
    assert_eq!(resp.status(), 204);
    let settings: Value = app.get("/api/v1/settings/templates", &admin.access).await.json().await.unwrap();
    assert_eq!(settings["max_templates"], 25);
    assert!(!settings["templates"].as_array().unwrap().iter().any(|t| t["template_id"] == "TPL_CHECKIN"));
    let count = settings["templates"].as_array().unwrap().len();
    let body = json!({ "template_id_short": "OPENTM_FEE", "keyword_names": ["缴费项目"] });
    for _ in count..25 {
        assert_eq!(app.post("/api/v1/settings/templates/library", &admin.access, body.clone()).await.status(), 200);
    }
    error_body(app.post("/api/v1/settings/templates/library", &admin.access, body).await, 409, "template_limit").await;
    let unknown = json!({ "template_id_short": "NOPE", "keyword_names": ["x"] });
    let resp = app.post("/api/v1/settings/templates/library", &admin.access, unknown).await;
    assert!(resp.status().is_client_error(), "{}", resp.status());
}

#[tokio::test]
async fn a_subscribe_notification_whose_answer_was_lost_is_not_sent_again_by_it_or_any_other_channel() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    map_subscribe(&app, &admin, "SUB_NOTICE").await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    for (student, openid) in &students {
        subscribe(&app, openid, "SUB_NOTICE", *student, &admin).await;
        // Inside the window: customer service could carry it too, and must not.
        app.say(openid, json!({ "type": "text", "content": "老师好" })).await;
    }
    app.state.wechat.log.flush().await;
    app.state.wechat.client.access_token().await.expect("a token before the answers are lost");
    app.set_faults(json!({ "lost_answer_rate": 1.0 })).await;
    let (id, _) = send(&app, &admin, "体测时间调整", class).await;
    app.set_faults(json!({})).await;
    for (_, openid) in &students {
        app.say(openid, json!({ "type": "text", "content": "收到" })).await;
    }
    let rows = app.deliveries(&admin, id).await;
    for (_, openid) in &students {
        let row = row_of(&rows, openid);
        assert_eq!((row["status"].as_str(), row["channel"].as_str()), (Some("sent"), Some("subscribe")), "{row}");
        assert!(codes(row).contains(&"subscribe:unknown_outcome".to_string()), "{row}");
        assert_eq!(pushed(&app, openid, "subscribe").await, 1, "the platform took it once");
        assert_eq!(pushed(&app, openid, "custom").await, 0, "no other channel repeated it");
        let replies: Vec<Value> = app.inbox(openid).await.into_iter().filter(|m| m["channel"] == "passive").collect();
        assert!(replies.iter().all(|m| !m["content"].as_str().unwrap_or_default().contains("体测")), "nor the digest");
    }
}
