//! A class's own page and poster: the notices and check-ins that reached the class (with
//! the class's own read counts), and the binding poster whose permanent follow code names
//! the class and is answered, when scanned, with an invitation to bind in its name.

use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::oauth_helpers::student_token;
use crate::receipts::sget;

fn ids(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect()
}

async fn page(app: &TestApp, token: &str, path: &str) -> Value {
    let resp = app.get(path, token).await;
    assert_eq!(resp.status(), 200, "{path}");
    resp.json().await.unwrap()
}

#[tokio::test]
async fn a_class_sees_the_notices_and_check_ins_that_reached_it_with_its_own_read_counts() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (a, a_students) = app.bound_class(&admin, "软件2401", 2, &[]).await;
    let (b, _) = app.bound_class(&admin, "软件2402", 3, &[]).await;
    let both = app.draft(&admin, "全院通知", json!({ "classes": [a, b] })).await;
    let only_b = app.draft(&admin, "二班通知", json!({ "classes": [b] })).await;
    for id in [both, only_b] {
        app.send_notice(&admin, id).await;
        app.until_sent(&admin, id, 60).await;
    }
    let token = student_token(&app, &a_students[0].1).await;
    sget(&app, &format!("/api/v1/portal/notices/{both}"), &token).await;

    let of_a = page(&app, &admin.access, &format!("/api/v1/notices?class_id={a}")).await;
    assert_eq!(ids(&of_a), vec![both]);
    assert_eq!((of_a["items"][0]["students"].as_i64(), of_a["items"][0]["read"].as_i64()), (Some(2), Some(1)));
    let all = page(&app, &admin.access, "/api/v1/notices").await;
    let whole = all["items"].as_array().unwrap().iter().find(|n| n["id"] == both).unwrap().clone();
    assert_eq!(
        (whole["students"].as_i64(), whole["read"].as_i64()),
        (Some(5), Some(1)),
        "without a class: every class"
    );
    assert_eq!(ids(&page(&app, &admin.access, &format!("/api/v1/notices?class_id={b}")).await), vec![only_b, both]);

    let now = chrono::Utc::now();
    let session = app
        .post(
            "/api/v1/checkins",
            &admin.access,
            json!({ "title": "班会", "audience": { "classes": [a] }, "methods": ["code"],
                    "starts_at": now - chrono::Duration::minutes(1), "ends_at": now + chrono::Duration::hours(1) }),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(ids(&page(&app, &admin.access, &format!("/api/v1/checkins?class_id={a}")).await), vec![session]);
    assert!(ids(&page(&app, &admin.access, &format!("/api/v1/checkins?class_id={b}")).await).is_empty());
}

fn ticket_of(poster: &Value) -> String {
    let url = poster["qr_image_url"].as_str().unwrap();
    url.split("ticket=").nth(1).expect("a ticket in the image address").to_string()
}

#[tokio::test]
async fn a_class_poster_is_made_once_and_its_code_invites_a_newcomer_to_bind_in_the_class_name() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, other) = app.teacher("li").await;
    let (class, students) = app.bound_class(&admin, "软件2401", 1, &[teacher_id]).await;

    let first = page(&app, &teacher.access, &format!("/api/v1/classes/{class}/poster")).await;
    assert_eq!(first["class_name"], "软件2401");
    assert!(first["bind_url"].as_str().unwrap().contains("/s/bind"), "{first}");
    let again = page(&app, &admin.access, &format!("/api/v1/classes/{class}/poster")).await;
    assert_eq!(ticket_of(&first), ticket_of(&again), "one permanent code per class");
    let kept = app.mock().state().qr.get(&ticket_of(&first)).cloned().expect("the platform made it");
    assert_eq!((kept.scene.as_str(), kept.expires.is_none()), (format!("class:{class}").as_str(), true));
    assert_eq!(app.get(&format!("/api/v1/classes/{class}/poster"), &other.access).await.status(), 404);

    // Someone new scans it: they follow, and are invited to bind in the class's name.
    let newcomer = app.mock().add_follower("newcomer");
    app.say(&newcomer, json!({ "type": "unsubscribe" })).await;
    let answer = app.say(&newcomer, json!({ "type": "scan", "ticket": ticket_of(&first) })).await;
    let article = &answer["reply"]["articles"][0];
    assert_eq!(article["title"], "欢迎软件2401的同学！请先绑定学号", "{answer}");
    assert!(article["url"].as_str().unwrap().contains("/s/bind"), "{answer}");
    let following: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM followers WHERE openid = $1 AND subscribed = TRUE")
        .bind(&newcomer)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(following, 1, "the scan followed the account");
    // A bound student scanning it is told they are bound.
    let reply = app.scan(&students[0].1, &ticket_of(&first)).await;
    assert!(reply.contains("你已绑定"), "{reply}");
}
