//! Who a student page and a WeChat are, and for how long: a token is handed only to the
//! flow that asked for it, a released WeChat gets nothing more of the student's, and a
//! cadre's rights end the moment they leave the class.

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, TestApp};
use crate::oauth_helpers::student_token;

async fn redirect(app: &TestApp, url: &str) -> String {
    let resp = app.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 302, "{url} redirects");
    resp.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn the_way_back_from_wechat_carries_only_the_nonce_of_the_browser_that_started() {
    let app = spawn_app().await;
    let openid = app.follower("韩梅梅").await;
    let nonce = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    let authorize = redirect(&app, &app.url(&format!("/api/v1/portal/oauth?next=/s/bind&nonce={nonce}"))).await;
    let callback = redirect(&app, &format!("{}&openid={openid}", authorize.trim_end_matches("#wechat_redirect"))).await;
    // An attacker who sends this callback to a victim hands them a token with the
    // attacker's nonce, which the victim's page never kept: the page refuses it.
    let page = redirect(&app, &callback).await;
    let (path, rest) = page.split_once("#token=").unwrap();
    assert_eq!(path, "/s/bind");
    assert!(rest.ends_with(&format!("&nonce={nonce}")), "{page}");
    // A start without a page nonce (a menu button) leaves one in a cookie for the page.
    let start = app.client.get(app.url("/api/v1/portal/oauth?next=/s/")).send().await.unwrap();
    let cookie = start.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("banji_oauth=") && cookie.contains("Path=/;") && cookie.contains("SameSite=Lax"));
    // A nonce that could smuggle a fragment part is no nonce.
    let start = app.client.get(app.url("/api/v1/portal/oauth?next=/s/&nonce=x%26token%3Devil")).send().await.unwrap();
    assert!(start.headers().get("set-cookie").is_some(), "replaced by a server nonce");
}

#[tokio::test]
async fn racing_returns_with_one_state_give_one_token() {
    let app = spawn_app().await;
    let openid = app.follower("李雷").await;
    let authorize = redirect(&app, &app.url("/api/v1/portal/oauth?next=/s/&nonce=0123456789abcdef0123")).await;
    let callback = redirect(&app, &format!("{}&openid={openid}", authorize.trim_end_matches("#wechat_redirect"))).await;
    let returns = (0..10).map(|_| redirect(&app, &callback));
    let pages = futures_util::future::join_all(returns).await;
    let tokens = pages.iter().filter(|p| p.contains("#token=")).count();
    assert_eq!(tokens, 1, "{pages:?}");
    assert!(pages.iter().filter(|p| !p.contains("#token=")).all(|p| p == "/s/#error=expired"));
}

#[tokio::test]
async fn authorisations_started_from_one_address_are_limited() {
    let app = spawn_app_with_oauth_limit(5).await;
    for _ in 0..5 {
        redirect(&app, &app.url("/api/v1/portal/oauth?next=/s/")).await;
    }
    let sixth = app.client.get(app.url("/api/v1/portal/oauth?next=/s/")).send().await.unwrap();
    assert!(sixth.headers().get("retry-after").is_some());
    error_body(sixth, 429, "rate_limited").await;
}

async fn spawn_app_with_oauth_limit(n: u32) -> TestApp {
    crate::helpers::spawn_app_with(&[("BANJI_OAUTH_STARTS_PER_MINUTE", &n.to_string())]).await
}

#[tokio::test]
async fn after_an_unbind_the_old_wechat_gets_nothing_more_of_the_students() {
    let app = spawn_app().await;
    let s = app.school().await;
    let student = s.students_a[0];
    let old = app.bound_follower(&s.admin, student, "2023010101", "李雷").await;
    let old_token = student_token(&app, &old).await;
    // A notice they received, and one held for their next message (the digest).
    let seen = app.draft(&s.admin, "开学典礼", json!({ "students": [student] })).await;
    app.send_notice(&s.admin, seen).await;
    app.until_sent(&s.admin, seen, 10).await;
    let held = app.draft(&s.admin, "体检安排", json!({ "students": [student] })).await;
    app.send_notice(&s.admin, held).await;
    app.until_sent(&s.admin, held, 10).await;
    sqlx::query("UPDATE deliveries SET status = 'held', channel = 'digest' WHERE notice_id = $1")
        .bind(held)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let listed: Value = app.get("/api/v1/portal/notices", &old_token).await.json().await.unwrap();
    assert_eq!(listed["total"], 2, "before: both notices are theirs");

    let unbound = app.post(&format!("/api/v1/students/{student}/unbind"), &s.teacher_a.access, json!({})).await;
    assert_eq!(unbound.status(), 200);
    let received = app.inbox(&old).await.len();

    // No notice page, no list.
    let listed: Value = app.get("/api/v1/portal/notices", &old_token).await.json().await.unwrap();
    assert_eq!(listed["total"], 0, "{listed}");
    let page = app.get(&format!("/api/v1/portal/notices/{seen}"), &old_token).await;
    assert_ne!(page.status(), 200, "the notice page is not theirs any more");
    // No digest when the old WeChat writes.
    let answer = app.say(&old, json!({ "type": "text", "content": "通知" })).await;
    assert!(!answer["reply"]["content"].as_str().unwrap_or_default().contains("体检安排"), "{answer}");
    // No push.
    let later = app.draft(&s.admin, "期末考试", json!({ "students": [student] })).await;
    app.send_notice(&s.admin, later).await;
    app.until_sent(&s.admin, later, 10).await;
    let rows = app.deliveries(&s.admin, later).await;
    assert_eq!(rows[0]["status"], "unbound", "{rows:?}");
    // No check-in.
    let now = chrono::Utc::now();
    let session = json!({ "title": "班会", "audience": { "students": [student] }, "methods": ["code"],
        "starts_at": now - chrono::Duration::minutes(1), "ends_at": now + chrono::Duration::hours(1) });
    let id = app.post("/api/v1/checkins", &s.admin.access, session).await.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let code = app.code_of(id, 0).await;
    let reply = app.wechat_reply(&old, &format!("签到 {code}")).await;
    assert!(!reply.contains("签到成功"), "{reply}");
    assert_eq!(app.inbox(&old).await.len(), received + 2, "only the replies to its own two messages");

    // The student binds a new WeChat: the held notice is theirs there.
    let new = app.bound_follower(&s.admin, student, "2023010101", "李雷").await;
    let answer = app.say(&new, json!({ "type": "text", "content": "通知" })).await;
    assert!(answer["reply"]["content"].as_str().unwrap().contains("体检安排"), "{answer}");
}

#[tokio::test]
async fn a_cadre_who_moved_class_or_graduated_loses_the_cadres_rights_at_once() {
    let app = spawn_app().await;
    let s = app.school().await;
    let monitor = s.students_a[0];
    let path = format!("/api/v1/classes/{}/cadres", s.class_a);
    let term = json!({ "student_id": monitor, "title": "班长", "starts_on": "2020-09-01" });
    assert_eq!(app.post(&path, &s.teacher_a.access, term).await.status(), 201);
    let openid = app.bound_follower(&s.admin, monitor, "2023010101", "李雷").await;
    let token = student_token(&app, &openid).await;
    assert_eq!(app.get("/api/v1/portal/classmates", &token).await.status(), 200);

    app.patch(&format!("/api/v1/students/{monitor}"), &s.admin.access, json!({ "class_id": s.class_b })).await;
    error_body(app.get("/api/v1/portal/classmates", &token).await, 403, "not_a_cadre").await;
    let terms: Value = app.get(&path, &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(terms[0]["current"], false, "{terms}");

    app.patch(&format!("/api/v1/students/{monitor}"), &s.admin.access, json!({ "class_id": s.class_a })).await;
    assert_eq!(app.get("/api/v1/portal/classmates", &token).await.status(), 200, "back in the class, the term holds");
    app.patch(&format!("/api/v1/students/{monitor}"), &s.admin.access, json!({ "status": "graduated" })).await;
    error_body(app.get("/api/v1/portal/classmates", &token).await, 403, "not_a_cadre").await;
}
