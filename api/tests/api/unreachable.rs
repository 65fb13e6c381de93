//! Students a notice cannot reach — no WeChat bound, no longer following — are told apart
//! from failures: their rows are 未绑定 (`unbound`) and counted apart in the funnel, the
//! dashboard's 推送人次 leaves them out, and the remind dialog hears how many of those
//! who owe the notice a reminder would really reach.

use serde_json::{json, Value};

use crate::helpers::{Session, TestApp};
use crate::oauth_helpers::student_token;
use crate::receipts::{report, sget};

async fn reach(app: &TestApp, admin: &Session, id: i64, query: &str) -> (i64, i64) {
    let resp = app.get(&format!("/api/v1/notices/{id}/reminders/reach{query}"), &admin.access).await;
    assert_eq!(resp.status(), 200);
    let r: Value = resp.json().await.unwrap();
    (r["owing"].as_i64().unwrap(), r["reachable"].as_i64().unwrap())
}

/// A class of three bound students (the second no longer following) and one unbound.
async fn class_with_the_unreachable(app: &TestApp, admin: &Session) -> (i64, i64, Vec<(i64, String)>) {
    app.map_notice_template(admin).await;
    let (class, students) = app.bound_class(admin, "软件2401", 3, &[]).await;
    app.create_student(admin, "2024990001", "未绑定", class, "13700000001").await;
    sqlx::query("UPDATE students SET following = FALSE WHERE id = $1")
        .bind(students[1].0)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let id = app.draft(admin, "体测通知", json!({ "classes": [class] })).await;
    app.send_notice(admin, id).await;
    app.until_sent(admin, id, 60).await;
    (id, class, students)
}

#[tokio::test]
async fn an_unbound_student_is_not_reachable_rather_than_failed_and_is_not_counted_as_pushed() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (id, _, _) = class_with_the_unreachable(&app, &admin).await;

    let rows = app.deliveries(&admin, id).await;
    let unbound: Vec<&Value> = rows.iter().filter(|r| r["openid"].is_null()).collect();
    assert_eq!(unbound.len(), 1);
    assert_eq!(unbound[0]["status"], "unbound", "{}", unbound[0]);
    let progress = app.progress(&admin, id).await;
    assert_eq!(progress["by_status"]["unbound"], 1, "{progress}");
    assert_eq!(
        progress["by_status"].get("failed").and_then(Value::as_i64).unwrap_or(0),
        1,
        "only the unfollowed failed"
    );

    let funnel = report(&app, &admin, id).await["funnel"].clone();
    assert_eq!((funnel["recipients"].as_i64(), funnel["unbound"].as_i64()), (Some(4), Some(1)), "{funnel}");
    // 推送人次: the three rows that were to be pushed, not the unbound student's.
    let dashboard: Value = app.get("/api/v1/stats/dashboard", &admin.access).await.json().await.unwrap();
    assert_eq!(dashboard["deliveries"], 3, "{dashboard}");
}

#[tokio::test]
async fn the_remind_dialog_hears_how_many_owe_it_and_how_many_a_reminder_would_reach() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (id, class, students) = class_with_the_unreachable(&app, &admin).await;

    // Four have not read; the unbound and the unfollowed cannot be reached.
    assert_eq!(reach(&app, &admin, id, "?missing=read").await, (4, 2));
    assert_eq!(reach(&app, &admin, id, &format!("?missing=read&class_id={class}")).await, (4, 2));
    assert_eq!(reach(&app, &admin, id, &format!("?missing=read&class_id={}", class + 99)).await, (0, 0));
    let token = student_token(&app, &students[0].1).await;
    sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await;
    assert_eq!(reach(&app, &admin, id, "?missing=read").await, (3, 1));

    // The reminder goes to exactly those the dialog announced; then nobody is left for now.
    let made = app.post(&format!("/api/v1/notices/{id}/reminders"), &admin.access, json!({ "missing": "read" })).await;
    assert_eq!(made.status(), 201);
    assert_eq!(made.json::<Value>().await.unwrap()["recipients"], 1);
    assert_eq!(reach(&app, &admin, id, "?missing=read").await, (3, 0));
    // Another teacher's notice is not theirs to ask about.
    let (_, other) = app.teacher("li").await;
    let resp = app.get(&format!("/api/v1/notices/{id}/reminders/reach"), &other.access).await;
    assert_eq!(resp.status(), 404);
}
