//! A typo in a sent notice is corrected (`POST /notices/{id}/correction`): students see the
//! new text marked with the time of the correction, nothing is pushed again, the audit
//! keeps what was replaced, and only a sent notice of the caller's is corrected.

use serde_json::{json, Value};

use crate::helpers::{error_body, TestApp};
use crate::oauth_helpers::student_token;
use crate::receipts::sget;

async fn pushed(app: &TestApp, openid: &str) -> usize {
    app.inbox(openid).await.len()
}

#[tokio::test]
async fn a_sent_notice_is_corrected_in_place_marked_for_students_and_not_pushed_again() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "软件2401", 1, &[]).await;
    let id = app.draft(&admin, "体测通知", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    app.until_sent(&admin, id, 60).await;
    let openid = &students[0].1;
    let before = pushed(&app, openid).await;
    assert!(before >= 1, "the notice was pushed once");

    let resp = app
        .post(
            &format!("/api/v1/notices/{id}/correction"),
            &admin.access,
            json!({ "body": "周五 **下午三点** 在东操场。" }),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let notice: Value = resp.json().await.unwrap();
    assert_eq!((notice["title"].as_str(), notice["status"].as_str()), (Some("体测通知"), Some("sent")));
    assert!(notice["corrected_at"].is_string(), "{notice}");

    let token = student_token(&app, openid).await;
    let page: Value = sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await.json().await.unwrap();
    assert!(page["body_html"].as_str().unwrap().contains("<strong>下午三点</strong>"), "{page}");
    assert!(page["corrected_at"].is_string(), "the student page marks it: {page}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(pushed(&app, openid).await, before, "a correction pushes nothing");

    let audit: Value = app.get("/api/v1/audit?action=notice_corrected", &admin.access).await.json().await.unwrap();
    assert_eq!(audit["items"][0]["target"], format!("notice:{id}"), "{audit}");
    assert!(audit["items"][0]["detail"].as_str().unwrap().starts_with("正文修改前："), "{audit}");
}

#[tokio::test]
async fn only_a_sent_notice_of_ones_own_is_corrected_and_with_a_valid_text() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (_, other) = app.teacher("li").await;
    let (class, _) = app.bound_class(&admin, "软件2401", 1, &[]).await;
    let draft = app.draft(&admin, "草稿", json!({ "classes": [class] })).await;
    let url = format!("/api/v1/notices/{draft}/correction");
    error_body(app.post(&url, &admin.access, json!({ "title": "改" })).await, 409, "not_sent").await;

    let id = app.draft(&admin, "体测通知", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    app.until_sent(&admin, id, 60).await;
    let url = format!("/api/v1/notices/{id}/correction");
    error_body(app.post(&url, &admin.access, json!({ "title": "  " })).await, 422, "validation_failed").await;
    error_body(app.post(&url, &admin.access, json!({ "body": "" })).await, 422, "validation_failed").await;
    assert_eq!(app.post(&url, &other.access, json!({ "title": "别人的" })).await.status(), 404);
    let resp = app.post(&url, &admin.access, json!({ "title": "体测通知（更正）" })).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["title"], "体测通知（更正）");

    app.post(&format!("/api/v1/notices/{id}/withdraw"), &admin.access, json!({})).await;
    error_body(app.post(&url, &admin.access, json!({ "title": "再改" })).await, 409, "not_sent").await;
}
