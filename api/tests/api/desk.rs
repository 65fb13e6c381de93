//! The counselor's desk (`GET /desk`): setup steps ticked as a school goes from a fresh
//! install to its first notice, little-read notices, open check-ins, teachers waiting for
//! approval, classes by binding rate — each in the caller's scope.

use serde_json::{json, Value};

use crate::helpers::{Session, TestApp};
use crate::oauth_helpers::student_token;
use crate::receipts::sget;

async fn desk(app: &TestApp, who: &Session) -> Value {
    let resp = app.get("/api/v1/desk", &who.access).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect()
}

fn steps(desk: &Value) -> [bool; 5] {
    let s = &desk["setup"];
    ["class_created", "students_added", "students_bound", "template_mapped", "notice_sent"]
        .map(|k| s[k].as_bool().unwrap_or_else(|| panic!("{k} in {s}")))
}

async fn sent_hours_ago(app: &TestApp, id: i64, hours: i64) {
    let at = chrono::Utc::now().timestamp_millis() - hours * 3600 * 1000;
    sqlx::query("UPDATE notices SET sent_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_setup_steps_are_ticked_one_by_one_from_a_fresh_install_to_the_first_notice() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    assert_eq!(steps(&desk(&app, &admin).await), [false; 5]);

    let class = app.create_class(&admin, "软件2401", &[]).await;
    assert_eq!(steps(&desk(&app, &admin).await), [true, false, false, false, false]);
    app.create_student(&admin, "2024000001", "张三", class, "13700000001").await;
    assert_eq!(steps(&desk(&app, &admin).await), [true, true, false, false, false]);
    app.bound_class(&admin, "软件2402", 2, &[]).await;
    assert_eq!(steps(&desk(&app, &admin).await), [true, true, true, false, false]);
    app.map_notice_template(&admin).await;
    assert_eq!(steps(&desk(&app, &admin).await), [true, true, true, true, false]);
    let id = app.draft(&admin, "开学通知", json!({ "classes": [class] })).await;
    assert!(!steps(&desk(&app, &admin).await)[4], "a draft is not a notice sent");
    app.send_notice(&admin, id).await;
    app.until_sent(&admin, id, 60).await;
    let d = desk(&app, &admin).await;
    assert_eq!(steps(&d), [true; 5]);
    assert_eq!(ids(&d["recent"]), vec![id]);
}

#[tokio::test]
async fn a_notice_little_read_after_an_hour_needs_the_counselor_until_most_have_read_it() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "软件2401", 3, &[]).await;
    let id = app.draft(&admin, "体测通知", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    app.until_sent(&admin, id, 60).await;

    assert!(ids(&desk(&app, &admin).await["low_read"]).is_empty(), "students get an hour first");
    sent_hours_ago(&app, id, 2).await;
    let d = desk(&app, &admin).await;
    assert_eq!(ids(&d["low_read"]), vec![id]);
    assert_eq!((d["low_read"][0]["students"].as_i64(), d["low_read"][0]["read"].as_i64()), (Some(3), Some(0)));

    // One of three read: still little read; two of three (67%) is enough.
    for (n, (_, openid)) in students.iter().take(2).enumerate() {
        let token = student_token(&app, openid).await;
        sget(&app, &format!("/api/v1/portal/notices/{id}"), &token).await;
        let low = ids(&desk(&app, &admin).await["low_read"]);
        assert_eq!(low.is_empty(), n == 1, "after {} read: {low:?}", n + 1);
    }
    sent_hours_ago(&app, id, 24 * 15).await;
    let recent = desk(&app, &admin).await["recent"].clone();
    assert_eq!((recent[0]["id"].as_i64(), recent[0]["read"].as_i64()), (Some(id), Some(2)));
}

#[tokio::test]
async fn a_teacher_sees_their_own_classes_notices_and_check_ins_and_no_approvals() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (other_id, other) = app.teacher("li").await;
    let (mine, _) = app.bound_class(&admin, "软件2401", 2, &[teacher_id]).await;
    let theirs = app.create_class(&admin, "软件2402", &[]).await;
    app.create_student(&admin, "2024000009", "未绑定", mine, "13700000009").await;
    let pending = app.create_user("newcomer", shared::Role::Teacher).await;
    sqlx::query("UPDATE users SET pending = TRUE WHERE id = $1")
        .bind(pending)
        .execute(app.state.db.pool())
        .await
        .unwrap();

    let now = chrono::Utc::now();
    let resp = app
        .post(
            "/api/v1/checkins",
            &teacher.access,
            json!({ "title": "周一班会", "audience": { "classes": [mine] }, "methods": ["code"],
                    "starts_at": now - chrono::Duration::minutes(1), "ends_at": now + chrono::Duration::hours(1) }),
        )
        .await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let session: i64 = resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let d = desk(&app, &teacher).await;
    assert_eq!(ids(&d["classes"]), vec![mine]);
    assert_eq!(
        (d["classes"][0]["student_count"].as_i64(), d["classes"][0]["bound_count"].as_i64()),
        (Some(3), Some(2))
    );
    assert_eq!(ids(&d["open_checkins"]), vec![session]);
    assert_eq!(d["pending_teachers"], 0, "approving teachers is an admin's");
    assert_eq!(steps(&d)[..3], [true, true, true]);

    // Another teacher, owning a group with a student of that class but no class: no class,
    // so no roster or binding of theirs is done either.
    let club = app.post("/api/v1/groups", &admin.access, json!({ "name": "合唱团", "owner_id": other_id })).await;
    let club: i64 = club.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let joined = app
        .post(&format!("/api/v1/groups/{club}/members"), &admin.access, json!({ "student_nos": ["2024000009"] }))
        .await;
    assert!(joined.status().is_success());
    let d = desk(&app, &other).await;
    assert!(ids(&d["classes"]).is_empty() && ids(&d["open_checkins"]).is_empty(), "{d}");
    assert_eq!(steps(&d)[..3], [false, false, false]);

    // The admin: every class, least bound first (the empty class last), and the approval.
    let d = desk(&app, &admin).await;
    assert_eq!(ids(&d["classes"]), vec![mine, theirs]);
    assert_eq!(d["pending_teachers"], 1);
    assert_eq!(app.get("/api/v1/desk", "not-a-token").await.status(), 401);
}

#[tokio::test]
async fn a_private_question_waits_on_the_authors_desk_until_a_teacher_answers_it() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, other) = app.teacher("li").await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "软件2401", 2, &[teacher_id]).await;
    let id = app.draft(&teacher, "奖学金申请", json!({ "classes": [class] })).await;
    app.send_notice(&teacher, id).await;
    app.until_sent(&teacher, id, 60).await;

    let ask = |openid: String, private: bool| {
        let app = &app;
        async move {
            let token = student_token(app, &openid).await;
            let body = json!({ "body": "材料交到哪里？", "private": private });
            let resp = app
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/portal/notices/{id}/comments"),
                    Some(&token),
                    Some(body),
                )
                .await;
            assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
            resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    ask(students[0].1.clone(), false).await;
    assert!(desk(&app, &teacher).await["unanswered"].as_array().unwrap().is_empty(), "a public comment is no question");
    let question = ask(students[1].1.clone(), true).await;
    let d = desk(&app, &teacher).await;
    assert_eq!(
        (d["unanswered"][0]["notice_id"].as_i64(), d["unanswered"][0]["questions"].as_i64()),
        (Some(id), Some(1)),
        "{d}"
    );
    assert_eq!(desk(&app, &admin).await["unanswered"][0]["notice_id"], id, "admins see every notice's");
    assert!(desk(&app, &other).await["unanswered"].as_array().unwrap().is_empty(), "not another teacher's");

    let reply = app
        .post(
            &format!("/api/v1/notices/{id}/comments"),
            &teacher.access,
            json!({ "body": "交到学院办公室。", "parent_id": question }),
        )
        .await;
    assert_eq!(reply.status(), 201);
    assert!(desk(&app, &teacher).await["unanswered"].as_array().unwrap().is_empty(), "answered");
}
