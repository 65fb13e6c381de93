//! Custom menus: checked against the platform's rules, published as the default menu or
//! for tagged followers (bound students, teachers, a mirrored class), taken down.

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app};

fn click(name: &str, key: &str) -> Value {
    json!({ "type": "click", "name": name, "key": key })
}

#[tokio::test]
async fn a_draft_that_breaks_the_platform_rules_is_refused_at_each_broken_button() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let buttons = json!([
        click("一二三四五六", "K"),
        { "type": "view", "name": "网页" },
        { "name": "更多", "sub_button": [click("a", "A"), click("b", "B"), click("c", "C"), click("d", "D"), click("e", "E"), click("f", "")] },
        click("多余", "X")
    ]);
    let body = error_body(
        app.post("/api/v1/menus", &admin.access, json!({ "name": "坏菜单", "target": "default", "buttons": buttons }))
            .await,
        422,
        "validation_failed",
    )
    .await;
    let fields = &body["fields"];
    assert_eq!(fields["button"], "too_many_buttons");
    assert_eq!(fields["button[0].name"], "name_too_long");
    assert_eq!(fields["button[1].url"], "url_required");
    assert_eq!(fields["button[2].sub_button"], "too_many_sub_buttons");
    assert_eq!(fields["button[2].sub_button[5].key"], "key_required");
    let (_, teacher) = app.teacher("li.lei").await;
    let good = json!({ "name": "菜单", "target": "default", "buttons": [click("帮助", "HELP")] });
    error_body(app.post("/api/v1/menus", &teacher.access, good).await, 403, "admin_only").await;
}

#[tokio::test]
async fn a_students_menu_needs_the_default_menu_first_and_then_reaches_only_bound_students() {
    let app = spawn_app().await;
    let s = app.school().await;
    let student = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    let stranger = app.follower("路人").await;

    let students_menu = json!({ "name": "学生菜单", "target": "students", "buttons": [click("我的通知", "NOTICES"), click("帮助", "HELP")] });
    let students: Value = app.post("/api/v1/menus", &s.admin.access, students_menu).await.json().await.unwrap();
    let too_early = app.post(&format!("/api/v1/menus/{}/publish", students["id"]), &s.admin.access, json!({})).await;
    error_body(too_early, 409, "default_menu_first").await;
    // The simulator's menu bar: nothing published yet.
    let sim_menu = |openid: &str| app.client.get(app.url(&format!("/mock-wechat/sim/users/{openid}/menu"))).send();
    error_body(sim_menu(&student).await.unwrap(), 404, "no_menu").await;

    let default = json!({ "name": "默认菜单", "target": "default", "buttons": [click("帮助", "HELP")] });
    let default: Value = app.post("/api/v1/menus", &s.admin.access, default).await.json().await.unwrap();
    let published: Value = app
        .post(&format!("/api/v1/menus/{}/publish", default["id"]), &s.admin.access, json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(published["published_at"].is_string());
    let published: Value = app
        .post(&format!("/api/v1/menus/{}/publish", students["id"]), &s.admin.access, json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(published["target"], "students");

    let client = &app.state.wechat.client;
    let seen = client.try_match_menu(&student).await.unwrap();
    assert_eq!(seen.button[0].name, "我的通知", "a bound student sees the students' menu");
    let seen = client.try_match_menu(&stranger).await.unwrap();
    assert_eq!(seen.button[0].name, "帮助", "anyone else sees the default menu");
    // The simulator draws for each follower the menu that follower sees.
    let drawn: Value = sim_menu(&student).await.unwrap().json().await.unwrap();
    assert_eq!(
        (drawn["button"][0]["name"].as_str(), drawn["button"][0]["key"].as_str()),
        (Some("我的通知"), Some("NOTICES"))
    );
    let drawn: Value = sim_menu(&stranger).await.unwrap().json().await.unwrap();
    assert_eq!(drawn["button"][0]["name"], "帮助");

    // Publishing again replaces the conditional menu rather than adding a second one.
    app.post(&format!("/api/v1/menus/{}/publish", students["id"]), &s.admin.access, json!({})).await;
    assert_eq!(client.get_menu().await.unwrap().conditionalmenu.len(), 1);

    // Taking the default menu down takes every menu with it.
    let down: Value = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/menus/{}/publish", default["id"]),
            Some(&s.admin.access),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(down["published_at"].is_null());
    assert_eq!(client.get_menu().await.unwrap_err().code(), Some(46003));
    let list: Vec<Value> = app.get("/api/v1/menus", &s.admin.access).await.json().await.unwrap();
    assert!(list.iter().all(|m| m["published_at"].is_null()));
}

#[tokio::test]
async fn a_menu_for_a_mirrored_class_uses_its_tag_and_banjis_features_are_offered() {
    let app = spawn_app().await;
    let s = app.school().await;
    let not_mirrored =
        json!({ "name": "班级菜单", "target": "tag", "tag_id": 12345, "buttons": [click("帮助", "HELP")] });
    error_body(app.post("/api/v1/menus", &s.admin.access, not_mirrored).await, 422, "validation_failed").await;
    app.patch(&format!("/api/v1/classes/{}", s.class_a), &s.admin.access, json!({ "mirror_tag": true })).await;
    let tag = app.platform_tags().await.into_iter().find(|(n, _)| n == "计算机2301").unwrap().1;
    let class_menu = json!({ "name": "班级菜单", "target": "tag", "tag_id": tag, "buttons": [click("帮助", "HELP")] });
    let created: Value = app.post("/api/v1/menus", &s.admin.access, class_menu).await.json().await.unwrap();
    assert_eq!((created["target"].as_str(), created["tag_id"].as_i64()), (Some("tag"), Some(tag)));

    let features: Vec<Value> = app.get("/api/v1/menus/features", &s.admin.access).await.json().await.unwrap();
    let bind = features.iter().find(|f| f["label"] == "绑定学号").unwrap();
    assert!(bind["url"].as_str().unwrap().ends_with("/api/v1/portal/oauth?next=/s/bind"));
    let openid = app.follower("李雷").await;
    let help = app.say(&openid, json!({ "type": "event", "event": "CLICK", "event_key": "HELP" })).await;
    assert!(help["reply"]["content"].as_str().unwrap().starts_with("可用指令"));
}
