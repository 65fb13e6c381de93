//! 忘记密码: a teacher with WeChat bound resets their password with a code the account
//! sends to that WeChat (pushed when the page asks, or in the reply to 「重置密码」); the
//! page's request tells an outsider nothing, codes are used once, requests and wrong
//! codes are counted first and refused past their limits, and a reset ends every login.

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, TestApp, PASSWORD};
use crate::teacher_binding::bound_teacher;

async fn ask(app: &TestApp, username: &str) -> u16 {
    app.request(reqwest::Method::POST, "/api/v1/auth/password-reset/code", None, Some(json!({ "username": username })))
        .await
        .status()
        .as_u16()
}

async fn reset(app: &TestApp, username: &str, code: &str, password: &str) -> reqwest::Response {
    let body = json!({ "username": username, "code": code, "new_password": password });
    app.request(reqwest::Method::POST, "/api/v1/auth/password-reset", None, Some(body)).await
}

/// The code in the latest customer-service message to `openid`.
async fn pushed_code(app: &TestApp, openid: &str) -> Option<String> {
    let chat: Vec<Value> = app.inbox(openid).await.into_iter().filter(|m| m["channel"] == "custom").collect();
    let text = chat.last()?["content"].as_str()?.to_string();
    text.split("验证码是 ").nth(1).map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
}

#[tokio::test]
async fn a_teacher_with_wechat_resets_the_password_with_the_pushed_code_once() {
    let app = spawn_app().await;
    let wechat = bound_teacher(&app, "wang").await;
    let old = app.login("wang", PASSWORD).await.json::<Value>().await.unwrap();

    assert_eq!(ask(&app, "wang").await, 204);
    let code = pushed_code(&app, &wechat).await.expect("the code reached the teacher's WeChat");
    assert_eq!(code.len(), 6);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    error_body(reset(&app, "wang", wrong, "new-password-1").await, 422, "validation_failed").await;
    error_body(reset(&app, "wang", &code, "short").await, 422, "validation_failed").await;
    assert_eq!(reset(&app, "wang", &code, "new-password-1").await.status(), 204);

    assert_eq!(app.login("wang", PASSWORD).await.status(), 401, "the old password is gone");
    assert_eq!(app.login("wang", "new-password-1").await.status(), 200);
    assert_eq!(app.refresh(old["refresh_token"].as_str().unwrap()).await.status(), 401, "earlier logins ended");
    error_body(reset(&app, "wang", &code, "new-password-2").await, 422, "validation_failed").await;
    let audit = app.admin().await;
    let trail: Value =
        app.get("/api/v1/audit?action=password_reset_by_wechat", &audit.access).await.json().await.unwrap();
    assert_eq!(trail["items"][0]["actor"], "wang", "{trail}");
}

#[tokio::test]
async fn asking_tells_nothing_about_accounts_and_the_wechat_command_brings_the_code_anyway() {
    let app = spawn_app().await;
    let wechat = bound_teacher(&app, "wang").await;
    app.teacher("li").await;
    // Unknown, without WeChat, with WeChat: the same answer.
    assert_eq!((ask(&app, "nobody").await, ask(&app, "li").await, ask(&app, "wang").await), (204, 204, 204));

    // 「重置密码」 sent to the account answers with a code (a reply needs no window).
    let answer = app.say(&wechat, json!({ "type": "text", "content": "重置密码" })).await;
    let text = answer["reply"]["content"].as_str().unwrap().to_string();
    let code: String = text.split("验证码是 ").nth(1).unwrap().chars().take_while(char::is_ascii_digit).collect();
    assert!(text.contains("账号 wang"), "{text}");
    assert_eq!(reset(&app, "wang", &code, "new-password-1").await.status(), 204);
    // A student's or a stranger's WeChat has no account to reset.
    let stranger = app.follower("路人").await;
    let answer = app.say(&stranger, json!({ "type": "text", "content": "重置密码" })).await;
    assert!(answer["reply"]["content"].as_str().unwrap().contains("没有绑定教师账号"), "{answer}");
}

#[tokio::test]
async fn requests_and_wrong_codes_are_counted_first_and_refused_past_their_limits() {
    let app = spawn_app().await;
    let wechat = bound_teacher(&app, "wang").await;
    for _ in 0..3 {
        assert_eq!(ask(&app, "wang").await, 204);
    }
    assert_eq!(ask(&app, "wang").await, 429, "three codes an hour per account");
    let code = pushed_code(&app, &wechat).await.unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        error_body(reset(&app, "wang", wrong, "new-password-1").await, 422, "validation_failed").await;
    }
    // Past five wrong codes even the right one waits: the try is counted before the check.
    assert_eq!(reset(&app, "wang", &code, "new-password-1").await.status(), 429);
    assert_eq!(app.login("wang", PASSWORD).await.status(), 200, "the password is unchanged");
}
