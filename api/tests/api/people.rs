//! Classes, students, cadres, groups and teacher profiles: the records, their rules, and
//! above all who may see whom (a teacher of class A gets 404 for anything of class B).

use serde_json::{json, Value};
use shared::Role;

use crate::helpers::{error_body, spawn_app, Session, TestApp};

/// A school with two classes, each with its teacher and two students, and an admin.
pub struct School {
    pub admin: Session,
    pub teacher_a: Session,
    pub teacher_a_id: i64,
    pub teacher_b: Session,
    pub teacher_b_id: i64,
    pub class_a: i64,
    pub class_b: i64,
    /// Students of class A, then of class B.
    pub students_a: Vec<i64>,
    pub students_b: Vec<i64>,
}

impl TestApp {
    pub async fn create_class(&self, admin: &Session, name: &str, teacher_ids: &[i64]) -> i64 {
        let resp = self
            .post(
                "/api/v1/classes",
                &admin.access,
                json!({ "name": name, "grade": "2023级", "teacher_ids": teacher_ids }),
            )
            .await;
        assert_eq!(resp.status(), 201, "class {name} created");
        resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    pub async fn create_student(&self, who: &Session, no: &str, name: &str, class_id: i64, phone: &str) -> i64 {
        let body = json!({ "student_no": no, "name": name, "class_id": class_id, "phone": phone, "gender": "female" });
        let resp = self.post("/api/v1/students", &who.access, body).await;
        assert_eq!(resp.status(), 201, "student {no} created");
        resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    pub async fn school(&self) -> School {
        let admin = self.admin().await;
        let (teacher_a_id, teacher_a) = self.teacher("teacher.a").await;
        let (teacher_b_id, teacher_b) = self.teacher("teacher.b").await;
        let class_a = self.create_class(&admin, "计算机2301", &[teacher_a_id]).await;
        let class_b = self.create_class(&admin, "数学2301", &[teacher_b_id]).await;
        let students_a = vec![
            self.create_student(&admin, "2023010101", "李雷", class_a, "13800000001").await,
            self.create_student(&admin, "2023010102", "韩梅梅", class_a, "13800000002").await,
        ];
        let students_b = vec![
            self.create_student(&admin, "2023020101", "林涛", class_b, "13900000001").await,
            self.create_student(&admin, "2023020102", "吉姆", class_b, "13900000002").await,
        ];
        School { admin, teacher_a, teacher_a_id, teacher_b, teacher_b_id, class_a, class_b, students_a, students_b }
    }
}

fn names(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_teacher_lists_only_the_students_of_their_classes_and_an_admin_lists_all() {
    let app = spawn_app().await;
    let school = app.school().await;
    let mine: Value = app.get("/api/v1/students", &school.teacher_a.access).await.json().await.unwrap();
    assert_eq!(names(&mine), ["李雷", "韩梅梅"]);
    assert_eq!(mine["total"], 2);
    let all: Value = app.get("/api/v1/students", &school.admin.access).await.json().await.unwrap();
    assert_eq!(all["total"], 4);
    let classes: Value = app.get("/api/v1/classes", &school.teacher_b.access).await.json().await.unwrap();
    assert_eq!(classes["items"].as_array().unwrap().len(), 1);
    assert_eq!(classes["items"][0]["name"], "数学2301");
    assert_eq!(classes["items"][0]["teachers"][0]["display_name"], "teacher.b 老师");
    assert_eq!(classes["items"][0]["student_count"], 2);
}

#[tokio::test]
async fn everything_of_another_class_answers_404_to_a_teacher_on_every_endpoint() {
    let app = spawn_app().await;
    let s = app.school().await;
    let other_student = s.students_b[0];
    let other_class = s.class_b;
    let group: Value =
        app.post("/api/v1/groups", &s.teacher_b.access, json!({ "name": "数学社" })).await.json().await.unwrap();
    let other_group = group["id"].as_i64().unwrap();
    let t = &s.teacher_a.access;
    let cases: Vec<(reqwest::Method, String, Option<Value>)> = vec![
        (reqwest::Method::GET, format!("/api/v1/students/{other_student}"), None),
        (reqwest::Method::PATCH, format!("/api/v1/students/{other_student}"), Some(json!({ "name": "改名" }))),
        (reqwest::Method::DELETE, format!("/api/v1/students/{other_student}"), None),
        (reqwest::Method::GET, format!("/api/v1/classes/{other_class}"), None),
        (reqwest::Method::PATCH, format!("/api/v1/classes/{other_class}"), Some(json!({ "grade": "2024级" }))),
        (reqwest::Method::GET, format!("/api/v1/classes/{other_class}/cadres"), None),
        (
            reqwest::Method::POST,
            format!("/api/v1/classes/{other_class}/cadres"),
            Some(json!({ "student_id": other_student, "title": "班长", "starts_on": "2026-09-01" })),
        ),
        (reqwest::Method::GET, format!("/api/v1/groups/{other_group}"), None),
        (reqwest::Method::PATCH, format!("/api/v1/groups/{other_group}"), Some(json!({ "name": "x" }))),
        (reqwest::Method::DELETE, format!("/api/v1/groups/{other_group}"), None),
        (reqwest::Method::GET, format!("/api/v1/groups/{other_group}/members"), None),
        (
            reqwest::Method::POST,
            format!("/api/v1/groups/{other_group}/members"),
            Some(json!({ "student_ids": [s.students_a[0]] })),
        ),
        (reqwest::Method::DELETE, format!("/api/v1/groups/{other_group}/members/{other_student}"), None),
    ];
    for (method, path, body) in cases {
        let resp = app.request(method.clone(), &path, Some(t), body).await;
        let body = error_body(resp, 404, "not_found").await;
        assert!(!body.to_string().contains("林涛"), "{method} {path} leaked data: {body}");
    }
    // Filtering by the other class shows nothing rather than its students.
    let filtered: Value = app.get(&format!("/api/v1/students?class_id={other_class}"), t).await.json().await.unwrap();
    assert_eq!(filtered["total"], 0);
    // And nothing was changed.
    let still: Value =
        app.get(&format!("/api/v1/students/{other_student}"), &s.admin.access).await.json().await.unwrap();
    assert_eq!(still["student"]["name"], "林涛");
}

#[tokio::test]
async fn phones_are_masked_in_lists_and_in_full_only_on_the_audited_detail_view() {
    let app = spawn_app().await;
    let s = app.school().await;
    let list: Value = app.get("/api/v1/students?q=李雷", &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(list["items"][0]["phone"], "138****0001");
    let id = s.students_a[0];
    let detail: Value = app.get(&format!("/api/v1/students/{id}"), &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(detail["student"]["phone"], "13800000001");
    assert_eq!(detail["bind_code"].as_str().unwrap().len(), 6);
    let audit: Value = app.get("/api/v1/audit?action=student_viewed", &s.admin.access).await.json().await.unwrap();
    assert_eq!(audit["items"][0]["actor"], "teacher.a");
    assert_eq!(audit["items"][0]["target"], format!("student:{id}"));
}

#[tokio::test]
async fn students_are_searched_by_name_or_number_fragment_and_filtered() {
    let app = spawn_app().await;
    let s = app.school().await;
    let by_name: Value = app.get("/api/v1/students?q=梅", &s.admin.access).await.json().await.unwrap();
    assert_eq!(names(&by_name), ["韩梅梅"]);
    let by_number: Value = app.get("/api/v1/students?q=0201", &s.admin.access).await.json().await.unwrap();
    assert_eq!(names(&by_number), ["林涛", "吉姆"]);
    let wildcard: Value = app.get("/api/v1/students?q=%25", &s.admin.access).await.json().await.unwrap();
    assert_eq!(wildcard["total"], 0, "% is a character, not a wildcard");
    let unbound: Value =
        app.get("/api/v1/students?bound=false&per_page=3", &s.admin.access).await.json().await.unwrap();
    assert_eq!((unbound["total"].as_i64(), unbound["items"].as_array().unwrap().len()), (Some(4), 3));
}

#[tokio::test]
async fn student_records_are_validated_and_numbers_are_unique() {
    let app = spawn_app().await;
    let s = app.school().await;
    let dup = json!({ "student_no": "2023010101", "name": "重复", "class_id": s.class_a });
    error_body(app.post("/api/v1/students", &s.admin.access, dup).await, 409, "student_no_taken").await;
    let bad = json!({ "student_no": "2023 99", "name": "", "phone": "12345", "email": "nope" });
    let body = error_body(app.post("/api/v1/students", &s.admin.access, bad).await, 422, "validation_failed").await;
    for field in ["student_no", "name", "phone", "email"] {
        assert!(body["fields"][field].is_string(), "{field} reported: {body}");
    }
}

#[tokio::test]
async fn teachers_add_and_move_students_only_within_their_own_classes() {
    let app = spawn_app().await;
    let s = app.school().await;
    let elsewhere = json!({ "student_no": "2023019999", "name": "新生", "class_id": s.class_b });
    let body =
        error_body(app.post("/api/v1/students", &s.teacher_a.access, elsewhere).await, 422, "validation_failed").await;
    assert!(body["fields"]["class_id"].is_string());
    let id = app.create_student(&s.teacher_a, "2023019999", "新生", s.class_a, "").await;
    let away =
        app.patch(&format!("/api/v1/students/{id}"), &s.teacher_a.access, json!({ "class_id": s.class_b })).await;
    error_body(away, 422, "validation_failed").await;
    let moved = app.patch(&format!("/api/v1/students/{id}"), &s.admin.access, json!({ "class_id": s.class_b })).await;
    assert_eq!(moved.status(), 200);
    error_body(app.get(&format!("/api/v1/students/{id}"), &s.teacher_a.access).await, 404, "not_found").await;
}

#[tokio::test]
async fn admins_create_and_staff_classes_and_teachers_only_describe_their_own() {
    let app = spawn_app().await;
    let s = app.school().await;
    error_body(app.post("/api/v1/classes", &s.teacher_a.access, json!({ "name": "私设班" })).await, 403, "admin_only")
        .await;
    let staff = json!({ "teacher_ids": [s.teacher_a_id, s.teacher_b_id] });
    error_body(
        app.patch(&format!("/api/v1/classes/{}", s.class_a), &s.teacher_a.access, staff.clone()).await,
        403,
        "admin_only",
    )
    .await;
    let described = app
        .patch(&format!("/api/v1/classes/{}", s.class_a), &s.teacher_a.access, json!({ "major": "计算机科学" }))
        .await;
    assert_eq!(described.json::<Value>().await.unwrap()["major"], "计算机科学");
    let staffed: Value =
        app.patch(&format!("/api/v1/classes/{}", s.class_a), &s.admin.access, staff).await.json().await.unwrap();
    assert_eq!(staffed["teachers"].as_array().unwrap().len(), 2);
    let now_visible: Value = app.get("/api/v1/students", &s.teacher_b.access).await.json().await.unwrap();
    assert_eq!(now_visible["total"], 4, "teacher B is now responsible for both classes");
    error_body(
        app.post("/api/v1/classes", &s.admin.access, json!({ "name": "计算机2301" })).await,
        409,
        "class_name_taken",
    )
    .await;

    assert_eq!(app.delete(&format!("/api/v1/classes/{}", s.class_a), &s.admin.access).await.status(), 204);
    let kept: Value =
        app.get(&format!("/api/v1/students/{}", s.students_a[0]), &s.admin.access).await.json().await.unwrap();
    assert_eq!(kept["student"]["class_id"], Value::Null, "the students stay, without a class");
}

#[tokio::test]
async fn a_cadre_has_rights_over_their_class_only_during_their_term() {
    let app = spawn_app().await;
    let s = app.school().await;
    let monitor = s.students_a[0];
    let path = format!("/api/v1/classes/{}/cadres", s.class_a);
    let term = json!({ "student_id": monitor, "title": "班长", "starts_on": "2020-09-01" });
    let created = app.post(&path, &s.teacher_a.access, term).await;
    assert_eq!(created.status(), 201);
    let cadre: Value = created.json().await.unwrap();
    assert_eq!((cadre["title"].as_str(), cadre["current"].as_bool()), (Some("班长"), Some(true)));
    assert_eq!(banji::people::cadres::current_classes(&app.state.db, monitor).await.unwrap(), [s.class_a]);

    let outsider = json!({ "student_id": s.students_b[0], "title": "学习委员", "starts_on": "2026-09-01" });
    error_body(app.post(&path, &s.admin.access, outsider).await, 422, "validation_failed").await;

    let ended =
        app.patch(&format!("{path}/{}", cadre["id"]), &s.teacher_a.access, json!({ "ends_on": "2021-07-01" })).await;
    assert_eq!(ended.json::<Value>().await.unwrap()["current"], false);
    assert!(banji::people::cadres::current_classes(&app.state.db, monitor).await.unwrap().is_empty());
    let detail: Value = app.get(&format!("/api/v1/students/{monitor}"), &s.admin.access).await.json().await.unwrap();
    assert_eq!(detail["cadre_terms"][0]["title"], "班长");
}

#[tokio::test]
async fn a_group_owner_adds_students_by_number_and_an_admin_adds_other_classes_members() {
    let app = spawn_app().await;
    let s = app.school().await;
    let group: Value = app
        .post("/api/v1/groups", &s.teacher_a.access, json!({ "name": "学生会", "kind": "学生会" }))
        .await
        .json()
        .await
        .unwrap();
    let id = group["id"].as_i64().unwrap();
    assert_eq!(group["owner"]["id"], s.teacher_a_id);
    let unknown = json!({ "student_nos": ["2023020101", "0000000000"] });
    error_body(
        app.post(&format!("/api/v1/groups/{id}/members"), &s.teacher_a.access, unknown).await,
        422,
        "validation_failed",
    )
    .await;
    let mine = json!({ "student_ids": [s.students_a[0]] });
    app.post(&format!("/api/v1/groups/{id}/members"), &s.teacher_a.access, mine).await;
    let other_class = json!({ "student_nos": ["2023020101"] });
    let after: Value =
        app.post(&format!("/api/v1/groups/{id}/members"), &s.admin.access, other_class).await.json().await.unwrap();
    assert_eq!(after["member_count"], 2);
    let members: Value =
        app.get(&format!("/api/v1/groups/{id}/members"), &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(names(&members), ["李雷", "林涛"]);
    let visible: Value = app.get("/api/v1/students", &s.teacher_a.access).await.json().await.unwrap();
    assert_eq!(visible["total"], 3, "a member of my group is one of my students now");
    // Seeing a member does not make their record mine to edit.
    let edit =
        app.patch(&format!("/api/v1/students/{}", s.students_b[0]), &s.teacher_a.access, json!({ "name": "x" })).await;
    error_body(edit, 403, "not_your_class").await;
    let removed = app.delete(&format!("/api/v1/groups/{id}/members/{}", s.students_b[0]), &s.teacher_a.access).await;
    assert_eq!(removed.status(), 204);
    let gone = app.get(&format!("/api/v1/students/{}", s.students_b[0]), &s.teacher_a.access).await;
    error_body(gone, 404, "not_found").await;
    let not_mine =
        app.post("/api/v1/groups", &s.teacher_a.access, json!({ "name": "x", "owner_id": s.teacher_b_id })).await;
    error_body(not_mine, 403, "admin_only").await;
}

#[tokio::test]
async fn teacher_contact_details_show_to_colleagues_only_when_made_public() {
    let app = spawn_app().await;
    let s = app.school().await;
    let profile =
        json!({ "title": "辅导员", "office": "行政楼 305", "phone": "020-8411 2345", "email": "a@school.edu.cn" });
    let mine: Value = app.patch("/api/v1/me/profile", &s.teacher_a.access, profile).await.json().await.unwrap();
    assert_eq!((mine["phone"].as_str(), mine["contact_public"].as_bool()), (Some("020-8411 2345"), Some(false)));
    assert_eq!(mine["classes"][0]["name"], "计算机2301");
    let seen: Value =
        app.get(&format!("/api/v1/teachers/{}", s.teacher_a_id), &s.teacher_b.access).await.json().await.unwrap();
    assert_eq!((seen["title"].as_str(), seen["phone"].as_str()), (Some("辅导员"), Some("")));
    app.patch("/api/v1/me/profile", &s.teacher_a.access, json!({ "contact_public": true })).await;
    let seen: Value =
        app.get(&format!("/api/v1/teachers/{}", s.teacher_a_id), &s.teacher_b.access).await.json().await.unwrap();
    assert_eq!(seen["phone"], "020-8411 2345");
    let bad = app.patch("/api/v1/me/profile", &s.teacher_a.access, json!({ "email": "not-an-email" })).await;
    error_body(bad, 422, "validation_failed").await;
    let list: Value = app.get("/api/v1/teachers?q=辅导", &s.teacher_b.access).await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    let _ = Role::Admin;
}
