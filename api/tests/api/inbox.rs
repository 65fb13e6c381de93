//! The inbox: what the robot could not answer waits in the follower's thread for the
//! teachers who see that student (admins see every follower's, the unbound too); a text
//! answer goes out as a customer-service message and is kept with its outcome, also when
//! WeChat refuses it outside the 48-hour window.

use serde_json::{json, Value};

use crate::helpers::{error_body, TestApp};

async fn threads(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let resp = app.get(&format!("/api/v1/inbox/threads{query}"), token).await;
    assert_eq!(resp.status(), 200);
    resp.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone()
}

async fn say(app: &TestApp, openid: &str, text: &str) {
    app.say(openid, json!({ "type": "text", "content": text })).await;
    app.state.wechat.log.flush().await;
}

fn openids(list: &[Value]) -> Vec<&str> {
    list.iter().map(|t| t["openid"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_question_the_robot_cannot_answer_waits_for_the_students_teachers_only() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, other) = app.teacher("li").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 2, &[teacher_id]).await;
    let (asking, quiet) = (&students[0].1, &students[1].1);

    say(&app, quiet, "帮助").await;
    say(&app, asking, "奖学金材料交到哪里？").await;
    let waiting = threads(&app, &teacher.access, "?waiting=true").await;
    assert_eq!(openids(&waiting), vec![asking.as_str()], "a command the robot answered does not wait");
    assert_eq!(
        (waiting[0]["kind"].as_str(), waiting[0]["last_text"].as_str()),
        (Some("student"), Some("奖学金材料交到哪里？"))
    );
    assert!(waiting[0]["waiting_since"].is_string());
    assert_eq!(threads(&app, &teacher.access, "").await.len(), 2, "every thread of theirs without the filter");
    assert_eq!(threads(&app, &teacher.access, "?q=奖学金").await.len(), 1);

    assert!(threads(&app, &other.access, "").await.is_empty(), "not another teacher's students");
    assert_eq!(app.get(&format!("/api/v1/inbox/threads/{asking}"), &other.access).await.status(), 404);
    error_body(
        app.post(&format!("/api/v1/inbox/threads/{asking}/replies"), &other.access, json!({ "text": "?" })).await,
        404,
        "not_found",
    )
    .await;

    // Someone who follows without binding: an admin's, not a teacher's.
    let stranger = app.follower("路人").await;
    say(&app, &stranger, "你好，请问怎么报名？").await;
    let all = threads(&app, &admin.access, "?waiting=true").await;
    assert_eq!(openids(&all), vec![stranger.as_str(), asking.as_str()], "newest first");
    assert_eq!(all[0]["kind"], "follower");
    assert!(!openids(&threads(&app, &teacher.access, "").await).contains(&stranger.as_str()));

    // Marked handled: it waits no more, until they write something new.
    assert_eq!(
        app.post(&format!("/api/v1/inbox/threads/{asking}/handled"), &teacher.access, json!({})).await.status(),
        204
    );
    assert!(threads(&app, &teacher.access, "?waiting=true").await.is_empty());
    say(&app, asking, "还有一个问题").await;
    assert_eq!(threads(&app, &teacher.access, "?waiting=true").await.len(), 1);
}

#[tokio::test]
async fn an_answer_goes_out_as_customer_service_text_and_is_kept_with_its_outcome() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[teacher_id]).await;
    let openid = &students[0].1;
    say(&app, openid, "奖学金材料交到哪里？").await;

    let url = format!("/api/v1/inbox/threads/{openid}/replies");
    error_body(app.post(&url, &teacher.access, json!({ "text": "  " })).await, 422, "validation_failed").await;
    let before: Value =
        app.get(&format!("/api/v1/inbox/threads/{openid}"), &teacher.access).await.json().await.unwrap();
    assert_eq!(before["window_left"], 5, "{before}");
    let ends = chrono::DateTime::parse_from_rfc3339(before["window_ends_at"].as_str().unwrap()).unwrap();
    let minutes = (ends.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!((47 * 60..=48 * 60).contains(&minutes), "48 hours after their message: {minutes} minutes");
    let resp = app.post(&url, &teacher.access, json!({ "text": "交到学院办公室 301。" })).await;
    assert_eq!(resp.status(), 201);
    let after: Value = app.get(&format!("/api/v1/inbox/threads/{openid}"), &teacher.access).await.json().await.unwrap();
    assert_eq!(after["window_left"], 4);
    let chat: Vec<Value> = app.inbox(openid).await.into_iter().filter(|m| m["channel"] == "custom").collect();
    assert_eq!(chat.last().unwrap()["content"], "交到学院办公室 301。", "{chat:?}");
    assert!(threads(&app, &teacher.access, "?waiting=true").await.is_empty(), "answered: nothing waits");

    // A follower bound to no one, past the window: nothing else reaches them, so the
    // answer is kept as failed, with the reason.
    let stranger = app.follower("路人").await;
    say(&app, &stranger, "请问新生报到在哪里？").await;
    {
        let mut mock = app.mock().state();
        let user = mock.users.get_mut(stranger.as_str()).unwrap();
        (user.window_start, user.event_start) = (None, None);
    }
    let to_stranger = format!("/api/v1/inbox/threads/{stranger}/replies");
    error_body(app.post(&to_stranger, &admin.access, json!({ "text": "还在吗？" })).await, 409, "outside_window").await;

    let detail: Value =
        app.get(&format!("/api/v1/inbox/threads/{openid}"), &teacher.access).await.json().await.unwrap();
    let messages: Vec<&Value> = detail["messages"].as_array().unwrap().iter().filter(|m| m["kind"] != "auto").collect();
    let seen: Vec<(&str, &str)> =
        messages.iter().map(|m| (m["direction"].as_str().unwrap(), m["text"].as_str().unwrap())).collect();
    assert_eq!(seen, vec![("in", "奖学金材料交到哪里？"), ("out", "交到学院办公室 301。")]);
    assert_eq!((messages[1]["author"].as_str(), messages[1]["status"].as_str()), (Some("wang 老师"), Some("sent")));
    assert_eq!(messages[1]["channel"], "custom");
    let to_stranger: Value =
        app.get(&format!("/api/v1/inbox/threads/{stranger}"), &admin.access).await.json().await.unwrap();
    let last = to_stranger["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["text"].as_str(), last["status"].as_str()), (Some("还在吗？"), Some("failed")), "{last}");
    assert!(last["failure"].is_string(), "{last}");
    assert_eq!(detail["thread"]["handled_by"], "wang 老师");
}

#[tokio::test]
async fn a_student_writes_from_the_page_into_the_same_thread_and_reads_the_answers_there() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[teacher_id]).await;
    let openid = &students[0].1;
    let token = crate::oauth_helpers::student_token(&app, openid).await;
    let write = |text: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            app.request(reqwest::Method::POST, "/api/v1/portal/messages", Some(&token), Some(json!({ "text": text })))
                .await
        }
    };
    assert_eq!(write("宿舍热水坏了，找谁修？").await.status(), 201);
    error_body(write(" ").await, 422, "validation_failed").await;
    let waiting = threads(&app, &teacher.access, "?waiting=true").await;
    assert_eq!(
        (waiting[0]["openid"].as_str(), waiting[0]["last_text"].as_str()),
        (Some(openid.as_str()), Some("宿舍热水坏了，找谁修？"))
    );
    let detail: Value =
        app.get(&format!("/api/v1/inbox/threads/{openid}"), &teacher.access).await.json().await.unwrap();
    assert!(
        detail["window_ends_at"].is_null() && detail["window_left"] == 0,
        "the page opens no WeChat window: {detail}"
    );

    // WeChat does not know of the page's message: outside its window the answer goes
    // through the planner, and reaches the student on the page at once.
    {
        let mut mock = app.mock().state();
        let user = mock.users.get_mut(openid.as_str()).unwrap();
        (user.window_start, user.event_start) = (None, None);
    }
    let url = format!("/api/v1/inbox/threads/{openid}/replies");
    let answer: Value = app.post(&url, &teacher.access, json!({ "text": "找宿管阿姨。" })).await.json().await.unwrap();
    assert_eq!(answer["status"], "pending", "{answer}");
    let page = app.request(reqwest::Method::GET, "/api/v1/portal/messages", Some(&token), None).await;
    let seen: Vec<Value> = page.json().await.unwrap();
    let texts: Vec<(&str, &str)> =
        seen.iter().map(|m| (m["direction"].as_str().unwrap(), m["text"].as_str().unwrap())).collect();
    assert_eq!(texts, vec![("in", "宿舍热水坏了，找谁修？"), ("out", "找宿管阿姨。")]);

    // Twenty an hour from the page, counted first.
    for _ in 0..19 {
        write("再问一下").await;
    }
    error_body(write("再问一下").await, 429, "rate_limited").await;

    // The retention takes the thread's preview and the answers with the log.
    let later = banji::db::now_ms() + 181 * 86_400_000;
    banji::wechat::webhook::privacy::purge(&app.state.db, 180, later).await.unwrap();
    let after = threads(&app, &teacher.access, "").await;
    assert!(after[0]["last_text"].is_null(), "{after:?}");
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM inbox_replies").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_desk_counts_the_threads_waiting_for_the_caller() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, other) = app.teacher("li").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 2, &[teacher_id]).await;
    for (openid, text) in
        [(&students[0].1, "请假找谁批？"), (&students[1].1, "帮助"), (&students[1].1, "实习证明怎么开？")]
    {
        say(&app, openid, text).await;
    }
    let stranger = app.follower("路人").await;
    say(&app, &stranger, "你好").await;
    let waiting = |token: String| {
        let app = &app;
        async move { app.get("/api/v1/desk", &token).await.json::<Value>().await.unwrap()["waiting_messages"].as_i64() }
    };
    assert_eq!(waiting(teacher.access.clone()).await, Some(2));
    assert_eq!(waiting(other.access.clone()).await, Some(0));
    assert_eq!(waiting(admin.access.clone()).await, Some(3), "the unbound follower's too");
}

#[tokio::test]
async fn threads_narrow_to_a_class_a_message_type_and_those_the_caller_answered() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (a, first) = app.bound_class(&admin, "软件2401", 1, &[teacher_id]).await;
    let (_, second) = app.bound_class(&admin, "软件2402", 1, &[teacher_id]).await;
    say(&app, &first[0].1, "请问补考时间？").await;
    app.say(&second[0].1, json!({ "type": "location", "latitude": 30.27, "longitude": 120.15, "label": "图书馆" }))
        .await;
    app.state.wechat.log.flush().await;

    assert_eq!(openids(&threads(&app, &teacher.access, &format!("?class_id={a}")).await), vec![first[0].1.as_str()]);
    assert_eq!(openids(&threads(&app, &teacher.access, "?kind=location").await), vec![second[0].1.as_str()]);
    assert!(threads(&app, &teacher.access, "?mine=true").await.is_empty());
    let url = format!("/api/v1/inbox/threads/{}/replies", first[0].1);
    assert_eq!(app.post(&url, &teacher.access, json!({ "text": "下周一。" })).await.status(), 201);
    assert_eq!(openids(&threads(&app, &teacher.access, "?mine=true").await), vec![first[0].1.as_str()]);
    assert!(threads(&app, &admin.access, "?mine=true").await.is_empty(), "the admin answered none");
}

#[tokio::test]
async fn a_thread_keeps_a_message_as_the_log_does_never_a_bind_code() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let stranger = app.follower("路人").await;
    // A bind command with a code (the robot's or not): the thread shows it as the log keeps it.
    say(&app, &stranger, "绑定 2023010101 李雷 123456").await;
    say(&app, &stranger, "绑定2023010101 李雷 654321").await;
    let list = threads(&app, &admin.access, "").await;
    let text = list[0]["last_text"].as_str().unwrap_or_default().to_string();
    assert!(!text.contains("123456") && !text.contains("654321"), "{text}");
    let kept: Vec<Option<String>> =
        sqlx::query_scalar("SELECT last_text FROM inbox_threads").fetch_all(app.state.db.pool()).await.unwrap();
    assert!(kept.iter().flatten().all(|t| !t.contains("123456") && !t.contains("654321")), "{kept:?}");
}
