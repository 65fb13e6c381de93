//! Parametric QR codes (带参二维码): a code's scan puts the follower into its class's or
//! group's WeChat tag and is answered by its purpose (the invitation to bind in the class's
//! name, the activity's sign-up card); scans and the follows they brought are counted and
//! the first code is the follower's source on their record; an expired or deleted code
//! joins nothing; the teacher's scope, bad input and the permanent-code quota; and the
//! mock's `qrcode/create` as the platform answers it.

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, Session, TestApp};

impl TestApp {
    async fn make_code(&self, who: &Session, body: Value) -> Value {
        let resp = self.post("/api/v1/qrcodes", &who.access, body).await;
        assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
        resp.json().await.unwrap()
    }

    async fn codes(&self, who: &Session) -> Vec<Value> {
        let page: Value = self.get("/api/v1/qrcodes", &who.access).await.json().await.unwrap();
        page["items"].as_array().unwrap().clone()
    }

    /// Scans `code` as `openid` through the simulator; the simulator's answer.
    async fn scan_code(&self, openid: &str, code: &Value) -> Value {
        self.say(openid, json!({ "type": "scan", "ticket": ticket(code) })).await
    }

    /// A follower of the mock who does not follow yet: their scan follows the account.
    async fn newcomer(&self, nickname: &str) -> String {
        let openid = self.mock().add_follower(nickname);
        self.say(&openid, json!({ "type": "unsubscribe" })).await;
        openid
    }

    async fn mock_tags_of(&self, openid: &str) -> Vec<i64> {
        self.mock().state().users[openid].tags.iter().copied().collect()
    }

    async fn tag_named(&self, name: &str) -> i64 {
        self.platform_tags().await.into_iter().find(|(n, _)| n == name).expect("a tag by that name").1
    }
}

fn ticket(code: &Value) -> String {
    let url = code["image_url"].as_str().unwrap();
    url.split("ticket=").nth(1).expect("a ticket in the image address").to_string()
}

fn counts(code: &Value) -> (i64, i64) {
    (code["scans"].as_i64().unwrap(), code["new_followers"].as_i64().unwrap())
}

fn class_code(class: i64) -> Value {
    json!({ "name": "迎新扫码", "purpose": "join_class", "class_id": class, "expire_seconds": 7 * 86_400 })
}

#[tokio::test]
async fn a_class_code_puts_a_newcomer_into_the_class_tag_invites_them_to_bind_and_becomes_their_source() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (class, students) = app.bound_class(&admin, "软件2401", 1, &[teacher_id]).await;

    let code = app.make_code(&teacher, class_code(class)).await;
    assert_eq!(
        (code["scene"].as_str().unwrap(), code["permanent"].as_bool()),
        (format!("qr:{}", code["id"]).as_str(), Some(false))
    );
    assert_eq!(code["target"], "软件2401");
    let kept = app.mock().state().qr.get(&ticket(&code)).cloned().expect("the platform made it");
    assert_eq!(kept.scene, format!("qr:{}", code["id"]));
    assert!(kept.expires.is_some(), "a temporary code");
    let class_tag = app.tag_named("软件2401").await;
    assert!(app.mock_tags_of(&students[0].1).await.contains(&class_tag), "the class was mirrored for its code");

    let newcomer = app.newcomer("新同学").await;
    let answer = app.scan_code(&newcomer, &code).await;
    let article = &answer["reply"]["articles"][0];
    assert_eq!(article["title"], "欢迎软件2401的同学！请先绑定学号", "{answer}");
    assert!(article["url"].as_str().unwrap().contains("/s/bind"), "{answer}");
    assert!(app.mock_tags_of(&newcomer).await.contains(&class_tag), "the scan put them into the class's tag");

    // A follower's scan counts as a scan, not as a new follower, and is not their source.
    let follower = app.follower("老关注者").await;
    app.scan_code(&follower, &code).await;
    let listed = app.codes(&teacher).await;
    assert_eq!(counts(&listed[0]), (2, 1));

    let followers: Value = app.get("/api/v1/followers?per_page=100", &admin.access).await.json().await.unwrap();
    let source = |openid: &str| {
        followers["items"].as_array().unwrap().iter().find(|f| f["openid"] == openid).unwrap()["source"].clone()
    };
    assert_eq!(source(&newcomer), "迎新扫码");
    assert_eq!(source(&follower), Value::Null);

    // Once bound, the student's record says where they came from.
    let student = app.create_student(&admin, "2024009999", "韩梅梅", class, "13800000000").await;
    let code_to_bind = app.bind_code(&admin, student).await;
    let bound = app
        .say(&newcomer, json!({ "type": "text", "content": format!("绑定 2024009999 韩梅梅 {code_to_bind}") }))
        .await;
    assert!(bound["reply"]["content"].as_str().unwrap().starts_with("绑定成功"), "{bound}");
    let record: Value = app.get(&format!("/api/v1/students/{student}"), &teacher.access).await.json().await.unwrap();
    assert_eq!(record["follow_source"], "迎新扫码");

    // A second code does not replace the first source.
    let other = app.make_code(&admin, json!({ "name": "第二张", "purpose": "open_page", "page": "/s/notices" })).await;
    app.say(&newcomer, json!({ "type": "unsubscribe" })).await;
    let answer = app.scan_code(&newcomer, &other).await;
    assert!(answer["reply"]["articles"][0]["url"].as_str().unwrap().contains("next=%2Fs%2Fnotices"), "{answer}");
    let record: Value = app.get(&format!("/api/v1/students/{student}"), &teacher.access).await.json().await.unwrap();
    assert_eq!(record["follow_source"], "迎新扫码");
}

#[tokio::test]
async fn a_group_code_puts_the_scanner_into_the_group_tag() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, teacher) = app.teacher("wang").await;
    let group: Value =
        app.post("/api/v1/groups", &teacher.access, json!({ "name": "合唱团" })).await.json().await.unwrap();
    let code = app
        .make_code(
            &teacher,
            json!({ "name": "合唱团招新", "purpose": "join_group", "group_id": group["id"], "expire_seconds": 86_400 }),
        )
        .await;
    let follower = app.follower("李雷").await;
    let answer = app.scan_code(&follower, &code).await;
    assert_eq!(answer["reply"]["articles"][0]["title"], "欢迎加入「合唱团」！请先绑定学号", "{answer}");
    let group_tag = app.tag_named("合唱团").await;
    assert!(app.mock_tags_of(&follower).await.contains(&group_tag));
    assert_eq!(counts(&app.codes(&admin).await[0]), (1, 0));
}

#[tokio::test]
async fn an_activity_code_answers_with_the_activity_sign_up_card() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (class, students) = app.bound_class(&admin, "软件2401", 1, &[teacher_id]).await;
    let soon = |m: i64| (chrono::Utc::now() + chrono::Duration::minutes(m)).to_rfc3339();
    let activity = app
        .publish(
            &teacher,
            json!({ "title": "校史讲座", "place": "报告厅", "starts_at": soon(60), "ends_at": soon(120),
                    "signup_until": soon(30), "capacity": 50, "audience": { "classes": [class] } }),
        )
        .await;
    let code = app
        .make_code(&teacher, json!({ "name": "讲座报名", "purpose": "sign_up", "activity_id": activity["id"] }))
        .await;
    assert_eq!(code["permanent"], true);
    let answer = app.scan_code(&students[0].1, &code).await;
    let article = &answer["reply"]["articles"][0];
    assert_eq!(article["title"], "报名：校史讲座", "{answer}");
    assert!(article["description"].as_str().unwrap().contains(&format!("报名 {}", activity["code"].as_str().unwrap())));
    assert!(article["url"].as_str().unwrap().contains("next=/s/activities"), "{answer}");
}

#[tokio::test]
async fn an_expired_code_is_answered_as_expired_and_joins_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let class = app.create_class(&admin, "软件2401", &[]).await;
    let code = app.make_code(&admin, class_code(class)).await;
    // The platform's event arrives after Banji's clock says the code ran out.
    sqlx::query("UPDATE qrcodes SET expires_at = $1 WHERE id = $2")
        .bind(banji::db::now_ms() - 1000)
        .bind(code["id"].as_i64().unwrap())
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let newcomer = app.newcomer("迟到的人").await;
    let answer = app.scan_code(&newcomer, &code).await;
    let text = answer["reply"]["content"].as_str().unwrap_or_default();
    assert!(text.contains("已过期"), "{answer}");
    assert!(!app.mock_tags_of(&newcomer).await.contains(&app.tag_named("软件2401").await), "not joined");
    let listed = &app.codes(&admin).await[0];
    assert_eq!((listed["expired"].as_bool(), counts(listed)), (Some(true), (1, 1)));

    // On the platform an expired code cannot be scanned, nor its image shown.
    app.mock().state().qr.get_mut(&ticket(&code)).unwrap().expires = Some(std::time::Instant::now());
    let url = app.url(&format!("/mock-wechat/sim/users/{newcomer}/messages"));
    let refused = app.client.post(url).json(&json!({ "type": "scan", "ticket": ticket(&code) })).send().await.unwrap();
    assert_eq!(refused.status(), 410);
    let image = app.client.get(code["image_url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(image.status(), 404);
}

#[tokio::test]
async fn a_teacher_makes_and_sees_codes_only_for_their_own_classes() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let mine = app.create_class(&admin, "软件2401", &[teacher_id]).await;
    let theirs = app.create_class(&admin, "数学2401", &[]).await;

    let resp = app.post("/api/v1/qrcodes", &teacher.access, class_code(theirs)).await;
    let body = error_body(resp, 422, "validation_failed").await;
    assert!(body["fields"]["class_id"].is_string(), "{body}");
    let admins = app.make_code(&admin, class_code(theirs)).await;
    app.make_code(&teacher, class_code(mine)).await;
    let listed = app.codes(&teacher).await;
    assert_eq!(listed.iter().map(|c| c["target"].as_str().unwrap()).collect::<Vec<_>>(), ["软件2401"]);
    assert_eq!(app.get(&format!("/api/v1/qrcodes/{}", admins["id"]), &teacher.access).await.status(), 404);
    assert_eq!(app.delete(&format!("/api/v1/qrcodes/{}", admins["id"]), &teacher.access).await.status(), 404);
    assert_eq!(app.codes(&admin).await.len(), 2);
}

#[tokio::test]
async fn bad_input_is_refused_with_a_code_and_makes_nothing_on_the_platform() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let class = app.create_class(&admin, "软件2401", &[]).await;
    let made_before = app.mock().state().qr.len();
    let cases = [
        (
            json!({ "name": "太久", "purpose": "join_class", "class_id": class, "expire_seconds": 2_592_001 }),
            "expire_seconds",
        ),
        (json!({ "name": "  ", "purpose": "join_class", "class_id": class }), "name"),
        (json!({ "name": "无此班", "purpose": "join_class", "class_id": 999_999 }), "class_id"),
        (json!({ "name": "无此活动", "purpose": "sign_up", "activity_id": 999_999 }), "activity_id"),
        (json!({ "name": "外站", "purpose": "open_page", "page": "https://example.com/" }), "page"),
    ];
    for (body, field) in cases {
        let resp = app.post("/api/v1/qrcodes", &admin.access, body).await;
        let body = error_body(resp, 422, "validation_failed").await;
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    let resp = app.post("/api/v1/qrcodes", &admin.access, json!({ "name": "x", "purpose": "fly" })).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(app.mock().state().qr.len(), made_before);
    assert!(app.codes(&admin).await.is_empty());
}

#[tokio::test]
async fn permanent_codes_spend_the_quota_and_a_deleted_one_answers_as_stopped() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let quota: Value = app.get("/api/v1/qrcodes/quota", &admin.access).await.json().await.unwrap();
    assert_eq!((quota["permanent_used"].as_i64(), quota["permanent_limit"].as_i64()), (Some(0), Some(100_000)));
    app.mock().state().permanent_qr_quota = 1;
    let page = json!({ "name": "通知入口", "purpose": "open_page", "page": "/s/notices" });
    let first = app.make_code(&admin, page.clone()).await;
    let resp = app.post("/api/v1/qrcodes", &admin.access, page).await;
    error_body(resp, 409, "permanent_qr_quota").await;
    assert_eq!(app.codes(&admin).await.len(), 1, "the refused code is not kept");

    assert_eq!(app.delete(&format!("/api/v1/qrcodes/{}", first["id"]), &admin.access).await.status(), 204);
    assert!(app.codes(&admin).await.is_empty());
    let quota: Value = app.get("/api/v1/qrcodes/quota", &admin.access).await.json().await.unwrap();
    assert_eq!(quota["permanent_used"], 1, "a deleted permanent code is still spent");
    let follower = app.follower("李雷").await;
    let answer = app.scan_code(&follower, &first).await;
    assert!(answer["reply"]["content"].as_str().unwrap().contains("已停用"), "{answer}");
    let audit: Value = app.get("/api/v1/audit?action=qrcode_deleted", &admin.access).await.json().await.unwrap();
    assert_eq!(audit["total"], 1);
}

#[tokio::test]
async fn the_mock_makes_qr_codes_as_the_platform_does() {
    let app = spawn_app().await;
    let token = app.state.wechat.client.access_token().await.unwrap();
    let create = |body: Value| {
        let url = app.url("/mock-wechat/cgi-bin/qrcode/create");
        let request = app.client.post(url).query(&[("access_token", token.clone())]).json(&body);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let scene = |s: Value| json!({ "scene": s });
    let code = |answer: &Value| answer["errcode"].as_i64().unwrap_or(0);
    let temp = create(json!({ "action_name": "QR_SCENE", "action_info": scene(json!({ "scene_id": 42 })) })).await;
    assert_eq!(temp["expire_seconds"], 60, "a temporary code lives 60 seconds unless told");
    let month = json!({ "expire_seconds": 2_592_000, "action_name": "QR_STR_SCENE", "action_info": scene(json!({ "scene_str": "a" })) });
    assert_eq!(create(month).await["expire_seconds"], 2_592_000);
    let too_long = json!({ "expire_seconds": 2_592_001, "action_name": "QR_STR_SCENE", "action_info": scene(json!({ "scene_str": "a" })) });
    assert_eq!(code(&create(too_long).await), 40097);
    let long_scene =
        json!({ "action_name": "QR_LIMIT_STR_SCENE", "action_info": scene(json!({ "scene_str": "x".repeat(65) })) });
    assert_eq!(code(&create(long_scene).await), 40097);
    let big_id = json!({ "action_name": "QR_LIMIT_SCENE", "action_info": scene(json!({ "scene_id": 100_001 })) });
    assert_eq!(code(&create(big_id).await), 40097);
    assert_eq!(code(&create(json!({ "action_name": "QR_FOREVER", "action_info": scene(json!({})) })).await), 40052);
    assert_eq!(code(&create(json!({ "action_name": "QR_SCENE" })).await), 40053);

    app.mock().state().permanent_qr_quota = 1;
    let permanent =
        json!({ "action_name": "QR_LIMIT_STR_SCENE", "action_info": scene(json!({ "scene_str": "class:1" })) });
    let first = create(permanent.clone()).await;
    assert!(first.get("expire_seconds").is_none(), "{first}");
    assert_eq!(create(permanent).await["ticket"], first["ticket"], "the same permanent scene, the same ticket");
    let another = json!({ "action_name": "QR_LIMIT_SCENE", "action_info": scene(json!({ "scene_id": 7 })) });
    assert_eq!(code(&create(another).await), 45029);
}

#[tokio::test]
async fn the_school_name_printed_on_codes_is_a_setting_only_admins_change() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, teacher) = app.teacher("wang").await;
    let set = |who: &Session, name: String| {
        let token = who.access.clone();
        let app = &app;
        async move { app.patch("/api/v1/settings", &token, json!({ "school_name": name })).await }
    };
    assert_eq!(set(&teacher, "某某大学".into()).await.status(), 403);
    let resp = set(&admin, "长".repeat(41)).await;
    let body = error_body(resp, 422, "validation_failed").await;
    assert!(body["fields"]["school_name"].is_string(), "{body}");
    assert_eq!(set(&admin, "  某某大学计算机学院 ".into()).await.status(), 200);
    let settings: Value = app.get("/api/v1/settings", &teacher.access).await.json().await.unwrap();
    assert_eq!(settings["school_name"], "某某大学计算机学院");
}
