//! The interaction history (`GET /messages`, seed 002's 用户交互数据): what followers sent,
//! events included, and teachers' answers, newest first, filtered and exported — for
//! admins and their integrations only.

use serde_json::{json, Value};

use crate::helpers::{error_body, TestApp};

async fn history(app: &TestApp, token: &str, query: &str) -> Value {
    let resp = app.get(&format!("/api/v1/messages{query}"), token).await;
    assert_eq!(resp.status(), 200, "{query}");
    resp.json().await.unwrap()
}

fn texts(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["direction"].as_str().unwrap().to_string(), m["text"].as_str().unwrap_or("").to_string()))
        .collect()
}

#[tokio::test]
async fn the_history_holds_both_directions_newest_first_and_narrows_and_exports() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 2, &[teacher_id]).await;
    let (a, b) = (&students[0].1, &students[1].1);
    app.say(a, json!({ "type": "text", "content": "请问补考时间？" })).await;
    app.say(b, json!({ "type": "text", "content": "宿舍报修" })).await;
    app.state.wechat.log.flush().await;
    let answered =
        app.post(&format!("/api/v1/inbox/threads/{a}/replies"), &teacher.access, json!({ "text": "下周一。" })).await;
    assert_eq!(answered.status(), 201);

    let all = history(&app, &admin.access, "?kind=text").await;
    assert_eq!(
        texts(&all)[..3],
        [("out".into(), "下周一。".into()), ("in".into(), "宿舍报修".into()), ("in".into(), "请问补考时间？".into())]
    );
    assert_eq!(all["items"][0]["author"], "wang 老师");
    assert_eq!(all["items"][1]["student_no"].as_str().map(|n| n.starts_with('N')), Some(true), "{all}");

    let of_a = history(&app, &admin.access, &format!("?openid={a}&kind=text")).await;
    assert_eq!(texts(&of_a), [("out".into(), "下周一。".into()), ("in".into(), "请问补考时间？".into())]);
    assert_eq!(of_a["total"], 2, "both sides counted");
    let student_a = students[0].0;
    assert_eq!(
        history(&app, &admin.access, &format!("?student_id={student_a}&direction=in&kind=text")).await["total"],
        1
    );
    assert_eq!(texts(&history(&app, &admin.access, "?q=报修").await), [("in".into(), "宿舍报修".into())]);
    error_body(app.get("/api/v1/messages?direction=sideways", &admin.access).await, 422, "validation_failed").await;

    let file = app.get("/api/v1/messages/export?format=csv&kind=text", &admin.access).await;
    assert_eq!(file.status(), 200);
    let csv = file.text().await.unwrap();
    assert!(
        csv.contains("时间,方向,学号,姓名,OpenID,类型,事件,内容,回复人") && csv.contains("请问补考时间？"),
        "{csv}"
    );
    let audit: Value = app.get("/api/v1/audit?action=messages_exported", &admin.access).await.json().await.unwrap();
    assert_eq!(audit["total"], 1);

    // Teachers answer in 消息; the whole history is an admin's.
    assert_eq!(app.get("/api/v1/messages", &teacher.access).await.status(), 403);
    assert_eq!(app.get("/api/v1/messages/export", &teacher.access).await.status(), 403);
}
