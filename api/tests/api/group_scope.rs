//! A group must not widen what its owner sees: a teacher sees the members of their groups
//! from other classes as members (name, class, binding state), never their phone,
//! position, attendance or bind code, and cannot pull another class's student into a
//! group at all. The bind code reaches only admins and the student's class teachers, and
//! every such view is in the audit log.

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, Session, TestApp};
use crate::people::School;

/// Teacher A's group, holding 李雷 (class A, A's own) and 林涛 (class B, added by an admin).
async fn mixed_group(app: &TestApp, s: &School) -> i64 {
    let group: Value =
        app.post("/api/v1/groups", &s.teacher_a.access, json!({ "name": "学生会" })).await.json().await.unwrap();
    let id = group["id"].as_i64().unwrap();
    let add = json!({ "student_ids": [s.students_a[0], s.students_b[0]] });
    assert_eq!(app.post(&format!("/api/v1/groups/{id}/members"), &s.admin.access, add).await.status(), 200);
    id
}

async fn audit_actions(app: &TestApp, admin: &Session, action: &str) -> Vec<Value> {
    let page: Value =
        app.get(&format!("/api/v1/audit?action={action}&per_page=100"), &admin.access).await.json().await.unwrap();
    page["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_teacher_cannot_add_a_student_of_another_class_to_their_group() {
    let app = spawn_app().await;
    let s = app.school().await;
    let group: Value =
        app.post("/api/v1/groups", &s.teacher_a.access, json!({ "name": "篮球社" })).await.json().await.unwrap();
    let id = group["id"].as_i64().unwrap();
    let by_number = json!({ "student_nos": ["2023010101", "2023020101"] });
    let refused = error_body(
        app.post(&format!("/api/v1/groups/{id}/members"), &s.teacher_a.access, by_number).await,
        403,
        "not_your_class",
    )
    .await;
    assert!(refused["message"].as_str().unwrap().contains("2023020101"), "{refused}");
    let by_id = json!({ "student_ids": [s.students_b[1]] });
    error_body(
        app.post(&format!("/api/v1/groups/{id}/members"), &s.teacher_a.access, by_id).await,
        403,
        "not_your_class",
    )
    .await;
    let group: Value = app.get(&format!("/api/v1/groups/{id}"), &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(group["member_count"], 0, "a refused change adds no one, not even the allowed student");
    // A teacher of both classes may; so may an admin.
    let both = app.create_class(&s.admin, "数学2302", &[s.teacher_a_id]).await;
    app.patch(&format!("/api/v1/students/{}", s.students_b[0]), &s.admin.access, json!({ "class_id": both })).await;
    let ok = json!({ "student_ids": [s.students_b[0]] });
    assert_eq!(app.post(&format!("/api/v1/groups/{id}/members"), &s.teacher_a.access, ok).await.status(), 200);
    let admin_adds = json!({ "student_ids": [s.students_b[1]] });
    assert_eq!(app.post(&format!("/api/v1/groups/{id}/members"), &s.admin.access, admin_adds).await.status(), 200);
}

#[tokio::test]
async fn a_group_owner_sees_a_member_of_another_class_without_phone_or_bind_code() {
    let app = spawn_app().await;
    let s = app.school().await;
    mixed_group(&app, &s).await;
    let other = s.students_b[0];
    let detail: Value = app.get(&format!("/api/v1/students/{other}"), &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(
        (detail["student"]["name"].as_str(), detail["student"]["class_name"].as_str()),
        (Some("林涛"), Some("数学2301"))
    );
    assert_eq!(detail["student"]["limited"], true);
    assert_eq!(detail["student"]["phone"], "", "{detail}");
    assert!(detail.get("bind_code").is_none(), "no bind code for a group's owner: {detail}");
    assert_eq!(detail["student"]["wechat"]["bound"], false, "the binding state is shown");
    // Only the viewer's own groups are named, not the others the student is in.
    let others: Value =
        app.post("/api/v1/groups", &s.admin.access, json!({ "name": "心理辅导小组" })).await.json().await.unwrap();
    let add = json!({ "student_ids": [other] });
    app.post(&format!("/api/v1/groups/{}/members", others["id"]), &s.admin.access, add).await;
    let detail: Value = app.get(&format!("/api/v1/students/{other}"), &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(detail["groups"], json!([{ "id": detail["groups"][0]["id"], "name": "学生会" }]), "{detail}");
    // The lists withhold the same, and mark the row.
    let list: Value = app.get("/api/v1/students?q=林涛", &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!((list["items"][0]["phone"].as_str(), list["items"][0]["limited"].as_bool()), (Some(""), Some(true)));
    let own: Value = app.get("/api/v1/students?q=李雷", &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(
        (own["items"][0]["phone"].as_str(), own["items"][0]["limited"].as_bool()),
        (Some("138****0001"), Some(false))
    );
    // Position and attendance are the record's too.
    for part in ["attendance", "location"] {
        error_body(
            app.get(&format!("/api/v1/students/{other}/{part}"), &s.teacher_a.access).await,
            403,
            "not_your_class",
        )
        .await;
    }
    // The member view is not an audited look at the record; the class teacher's is.
    assert!(audit_actions(&app, &s.admin, "student_viewed").await.is_empty());
    let theirs: Value = app.get(&format!("/api/v1/students/{other}"), &s.teacher_b.access).await.json().await.unwrap();
    assert_eq!(theirs["student"]["phone"], "13900000001");
    assert_eq!(theirs["bind_code"].as_str().map(str::len), Some(6));
    let seen = audit_actions(&app, &s.admin, "student_viewed").await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["target"], format!("student:{other}"));
    assert!(seen[0]["detail"].as_str().unwrap().contains("绑定码"), "{seen:?}");
}

#[tokio::test]
async fn a_roster_export_of_a_group_leaves_other_classes_phones_out() {
    let app = spawn_app().await;
    let s = app.school().await;
    let group = mixed_group(&app, &s).await;
    let csv = app
        .get(&format!("/api/v1/roster/export?format=csv&group_id={group}"), &s.teacher_a.access)
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    let own = lines.iter().find(|l| l.contains("李雷")).unwrap();
    assert!(own.contains("13800000001"), "my own class's phone is in full: {own}");
    let other = lines.iter().find(|l| l.contains("林涛")).unwrap();
    assert!(!other.contains("1390000"), "another class's phone is left out: {other}");
    let exported = audit_actions(&app, &s.admin, "roster_exported").await;
    assert_eq!(exported[0]["detail"], "2 名学生，其中 1 名含完整手机号");
}

#[tokio::test]
async fn check_in_positions_of_a_group_member_from_another_class_are_withheld_from_the_groups_owner() {
    let app = spawn_app().await;
    let s = app.school().await;
    let group = mixed_group(&app, &s).await;
    let other = app.bound_follower(&s.admin, s.students_b[0], "2023020101", "林涛").await;
    let own = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    let now = chrono::Utc::now();
    let body = json!({
        "title": "社团例会",
        "audience": { "groups": [group] },
        "starts_at": now - chrono::Duration::minutes(1),
        "ends_at": now + chrono::Duration::hours(1),
        "methods": ["geo"],
        "geofence": { "latitude": 30.0, "longitude": 120.0, "radius_m": 200 },
    });
    let resp = app.post("/api/v1/checkins", &s.teacher_a.access, body).await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let id = resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for openid in [&other, &own] {
        let token = app.page_token(openid).await;
        app.page_try(&token, id, json!({ "latitude": 30.0001, "longitude": 120.0, "accuracy_m": 10.0 })).await;
    }
    let attempts = app.attempts_of(&s.teacher_a, id).await;
    let of = |name: &str| attempts.iter().find(|a| a["student_name"] == name).cloned().unwrap();
    assert!(of("李雷")["latitude"].as_f64().is_some(), "my own student's position shows");
    assert!(of("林涛")["latitude"].is_null() && of("林涛")["distance_m"].as_i64().is_some(), "{attempts:?}");
}
