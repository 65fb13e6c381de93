//! How each delivery goes out: the channel the planner chose for the account and the
//! student, why better ones were not used, the digest for what no message could carry,
//! the platform's job results, quotas, mutes, schedules and withdrawal.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with};
use crate::oauth_helpers::student_token;

fn codes(row: &Value) -> Vec<String> {
    row["fallback"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{}:{}", r["channel"].as_str().unwrap(), r["code"].as_str().unwrap()))
        .collect()
}

#[tokio::test]
async fn without_a_template_students_who_wrote_lately_get_a_customer_service_message_and_the_rest_a_mass_send() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 4, &[]).await;
    for (_, openid) in &students[..2] {
        app.say(openid, json!({ "type": "text", "content": "老师好" })).await;
    }
    app.state.wechat.log.flush().await;
    let id = app.draft(&admin, "班会通知", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    let progress = app.until_sent(&admin, id, 60).await;
    assert_eq!(progress["by_channel"], json!({ "custom": 2, "mass": 2 }), "{progress}");

    let rows = app.deliveries(&admin, id).await;
    for (i, (_, openid)) in students.iter().enumerate() {
        let row = rows.iter().find(|r| r["openid"] == *openid.as_str()).unwrap();
        let inbox = app.inbox(openid).await;
        let pushed: Vec<&Value> = inbox.iter().filter(|m| m["channel"] != "reply").collect();
        if i < 2 {
            assert_eq!(row["channel"], "custom");
            assert!(row["delivered_at"].is_string(), "an accepted customer-service message is delivered: {row}");
            assert_eq!(codes(row), ["template:not_mapped", "subscribe:not_mapped"]);
            assert_eq!(pushed.iter().filter(|m| m["channel"] == "custom").count(), 1, "{inbox:?}");
        } else {
            assert_eq!(row["channel"], "mass");
            assert_eq!(codes(row), ["template:not_mapped", "subscribe:not_mapped", "custom:outside_window"]);
            assert_eq!(pushed.len(), 1, "{inbox:?}");
            assert_eq!(pushed[0]["channel"], "mass");
        }
    }
    // The mass send's report arrives and is shown with its counts.
    for _ in 0..100 {
        let jobs = app.progress(&admin, id).await["mass_jobs"].clone();
        if jobs[0]["status"] == "send success" {
            assert_eq!((jobs[0]["rows"].as_i64(), jobs[0]["sent"].as_i64()), (Some(2), Some(2)), "{jobs}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no mass job report");
}

#[tokio::test]
async fn a_subscription_account_holds_notices_for_the_digest_handed_over_when_the_student_next_writes() {
    let app = spawn_app_with(&[("WECHAT_ACCOUNT_KIND", "subscription")]).await;
    let admin = app.admin().await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let id = app.draft(&admin, "停水通知", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    let progress = app.until_sent(&admin, id, 60).await;
    assert_eq!(progress["by_status"], json!({ "held": 2 }), "{progress}");
    let rows = app.deliveries(&admin, id).await;
    assert_eq!(
        codes(&rows[0]),
        ["template:account_kind", "subscribe:account_kind", "custom:account_kind", "mass:account_kind"]
    );
    assert_eq!(rows[0]["channel"], "digest");

    let openid = &students[0].1;
    assert!(app.inbox(openid).await.is_empty(), "nothing was pushed");
    let answer = app.say(openid, json!({ "type": "text", "content": "在吗" })).await;
    let reply = answer["reply"]["content"].as_str().unwrap();
    assert!(reply.contains("您有 1 条新通知") && reply.contains("停水通知"), "{reply}");
    assert!(reply.contains(&format!("/s/notices/{id}")), "{reply}");
    let again = app.say(openid, json!({ "type": "text", "content": "在吗" })).await;
    assert!(!again["reply"]["content"].as_str().unwrap().contains("停水通知"), "handed over once: {again}");
    let rows = app.deliveries(&admin, id).await;
    let row = rows.iter().find(|r| r["openid"] == *openid.as_str()).unwrap();
    assert_eq!((row["status"].as_str(), row["channel"].as_str()), (Some("sent"), Some("digest")));
    // The other student's notice waits on their list page.
    let token = student_token(&app, &students[1].1).await;
    let list: Value = app
        .client
        .get(app.url("/api/v1/portal/notices"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((list["items"][0]["id"].as_i64(), list["items"][0]["held"].as_bool()), (Some(id), Some(true)));
}

#[tokio::test]
async fn students_mute_a_category_by_command_and_urgent_notices_still_reach_them() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 1, &[]).await;
    let openid = &students[0].1;
    let answer = app.say(openid, json!({ "type": "text", "content": "退订 就业" })).await;
    assert!(answer["reply"]["content"].as_str().unwrap().starts_with("已退订「就业」"), "{answer}");
    let jiuye: i64 = sqlx::query_scalar("SELECT id FROM notice_categories WHERE name = '就业'")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();

    let mut sent = Vec::new();
    for (title, urgency) in [("宣讲会", "normal"), ("招聘会取消", "urgent")] {
        let body = json!({ "title": title, "body": "详见附件", "category_id": jiuye, "urgency": urgency, "audience": { "classes": [class] } });
        let id = app.post("/api/v1/notices", &admin.access, body).await.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();
        app.send_notice(&admin, id).await;
        sent.push(app.until_sent(&admin, id, 60).await);
    }
    assert_eq!(sent[0]["by_status"], json!({ "muted": 1 }));
    assert_eq!(sent[1]["by_status"], json!({ "sent": 1 }));
    let pushed: Vec<Value> = app.inbox(openid).await.into_iter().filter(|m| m["channel"] == "template").collect();
    assert_eq!(pushed.len(), 1);
    assert!(pushed[0]["content"].as_str().unwrap().contains("招聘会取消"), "{pushed:?}");
    // Muted notices stay readable on the student's list.
    let token = student_token(&app, openid).await;
    let list: Value = app
        .client
        .get(app.url("/api/v1/portal/notices"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][1]["muted"], true, "{list}");
    // And the student page changes it back.
    let url = app.url(&format!("/api/v1/portal/subscriptions/{jiuye}"));
    let subs: Value = app
        .client
        .put(&url)
        .bearer_auth(&token)
        .json(&json!({ "muted": false }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(subs.as_array().unwrap().iter().all(|s| s["muted"] == false), "{subs}");
}

#[tokio::test]
async fn the_platforms_job_result_fails_a_student_who_blocked_the_account_and_drift_in_following_is_a_clear_failure() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 3, &[]).await;
    let patch = |openid: &str, body: Value| {
        app.client.patch(app.url(&format!("/mock-wechat/sim/users/{openid}"))).json(&body).send()
    };
    patch(&students[0].1, json!({ "blocked": true })).await.unwrap();
    patch(&students[1].1, json!({ "following": false })).await.unwrap();
    let id = app.draft(&admin, "体检", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    app.until_sent(&admin, id, 60).await;
    for _ in 0..100 {
        let rows = app.deliveries(&admin, id).await;
        let by = |o: &str| rows.iter().find(|r| r["openid"] == o).unwrap().clone();
        let (blocked, left, fine) = (by(&students[0].1), by(&students[1].1), by(&students[2].1));
        if blocked["status"] == "failed" && fine["delivered_at"].is_string() {
            assert_eq!(blocked["failure"], "the student has refused messages from the account");
            assert_eq!(
                (blocked["errcode"].as_i64(), blocked["job_status"].as_str()),
                (Some(43101), Some("failed:user block"))
            );
            assert_eq!((left["status"].as_str(), left["errcode"].as_i64()), (Some("failed"), Some(43004)));
            assert_eq!(left["failure"], "the student does not follow the account");
            assert_eq!(fine["status"], "sent");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job results not applied: {:?}", app.deliveries(&admin, id).await);
}

#[tokio::test]
async fn when_the_days_quota_is_used_up_the_rest_wait_for_tomorrow_and_the_notice_says_so() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let resp = app
        .client
        .put(app.url("/mock-wechat/sim/settings"))
        .json(&json!({ "template_daily_quota": 3 }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let (class, _) = app.bound_class(&admin, "计算机2301", 6, &[]).await;
    let id = app.draft(&admin, "选课", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    for _ in 0..100 {
        let progress = app.progress(&admin, id).await;
        if progress["paused_until"].is_string() && progress["by_status"]["sending"].is_null() {
            assert_eq!(progress["by_status"], json!({ "sent": 3, "pending": 3 }), "{progress}");
            assert!(progress["status_note"].as_str().unwrap().contains("quota"), "{progress}");
            let resume = chrono::DateTime::parse_from_rfc3339(progress["paused_until"].as_str().unwrap()).unwrap();
            let china = resume.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
            assert_eq!(china.format("%H:%M").to_string(), "00:00", "resumes at midnight, China time");
            assert_eq!(progress["status"], "sending");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the notice never paused: {}", app.progress(&admin, id).await);
}

#[tokio::test]
async fn a_withdrawn_notice_pushes_nothing_more_and_its_page_says_so() {
    let app = spawn_app_with(&[("BANJI_SEND_PER_MINUTE", "2")]).await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 6, &[]).await;
    let id = app.draft(&admin, "讲座", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    for _ in 0..100 {
        if app.progress(&admin, id).await["by_status"]["sent"] == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let withdrawn: Value =
        app.post(&format!("/api/v1/notices/{id}/withdraw"), &admin.access, json!({})).await.json().await.unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    let progress = app.progress(&admin, id).await;
    assert_eq!(progress["by_status"], json!({ "sent": 2, "cancelled": 4 }), "{progress}");
    let mut pushed = 0;
    for (_, openid) in &students {
        pushed += app.inbox(openid).await.len();
    }
    assert_eq!(pushed, 2);
    let token = student_token(&app, &students[0].1).await;
    let page: Value = app
        .client
        .get(app.url(&format!("/api/v1/portal/notices/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((page["withdrawn"].as_bool(), page["body_html"].as_str()), (Some(true), Some("")), "{page}");
}

#[tokio::test]
async fn a_scheduled_notice_waits_without_rows_and_goes_out_when_its_time_comes() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let id = app.draft(&admin, "晚点名", json!({ "classes": [class] })).await;
    let at = chrono::Utc::now() + chrono::Duration::milliseconds(4000);
    let resp = app.post(&format!("/api/v1/notices/{id}/send"), &admin.access, json!({ "at": at.to_rfc3339() })).await;
    let notice: Value = resp.json().await.unwrap();
    assert_eq!(notice["status"], "scheduled");
    assert_eq!(app.progress(&admin, id).await["total"], 0);
    // Still editable while scheduled.
    let resp = app.patch(&format!("/api/v1/notices/{id}"), &admin.access, json!({ "title": "晚点名（改）" })).await;
    assert_eq!(resp.status(), 200);
    let progress = app.until_sent(&admin, id, 60).await;
    assert_eq!(progress["by_status"]["sent"], 2);
    assert!(app.inbox(&students[0].1).await[0]["content"].as_str().unwrap().contains("晚点名（改）"));
    let resp = app.patch(&format!("/api/v1/notices/{id}"), &admin.access, json!({ "title": "太迟" })).await;
    assert_eq!(resp.status(), 409, "a sent notice is not edited");
}

#[tokio::test]
async fn any_teacher_can_see_whether_notices_go_by_template_so_the_console_can_warn_when_not() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, teacher) = app.teacher("wang").await;
    let status: Value = app.get("/api/v1/settings/templates/status", &teacher.access).await.json().await.unwrap();
    assert_eq!(status, json!({ "notice_mapped": false, "templates_available": true }));
    app.map_notice_template(&admin).await;
    let status: Value = app.get("/api/v1/settings/templates/status", &teacher.access).await.json().await.unwrap();
    assert_eq!(status["notice_mapped"], true);
    let anonymous = app.client.get(app.url("/api/v1/settings/templates/status")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}
