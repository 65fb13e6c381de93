//! A notice page's first view: the page a student opens from a pushed message arrives
//! with the notice drawn in it, and the read is counted when the page is sent, before
//! any script runs. Only in the browser that went through WeChat's authorisation, and
//! only for notices that student may read.

use serde_json::json;

use crate::helpers::{spawn_app, TestApp};
use crate::oauth_helpers::arrive;
use crate::receipts::{report, sent_notice};

async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    if let Some(c) = cookie {
        req = req.header("cookie", format!("banji_student={c}"));
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    resp
}

#[tokio::test]
async fn a_notice_opened_from_wechat_arrives_drawn_in_the_page_and_is_counted_read_before_any_script_runs() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 2, json!({ "requires_confirmation": true })).await;
    let link = app.inbox(&students[0].1).await.iter().find_map(|m| m["url"].as_str().map(String::from)).unwrap();
    let arrival = arrive(&app, &link, &students[0].1, true).await;
    assert_eq!(arrival.page, format!("/s/notices/{id}"));
    let set = arrival.set_cookie.clone().expect("the student cookie");
    for part in ["Path=/s/", "HttpOnly", "SameSite=Lax", "Max-Age=7200"] {
        assert!(set.contains(part), "{part} in {set}");
    }
    assert_eq!(report(&app, &admin, id).await["funnel"]["read"], 0, "nothing read before the page is asked for");

    let resp = page(&app, &format!("/s/notices/{id}"), arrival.student_cookie.as_deref()).await;
    assert_eq!(resp.headers()["cache-control"], "private, no-store", "a personal page is never cached");
    let html = resp.text().await.unwrap();
    assert!(html.contains("<title>我的班级 · 通知</title>"), "the students' notices shell: {html}");
    assert!(html.contains(r#"id="skeleton" data-prerendered"#), "{html}");
    assert!(html.contains(r#"id="portal-notice"><h2>体测通知</h2>"#), "{html}");
    assert!(html.contains("周五下午<strong>体测</strong>。"), "the body as rendered: {html}");
    assert!(html.contains("确认收到"), "asked to confirm: {html}");
    assert!(!html.contains("card skeleton"), "the skeleton's bars gave way to the notice");
    let r = report(&app, &admin, id).await;
    assert_eq!((r["funnel"]["read"].as_i64(), r["funnel"]["confirmed"].as_i64()), (Some(1), Some(0)));

    // The page's own call afterwards (the bundle taking over) keeps the first read.
    let detail: serde_json::Value =
        crate::receipts::sget(&app, &format!("/api/v1/portal/notices/{id}"), &arrival.token)
            .await
            .json()
            .await
            .unwrap();
    assert!(detail["read_at"].is_string());
    assert_eq!(report(&app, &admin, id).await["funnel"]["read"], 1);
}

#[tokio::test]
async fn a_callback_forwarded_to_another_browser_sets_no_student_cookie() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 1, json!({})).await;
    let link = app.inbox(&students[0].1).await.iter().find_map(|m| m["url"].as_str().map(String::from)).unwrap();
    let arrival = arrive(&app, &link, &students[0].1, false).await;
    assert_eq!(arrival.set_cookie, None, "no nonce cookie came back: not the browser that started");
    assert_eq!(arrival.page, format!("/s/notices/{id}"), "the page still gets its fragment (its own nonce check)");
}

#[tokio::test]
async fn without_a_valid_cookie_or_for_a_notice_not_theirs_the_plain_shell_goes_out_and_nothing_is_read() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 1, json!({})).await;
    let (_, outsiders) = app.bound_class(&admin, "电气2402", 1, &[]).await;
    let outsider = arrive(&app, &app.url("/api/v1/portal/oauth?next=/s/"), &outsiders[0].1, true).await;
    // A console login's token is no student cookie, nor is anything forged.
    let console_token = admin.access.clone();
    for cookie in [None, Some("forged.token.value"), Some(console_token.as_str()), outsider.student_cookie.as_deref()] {
        let html = page(&app, &format!("/s/notices/{id}"), cookie).await.text().await.unwrap();
        assert!(!html.contains("portal-notice") && html.contains("card skeleton"), "{cookie:?}: {html}");
    }
    assert_eq!(report(&app, &admin, id).await["funnel"]["read"], 0);
    // The cookie draws nothing on pages other than a notice's.
    let mine = arrive(&app, &app.url("/api/v1/portal/oauth?next=/s/"), &students[0].1, true).await;
    let html = page(&app, "/s/notices", mine.student_cookie.as_deref()).await.text().await.unwrap();
    assert!(html.contains("card skeleton"), "{html}");
    let html = page(&app, &format!("/s/notices/{id}"), mine.student_cookie.as_deref()).await.text().await.unwrap();
    assert!(html.contains("portal-notice"), "the recipient's own cookie does: {html}");
}
