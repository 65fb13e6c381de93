//! Reminders reach only those who still owe the notice, within the interval and the
//! count; a class cadre sees and reminds only their class; the lists export with
//! Chinese headers; a student's own list puts the unread first.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, spawn_app_with, TestApp};
use crate::oauth_helpers::student_token;
use crate::receipts::{report, sent_notice, sget, ssend};

async fn remind(app: &TestApp, token: &str, id: i64, body: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/notices/{id}/reminders"), token, body).await
}

/// Waits until `openid`'s inbox holds `n` messages whose text contains `needle`.
async fn until_inbox(app: &TestApp, openid: &str, needle: &str, n: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let inbox = app.inbox(openid).await;
        if inbox.iter().filter(|m| m.to_string().contains(needle)).count() >= n {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{openid} never got {n} × {needle}: {inbox:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_reminder_goes_only_to_the_unread_and_waits_out_the_interval() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 3, json!({})).await;
    let token = student_token(&app, &students[0].1).await;
    sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await;

    let resp = remind(&app, &admin.access, id, json!({ "missing": "read" })).await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let reminder: Value = resp.json().await.unwrap();
    assert_eq!((reminder["recipients"].as_i64(), reminder["round"].as_i64()), (Some(2), Some(1)));
    error_body(remind(&app, &admin.access, id, json!({})).await, 409, "remind_too_soon").await;
    error_body(remind(&app, &admin.access, id, json!({ "missing": "confirmation" })).await, 422, "validation_failed")
        .await;
    for (_, openid) in &students[1..] {
        until_inbox(&app, openid, "提醒：体测通知", 1).await;
    }
    assert!(!app.inbox(&students[0].1).await.iter().any(|m| m.to_string().contains("提醒：")), "the reader is spared");
    let r = report(&app, &admin, id).await;
    assert_eq!(r["reminder_deliveries"], 2, "counted apart");
    assert_eq!(r["funnel"]["recipients"], 3, "the notice's own counts are unchanged");
    assert_eq!(r["reminder_policy"]["remaining"], 2);
    assert!(r["reminder_policy"]["next_allowed_at"].is_string());
    let progress = app.progress(&admin, id).await;
    assert_eq!(progress["total"], 3, "the delivery panel counts the notice's rows only");
    let listed: Value =
        app.get(&format!("/api/v1/notices/{id}/receipts?missing=read"), &admin.access).await.json().await.unwrap();
    assert!(listed["items"].as_array().unwrap().iter().all(|r| r["reminded"] == 1), "{listed}");
}

#[tokio::test]
async fn reminders_stop_at_the_configured_count_and_never_reach_a_student_too_often() {
    let app = spawn_app_with(&[("BANJI_REMIND_INTERVAL_MINUTES", "0"), ("BANJI_REMIND_MAX", "2")]).await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 2, json!({ "requires_confirmation": true })).await;
    // The first student reads but does not confirm.
    let token = student_token(&app, &students[0].1).await;
    sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await;
    let first: Value =
        remind(&app, &admin.access, id, json!({ "missing": "confirmation" })).await.json().await.unwrap();
    assert_eq!(first["recipients"], 2);
    let second: Value = remind(&app, &admin.access, id, json!({ "missing": "read" })).await.json().await.unwrap();
    assert_eq!(second["recipients"], 1, "only the one who has not read");
    error_body(remind(&app, &admin.access, id, json!({})).await, 409, "remind_limit").await;
    let list: Vec<Value> =
        app.get(&format!("/api/v1/notices/{id}/reminders"), &admin.access).await.json().await.unwrap();
    assert_eq!(list.iter().map(|r| r["round"].as_i64().unwrap()).collect::<Vec<_>>(), [1, 2]);
    until_inbox(&app, &students[1].1, "提醒：体测通知", 2).await;
}

#[tokio::test]
async fn a_class_cadre_sees_and_reminds_only_their_own_class() {
    let app = spawn_app().await;
    let s = app.school().await;
    app.map_notice_template(&s.admin).await;
    let monitor = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    let mate = app.bound_follower(&s.admin, s.students_a[1], "2023010102", "韩梅梅").await;
    app.bound_follower(&s.admin, s.students_b[0], "2023020101", "林涛").await;
    let cadres = format!("/api/v1/classes/{}/cadres", s.class_a);
    let resp = app
        .post(
            &cadres,
            &s.teacher_a.access,
            json!({ "student_id": s.students_a[0], "title": "班长", "starts_on": "2020-09-01" }),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let id = app.draft(&s.admin, "两班通知", json!({ "classes": [s.class_a, s.class_b] })).await;
    app.send_notice(&s.admin, id).await;
    app.until_sent(&s.admin, id, 60).await;

    let token = student_token(&app, &monitor).await;
    let page: Value = sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await.json().await.unwrap();
    let classes = page["cadre_classes"].as_array().unwrap();
    assert_eq!(classes.len(), 1, "{page}");
    assert_eq!((classes[0]["recipients"].as_i64(), classes[0]["read"].as_i64()), (Some(2), Some(1)));
    let unread: Vec<Value> = sget(&app, &format!("/api/v1/portal/notices/{id}/classes/{}/receipts", s.class_a), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unread.iter().map(|r| r["name"].as_str().unwrap()).collect::<Vec<_>>(), ["韩梅梅"]);
    let other_class = format!("/api/v1/portal/notices/{id}/classes/{}/receipts", s.class_b);
    error_body(sget(&app, &other_class, &token).await, 403, "not_cadre").await;
    let path = format!("/api/v1/portal/notices/{id}/classes/{}/reminders", s.class_a);
    let made = ssend(&app, reqwest::Method::POST, &path, &token, json!({})).await;
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.unwrap();
    assert_eq!((made["recipients"].as_i64(), made["by"].as_str()), (Some(1), Some("班干部 李雷")));
    until_inbox(&app, &mate, "提醒：两班通知", 1).await;
    let mate_token = student_token(&app, &mate).await;
    error_body(ssend(&app, reqwest::Method::POST, &path, &mate_token, json!({})).await, 403, "not_cadre").await;
    // The teacher's reminder of the whole notice may follow at once: the class's is its own.
    let whole: Value = remind(&app, &s.admin.access, id, json!({})).await.json().await.unwrap();
    assert_eq!(whole["recipients"], 1, "林涛 only: 韩梅梅 was reminded within the interval");
}

#[tokio::test]
async fn the_unread_list_exports_as_csv_and_xlsx_with_chinese_headers() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 2, json!({})).await;
    let token = student_token(&app, &students[0].1).await;
    sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await;
    let csv = app.get(&format!("/api/v1/notices/{id}/receipts/export?format=csv&missing=read"), &admin.access).await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-disposition"].to_str().unwrap().contains(&format!("notice-{id}-unread.csv")));
    let bytes = csv.bytes().await.unwrap();
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").expect("a BOM for Excel")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("学号,姓名,班级,绑定微信,关注公众号,发送状态,阅读时间,确认时间,提醒次数"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 2, "one unread: {text}");
    assert!(lines[1].contains("N001同学1") && lines[1].contains("软件2401") && lines[1].contains("已发送"), "{text}");

    let xlsx = app.get(&format!("/api/v1/notices/{id}/receipts/export?format=xlsx"), &admin.access).await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("回执").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][..3], ["学号", "姓名", "班级"]);
    assert_eq!(rows.len(), 3, "everyone: {rows:?}");
    let reader = rows.iter().find(|r| r[1] == "N001同学0").unwrap();
    assert!(!reader[6].is_empty(), "the reader's time is there: {reader:?}");
}

#[tokio::test]
async fn a_students_own_list_shows_the_unread_first_and_narrows_by_category_and_words() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "软件2402", 1, &[]).await;
    let categories: Vec<Value> = app.get("/api/v1/notice-categories", &admin.access).await.json().await.unwrap();
    let jiaowu = categories.iter().find(|c| c["name"] == "教务").unwrap()["id"].as_i64().unwrap();
    let mut ids = Vec::new();
    for (title, category) in [("选课通知", Some(jiaowu)), ("宿舍检查", None), ("考试安排", Some(jiaowu))] {
        let body = json!({ "title": title, "body": format!("{title}的详情"), "category_id": category,
                           "audience": { "classes": [class] } });
        let id = app.post("/api/v1/notices", &admin.access, body).await.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();
        app.send_notice(&admin, id).await;
        app.until_sent(&admin, id, 60).await;
        ids.push(id);
    }
    let token = student_token(&app, &students[0].1).await;
    sget(&app, &format!("/api/v1/portal/notices/{}", ids[2]), &token).await;
    let titles = |v: Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap().to_string()).collect()
    };
    let all: Value = sget(&app, "/api/v1/portal/notices", &token).await.json().await.unwrap();
    assert_eq!(titles(all), ["宿舍检查", "选课通知", "考试安排"], "unread first, then newest");
    let by_category: Value =
        sget(&app, &format!("/api/v1/portal/notices?category_id={jiaowu}"), &token).await.json().await.unwrap();
    assert_eq!(titles(by_category), ["选课通知", "考试安排"]);
    let words: Value =
        sget(&app, "/api/v1/portal/notices?q=%E8%AF%A6%E6%83%85&category_id=0", &token).await.json().await.unwrap();
    assert_eq!(words["total"], 0);
    let words: Value = sget(&app, "/api/v1/portal/notices?q=%E5%AE%BF%E8%88%8D", &token).await.json().await.unwrap();
    assert_eq!(titles(words), ["宿舍检查"]);
    // A withdrawn notice, though never read, no longer waits first; it says it was withdrawn.
    app.post(&format!("/api/v1/notices/{}/withdraw", ids[1]), &admin.access, json!({})).await;
    let all: Value = sget(&app, "/api/v1/portal/notices", &token).await.json().await.unwrap();
    assert_eq!(
        titles(all.clone()),
        ["选课通知", "考试安排", "宿舍检查"],
        "the unread first, the withdrawn with the rest"
    );
    assert_eq!(all["items"][2]["withdrawn"], true);
    assert_eq!(all["items"][2]["read"], false);
}

#[tokio::test]
async fn two_reminders_asked_for_at_once_make_one() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, _) = sent_notice(&app, &admin, 3, json!({})).await;
    let (a, b) = tokio::join!(remind(&app, &admin.access, id, json!({})), remind(&app, &admin.access, id, json!({})));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    let r = report(&app, &admin, id).await;
    assert_eq!(r["reminder_deliveries"], 3, "each student reminded once");
}

#[tokio::test]
async fn a_reminder_for_a_class_that_does_not_exist_is_a_422_not_a_failed_insert() {
    // The fuzzer's find: `{"class_id": 2}` broke the foreign key and answered 500.
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, _) = sent_notice(&app, &admin, 1, json!({})).await;
    let body =
        error_body(remind(&app, &admin.access, id, json!({ "class_id": 999_999 })).await, 422, "validation_failed")
            .await;
    assert_eq!(body["fields"]["class_id"], "no such class");
    let resp = remind(&app, &admin.access, id, json!({})).await;
    assert_eq!(resp.status(), 201, "the refused one did not count: {}", resp.text().await.unwrap());
}

#[tokio::test]
async fn the_notice_list_carries_each_notices_read_and_confirm_counts() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, students) = sent_notice(&app, &admin, 4, json!({ "requires_confirmation": true })).await;
    let draft = app.draft(&admin, "草稿", json!({ "students": [students[0].0] })).await;
    for (_, openid) in &students[..2] {
        let token = student_token(&app, openid).await;
        sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await;
    }
    let token = student_token(&app, &students[0].1).await;
    ssend(&app, reqwest::Method::POST, &format!("/api/v1/portal/notices/{id}/confirm"), &token, json!({})).await;

    let list: Value = app.get("/api/v1/notices", &admin.access).await.json().await.unwrap();
    let find = |n: i64| list["items"].as_array().unwrap().iter().find(|x| x["id"] == n).unwrap().clone();
    let sent = find(id);
    let counts = |n: &Value| (n["students"].as_i64(), n["read"].as_i64(), n["confirmed"].as_i64());
    assert_eq!(counts(&sent), (Some(4), Some(2), Some(1)), "{sent}");
    assert_eq!(sent["requires_confirmation"], true);
    assert_eq!(counts(&find(draft)), (Some(0), Some(0), Some(0)), "a draft has none yet");
}
