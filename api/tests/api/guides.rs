//! Procedures (办事指南) and offices' contacts: who writes and changes them, what students
//! see (published only, steps sanitised, materials linked to documents, contacts public
//! only), and the search index kept in step.

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, Session, TestApp};
use crate::oauth_helpers::student_token;

fn guide(title: &str) -> Value {
    json!({
        "title": title,
        "summary": "每学年一次，按综合测评排名评定。",
        "when_where": "每年 9 月第 2–4 周，行政楼 302",
        "steps": ["下载并填写**申请表**", "交给辅导员审核"],
        "tags": ["奖助", "奖学金"],
        "reviewed_on": "2024-09-01",
        "published": true
    })
}

async fn office(app: &TestApp, admin: &Session, name: &str) -> i64 {
    let body = json!({ "name": name, "phone": "020-8411 2345", "place": "行政楼 201", "hours": "工作日 8:30–17:00" });
    let resp = app.post("/api/v1/offices", &admin.access, body).await;
    assert_eq!(resp.status(), 201);
    resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn create(app: &TestApp, who: &Session, body: Value) -> Value {
    let resp = app.post("/api/v1/guides", &who.access, body).await;
    assert_eq!(resp.status(), 201);
    resp.json().await.unwrap()
}

async fn put(app: &TestApp, who: &Session, id: i64, body: Value) -> reqwest::Response {
    app.request(reqwest::Method::PUT, &format!("/api/v1/guides/{id}"), Some(&who.access), Some(body)).await
}

/// A student page's token for a follower (bound to no student: procedures need no binding).
async fn student(app: &TestApp) -> String {
    student_token(app, &app.follower("同学").await).await
}

async fn actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'guide_%' OR action LIKE 'office_%' ORDER BY id")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap()
}

/// The search item of a thing: (title, summary), if indexed.
async fn indexed(app: &TestApp, kind: &str, id: i64) -> Option<(String, String)> {
    sqlx::query_as("SELECT title, summary FROM search_items WHERE kind = $1 AND ref_id = $2")
        .bind(kind)
        .bind(id)
        .fetch_optional(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_teacher_changes_only_their_own_procedures_and_admins_change_any() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, zhang) = app.teacher("zhang").await;
    let (_, li) = app.teacher("li").await;
    let made = create(&app, &zhang, guide("奖学金申请")).await;
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["can_edit"], true);
    assert_eq!(made["steps"][0], "下载并填写**申请表**");

    let seen: Value = app.get(&format!("/api/v1/guides/{id}"), &li.access).await.json().await.unwrap();
    assert_eq!((seen["title"].as_str(), seen["can_edit"].as_bool()), (Some("奖学金申请"), Some(false)));
    error_body(put(&app, &li, id, guide("改掉")).await, 403, "not_your_guide").await;
    error_body(app.delete(&format!("/api/v1/guides/{id}"), &li.access).await, 403, "not_your_guide").await;

    let by_admin = put(&app, &admin, id, guide("国家奖学金申请")).await;
    assert_eq!(by_admin.status(), 200);
    assert_eq!(put(&app, &zhang, id, guide("国家奖学金申请（2024）")).await.status(), 200);
    let list: Value = app.get("/api/v1/guides?q=2024", &li.access).await.json().await.unwrap();
    assert_eq!((list["total"].as_i64(), list["items"][0]["can_edit"].as_bool()), (Some(1), Some(false)));

    assert_eq!(app.delete(&format!("/api/v1/guides/{id}"), &zhang.access).await.status(), 204);
    error_body(app.get(&format!("/api/v1/guides/{id}"), &zhang.access).await, 404, "not_found").await;

    // Offices are the admins'.
    let body = json!({ "name": "教务处" });
    error_body(app.post("/api/v1/offices", &zhang.access, body).await, 403, "admin_only").await;
    let office_id = office(&app, &admin, "教务处").await;
    let again = app.post("/api/v1/offices", &admin.access, json!({ "name": "教务处" })).await;
    error_body(again, 409, "office_name_taken").await;
    let listed: Value = app.get("/api/v1/offices", &li.access).await.json().await.unwrap();
    assert_eq!(listed[0]["name"], "教务处");
    error_body(app.delete(&format!("/api/v1/offices/{office_id}"), &li.access).await, 403, "admin_only").await;
    assert_eq!(app.delete(&format!("/api/v1/offices/{office_id}"), &admin.access).await.status(), 204);

    assert_eq!(
        actions(&app).await,
        ["guide_created", "guide_updated", "guide_updated", "guide_deleted", "office_created", "office_deleted"]
    );
}

#[tokio::test]
async fn students_cannot_call_the_console_endpoints() {
    let app = spawn_app().await;
    let student = student(&app).await;
    assert_eq!(app.get("/api/v1/guides", &student).await.status(), 401);
    let resp = app.post("/api/v1/offices", &student, json!({ "name": "教务处" })).await;
    assert_eq!(resp.status(), 401);
    let resp = app.post("/api/v1/guides", &student, guide("冒充")).await;
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn steps_reach_students_as_sanitised_html_and_the_preview_shows_the_same() {
    let app = spawn_app().await;
    let (_, zhang) = app.teacher("zhang").await;
    let mut body = guide("请假流程");
    body["steps"] = json!(["**填写**请假条<script>alert('x')</script>", "<img src=x onerror=alert(1)>交给辅导员"]);
    let id = create(&app, &zhang, body.clone()).await["id"].as_i64().unwrap();
    let student = student(&app).await;
    let page: Value = app.get(&format!("/api/v1/portal/guides/{id}"), &student).await.json().await.unwrap();
    let steps = page["steps_html"].as_array().unwrap();
    assert!(steps[0].as_str().unwrap().contains("<strong>填写</strong>请假条"), "{steps:?}");
    for step in steps {
        let html = step.as_str().unwrap();
        assert!(!html.contains("<script") && !html.contains("onerror"), "sanitised: {html}");
    }
    assert_eq!(
        (page["when_where"].as_str(), page["reviewed_on"].as_str()),
        (Some("每年 9 月第 2–4 周，行政楼 302"), Some("2024-09-01"))
    );

    let preview: Value = app.post("/api/v1/guides/preview", &zhang.access, body).await.json().await.unwrap();
    assert_eq!(preview["steps_html"], page["steps_html"]);
}

#[tokio::test]
async fn drafts_are_invisible_to_students_in_the_list_and_by_link() {
    let app = spawn_app().await;
    let (_, zhang) = app.teacher("zhang").await;
    let shown = create(&app, &zhang, guide("奖学金申请")).await["id"].as_i64().unwrap();
    let mut draft = guide("助学贷款");
    draft["published"] = json!(false);
    draft["tags"] = json!(["贷款"]);
    let hidden = create(&app, &zhang, draft.clone()).await["id"].as_i64().unwrap();

    let student = student(&app).await;
    let list: Value = app.get("/api/v1/portal/guides", &student).await.json().await.unwrap();
    let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(|g| g["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [shown]);
    error_body(app.get(&format!("/api/v1/portal/guides/{hidden}"), &student).await, 404, "not_found").await;

    draft["published"] = json!(true);
    assert_eq!(put(&app, &zhang, hidden, draft).await.status(), 200);
    let tagged: Value = app.get("/api/v1/portal/guides?tag=贷款", &student).await.json().await.unwrap();
    assert_eq!(tagged["items"].as_array().unwrap().len(), 1);
    assert_eq!(tagged["items"][0]["title"], "助学贷款");
    // A tag is a whole tag: 奖助 does not find 奖学金's fragment.
    let words: Value = app.get("/api/v1/portal/guides?q=贷款", &student).await.json().await.unwrap();
    assert_eq!(words["total"], 1);
    let none: Value = app.get("/api/v1/portal/guides?tag=奖", &student).await.json().await.unwrap();
    assert_eq!(none["total"], 0);
    assert_eq!(app.get(&format!("/api/v1/portal/guides/{hidden}"), &student).await.status(), 200);
}

#[tokio::test]
async fn a_material_links_a_document_and_keeps_its_name_when_the_document_goes() {
    let app = spawn_app().await;
    let (_, zhang) = app.teacher("zhang").await;
    let document: i64 = sqlx::query_scalar(
        "INSERT INTO documents (title, created_at, updated_at) VALUES ('奖学金申请表', 0, 0) RETURNING id",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    let mut body = guide("奖学金申请");
    body["materials"] = json!([{ "name": "申请表", "document_id": document + 100 }]);
    let refused = app.post("/api/v1/guides", &zhang.access, body.clone()).await;
    let refused = error_body(refused, 422, "validation_failed").await;
    assert!(refused["fields"]["materials.0"].is_string(), "{refused}");

    body["materials"] = json!([{ "name": "申请表", "document_id": document }, { "name": "成绩单" }]);
    let id = create(&app, &zhang, body).await["id"].as_i64().unwrap();
    let student = student(&app).await;
    let page: Value = app.get(&format!("/api/v1/portal/guides/{id}"), &student).await.json().await.unwrap();
    assert_eq!(
        page["materials"][0],
        json!({ "name": "申请表", "document_id": document, "document_title": "奖学金申请表" })
    );
    assert_eq!(page["materials"][1], json!({ "name": "成绩单" }));

    sqlx::query("DELETE FROM documents WHERE id = $1").bind(document).execute(app.state.db.pool()).await.unwrap();
    let page: Value = app.get(&format!("/api/v1/portal/guides/{id}"), &student).await.json().await.unwrap();
    assert_eq!(page["materials"][0], json!({ "name": "申请表" }));
}

#[tokio::test]
async fn contacts_are_offices_and_only_teachers_whose_contact_is_public() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (open_id, open) = app.teacher("open").await;
    let (closed_id, closed) = app.teacher("closed").await;
    let public =
        json!({ "title": "辅导员", "office": "学生公寓 1 栋", "phone": "13812341234", "contact_public": true });
    assert_eq!(app.patch("/api/v1/me/profile", &open.access, public).await.status(), 200);
    let private = json!({ "phone": "13912341234", "contact_public": false });
    assert_eq!(app.patch("/api/v1/me/profile", &closed.access, private).await.status(), 200);
    let office_id = office(&app, &admin, "学工办").await;

    let mut body = guide("奖学金申请");
    body["office_id"] = json!(office_id);
    body["contacts"] = json!([{ "office_id": office_id }, { "teacher_id": open_id }, { "teacher_id": closed_id }]);
    let made = create(&app, &open, body).await;
    assert_eq!(made["contacts"][2]["name"], "closed 老师", "the console names every contact");
    let id = made["id"].as_i64().unwrap();

    let student = student(&app).await;
    let page: Value = app.get(&format!("/api/v1/portal/guides/{id}"), &student).await.json().await.unwrap();
    assert_eq!(page["office"]["name"], "学工办");
    let contacts = page["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 2, "{contacts:?}");
    assert_eq!(
        (contacts[0]["phone"].as_str(), contacts[0]["place"].as_str(), contacts[0]["hours"].as_str()),
        (Some("020-8411 2345"), Some("行政楼 201"), Some("工作日 8:30–17:00"))
    );
    assert_eq!(
        (contacts[1]["teacher_id"].as_i64(), contacts[1]["phone"].as_str()),
        (Some(open_id), Some("13812341234"))
    );
    assert!(!page.to_string().contains("13912341234"));

    let all: Value = app.get("/api/v1/portal/contacts", &student).await.json().await.unwrap();
    assert_eq!(all["offices"][0]["name"], "学工办");
    let teachers: Vec<&str> =
        all["teachers"]["items"].as_array().unwrap().iter().map(|t| t["display_name"].as_str().unwrap()).collect();
    assert_eq!(teachers, ["open 老师"]);
    let found: Value = app.get("/api/v1/portal/contacts?q=学工", &student).await.json().await.unwrap();
    assert_eq!(found["offices"].as_array().unwrap().len(), 1);
    let none: Value = app.get("/api/v1/portal/contacts?q=图书馆", &student).await.json().await.unwrap();
    assert_eq!(none["offices"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_search_index_holds_published_procedures_and_offices_and_drops_them() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let office_id = office(&app, &admin, "学工办").await;
    assert_eq!(
        indexed(&app, "office", office_id).await,
        Some(("学工办".into(), "电话 020-8411 2345 · 地点 行政楼 201 · 时间 工作日 8:30–17:00".into()))
    );

    let mut body = guide("奖学金申请");
    body["summary"] = json!("");
    body["office_id"] = json!(office_id);
    body["materials"] = json!([{ "name": "成绩单" }]);
    let id = create(&app, &admin, body.clone()).await["id"].as_i64().unwrap();
    assert_eq!(indexed(&app, "guide", id).await, Some(("奖学金申请".into(), "学工办".into())));
    let terms: Vec<String> = sqlx::query_scalar(
        "SELECT t.term FROM search_terms t JOIN search_items i ON i.id = t.item_id WHERE i.kind = 'guide' AND i.ref_id = $1",
    )
    .bind(id)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    for term in ["绩单", "申请", "辅导", "奖助"] {
        assert!(terms.iter().any(|t| t == term), "{term} in {terms:?}");
    }

    // Renaming the office re-indexes the procedures it handles.
    let rename = json!({ "name": "学生工作处", "phone": "020-8411 2345" });
    let renamed = app
        .request(reqwest::Method::PUT, &format!("/api/v1/offices/{office_id}"), Some(&admin.access), Some(rename))
        .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(indexed(&app, "guide", id).await.map(|i| i.1), Some("学生工作处".into()));

    body["published"] = json!(false);
    assert_eq!(put(&app, &admin, id, body.clone()).await.status(), 200);
    assert_eq!(indexed(&app, "guide", id).await, None, "a draft is not findable");
    body["published"] = json!(true);
    assert_eq!(put(&app, &admin, id, body).await.status(), 200);
    assert!(indexed(&app, "guide", id).await.is_some());
    assert_eq!(app.delete(&format!("/api/v1/guides/{id}"), &admin.access).await.status(), 204);
    assert_eq!(indexed(&app, "guide", id).await, None);
    assert_eq!(app.delete(&format!("/api/v1/offices/{office_id}"), &admin.access).await.status(), 204);
    assert_eq!(indexed(&app, "office", office_id).await, None);
}
