//! People through WeChat: following, binding (by text and by the page behind WeChat's
//! web authorisation), unbinding, tags that mirror classes, remarks, follower sync.
//! Teachers' binding and registration are in `teacher_binding`.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, Session, TestApp};
use crate::oauth_helpers::{location, student_token};

impl TestApp {
    /// The bind code of a student (as a teacher reads it on the detail view).
    pub async fn bind_code(&self, admin: &Session, id: i64) -> String {
        let detail: Value = self.get(&format!("/api/v1/students/{id}"), &admin.access).await.json().await.unwrap();
        detail["bind_code"].as_str().unwrap().to_string()
    }

    /// A follower bound to the student by the text command; returns its openid.
    pub async fn bound_follower(&self, admin: &Session, student: i64, no: &str, name: &str) -> String {
        let openid = self.follower(name).await;
        let code = self.bind_code(admin, student).await;
        let answer = self.say(&openid, json!({ "type": "text", "content": format!("绑定 {no} {name} {code}") })).await;
        assert!(answer["reply"]["content"].as_str().unwrap().starts_with("绑定成功"), "{answer}");
        // The binding's follow-ups (tags, remark) are done before the test goes on.
        self.settled().await;
        openid
    }

    pub async fn sim_user(&self, openid: &str) -> Value {
        let users: Vec<Value> =
            self.client.get(self.url("/mock-wechat/sim/users")).send().await.unwrap().json().await.unwrap();
        users.into_iter().find(|u| u["openid"] == openid).expect("a simulated follower")
    }

    /// The platform's tags, by name → id.
    pub async fn platform_tags(&self) -> Vec<(String, i64)> {
        let tags = self.state.wechat.client.tags().await.unwrap();
        tags.into_iter().map(|t| (t.name, t.id)).collect()
    }

    /// Waits for a background effect (tags, remarks) to reach the mock.
    pub async fn eventually<F, Fut>(&self, what: &str, check: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..500 {
            if check().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{what} did not happen");
    }

    /// Waits until the follow-up work of earlier requests (tags after a binding) is done.
    pub async fn settled(&self) {
        for _ in 0..500 {
            if self.state.background.is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("background work did not settle");
    }
}

#[tokio::test]
async fn a_new_follower_is_welcomed_with_a_link_to_the_binding_page() {
    let app = spawn_app().await;
    let openid = app.follower("李雷").await;
    let inbox = app.inbox(&openid).await;
    assert_eq!(inbox[0]["msg_type"], "news");
    assert!(inbox[0]["url"].as_str().unwrap().ends_with("/api/v1/portal/oauth?next=/s/bind"), "{inbox:?}");
    let follower: Option<banji::db::Flag> = sqlx::query_scalar("SELECT subscribed FROM followers WHERE openid = $1")
        .bind(&openid)
        .fetch_optional(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(follower, Some(banji::db::Flag(true)), "the follow is recorded");
}

#[tokio::test]
async fn a_student_binds_by_text_with_the_bind_code_and_only_once() {
    let app = spawn_app().await;
    let s = app.school().await;
    let lilei = s.students_a[0];
    let openid = app.follower("李雷的微信").await;
    let wrong = app.say(&openid, json!({ "type": "text", "content": "绑定 2023010101 李雷 000000" })).await;
    assert!(wrong["reply"]["content"].as_str().unwrap().starts_with("学号、姓名或验证码不正确"));
    let usage = app.say(&openid, json!({ "type": "text", "content": "绑定 2023010101" })).await;
    assert!(usage["reply"]["content"].as_str().unwrap().starts_with("绑定格式"));
    let code = app.bind_code(&s.admin, lilei).await;
    let ok = app.say(&openid, json!({ "type": "text", "content": format!("绑定 2023010101 李雷 {code}") })).await;
    assert_eq!(ok["reply"]["content"], "绑定成功！李雷（2023010101），计算机2301。之后的班级通知会发到这里。");
    let student: Value = app.get(&format!("/api/v1/students/{lilei}"), &s.admin.access).await.json().await.unwrap();
    assert_eq!(
        (student["student"]["wechat"]["bound"].as_bool(), student["student"]["wechat"]["following"].as_bool()),
        (Some(true), Some(true))
    );
    // The remark and the students' tag follow on the platform.
    app.eventually("the remark is set", || async { app.sim_user(&openid).await["remark"] == "计算机2301-李雷" }).await;
    app.eventually("the students' tag is given", || async {
        let tags = app.platform_tags().await;
        let students = tags.iter().find(|(n, _)| n == "学生").map(|(_, id)| *id);
        students.is_some_and(|id| app.mock().state().users[&openid].tags.contains(&id))
    })
    .await;

    let thief = app.follower("别人").await;
    let taken = app.say(&thief, json!({ "type": "text", "content": format!("绑定 2023010101 李雷 {code}") })).await;
    assert!(taken["reply"]["content"].as_str().unwrap().contains("已绑定其他微信"), "{taken}");
    let hanmeimei_code = app.bind_code(&s.admin, s.students_a[1]).await;
    let second = app
        .say(&openid, json!({ "type": "text", "content": format!("绑定 2023010102 韩梅梅 {hanmeimei_code}") }))
        .await;
    assert!(second["reply"]["content"].as_str().unwrap().contains("已绑定学号 2023****01"), "{second}");
    let again = app.say(&openid, json!({ "type": "text", "content": format!("绑定 2023010101 李雷 {code}") })).await;
    assert!(
        again["reply"]["content"].as_str().unwrap().starts_with("绑定成功"),
        "binding again to the same student is fine"
    );
}

#[tokio::test]
async fn failed_bind_attempts_are_limited_per_wechat_even_with_the_right_code_after() {
    let app = spawn_app().await;
    let s = app.school().await;
    let openid = app.follower("猜码的人").await;
    for guess in 0..5 {
        app.say(&openid, json!({ "type": "text", "content": format!("绑定 2023010101 李雷 99999{guess}") })).await;
    }
    let code = app.bind_code(&s.admin, s.students_a[0]).await;
    let right = app.say(&openid, json!({ "type": "text", "content": format!("绑定 2023010101 李雷 {code}") })).await;
    assert!(right["reply"]["content"].as_str().unwrap().starts_with("尝试次数过多"), "{right}");
    let student: Value =
        app.get(&format!("/api/v1/students/{}", s.students_a[0]), &s.admin.access).await.json().await.unwrap();
    assert_eq!(student["student"]["wechat"]["bound"], false);
}

/// Follows a redirect chain by hand (the test client does not follow redirects).
#[tokio::test]
async fn the_binding_page_learns_the_openid_from_wechat_and_binds_with_a_student_token() {
    let app = spawn_app().await;
    let s = app.school().await;
    let openid = app.follower("韩梅梅").await;
    let token = student_token(&app, &openid).await;
    let me: Value = app.get("/api/v1/portal/me", &token).await.json().await.unwrap();
    assert_eq!((me["openid"].as_str(), me["student"].is_null()), (Some(openid.as_str()), true));

    let wrong = app
        .post("/api/v1/portal/bind", &token, json!({ "student_no": "2023010102", "name": "韩梅梅", "code": "123" }))
        .await;
    error_body(wrong, 422, "no_match").await;
    let code = app.bind_code(&s.admin, s.students_a[1]).await;
    let bound: Value = app
        .post("/api/v1/portal/bind", &token, json!({ "student_no": "2023010102", "name": "韩梅梅", "code": code }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (bound["student"]["name"].as_str(), bound["student"]["class_name"].as_str()),
        (Some("韩梅梅"), Some("计算机2301"))
    );

    // The two kinds of token do not open each other's doors.
    error_body(app.get("/api/v1/me", &token).await, 401, "invalid_token").await;
    error_body(app.get("/api/v1/portal/me", &s.admin.access).await, 401, "student_token_invalid").await;
    // A used state cannot be replayed.
    let authorize = location(&app, &app.url("/api/v1/portal/oauth?next=/s/bind&nonce=0123456789abcdef")).await;
    let callback = location(&app, &format!("{}&openid={openid}", authorize.trim_end_matches("#wechat_redirect"))).await;
    location(&app, &callback).await;
    assert_eq!(location(&app, &callback).await, "/s/#error=expired");

    assert_eq!(app.post("/api/v1/portal/unbind", &token, json!({})).await.status(), 204);
    let me: Value = app.get("/api/v1/portal/me", &token).await.json().await.unwrap();
    assert!(me["student"].is_null());
}

#[tokio::test]
async fn unfollowing_keeps_the_binding_and_following_again_is_welcomed_back() {
    let app = spawn_app().await;
    let s = app.school().await;
    let openid = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    app.say(&openid, json!({ "type": "unsubscribe" })).await;
    let student: Value =
        app.get(&format!("/api/v1/students/{}", s.students_a[0]), &s.admin.access).await.json().await.unwrap();
    assert_eq!(
        (student["student"]["wechat"]["bound"].as_bool(), student["student"]["wechat"]["following"].as_bool()),
        (Some(true), Some(false))
    );
    // A later second: the platform tells events apart by sender, time, event and key.
    let later = chrono::Utc::now().timestamp() + 2;
    let back = app.say(&openid, json!({ "type": "subscribe", "create_time": later })).await;
    assert_eq!(back["reply"]["content"], "欢迎回来，李雷同学！发送「帮助」查看可用指令。");
    let student: Value =
        app.get(&format!("/api/v1/students/{}", s.students_a[0]), &s.admin.access).await.json().await.unwrap();
    assert_eq!(student["student"]["wechat"]["following"], true);
}

#[tokio::test]
async fn a_student_unbinds_with_jiebang_and_their_teacher_can_unbind_them_too() {
    let app = spawn_app().await;
    let s = app.school().await;
    let openid = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    let answer = app.say(&openid, json!({ "type": "text", "content": "解绑" })).await;
    assert_eq!(answer["reply"]["content"], "已解除与 李雷（2023010101）的绑定。");
    app.eventually("the remark is cleared", || async { app.sim_user(&openid).await["remark"] == "" }).await;

    let openid = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    let other = app.post(&format!("/api/v1/students/{}/unbind", s.students_a[0]), &s.teacher_b.access, json!({})).await;
    error_body(other, 404, "not_found").await;
    let done: Value = app
        .post(&format!("/api/v1/students/{}/unbind", s.students_a[0]), &s.teacher_a.access, json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["wechat"]["bound"], false);
    let nothing = app.say(&openid, json!({ "type": "text", "content": "解绑" })).await;
    assert_eq!(nothing["reply"]["content"], "这个微信还没有绑定学生。");
    let audit: Value = app.get("/api/v1/audit?action=wechat_unbound", &s.admin.access).await.json().await.unwrap();
    assert_eq!(audit["total"], 2);
}

#[tokio::test]
async fn a_mirrored_class_is_a_wechat_tag_that_follows_renames_moves_and_deletion() {
    let app = spawn_app().await;
    let s = app.school().await;
    let openid = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    let on =
        app.patch(&format!("/api/v1/classes/{}", s.class_a), &s.teacher_a.access, json!({ "mirror_tag": true })).await;
    assert_eq!(on.json::<Value>().await.unwrap()["mirror_tag"], true);
    let tag = |name: &'static str| {
        let app = &app;
        async move { app.platform_tags().await.into_iter().find(|(n, _)| n == name).map(|(_, id)| id) }
    };
    let class_tag = tag("计算机2301").await.expect("the class is a tag");
    assert!(app.mock().state().users[&openid].tags.contains(&class_tag), "its bound students carry it");

    app.patch(&format!("/api/v1/classes/{}", s.class_a), &s.admin.access, json!({ "name": "计科2301" })).await;
    assert_eq!(tag("计科2301").await, Some(class_tag), "renamed, same tag");

    app.patch(&format!("/api/v1/classes/{}", s.class_b), &s.admin.access, json!({ "mirror_tag": true })).await;
    let other_tag = tag("数学2301").await.unwrap();
    app.patch(&format!("/api/v1/students/{}", s.students_a[0]), &s.admin.access, json!({ "class_id": s.class_b }))
        .await;
    let carried = app.mock().state().users[&openid].tags.clone();
    assert!(carried.contains(&other_tag) && !carried.contains(&class_tag), "moved: {carried:?}");

    app.patch(&format!("/api/v1/classes/{}", s.class_a), &s.admin.access, json!({ "mirror_tag": false })).await;
    assert_eq!(tag("计科2301").await, None, "mirroring off deletes the tag");
    app.delete(&format!("/api/v1/classes/{}", s.class_b), &s.admin.access).await;
    assert_eq!(tag("数学2301").await, None, "deleting the class deletes its tag");
}

#[tokio::test]
async fn the_account_tag_limit_is_a_clear_error_and_leaves_mirroring_off() {
    let app = spawn_app().await;
    let s = app.school().await;
    let client = &app.state.wechat.client;
    while client.create_tag(&format!("占位{}", app.platform_tags().await.len())).await.is_ok() {}
    let refused =
        app.patch(&format!("/api/v1/classes/{}", s.class_a), &s.admin.access, json!({ "mirror_tag": true })).await;
    let body = error_body(refused, 409, "tag_limit").await;
    assert!(body["message"].as_str().unwrap().contains("100"), "{body}");
    let class: Value = app.get(&format!("/api/v1/classes/{}", s.class_a), &s.admin.access).await.json().await.unwrap();
    assert_eq!(class["mirror_tag"], false);
}

#[tokio::test]
async fn a_resync_repairs_a_tag_deleted_on_the_platform_and_members_untagged_by_hand() {
    let app = spawn_app().await;
    let s = app.school().await;
    let lilei = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    let hmm = app.bound_follower(&s.admin, s.students_a[1], "2023010102", "韩梅梅").await;
    let stranger = app.follower("路人").await;
    app.patch(&format!("/api/v1/classes/{}", s.class_a), &s.admin.access, json!({ "mirror_tag": true })).await;
    let client = &app.state.wechat.client;
    let tag = app.platform_tags().await.into_iter().find(|(n, _)| n == "计算机2301").unwrap().1;
    // Drift: one member untagged, a stranger tagged by hand, then the tag deleted outright.
    client.untag_followers(tag, std::slice::from_ref(&hmm)).await.unwrap();
    client.tag_followers(tag, std::slice::from_ref(&stranger)).await.unwrap();
    let report: Value = app.post("/api/v1/wechat/tags/resync", &s.admin.access, json!({})).await.json().await.unwrap();
    assert_eq!((report["tagged"].as_u64(), report["tags_created"].as_u64()), (Some(1), Some(0)), "{report}");
    assert!(app.mock().state().users[&stranger].tags.contains(&tag), "strangers keep hand-made tags");

    client.delete_tag(tag).await.unwrap();
    let report: Value = app.post("/api/v1/wechat/tags/resync", &s.admin.access, json!({})).await.json().await.unwrap();
    assert_eq!(report["tags_created"], 1, "{report}");
    let again = app.platform_tags().await.into_iter().find(|(n, _)| n == "计算机2301").unwrap().1;
    for openid in [&lilei, &hmm] {
        assert!(app.mock().state().users[openid].tags.contains(&again));
    }
    error_body(app.post("/api/v1/wechat/tags/resync", &s.teacher_a.access, json!({})).await, 403, "admin_only").await;
}

#[tokio::test]
async fn a_follower_sync_shows_admins_the_followers_bound_to_no_one() {
    let app = spawn_app().await;
    let s = app.school().await;
    app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    let quiet = app.mock().add_follower("从未互动");
    let resp = app.post("/api/v1/followers/sync", &s.admin.access, json!({})).await;
    assert_eq!(resp.status(), 202);
    let mut report = Value::Null;
    for _ in 0..100 {
        report = app.get("/api/v1/followers/sync", &s.admin.access).await.json().await.unwrap();
        if report["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!((report["status"].as_str(), report["followers"].as_u64()), (Some("done"), Some(2)), "{report}");
    let unbound: Value = app.get("/api/v1/followers?bound=false", &s.admin.access).await.json().await.unwrap();
    assert_eq!(unbound["total"], 1);
    assert_eq!(unbound["items"][0]["openid"], quiet);
    let bound: Value = app.get("/api/v1/followers?bound=true", &s.admin.access).await.json().await.unwrap();
    assert_eq!(bound["items"][0]["bound_to"]["name"], "李雷");
    error_body(app.get("/api/v1/followers", &s.teacher_a.access).await, 403, "admin_only").await;
    let remark: Value = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/followers/{quiet}/remark"),
            Some(&s.admin.access),
            Some(json!({ "remark": "家长-王" })),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(remark["remark"], "家长-王");
    assert_eq!(app.sim_user(&quiet).await["remark"], "家长-王");
}

#[tokio::test]
async fn a_class_cadre_sees_their_classmates_on_the_student_pages_and_others_do_not() {
    let app = spawn_app().await;
    let s = app.school().await;
    let monitor = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    let classmate = app.bound_follower(&s.admin, s.students_a[1], "2023010102", "韩梅梅").await;
    let path = format!("/api/v1/classes/{}/cadres", s.class_a);
    app.post(
        &path,
        &s.teacher_a.access,
        json!({ "student_id": s.students_a[0], "title": "班长", "starts_on": "2020-09-01" }),
    )
    .await;

    let token = student_token(&app, &monitor).await;
    let me: Value = app.get("/api/v1/portal/me", &token).await.json().await.unwrap();
    assert_eq!(me["cadre_classes"][0]["name"], "计算机2301");
    let mates: Vec<Value> = app.get("/api/v1/portal/classmates", &token).await.json().await.unwrap();
    assert_eq!(mates.iter().map(|m| m["name"].as_str().unwrap()).collect::<Vec<_>>(), ["李雷", "韩梅梅"]);
    let other = student_token(&app, &classmate).await;
    error_body(app.get("/api/v1/portal/classmates", &other).await, 403, "not_a_cadre").await;
}

#[tokio::test]
async fn with_automatic_remarks_off_binding_leaves_the_remark_alone() {
    let app = spawn_app().await;
    let s = app.school().await;
    let settings: Value =
        app.patch("/api/v1/settings", &s.admin.access, json!({ "auto_remark": false })).await.json().await.unwrap();
    assert_eq!(settings["auto_remark"], false);
    error_body(
        app.patch("/api/v1/settings", &s.teacher_a.access, json!({ "auto_remark": true })).await,
        403,
        "admin_only",
    )
    .await;
    let openid = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.sim_user(&openid).await["remark"], "");
}

#[tokio::test]
async fn a_role_tag_wanted_by_several_requests_at_once_is_made_once_and_shared() {
    let app = spawn_app().await;
    let wanted = (0..6).map(|_| banji::people::tags::role_tag(&app.state, "students"));
    let ids = futures_util::future::join_all(wanted).await;
    let ids: std::collections::BTreeSet<i64> = ids.into_iter().map(|r| r.expect("the role tag")).collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let named: Vec<_> = app.platform_tags().await.into_iter().filter(|(n, _)| n == "学生").collect();
    assert_eq!(named, vec![("学生".to_string(), *ids.first().unwrap())]);
}
