//! Teachers on their phones: WeChat's web authorisation signs in the teacher whose WeChat
//! is bound (a console login, scoped like their web login, shorter-lived, audited as
//! WeChat), and nobody else.

use reqwest::Method;
use serde_json::{json, Value};

use crate::auto_reply_data::bound_wechat;
use crate::helpers::{error_body, Session, TestApp};
use crate::oauth_helpers::{open_phone_page, phone_login};

#[tokio::test]
async fn a_bound_teachers_wechat_signs_them_in_on_the_phone_with_their_own_scope() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (wang_id, wang) = app.teacher("wang").await;
    let (li_id, _) = app.teacher("li").await;
    let (mine, _) = app.bound_class(&admin, "软件2401", 2, &[wang_id]).await;
    let (theirs, _) = app.bound_class(&admin, "软件2402", 2, &[li_id]).await;
    let phone = bound_wechat(&app, &wang).await;

    let (page, fragment) = open_phone_page(&app, "/t/notices", &phone).await;
    assert_eq!(page, "/t/notices", "back at the page asked for");
    let grant = fragment.strip_prefix("grant=").and_then(|f| f.split('&').next()).expect("a grant").to_string();
    let resp = app.request(Method::POST, "/api/v1/auth/wechat", None, Some(json!({ "grant": grant }))).await;
    assert_eq!(resp.status(), 200);
    let login = Session::from(resp.json::<Value>().await.unwrap());
    let me: Value = app.get("/api/v1/me", &login.access).await.json().await.unwrap();
    assert_eq!(me["username"], "wang");

    // Scoped exactly like the web login: their class, not another teacher's.
    assert_eq!(app.get(&format!("/api/v1/classes/{mine}"), &login.access).await.status(), 200);
    assert_eq!(app.get(&format!("/api/v1/classes/{theirs}"), &login.access).await.status(), 404);

    // The grant works once.
    let again = app.request(Method::POST, "/api/v1/auth/wechat", None, Some(json!({ "grant": grant }))).await;
    error_body(again, 401, "grant_invalid").await;

    // The login refreshes like any other, and is audited as through WeChat.
    let refreshed =
        app.request(Method::POST, "/api/v1/auth/refresh", None, Some(json!({ "refresh_token": login.refresh }))).await;
    assert_eq!(refreshed.status(), 200);
    let audit: Value = app.get("/api/v1/audit?action=login&actor=wang", &admin.access).await.json().await.unwrap();
    let channels: Vec<&str> =
        audit["items"].as_array().unwrap().iter().map(|e| e["channel"].as_str().unwrap()).collect();
    assert_eq!(channels.first(), Some(&"wechat"), "the phone login is audited as WeChat: {channels:?}");
    assert!(channels.contains(&"web"), "the console login is audited as web: {channels:?}");

    // What they do through it is audited as WeChat too.
    app.post(
        "/api/v1/notices",
        &login.access,
        json!({
            "title": "手机上写的通知", "body": "内容", "audience": { "classes": [mine] }
        }),
    )
    .await;
    let created: Value = app.get("/api/v1/audit?action=notice_created", &admin.access).await.json().await.unwrap();
    assert_eq!(created["items"][0]["channel"], "wechat", "{created}");
}

#[tokio::test]
async fn the_phone_login_is_shorter_lived_and_ends_when_the_teacher_unbinds_their_wechat() {
    let app = crate::helpers::spawn_app().await;
    let (_, wang) = app.teacher("wang").await;
    let phone = bound_wechat(&app, &wang).await;
    let login = phone_login(&app, &phone).await;

    let lives: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.channel, rt.expires_at - rt.created_at FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id \
         ORDER BY rt.id",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    let hours = |channel: &str| lives.iter().find(|(c, _)| c == channel).map(|(_, ms)| ms / 3_600_000).unwrap();
    assert_eq!(hours("wechat"), 12);
    assert_eq!(hours("web"), 30 * 24);

    assert_eq!(app.delete("/api/v1/me/wechat", &wang.access).await.status(), 204);
    error_body(app.get("/api/v1/me", &login.access).await, 401, "session_revoked").await;
    assert_eq!(app.get("/api/v1/me", &wang.access).await.status(), 200, "the console login goes on");
}

#[tokio::test]
async fn an_unbound_wechat_or_a_students_wechat_gets_no_teacher_session() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (wang_id, _) = app.teacher("wang").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[wang_id]).await;
    let stranger = app.follower("路人").await;

    for openid in [stranger.as_str(), students[0].1.as_str()] {
        let (page, fragment) = open_phone_page(&app, "/t/", openid).await;
        assert_eq!(page, "/t/");
        assert!(fragment.starts_with("error=not_teacher&"), "{fragment}");
    }
    // A made-up grant signs in nobody.
    let made_up =
        app.request(Method::POST, "/api/v1/auth/wechat", None, Some(json!({ "grant": "x".repeat(43) }))).await;
    error_body(made_up, 401, "grant_invalid").await;
    // A student page still gets a student token, never a grant.
    let (page, _) =
        crate::oauth_helpers::open_as(&app, &app.url("/api/v1/portal/oauth?next=/s/bind"), &students[0].1).await;
    assert_eq!(page, "/s/bind");
}

#[tokio::test]
async fn the_unread_list_goes_to_the_teachers_own_wechat_as_a_link_only_they_can_open() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (wang_id, wang) = app.teacher("wang").await;
    let (class, students) = app.bound_class(&admin, "软件2401", 3, &[wang_id]).await;
    let id = app.sent_notice(&wang, "班会通知", json!({ "classes": [class] }), json!({})).await;
    app.read_after(id, students[0].0, 30).await;

    // Without a bound WeChat there is nowhere to send it.
    let unbound =
        app.post(&format!("/api/v1/notices/{id}/receipts/export/wechat?missing=read"), &wang.access, json!({})).await;
    error_body(unbound, 409, "wechat_not_bound").await;

    let phone = bound_wechat(&app, &wang).await;
    let login = phone_login(&app, &phone).await;
    let resp =
        app.post(&format!("/api/v1/notices/{id}/receipts/export/wechat?missing=read"), &login.access, json!({})).await;
    assert_eq!(resp.status(), 200);
    let url = resp.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_string();
    let chat: Vec<Value> = app.inbox(&phone).await.into_iter().filter(|m| m["channel"] == "custom").collect();
    let text = chat.last().expect("a message in the teacher's chat")["content"].as_str().unwrap().to_string();
    assert!(text.contains(&url) && text.contains("班会通知") && text.contains("未读名单"), "{text}");

    // The file lists the two who have not read, not the one who has.
    let file = reqwest::get(&url).await.unwrap();
    assert_eq!(file.status(), 200);
    let bytes = file.bytes().await.unwrap();
    let rows = banji::people::roster::parse::cells(&bytes).expect("an XLSX");
    assert_eq!(rows.len(), 3, "a header and the two unread: {rows:?}");

    // A link is no console token, and a teacher who no longer sees the notice gets nothing.
    let token = url.rsplit('/').next().unwrap();
    assert_eq!(app.get("/api/v1/me", token).await.status(), 401);
    sqlx::query("UPDATE notices SET author_id = $1 WHERE id = $2")
        .bind(admin_id(&app).await)
        .bind(id)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 404);
    let audit: Value =
        app.get("/api/v1/audit?action=receipts_sent_to_wechat", &admin.access).await.json().await.unwrap();
    assert_eq!(audit["items"][0]["channel"], "wechat", "{audit}");
}

async fn admin_id(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_menu_editor_offers_the_teachers_phone_pages_through_wechat_authorisation() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let features: Vec<Value> = app.get("/api/v1/menus/features", &admin.access).await.json().await.unwrap();
    let url = |label: &str| {
        features.iter().find(|f| f["label"] == label).and_then(|f| f["url"].as_str()).unwrap_or_default().to_string()
    };
    assert!(url("教师工作台").ends_with("/api/v1/portal/oauth?next=/t/"), "{features:?}");
    assert!(url("快速通知").ends_with("/api/v1/portal/oauth?next=/t/notices/new"));
    assert!(url("课堂签到").ends_with("/api/v1/portal/oauth?next=/t/checkin"));
    // Following one signs the teacher in on that page.
    let (_, wang) = app.teacher("wang").await;
    let phone = bound_wechat(&app, &wang).await;
    let (page, fragment) = open_phone_page(&app, "/t/checkin", &phone).await;
    assert_eq!(page, "/t/checkin");
    assert!(fragment.starts_with("grant="), "{fragment}");
}
