//! Attachments opened inside WeChat: a signed link any browser opens without signing in,
//! counted per opening, stale after its time, dead once the notice is withdrawn; and
//! 发送到微信, the same link pushed to the student's chat, within the platform's window and
//! a per-student limit.

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use crate::helpers::{error_body, Session, TestApp};
use crate::oauth_helpers::student_token;

async fn attach(app: &TestApp, admin: &Session, notice: i64, name: &str, bytes: &[u8]) -> i64 {
    let form = Form::new().part("file", Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/notices/{notice}/attachments")))
        .bearer_auth(&admin.access)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn link(app: &TestApp, token: &str, notice: i64, file: i64) -> reqwest::Response {
    let url = app.url(&format!("/api/v1/portal/notices/{notice}/attachments/{file}/link"));
    app.client.post(url).bearer_auth(token).send().await.unwrap()
}

async fn send_to_wechat(app: &TestApp, token: &str, notice: i64, file: i64) -> reqwest::Response {
    let url = app.url(&format!("/api/v1/portal/notices/{notice}/attachments/{file}/send"));
    app.client.post(url).bearer_auth(token).send().await.unwrap()
}

async fn downloads(app: &TestApp, admin: &Session, notice: i64) -> Vec<i64> {
    let n: Value = app.get(&format!("/api/v1/notices/{notice}"), &admin.access).await.json().await.unwrap();
    n["attachments"].as_array().unwrap().iter().map(|a| a["downloads"].as_i64().unwrap()).collect()
}

/// A sent notice to two bound students with a PDF and a Word file.
async fn notice_with_files(app: &TestApp, admin: &Session) -> (i64, i64, i64, Vec<(i64, String)>) {
    let (class, students) = app.bound_class(admin, "计算机2301", 2, &[]).await;
    let id = app.draft(admin, "奖学金申请", json!({ "classes": [class] })).await;
    let pdf = attach(app, admin, id, "申请须知.pdf", "%PDF-1.4 须知".as_bytes()).await;
    let word = attach(app, admin, id, "申请表.docx", b"PK\x03\x04word").await;
    app.send_notice(admin, id).await;
    (id, pdf, word, students)
}

#[tokio::test]
async fn a_signed_link_opens_the_file_without_signing_in_and_counts_each_opening() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (id, pdf, word, students) = notice_with_files(&app, &admin).await;
    let token = student_token(&app, &students[0].1).await;

    let resp = link(&app, &token, id, pdf).await;
    assert_eq!(resp.status(), 200);
    let made: Value = resp.json().await.unwrap();
    let url = made["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/files/", app.state.config.public_url)), "{url}");
    // No header at all: WeChat's browser opens the link as it is.
    let resp = reqwest::get(&url).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("inline; "), "a PDF is shown in place: {disposition}");
    assert_eq!(resp.headers()["cache-control"], "private, no-store");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), "%PDF-1.4 须知".as_bytes());
    // A player fetching a later part is the same download.
    let part = app.client.get(&url).header("Range", "bytes=4-").send().await.unwrap();
    assert_eq!(part.status(), 200);
    assert_eq!(downloads(&app, &admin, id).await, vec![1, 0]);

    let word_url =
        link(&app, &token, id, word).await.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_string();
    let resp = reqwest::get(&word_url).await.unwrap();
    let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment; "), "a Word file is offered: {disposition}");
    assert_eq!(downloads(&app, &admin, id).await, vec![1, 1]);

    // A link is for one file: changing it breaks it, and the reply is a page a phone shows.
    let forged = format!("{}x", &url[..url.len() - 1]);
    let resp = reqwest::get(&forged).await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(resp.text().await.unwrap().contains("链接无效"));
    // Someone who is not a recipient gets no link; the file of another notice is not found.
    let stranger = student_token(&app, &app.follower("路人").await).await;
    error_body(link(&app, &stranger, id, pdf).await, 404, "not_found").await;
    error_body(link(&app, &token, id + 1, pdf).await, 404, "not_found").await;

    // Once withdrawn, the links made before stop working.
    app.post(&format!("/api/v1/notices/{id}/withdraw"), &admin.access, json!({})).await;
    let resp = reqwest::get(&url).await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.text().await.unwrap().contains("文件不存在"));
    assert_eq!(downloads(&app, &admin, id).await, vec![1, 1]);
}

#[tokio::test]
async fn a_stale_link_says_it_has_expired_and_serves_nothing() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (id, pdf, _, students) = notice_with_files(&app, &admin).await;
    let stale = app.state.jwt.issue_file_link(&students[0].1, id, pdf, -60).unwrap();
    let resp = reqwest::get(app.url(&format!("/files/{stale}"))).await.unwrap();
    assert_eq!(resp.status(), 410);
    let page = resp.text().await.unwrap();
    assert!(page.contains("链接已过期") && !page.contains("%PDF"), "{page}");
    assert_eq!(downloads(&app, &admin, id).await, vec![0, 0]);
}

#[tokio::test]
async fn send_to_wechat_pushes_the_link_to_the_students_chat_within_the_window_and_a_limit() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (id, _, word, students) = notice_with_files(&app, &admin).await;
    let (talker, silent) = (&students[0].1, &students[1].1);
    app.say(talker, json!({ "type": "text", "content": "附件打不开" })).await;
    let token = student_token(&app, talker).await;

    let resp = send_to_wechat(&app, &token, id, word).await;
    assert_eq!(resp.status(), 200);
    let sent: Value = resp.json().await.unwrap();
    let url = sent["url"].as_str().unwrap();
    let chat: Vec<Value> = app.inbox(talker).await.into_iter().filter(|m| m["channel"] == "custom").collect();
    assert_eq!(chat.len(), 1, "{chat:?}");
    let text = chat[0]["content"].as_str().unwrap();
    assert!(text.contains(url) && text.contains("申请表.docx") && text.contains("奖学金申请"), "{text}");
    let file = reqwest::get(url).await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"PK\x03\x04word");

    // The platform lets the account write only after the student wrote: said plainly.
    let quiet = student_token(&app, silent).await;
    error_body(send_to_wechat(&app, &quiet, id, word).await, 409, "outside_window").await;
    assert!(app.inbox(silent).await.iter().all(|m| m["channel"] != "custom"));

    // Ten tries an hour, refused ones included; the eleventh is turned away before WeChat.
    for _ in 1..10 {
        send_to_wechat(&app, &token, id, word).await;
    }
    let before = app.inbox(talker).await.len();
    error_body(send_to_wechat(&app, &token, id, word).await, 429, "rate_limited").await;
    assert_eq!(app.inbox(talker).await.len(), before);
}
