//! Teachers through WeChat: binding their WeChat by scanning the QR code the console
//! shows, and registering with the code sent on 注册.

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, TestApp, PASSWORD};

/// A teacher whose WeChat is bound and who wrote to the account lately; their openid.
pub async fn bound_teacher(app: &TestApp, username: &str) -> String {
    let (_, session) = app.teacher(username).await;
    let shown: Value = app.get("/api/v1/me/wechat", &session.access).await.json().await.unwrap();
    let wechat = app.follower(&format!("{username}的微信")).await;
    app.say(&wechat, json!({ "type": "scan", "ticket": ticket_of(shown["qr_image_url"].as_str().unwrap()) })).await;
    wechat
}

pub fn ticket_of(qr_image_url: &str) -> String {
    let encoded = qr_image_url.split("ticket=").nth(1).unwrap();
    percent_decode(encoded)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn a_teacher_binds_their_wechat_by_scanning_the_qr_code_the_console_shows() {
    let app = spawn_app().await;
    let s = app.school().await;
    let shown: Value = app.get("/api/v1/me/wechat", &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(shown["bound"], false);
    let qr = shown["qr_image_url"].as_str().unwrap().to_string();
    let again: Value = app.get("/api/v1/me/wechat", &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(again["qr_image_url"], qr.as_str(), "the same code while it is valid");
    assert_eq!(app.client.get(&qr).send().await.unwrap().headers()["content-type"], "image/svg+xml");

    let wechat = app.follower("王老师的微信").await;
    let answer = app.say(&wechat, json!({ "type": "scan", "ticket": ticket_of(&qr) })).await;
    assert_eq!(answer["reply"]["content"], "已绑定教师账号：teacher.a 老师。之后您会在微信中收到学生的提问与提醒。");
    let now: Value = app.get("/api/v1/me/wechat", &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!((now["bound"].as_bool(), now["qr_image_url"].is_null()), (Some(true), true));
    // A student may not bind this WeChat any more.
    let code = app.bind_code(&s.admin, s.students_a[0]).await;
    let refused = app.say(&wechat, json!({ "type": "text", "content": format!("绑定 2023010101 李雷 {code}") })).await;
    assert_eq!(refused["reply"]["content"], "这个微信已绑定教师账号，不能再绑定学生。");
    assert_eq!(app.delete("/api/v1/me/wechat", &s.teacher_a.access).await.status(), 204);
    let after: Value = app.get("/api/v1/me/wechat", &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(after["bound"], false);
}

#[tokio::test]
async fn a_new_teacher_registers_with_the_code_sent_on_zhuce_and_waits_for_approval() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let wechat = app.follower("新老师").await;
    let answer = app.say(&wechat, json!({ "type": "text", "content": "注册" })).await;
    let text = answer["reply"]["content"].as_str().unwrap();
    let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
    assert!(text.starts_with("您的教师注册验证码是") && text.contains("/register"), "{text}");

    let form = json!({ "username": "zhang.san", "display_name": "张三", "password": PASSWORD, "code": code });
    let created = app.request(reqwest::Method::POST, "/api/v1/auth/register", None, Some(form.clone())).await;
    assert_eq!(created.status(), 201);
    let registered: Value = created.json().await.unwrap();
    assert_eq!(registered["pending"], true);
    let reused = app
        .request(
            reqwest::Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({ "username": "li.si", "display_name": "李四", "password": PASSWORD, "code": code })),
        )
        .await;
    error_body(reused, 422, "validation_failed").await;

    error_body(app.login("zhang.san", PASSWORD).await, 403, "pending_approval").await;
    let waiting: Value = app.get("/api/v1/users?pending=true", &admin.access).await.json().await.unwrap();
    assert_eq!(waiting["items"][0]["username"], "zhang.san");
    let id = registered["user"]["id"].as_i64().unwrap();
    let approved: Value =
        app.post(&format!("/api/v1/users/{id}/approve"), &admin.access, json!({})).await.json().await.unwrap();
    assert_eq!(approved["pending"], false);
    assert_eq!(app.login("zhang.san", PASSWORD).await.status(), 200);
    let profile: Value = app.get(&format!("/api/v1/teachers/{id}"), &admin.access).await.json().await.unwrap();
    assert_eq!(profile["wechat_bound"], true, "registering bound the WeChat that asked for the code");

    app.patch("/api/v1/settings", &admin.access, json!({ "registration_open": false })).await;
    let closed = app.say(&app.follower("又一位").await, json!({ "type": "text", "content": "注册" })).await;
    assert_eq!(closed["reply"]["content"], "暂未开放教师注册，请联系管理员开通账号。");
}
