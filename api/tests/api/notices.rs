//! Notices: composing, checking the audience, attachments, scope, scheduling, withdrawing
//! — and, above all, that bad input is refused whole, leaving nothing half-made.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, spawn_app_with, TestApp};
use crate::oauth_helpers::student_token;

async fn notice_count(app: &TestApp) -> (i64, i64) {
    let notices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notices").fetch_one(app.state.db.pool()).await.unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries").fetch_one(app.state.db.pool()).await.unwrap();
    (notices, rows)
}

fn body(title: &str, audience: Value) -> Value {
    json!({ "title": title, "body": "正文", "audience": audience })
}

#[tokio::test]
async fn a_notice_to_a_class_reaches_each_student_once_by_template_and_ends_sent() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 30, &[]).await;
    let id = app.draft(&admin, "期末考试安排", json!({ "classes": [class] })).await;

    let sent = app.send_notice(&admin, id).await;
    assert_eq!((sent["status"].as_str(), sent["recipient_count"].as_i64()), (Some("sending"), Some(30)));
    let progress = app.until_sent(&admin, id, 60).await;
    assert_eq!(progress["by_status"]["sent"], 30, "{progress}");
    assert_eq!(progress["by_channel"]["template"], 30, "{progress}");

    for (_, openid) in &students {
        let inbox = app.inbox(openid).await;
        assert_eq!(inbox.len(), 1, "exactly one message for {openid}: {inbox:?}");
        assert_eq!(inbox[0]["channel"], "template");
        assert!(inbox[0]["url"].as_str().unwrap().ends_with(&format!("/s/notices/{id}")), "{}", inbox[0]);
        assert_eq!(inbox[0]["raw"]["client_msg_id"].as_str().map(|k| k.starts_with("banji-d")), Some(true));
    }
    // The platform's job results mark each one delivered.
    for _ in 0..200 {
        if app.progress(&admin, id).await["delivered"] == 30 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let jobs: Vec<(i64, Option<String>, bool)> = sqlx::query_as("SELECT msgid, openid, applied FROM platform_jobs")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    let rows: Vec<(Option<i64>, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT msgid, openid, job_status FROM deliveries WHERE job_status IS NULL")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    let progress = app.progress(&admin, id).await;
    panic!("job results never marked the deliveries delivered: {progress}\nresults {jobs:?}\nwaiting {rows:?}");
}

#[tokio::test]
async fn a_job_result_that_raced_the_record_of_its_send_is_applied_by_housekeeping() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, _) = app.bound_class(&admin, "计算机2301", 3, &[]).await;
    let id = app.draft(&admin, "期末考试安排", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    app.until_sent(&admin, id, 60).await;
    let delivered = || async { app.progress(&admin, id).await["delivered"].as_i64() == Some(3) };
    app.eventually("the job results", delivered).await;

    // What PostgreSQL's read-committed transactions allow: the result was stored while the
    // send was being recorded, and neither side saw the other's rows.
    let db = app.state.db.pool();
    sqlx::query("UPDATE deliveries SET job_status = NULL, delivered_at = NULL").execute(db).await.unwrap();
    sqlx::query("UPDATE platform_jobs SET applied = FALSE").execute(db).await.unwrap();
    assert_eq!(app.progress(&admin, id).await["delivered"], 0);
    app.eventually("housekeeping to apply the stored results", delivered).await;
}

#[tokio::test]
async fn bad_input_is_refused_with_a_clear_error_and_nothing_is_half_created() {
    let app = spawn_app_with(&[("BANJI_MAX_ATTACHMENT_MB", "1")]).await;
    let s = app.school().await;

    let resp = app.post("/api/v1/notices", &s.admin.access, body("空", json!({}))).await;
    let err = error_body(resp, 422, "validation_failed").await;
    assert!(err["fields"]["audience"].is_string(), "{err}");
    let resp = app.post("/api/v1/notices", &s.admin.access, body("无此班", json!({ "classes": [9999] }))).await;
    let err = error_body(resp, 422, "validation_failed").await;
    assert!(err["fields"]["audience.classes"].as_str().unwrap().contains("9999"), "{err}");
    // Teacher A may not reach a student of class B, even alongside their own class.
    let outside = json!({ "classes": [s.class_a], "students": [s.students_b[0]] });
    let resp = app.post("/api/v1/notices", &s.teacher_a.access, body("越权", outside)).await;
    let err = error_body(resp, 422, "validation_failed").await;
    assert!(err["fields"]["audience.students"].is_string(), "{err}");
    let resp = app.post("/api/v1/notices", &s.teacher_a.access, body("公开", json!({ "public": true }))).await;
    error_body(resp, 422, "validation_failed").await;
    let resp = app
        .post(
            "/api/v1/notices",
            &s.admin.access,
            json!({ "title": " ", "body": "", "audience": { "classes": [s.class_a] } }),
        )
        .await;
    let err = error_body(resp, 422, "validation_failed").await;
    assert!(err["fields"]["title"].is_string() && err["fields"]["body"].is_string(), "{err}");
    assert_eq!(notice_count(&app).await, (0, 0), "no notice was made");

    // A schedule in the past leaves the draft a draft, without delivery rows.
    let id = app.draft(&s.teacher_a, "班会", json!({ "classes": [s.class_a] })).await;
    let past = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    let resp = app.post(&format!("/api/v1/notices/{id}/send"), &s.teacher_a.access, json!({ "at": past })).await;
    let err = error_body(resp, 422, "validation_failed").await;
    assert!(err["fields"]["at"].is_string(), "{err}");
    let notice: Value = app.get(&format!("/api/v1/notices/{id}"), &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(notice["status"], "draft");
    assert_eq!(notice_count(&app).await, (1, 0));

    // Attachments: too large, or of a kind not accepted.
    let upload = |name: &str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
        app.client
            .post(app.url(&format!("/api/v1/notices/{id}/attachments")))
            .bearer_auth(&s.teacher_a.access)
            .multipart(form)
            .send()
    };
    let err =
        error_body(upload("大文件.pdf", vec![b'x'; 1024 * 1024 + 1]).await.unwrap(), 422, "validation_failed").await;
    assert!(err["fields"]["file"].as_str().unwrap().contains("1 MB"), "{err}");
    let err = error_body(upload("setup.exe", b"MZ".to_vec()).await.unwrap(), 422, "validation_failed").await;
    assert!(err["fields"]["file"].as_str().unwrap().contains("pdf"), "{err}");
    let files = std::fs::read_dir(&app.storage.data_dir).map(|d| d.count()).unwrap_or(0);
    assert_eq!(files, 0, "nothing was written to the data folder");
    let notice: Value = app.get(&format!("/api/v1/notices/{id}"), &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(notice["attachments"], json!([]));
}

#[tokio::test]
async fn an_attachment_keeps_its_name_safely_and_students_download_it_counted() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let id = app.draft(&admin, "奖学金申请", json!({ "classes": [class] })).await;
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("../../申请表 \"2026\".pdf"));
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/notices/{id}/attachments")))
        .bearer_auth(&admin.access)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let file: Value = resp.json().await.unwrap();
    assert_eq!(file["file_name"], "申请表 2026.pdf");
    app.send_notice(&admin, id).await;

    let token = student_token(&app, &students[0].1).await;
    let url = app.url(&format!("/api/v1/portal/notices/{id}/attachments/{}", file["id"]));
    let resp = app.client.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment; filename=\""), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''%E7%94%B3%E8%AF%B7%E8%A1%A8%202026.pdf"), "{disposition}");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"%PDF-1.4");
    // Someone who is not a recipient does not get it.
    let stranger = student_token(&app, &app.follower("路人").await).await;
    assert_eq!(app.client.get(&url).bearer_auth(&stranger).send().await.unwrap().status(), 404);
    let notice: Value = app.get(&format!("/api/v1/notices/{id}"), &admin.access).await.json().await.unwrap();
    assert_eq!(notice["attachments"][0]["downloads"], 1);
}

#[tokio::test]
async fn teachers_see_and_act_on_their_own_notices_and_admins_on_all() {
    let app = spawn_app().await;
    let s = app.school().await;
    let mine = app.draft(&s.teacher_a, "A班班会", json!({ "classes": [s.class_a] })).await;
    let theirs = app.draft(&s.teacher_b, "B班班会", json!({ "classes": [s.class_b] })).await;

    let list: Value = app.get("/api/v1/notices", &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], mine);
    for (method, path) in [
        (reqwest::Method::GET, format!("/api/v1/notices/{theirs}")),
        (reqwest::Method::PATCH, format!("/api/v1/notices/{theirs}")),
        (reqwest::Method::POST, format!("/api/v1/notices/{theirs}/send")),
        (reqwest::Method::DELETE, format!("/api/v1/notices/{theirs}")),
        (reqwest::Method::GET, format!("/api/v1/notices/{theirs}/deliveries")),
    ] {
        let resp = app.request(method.clone(), &path, Some(&s.teacher_a.access), Some(json!({}))).await;
        assert_eq!(resp.status(), 404, "{method} {path}");
    }
    let all: Value = app.get("/api/v1/notices?q=班会", &s.admin.access).await.json().await.unwrap();
    assert_eq!(all["total"], 2);
    let drafts: Value = app.get("/api/v1/notices?status=sent", &s.admin.access).await.json().await.unwrap();
    assert_eq!(drafts["total"], 0);
}

#[tokio::test]
async fn the_composer_counts_the_unbound_the_unfollowed_and_the_muted_before_sending() {
    let app = spawn_app().await;
    let s = app.school().await;
    let admin = &s.admin;
    app.map_notice_template(admin).await;
    let (class, students) = app.bound_class(admin, "软件2302", 3, &[]).await;
    app.create_student(admin, "2023099901", "未绑定", class, "13700000001").await;
    sqlx::query("UPDATE students SET following = FALSE WHERE id = $1")
        .bind(students[1].0)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let jiuye: i64 = sqlx::query_scalar("SELECT id FROM notice_categories WHERE name = '就业'")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO category_mutes (student_id, category_id) VALUES ($1, $2)")
        .bind(students[2].0)
        .bind(jiuye)
        .execute(app.state.db.pool())
        .await
        .unwrap();

    let question = json!({ "audience": { "classes": [class] }, "category_id": jiuye });
    let count: Value = app.post("/api/v1/notices/audience-count", &admin.access, question).await.json().await.unwrap();
    assert_eq!(
        count,
        json!({ "recipients": 4, "students": 4, "followers": 0, "unbound": 1, "not_following": 1, "muted": 1 })
    );
    let urgent = json!({ "audience": { "classes": [class] }, "category_id": jiuye, "urgency": "urgent" });
    let count: Value = app.post("/api/v1/notices/audience-count", &admin.access, urgent).await.json().await.unwrap();
    assert_eq!(count["muted"], 0, "urgent notices reach everyone");

    let resp = app
        .post(
            "/api/v1/notices",
            &admin.access,
            json!({ "title": "招聘会", "body": "周五", "category_id": jiuye, "audience": { "classes": [class] } }),
        )
        .await;
    let id = resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.send_notice(admin, id).await;
    let progress = app.until_sent(admin, id, 60).await;
    assert_eq!(progress["by_status"], json!({ "sent": 1, "failed": 1, "unbound": 1, "muted": 1 }), "{progress}");
    let rows = app.deliveries(admin, id).await;
    let failure = |name: &str| rows.iter().find(|r| r["student_name"] == name).unwrap()["failure"].clone();
    assert_eq!(failure("未绑定"), "the student has not bound WeChat");
    assert_eq!(failure(&format!("N{class:03}同学1")), "the student does not follow the account");
    assert_eq!(app.inbox(&students[2].1).await.len(), 0, "a muted category is not pushed");
    assert_eq!(app.inbox(&students[1].1).await.len(), 0, "nothing is sent to someone who left");
}
