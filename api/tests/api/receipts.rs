//! Receipts: a pushed notice opened through WeChat's authorisation is read once,
//! confirmed once, voted on by its rules; questions stay private; the report counts it
//! all and an open report hears of it live.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, Session, TestApp};
use crate::oauth_helpers::student_token;

/// Follows a pushed link as `openid`: WeChat authorisation on the mock, back at the page.
/// Returns the page's path and the student token.
pub async fn open_link(app: &TestApp, link: &str, openid: &str) -> (String, String) {
    crate::oauth_helpers::open_as(app, link, openid).await
}

pub async fn sget(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client.get(app.url(path)).bearer_auth(token).send().await.unwrap()
}

pub async fn ssend(app: &TestApp, method: reqwest::Method, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.client.request(method, app.url(path)).bearer_auth(token).json(&body).send().await.unwrap()
}

pub async fn report(app: &TestApp, who: &Session, id: i64) -> Value {
    let resp = app.get(&format!("/api/v1/notices/{id}/report"), &who.access).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

/// A sent notice to a class of `n` bound students, with extra fields; (notice, students).
pub async fn sent_notice(app: &TestApp, admin: &Session, n: usize, extra: Value) -> (i64, Vec<(i64, String)>) {
    app.map_notice_template(admin).await;
    let (class, students) = app.bound_class(admin, "软件2401", n, &[]).await;
    let mut body = json!({ "title": "体测通知", "body": "周五下午**体测**。", "audience": { "classes": [class] } });
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let resp = app.post("/api/v1/notices", &admin.access, body).await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let id = resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.send_notice(admin, id).await;
    app.until_sent(admin, id, 60).await;
    (id, students)
}

#[tokio::test]
async fn a_pushed_link_says_what_is_asked_opens_the_notice_through_wechat_and_the_first_open_is_the_read() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 3, json!({ "requires_confirmation": true })).await;
    let inbox = app.inbox(&students[0].1).await;
    // The first push already says that the notice asks to be confirmed.
    assert!(inbox.iter().any(|m| m.to_string().contains("【需确认】体测通知")), "{inbox:?}");
    let link = inbox.iter().find_map(|m| m["url"].as_str()).expect("the pushed message has a link").to_string();
    let (page, token) = open_link(&app, &link, &students[0].1).await;
    assert_eq!(page, format!("/s/notices/{id}"));

    let first: Value = sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await.json().await.unwrap();
    assert_eq!(first["recipient"], true);
    assert!(first["read_at"].is_string() && first["confirmed_at"].is_null(), "{first}");
    assert!(first["body_html"].as_str().unwrap().contains("<strong>体测</strong>"));
    let again: Value = sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await.json().await.unwrap();
    assert_eq!(again["read_at"], first["read_at"], "later opens do not move the read");

    let path = format!("/api/v1/portal/notices/{id}/confirm");
    let confirmed: Value = ssend(&app, reqwest::Method::POST, &path, &token, json!({})).await.json().await.unwrap();
    assert!(confirmed["confirmed_at"].is_string(), "{confirmed}");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let twice: Value = ssend(&app, reqwest::Method::POST, &path, &token, json!({})).await.json().await.unwrap();
    assert_eq!(twice["confirmed_at"], confirmed["confirmed_at"], "confirmed once");

    let r = report(&app, &admin, id).await;
    assert_eq!(
        r["funnel"],
        json!({ "recipients": 3, "unbound": 0, "sent": 3, "delivered": r["funnel"]["delivered"], "read": 1, "confirmed": 1,
                "views": 1 })
    );
    assert_eq!(r["classes"][0]["class_name"], "软件2401");
    assert_eq!((r["classes"][0]["read"].as_i64(), r["classes"][0]["confirmed"].as_i64()), (Some(1), Some(1)));
    let reads: i64 = r["timeline"].as_array().unwrap().iter().map(|p| p["reads"].as_i64().unwrap()).sum();
    assert_eq!(reads, 1);
    let unread: Value =
        app.get(&format!("/api/v1/notices/{id}/receipts?missing=read"), &admin.access).await.json().await.unwrap();
    assert_eq!(unread["total"], 2);
    let names: Vec<&str> = unread["items"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(!names.contains(&"N001同学0") && names.len() == 2, "{names:?}");
    assert_eq!(unread["items"][0]["bound"], true);
}

#[tokio::test]
async fn a_stranger_sees_a_public_notice_without_being_counted_and_a_class_notice_not_at_all_but_is_told_to_bind() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, _) = sent_notice(&app, &admin, 1, json!({})).await;
    // Not bound yet (a forwarded link): told to bind, and shown nothing of the notice.
    let stranger = student_token(&app, &app.follower("路人").await).await;
    let refused =
        error_body(sget(&app, &format!("/api/v1/portal/notices/{id}"), &stranger).await, 403, "not_bound").await;
    assert!(!refused.to_string().contains("体测"), "{refused}");
    // Bound, but to a student of another class: the notice is not theirs.
    let (_, others) = app.bound_class(&admin, "其他班", 1, &[]).await;
    let other = student_token(&app, &others[0].1).await;
    error_body(sget(&app, &format!("/api/v1/portal/notices/{id}"), &other).await, 404, "not_found").await;
    // A draft stays unknown to anyone.
    let draft = app.draft(&admin, "草稿", json!({ "public": true })).await;
    error_body(sget(&app, &format!("/api/v1/portal/notices/{draft}"), &stranger).await, 404, "not_found").await;

    let public = app.draft(&admin, "全校停电", json!({ "public": true })).await;
    app.send_notice(&admin, public).await;
    app.until_sent(&admin, public, 60).await;
    let outsider = app.follower("另一个路人").await;
    // The platform's word on the send (delivered) arrives after it: wait for it to settle.
    let mut before = report(&app, &admin, public).await["funnel"].clone();
    for _ in 0..50 {
        if before["delivered"] == before["sent"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        before = report(&app, &admin, public).await["funnel"].clone();
    }
    // A follower who followed after the sending is not one of its recipients.
    let token = student_token(&app, &outsider).await;
    let page: Value = sget(&app, &format!("/api/v1/portal/notices/{public}"), &token).await.json().await.unwrap();
    assert_eq!((page["recipient"].as_bool(), page["read_at"].is_null()), (Some(false), true), "{page}");
    assert_eq!(report(&app, &admin, public).await["funnel"], before, "nothing recorded for a non-recipient");
    let path = format!("/api/v1/portal/notices/{public}/confirm");
    error_body(ssend(&app, reqwest::Method::POST, &path, &token, json!({})).await, 409, "no_confirmation").await;
}

#[tokio::test]
async fn a_vote_takes_one_ballot_per_student_by_its_rules_and_shows_results_as_set() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let vote = json!({ "question": "班会时间", "options": ["周三", "周四", "周五"], "results": "after_voting" });
    let (id, students) = sent_notice(&app, &admin, 2, json!({ "vote": vote })).await;
    let token = student_token(&app, &students[0].1).await;
    let page: Value = sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await.json().await.unwrap();
    assert_eq!((page["vote"]["open"].as_bool(), page["vote"]["tally"].is_null()), (Some(true), true), "{page}");
    let path = format!("/api/v1/portal/notices/{id}/vote");
    for bad in [json!([0, 1]), json!([3]), json!([])] {
        let resp = ssend(&app, reqwest::Method::PUT, &path, &token, json!({ "choices": bad })).await;
        assert_eq!(resp.status(), 422, "{bad} refused");
    }
    ssend(&app, reqwest::Method::PUT, &path, &token, json!({ "choices": [1] })).await;
    let changed: Value =
        ssend(&app, reqwest::Method::PUT, &path, &token, json!({ "choices": [2] })).await.json().await.unwrap();
    assert_eq!(changed["mine"], json!([2]));
    assert_eq!(changed["tally"]["voters"], 1);
    assert_eq!(changed["tally"]["options"][2]["count"], 1);
    assert_eq!(changed["tally"]["options"][1]["count"], 0, "the changed vote replaced the first");
    assert!(changed["tally"]["options"][2]["voters"].as_array().unwrap().is_empty(), "students never see names");
    let teacher_view = report(&app, &admin, id).await["vote"].clone();
    assert_eq!(teacher_view["options"][2]["voters"], json!(["N001同学0"]));

    let stranger = student_token(&app, &app.follower("路人").await).await;
    // An unbound follower is told to bind; nothing is counted.
    assert_eq!(ssend(&app, reqwest::Method::PUT, &path, &stranger, json!({ "choices": [0] })).await.status(), 403);
    sqlx::query("UPDATE notices SET deadline = $1 WHERE id = $2")
        .bind(banji::db::now_ms() - 1000)
        .bind(id)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let other = student_token(&app, &students[1].1).await;
    let late = ssend(&app, reqwest::Method::PUT, &path, &other, json!({ "choices": [0] })).await;
    error_body(late, 409, "vote_closed").await;
}

#[tokio::test]
async fn an_anonymous_vote_shows_teachers_counts_but_no_names() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let vote = json!({ "question": "满意度", "options": ["满意", "不满意"], "anonymous": true,
                       "multiple": true, "results": "teachers_only" });
    let (id, students) = sent_notice(&app, &admin, 1, json!({ "vote": vote })).await;
    let token = student_token(&app, &students[0].1).await;
    let path = format!("/api/v1/portal/notices/{id}/vote");
    let mine: Value =
        ssend(&app, reqwest::Method::PUT, &path, &token, json!({ "choices": [0, 1] })).await.json().await.unwrap();
    assert!(mine["tally"].is_null(), "teachers only: {mine}");
    let tally = report(&app, &admin, id).await["vote"].clone();
    assert_eq!((tally["options"][0]["count"].as_i64(), tally["options"][1]["count"].as_i64()), (Some(1), Some(1)));
    assert!(tally["options"][0]["voters"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_private_question_is_seen_only_by_its_student_and_the_teachers_and_the_answer_reaches_the_student() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 2, json!({})).await;
    let asker = student_token(&app, &students[0].1).await;
    let other = student_token(&app, &students[1].1).await;
    let path = format!("/api/v1/portal/notices/{id}/comments");
    let q =
        ssend(&app, reqwest::Method::POST, &path, &asker, json!({ "body": "我请病假可以吗？", "private": true })).await;
    assert_eq!(q.status(), 201);
    let question: Value = q.json().await.unwrap();
    let public = ssend(&app, reqwest::Method::POST, &path, &other, json!({ "body": "收到" })).await;
    let public: Value = public.json().await.unwrap();
    let seen_by_other: Vec<Value> = sget(&app, &path, &other).await.json().await.unwrap();
    assert_eq!(seen_by_other.iter().map(|c| c["body"].as_str().unwrap()).collect::<Vec<_>>(), ["收到"]);
    let teacher_path = format!("/api/v1/notices/{id}/comments");
    let all: Vec<Value> = app.get(&teacher_path, &admin.access).await.json().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|c| c["student_no"].as_str().is_some_and(|n| n.starts_with('N'))), "{all:?}");
    assert!(seen_by_other[0]["student_no"].is_null(), "students do not see each other's 学号");
    assert_eq!(report(&app, &admin, id).await["open_questions"], 1);

    let reply = app
        .post(&teacher_path, &admin.access, json!({ "body": "可以，附上病假条。", "parent_id": question["id"] }))
        .await;
    assert_eq!(reply.status(), 201);
    let reply: Value = reply.json().await.unwrap();
    assert_eq!((reply["private"].as_bool(), reply["by_teacher"].as_bool()), (Some(true), Some(true)));
    let thread: Vec<Value> = sget(&app, &path, &asker).await.json().await.unwrap();
    assert_eq!(thread.iter().filter(|c| c["private"] == true).count(), 2, "question and answer: {thread:?}");
    assert_eq!(sget(&app, &path, &other).await.json::<Vec<Value>>().await.unwrap().len(), 1);
    assert_eq!(report(&app, &admin, id).await["open_questions"], 0);
    // The answer is pushed to the student who asked, through the channel planner.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let inbox = app.inbox(&students[0].1).await;
        if inbox.iter().any(|m| m.to_string().contains("老师回复了你")) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the answer was never pushed: {inbox:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A hidden comment leaves the students' thread.
    let vis = format!("/api/v1/notices/{id}/comments/{}/visibility", public["id"]);
    let hidden = app.request(reqwest::Method::PUT, &vis, Some(&admin.access), Some(json!({ "hidden": true }))).await;
    assert_eq!(hidden.status(), 200);
    assert!(sget(&app, &path, &other).await.json::<Vec<Value>>().await.unwrap().is_empty());
    let teacher_b = app.teacher("teacher.b").await.1;
    assert_eq!(app.get(&teacher_path, &teacher_b.access).await.status(), 404, "not teacher b's notice");
}

#[tokio::test]
async fn an_open_report_hears_of_a_read_without_asking() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 1, json!({})).await;
    let bad = app.client.get(app.url(&format!("/api/v1/notices/{id}/report/events?ticket=nope"))).send().await.unwrap();
    assert_eq!(bad.status(), 401);
    let ticket: Value =
        app.post(&format!("/api/v1/notices/{id}/report/ticket"), &admin.access, json!({})).await.json().await.unwrap();
    let url = app.url(&format!("/api/v1/notices/{id}/report/events?ticket={}", ticket["ticket"].as_str().unwrap()));
    let resp = app.client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401, "a ticket is used once");
    let mut body = resp.bytes_stream();
    let mut seen = String::new();
    let events = |seen: &mut String| seen.matches("event: report").count();
    while events(&mut seen) < 1 {
        let chunk = tokio::time::timeout(Duration::from_secs(10), body.next()).await.unwrap().unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    // The read is recorded by another replica when the Kv is shared (Redis), else by this one.
    let replica = if app.state.kv.is_shared() { Some(app.replica().await) } else { None };
    let reader = replica.as_ref().unwrap_or(&app);
    let token = student_token(&app, &students[0].1).await;
    sget(reader, &format!("/api/v1/portal/notices/{id}"), &token).await;
    while events(&mut seen) < 2 {
        let chunk = tokio::time::timeout(Duration::from_secs(10), body.next()).await.expect("an event within 10 s");
        seen.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap()));
    }
    assert!(seen.contains(&format!("{{\"notice_id\":{id}}}")), "{seen}");
}

#[tokio::test]
async fn opens_racing_each_other_record_one_read_and_count_the_rest_as_views() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 1, json!({})).await;
    let token = student_token(&app, &students[0].1).await;
    let path = format!("/api/v1/portal/notices/{id}");
    let opens = (0..12).map(|_| sget(&app, &path, &token));
    let answers = futures_util::future::join_all(opens).await;
    assert!(answers.iter().all(|r| r.status() == 200));
    let funnel = report(&app, &admin, id).await["funnel"].clone();
    assert_eq!((funnel["read"].as_i64(), funnel["views"].as_i64()), (Some(1), Some(11)), "{funnel}");
}
