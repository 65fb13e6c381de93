//! Answers of every type from 消息, the way outside the 48-hour window (the channel
//! planner), the live stream, saved answers, who answers the unbound, a thread's timeline
//! and export. Media: `inbox_media`.

use std::time::Duration;

use banji::wechat::mock::media::{SAMPLE_IMAGE, SAMPLE_VIDEO, SAMPLE_VOICE};
use serde_json::{json, Value};

use crate::helpers::{error_body, Session, TestApp};

pub async fn say(app: &TestApp, openid: &str, message: Value) {
    app.say(openid, message).await;
    app.state.wechat.log.flush().await;
}

pub async fn upload(app: &TestApp, who: &Session, kind: &str, name: &str, bytes: &[u8]) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    app.client
        .post(app.url(&format!("/api/v1/inbox/uploads?kind={kind}")))
        .bearer_auth(&who.access)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub async fn uploaded(app: &TestApp, who: &Session, kind: &str, name: &str, bytes: &[u8]) -> i64 {
    let resp = upload(app, who, kind, name, bytes).await;
    assert_eq!(resp.status(), 201);
    resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// The platform JSON of the last customer-service message the follower received.
async fn last_custom(app: &TestApp, openid: &str) -> Value {
    let inbox = app.inbox(openid).await;
    inbox.iter().rev().find(|m| m["channel"] == "custom").expect("a customer-service message")["raw"].clone()
}

fn mock_bytes(app: &TestApp, media_id: &str) -> Vec<u8> {
    app.mock().media(media_id).expect("the mock holds the media").bytes.to_vec()
}

#[tokio::test]
async fn an_answer_arrives_as_each_customer_service_type_with_the_platforms_exact_json() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[teacher_id]).await;
    let openid = students[0].1.clone();
    let url = format!("/api/v1/inbox/threads/{openid}/replies");
    let image = uploaded(&app, &teacher, "image", "地图.jpg", SAMPLE_IMAGE).await;
    let voice = uploaded(&app, &teacher, "voice", "说明.amr", SAMPLE_VOICE).await;
    let video = uploaded(&app, &teacher, "video", "演示.mp4", SAMPLE_VIDEO).await;
    let answers = [
        json!({ "text": "请看下面的材料。" }),
        json!({ "kind": "image", "upload_id": image }),
        json!({ "kind": "voice", "upload_id": voice }),
        json!({ "kind": "video", "upload_id": video, "title": "办理演示", "description": "一分钟看懂" }),
        json!({ "kind": "music", "title": "校歌", "description": "学校合唱团", "url": "https://example.edu/song.mp3" }),
        json!({ "kind": "news", "title": "奖学金申请指南", "description": "材料与时间",
                "url": "https://example.edu/guide", "upload_id": image }),
    ];
    for (i, answer) in answers.iter().enumerate() {
        if i % 5 == 0 {
            // Each message of theirs opens the window for five answers.
            say(&app, &openid, json!({ "type": "text", "content": "老师，奖学金怎么申请？" })).await;
        }
        let resp = app.post(&url, &teacher.access, answer.clone()).await;
        assert_eq!(resp.status(), 201, "{answer}");
        let sent: Value = resp.json().await.unwrap();
        assert_eq!((sent["status"].as_str(), sent["channel"].as_str()), (Some("sent"), Some("custom")), "{sent}");
        let raw = last_custom(&app, &openid).await;
        let kind = answer["kind"].as_str().unwrap_or("text");
        assert_eq!((raw["touser"].as_str(), raw["msgtype"].as_str()), (Some(openid.as_str()), Some(kind)), "{raw}");
        let body = &raw[kind];
        match kind {
            "text" => assert_eq!(
                raw,
                json!({ "touser": openid, "msgtype": "text", "text": { "content": "请看下面的材料。" } })
            ),
            "image" | "voice" => {
                assert_eq!(body.as_object().unwrap().len(), 1, "{raw}");
                let sample = if kind == "image" { SAMPLE_IMAGE } else { SAMPLE_VOICE };
                assert_eq!(mock_bytes(&app, body["media_id"].as_str().unwrap()), sample, "the uploaded file itself");
            }
            "video" => {
                assert_eq!(mock_bytes(&app, body["media_id"].as_str().unwrap()), SAMPLE_VIDEO);
                assert_eq!(
                    (body["title"].as_str(), body["description"].as_str()),
                    (Some("办理演示"), Some("一分钟看懂"))
                );
            }
            "music" => {
                assert_eq!(body["musicurl"], "https://example.edu/song.mp3");
                assert_eq!(body["hqmusicurl"], "https://example.edu/song.mp3");
                assert_eq!((body["title"].as_str(), body["description"].as_str()), (Some("校歌"), Some("学校合唱团")));
                let cover = mock_bytes(&app, body["thumb_media_id"].as_str().unwrap());
                assert!(cover.starts_with(&[0xFF, 0xD8, 0xFF]), "Banji's own JPEG cover");
            }
            _ => {
                let article = &body["articles"][0];
                assert_eq!(body["articles"].as_array().unwrap().len(), 1);
                assert_eq!(
                    (article["title"].as_str(), article["url"].as_str()),
                    (Some("奖学金申请指南"), Some("https://example.edu/guide"))
                );
                // The platform fetches the picture from Banji, without any session.
                let picture = article["picurl"].as_str().unwrap();
                assert!(picture.starts_with(&app.address), "{picture}");
                let fetched = app.client.get(picture).send().await.unwrap();
                assert_eq!(fetched.status(), 200);
                assert_eq!(fetched.bytes().await.unwrap().as_ref(), SAMPLE_IMAGE);
            }
        }
    }
    let detail: Value =
        app.get(&format!("/api/v1/inbox/threads/{openid}"), &teacher.access).await.json().await.unwrap();
    let out: Vec<&str> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "out" && m["kind"] != "auto")
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(out, ["text", "image", "voice", "video", "music", "news"]);
    let image_answer = detail["messages"].as_array().unwrap().iter().find(|m| m["kind"] == "image").unwrap();
    let shown = app.client.get(app.url(image_answer["media_url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(shown.bytes().await.unwrap().as_ref(), SAMPLE_IMAGE, "the console shows what was sent");
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'inbox_replied'")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(audited, 6);
}

async fn until_delivery_settles(app: &TestApp) -> (String, Option<String>) {
    for _ in 0..100 {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT status, channel FROM deliveries WHERE kind LIKE 'reply:inbox:%' ORDER BY id DESC")
                .fetch_optional(app.state.db.pool())
                .await
                .unwrap();
        if let Some(row) = row.filter(|(status, _)| !matches!(status.as_str(), "pending" | "sending")) {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the answer's delivery did not settle");
}

fn close_window(app: &TestApp, openid: &str) {
    let mut mock = app.mock().state();
    let user = mock.users.get_mut(openid).unwrap();
    (user.window_start, user.event_start) = (None, None);
}

#[tokio::test]
async fn outside_the_window_an_answer_reaches_the_student_through_the_planner() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 2, &[teacher_id]).await;
    let (by_template, by_digest) = (students[0].1.clone(), students[1].1.clone());
    for openid in [&by_template, &by_digest] {
        say(&app, openid, json!({ "type": "text", "content": "宿舍热水坏了，找谁修？" })).await;
        close_window(&app, openid);
    }

    // Without a template: nothing pushes it, so it waits for the digest of their next message.
    let url = format!("/api/v1/inbox/threads/{by_digest}/replies");
    let answer: Value = app.post(&url, &teacher.access, json!({ "text": "找宿管阿姨。" })).await.json().await.unwrap();
    assert_eq!(answer["status"], "pending");
    assert_eq!(until_delivery_settles(&app).await.0, "held");
    let reply = app.say(&by_digest, json!({ "type": "text", "content": "好的" })).await;
    let said = reply["reply"]["content"].as_str().unwrap_or_default().to_string();
    assert!(said.contains("老师回复了你的留言") && said.contains("/s/messages"), "{said}");
    let detail: Value =
        app.get(&format!("/api/v1/inbox/threads/{by_digest}"), &teacher.access).await.json().await.unwrap();
    let answered = detail["messages"].as_array().unwrap().iter().find(|m| m["text"] == "找宿管阿姨。").unwrap();
    assert_eq!((answered["status"].as_str(), answered["channel"].as_str()), (Some("sent"), Some("digest")));

    // With the notice template mapped, the planner sends it as a template message at once.
    app.map_notice_template(&admin).await;
    let url = format!("/api/v1/inbox/threads/{by_template}/replies");
    assert_eq!(app.post(&url, &teacher.access, json!({ "text": "明天上午来修。" })).await.status(), 201);
    assert_eq!(until_delivery_settles(&app).await, ("sent".to_string(), Some("template".to_string())));
    let pushed = app.inbox(&by_template).await;
    let template = pushed.iter().find(|m| m["channel"] == "template").expect("a template message");
    assert!(template["url"].as_str().unwrap().contains("next=/s/messages"), "{template}");
    let detail: Value =
        app.get(&format!("/api/v1/inbox/threads/{by_template}"), &teacher.access).await.json().await.unwrap();
    let answered = detail["messages"].as_array().unwrap().iter().find(|m| m["text"] == "明天上午来修。").unwrap();
    assert_eq!((answered["status"].as_str(), answered["channel"].as_str()), (Some("sent"), Some("template")));
    assert!(detail["thread"]["waiting_since"].is_null(), "answered: the thread waits no more");
}

#[tokio::test]
async fn an_open_inbox_hears_of_a_message_another_replica_received() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let bad = app.client.get(app.url("/api/v1/inbox/live/events?ticket=nope")).send().await.unwrap();
    assert_eq!(bad.status(), 401);
    let ticket: Value = app.post("/api/v1/inbox/live/ticket", &admin.access, json!({})).await.json().await.unwrap();
    let url = app.url(&format!("/api/v1/inbox/live/events?ticket={}", ticket["ticket"].as_str().unwrap()));
    let resp = app.client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401, "a ticket is used once");
    let mut body = resp.bytes_stream();
    let mut seen = String::new();
    let events = |seen: &str| seen.matches("event: inbox").count();
    use futures_util::StreamExt;
    while events(&seen) < 1 {
        let chunk = tokio::time::timeout(Duration::from_secs(10), body.next()).await.unwrap().unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    // With Redis the platform's message reaches another replica; else this one.
    let replica = if app.state.kv.is_shared() { Some(app.replica().await) } else { None };
    let receiver = replica.as_ref().unwrap_or(&app);
    let xml = crate::wechat_helpers::text_xml("oStrangerWhoAsks", 7_000_001, "请问图书馆几点开门？");
    let signed = crate::wechat_helpers::signed(crate::wechat_helpers::Mode::Safe, &xml, crate::wechat_helpers::now());
    let posted = receiver.post_webhook(&signed).await;
    assert_eq!(posted.status(), 200, "{}", posted.text().await.unwrap());
    while events(&seen) < 2 {
        let chunk = tokio::time::timeout(Duration::from_secs(10), body.next()).await.expect("an event within 10 s");
        seen.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap()));
    }
    let threads: Value = app.get("/api/v1/inbox/threads", &admin.access).await.json().await.unwrap();
    assert_eq!(threads["items"][0]["last_text"], "请问图书馆几点开门？");
}

#[tokio::test]
async fn saved_answers_are_each_teachers_own() {
    let app = crate::helpers::spawn_app().await;
    let (_, wang) = app.teacher("wang").await;
    let (_, li) = app.teacher("li").await;
    let url = "/api/v1/inbox/quick-replies";
    for text in ["材料交到学院办公室 301。", "请假请在系统里提交。"] {
        assert_eq!(app.post(url, &wang.access, json!({ "text": text })).await.status(), 201);
    }
    error_body(app.post(url, &wang.access, json!({ "text": " " })).await, 422, "validation_failed").await;
    let mine: Vec<Value> = app.get(url, &wang.access).await.json().await.unwrap();
    let texts: Vec<&str> = mine.iter().map(|q| q["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["材料交到学院办公室 301。", "请假请在系统里提交。"]);
    let theirs: Vec<Value> = app.get(url, &li.access).await.json().await.unwrap();
    assert!(theirs.is_empty(), "nobody sees another's");
    let first = mine[0]["id"].as_i64().unwrap();
    let one = format!("{url}/{first}");
    let other_edit = app.request(reqwest::Method::PUT, &one, Some(&li.access), Some(json!({ "text": "x" }))).await;
    error_body(other_edit, 404, "not_found").await;
    error_body(app.delete(&one, &li.access).await, 404, "not_found").await;
    let edited =
        app.request(reqwest::Method::PUT, &one, Some(&wang.access), Some(json!({ "text": "交到 302。" }))).await;
    assert_eq!(edited.status(), 200);
    assert_eq!(app.delete(&format!("{url}/{}", mine[1]["id"]), &wang.access).await.status(), 204);
    let left: Vec<Value> = app.get(url, &wang.access).await.json().await.unwrap();
    assert_eq!(left, vec![json!({ "id": first, "text": "交到 302。" })]);
}

#[tokio::test]
async fn followers_bound_to_no_one_reach_the_teachers_an_admin_names() {
    let app = crate::helpers::spawn_app().await;
    let (admin_id, admin) = app.signed_in("admin", shared::Role::Admin).await;
    let (wang_id, wang) = app.teacher("wang").await;
    let (_, li) = app.teacher("li").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[]).await;
    let stranger = app.follower("路人").await;
    say(&app, &stranger, json!({ "type": "text", "content": "请问怎么报名？" })).await;
    say(&app, &students[0].1, json!({ "type": "text", "content": "我是学生" })).await;
    let seen = |token: String| {
        let app = &app;
        async move {
            let page: Value = app.get("/api/v1/inbox/threads", &token).await.json().await.unwrap();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["openid"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert!(seen(wang.access.clone()).await.is_empty());
    let patch = |body: Value| app.request(reqwest::Method::PATCH, "/api/v1/settings", Some(&admin.access), Some(body));
    error_body(patch(json!({ "inbox_stewards": [admin_id] })).await, 422, "validation_failed").await;
    let saved: Value = patch(json!({ "inbox_stewards": [wang_id] })).await.json().await.unwrap();
    assert_eq!(saved["inbox_stewards"], json!([wang_id]));
    assert_eq!(seen(wang.access.clone()).await, vec![stranger.clone()], "the unbound, not students of others");
    // An unbound follower is known by the account's remark (备注): the platform no longer
    // gives nicknames.
    sqlx::query("UPDATE followers SET remark = '家长-张' WHERE openid = $1")
        .bind(&stranger)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let list: Value = app.get("/api/v1/inbox/threads", &wang.access).await.json().await.unwrap();
    assert_eq!(list["items"][0]["remark"], "家长-张");
    assert!(seen(li.access.clone()).await.is_empty());
    let url = format!("/api/v1/inbox/threads/{stranger}/replies");
    assert_eq!(app.post(&url, &wang.access, json!({ "text": "请看报名通知。" })).await.status(), 201);
    error_body(app.post(&url, &li.access, json!({ "text": "?" })).await, 404, "not_found").await;
}

#[tokio::test]
async fn a_thread_shows_banjis_own_answers_and_the_notices_pushed_and_exports_for_those_who_see_it() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, other) = app.teacher("li").await;
    let (class, students) = app.bound_class(&admin, "软件2401", 1, &[teacher_id]).await;
    let openid = students[0].1.clone();
    say(&app, &openid, json!({ "type": "text", "content": "帮助" })).await;
    say(&app, &openid, json!({ "type": "event", "event": "CLICK", "event_key": "HELP" })).await;
    let id = app.draft(&admin, "期末考试安排", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    app.until_sent(&admin, id, 10).await;
    let detail: Value =
        app.get(&format!("/api/v1/inbox/threads/{openid}"), &teacher.access).await.json().await.unwrap();
    let kinds: Vec<&str> = detail["messages"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["text", "auto", "click", "auto", "notice"], "{detail}");
    assert_eq!(detail["messages"][2]["text"], "点击菜单：使用帮助", "the button's name");
    let auto = &detail["messages"][1];
    assert_eq!(auto["author"], "自动回复");
    assert!(auto["text"].as_str().unwrap().contains("绑定"), "Banji's help: {auto}");
    let notice = &detail["messages"][4];
    assert_eq!((notice["title"].as_str(), notice["notice_id"].as_i64()), (Some("期末考试安排"), Some(id)));
    assert!(notice["read_at"].is_null(), "not read yet");

    let export = app.get(&format!("/api/v1/inbox/threads/{openid}/export?format=csv"), &teacher.access).await;
    assert_eq!(export.status(), 200);
    let csv = export.text().await.unwrap();
    assert!(csv.contains("帮助") && csv.contains("自动回复"), "{csv}");
    let other_export = app.get(&format!("/api/v1/inbox/threads/{openid}/export"), &other.access).await;
    error_body(other_export, 404, "not_found").await;
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'thread_exported'")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(audited, 1);
}
