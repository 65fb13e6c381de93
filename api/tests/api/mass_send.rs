//! The mass-send assistant (群发助手): a plain mass message by tag, list or to everyone,
//! its preview to the sender's own WeChat, the quota it shares with notices, drafts for
//! articles, videos, deletion, and the platform's job result — pushed, late, or lost and
//! asked for.

use std::time::Duration;

use banji::db::now_ms;
use banji::wechat::mock::media::{SAMPLE_IMAGE, SAMPLE_VIDEO};
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, spawn_app_with, Session, TestApp};
use crate::inbox_replies::uploaded;

impl TestApp {
    /// Turns on the class's WeChat tag; returns the tag's id as the assistant offers it.
    async fn mirrored(&self, who: &Session, class: i64, name: &str) -> i64 {
        let resp = self.patch(&format!("/api/v1/classes/{class}"), &who.access, json!({ "mirror_tag": true })).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        let targets: Value = self.get("/api/v1/mass/targets", &who.access).await.json().await.unwrap();
        let tag = targets["tags"].as_array().unwrap().iter().find(|t| t["name"] == name).expect("the class's tag");
        tag["tag_id"].as_i64().unwrap()
    }

    async fn mass(&self, who: &Session, message: Value, audience: Value) -> reqwest::Response {
        self.post("/api/v1/mass/sends", &who.access, json!({ "message": message, "audience": audience })).await
    }

    /// Sends and expects the platform to take it; returns the send.
    async fn mass_sent(&self, who: &Session, message: Value, audience: Value) -> Value {
        let resp = self.mass(who, message, audience).await;
        assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
        let send: Value = resp.json().await.unwrap();
        // The platform took it; its result may already be in (it can beat the answer).
        assert!(send["status"] == "submitted" || send["status"] == "success", "{send}");
        send
    }

    async fn mass_send_of(&self, who: &Session, id: i64) -> Value {
        self.get(&format!("/api/v1/mass/sends/{id}"), &who.access).await.json().await.unwrap()
    }

    /// Waits until the send has its job result (counts); returns it.
    async fn mass_finished(&self, who: &Session, id: i64) -> Value {
        for _ in 0..200 {
            let send = self.mass_send_of(who, id).await;
            if send["total"].is_i64() {
                return send;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("mass send {id} got no job result: {}", self.mass_send_of(who, id).await)
    }

    /// The admin's WeChat, bound as a teacher's is (for previews).
    async fn bind_wechat(&self, user_id: i64, nickname: &str) -> String {
        let openid = self.follower(nickname).await;
        sqlx::query(
            "INSERT INTO teacher_profiles (user_id, openid, bound_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (user_id) DO UPDATE SET openid = excluded.openid, bound_at = excluded.bound_at",
        )
        .bind(user_id)
        .bind(&openid)
        .bind(now_ms())
        .execute(self.state.db.pool())
        .await
        .unwrap();
        openid
    }
}

fn text(content: &str) -> Value {
    json!({ "kind": "text", "text": content })
}

fn tag(id: i64) -> Value {
    json!({ "kind": "tag", "tag_id": id })
}

fn mass_items(inbox: &[Value]) -> Vec<&Value> {
    inbox.iter().filter(|m| m["channel"] == "mass").collect()
}

#[tokio::test]
async fn a_mass_message_by_tag_reaches_exactly_the_tags_members_and_the_counts_match_the_platforms_report() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 4, &[]).await;
    let (_, others) = app.bound_class(&admin, "计算机2302", 2, &[]).await;
    let tag_id = app.mirrored(&admin, class, "计算机2301").await;
    // One refuses the account's messages: the platform counts them as an error.
    app.mock().state().users.get_mut(&students[3].1).unwrap().blocked = true;

    let quota: Value = app.post("/api/v1/mass/quota", &admin.access, tag(tag_id)).await.json().await.unwrap();
    assert_eq!((quota["recipients"].as_i64(), quota["over_quota"].as_i64()), (Some(4), Some(0)), "{quota}");
    assert_eq!(
        (quota["rule"].as_str(), quota["limit"].as_i64(), quota["may_send"].as_bool()),
        (Some("per_follower_month"), Some(4), Some(true))
    );

    let send = app.mass_sent(&admin, text("周五下午班会，请准时参加"), tag(tag_id)).await;
    assert_eq!((send["audience"].as_str(), send["audience_name"].as_str()), (Some("tag"), Some("计算机2301")));
    let finished = app.mass_finished(&admin, send["id"].as_i64().unwrap()).await;

    let msg_id = finished["msg_id"].as_i64().unwrap();
    let reported = app.mock().state().mass.results.get(&msg_id).cloned().expect("the platform's result");
    let banji::wechat::Event::MassSendJobFinish { total, filtered, sent, errors, .. } = reported else {
        panic!("a mass result")
    };
    assert_eq!((total, sent, errors, filtered), (4, 3, 1, 0));
    let shown = [&finished["total"], &finished["sent"], &finished["errors"], &finished["filtered"]];
    assert_eq!(shown.map(Value::as_i64), [Some(total), Some(sent), Some(errors), Some(filtered)], "{finished}");
    assert_eq!(finished["status"], "success");
    assert_eq!(finished["platform_status"], "send success");

    for (i, (_, openid)) in students.iter().enumerate() {
        let inbox = app.inbox(openid).await;
        let expected = usize::from(i < 3);
        assert_eq!(mass_items(&inbox).len(), expected, "member {i}: {inbox:?}");
    }
    assert!(mass_items(&app.inbox(&students[0].1).await)[0]["content"] == "周五下午班会，请准时参加");
    for (_, openid) in &others {
        assert!(app.inbox(openid).await.is_empty(), "someone outside the tag received nothing");
    }
    let audit: Value = app.get("/api/v1/audit?action=mass_sent", &admin.access).await.json().await.unwrap();
    assert_eq!(audit["total"], 1);
}

#[tokio::test]
async fn a_preview_goes_only_to_the_senders_own_wechat_and_needs_one() {
    let app = spawn_app().await;
    let (admin_id, admin) = app.signed_in("admin", shared::Role::Admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    app.mirrored(&admin, class, "计算机2301").await;
    let image = uploaded(&app, &admin, "image", "班会.jpg", SAMPLE_IMAGE).await;
    let message = json!({ "kind": "image", "upload_id": image });

    let resp = app.post("/api/v1/mass/preview", &admin.access, json!({ "message": message })).await;
    error_body(resp, 409, "no_bound_wechat").await;

    let mine = app.bind_wechat(admin_id, "王老师").await;
    let resp = app.post("/api/v1/mass/preview", &admin.access, json!({ "message": message })).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let inbox = app.inbox(&mine).await;
    let previews: Vec<&Value> = inbox.iter().filter(|m| m["channel"] == "preview").collect();
    assert_eq!(previews.len(), 1, "{inbox:?}");
    assert_eq!(previews[0]["msg_type"], "image");
    assert!(previews[0]["url"].as_str().is_some_and(|u| u.contains("/sim/media/")), "the picture: {inbox:?}");
    for (_, openid) in &students {
        assert!(app.inbox(openid).await.is_empty(), "a preview reaches nobody else");
    }
    let sends: Value = app.get("/api/v1/mass/sends", &admin.access).await.json().await.unwrap();
    assert_eq!(sends["total"], 0, "a preview is no send");
    let audit: Value = app.get("/api/v1/audit?action=mass_previewed", &admin.access).await.json().await.unwrap();
    assert_eq!(audit["total"], 1);
}

#[tokio::test]
async fn a_teacher_sends_only_to_the_tags_of_their_own_classes_and_sees_their_own_sends() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("zhang").await;
    let (mine, _) = app.bound_class(&admin, "计算机2301", 2, &[teacher_id]).await;
    let (theirs, strangers) = app.bound_class(&admin, "计算机2302", 2, &[]).await;
    let my_tag = app.mirrored(&admin, mine, "计算机2301").await;
    let their_tag = app.mirrored(&admin, theirs, "计算机2302").await;

    let targets: Value = app.get("/api/v1/mass/targets", &teacher.access).await.json().await.unwrap();
    let names: Vec<&str> = targets["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["计算机2301"], "{targets}");
    assert_eq!(targets["all"], false);

    error_body(app.mass(&teacher, text("通知"), tag(their_tag)).await, 404, "unknown_tag").await;
    error_body(app.post("/api/v1/mass/quota", &teacher.access, tag(their_tag)).await, 404, "unknown_tag").await;
    error_body(app.mass(&teacher, text("通知"), json!({ "kind": "all" })).await, 403, "admin_only").await;
    let list = json!({ "kind": "openids", "openids": [strangers[0].1, strangers[1].1] });
    error_body(app.mass(&teacher, text("通知"), list).await, 404, "unknown_follower").await;
    for (_, openid) in &strangers {
        assert!(app.inbox(openid).await.is_empty());
    }

    app.mass_sent(&teacher, text("本班通知"), tag(my_tag)).await;
    app.mass_sent(&admin, text("全体通知"), json!({ "kind": "all" })).await;
    let own: Value = app.get("/api/v1/mass/sends", &teacher.access).await.json().await.unwrap();
    assert_eq!((own["total"].as_i64(), own["items"][0]["summary"].as_str()), (Some(1), Some("本班通知")));
    let all: Value = app.get("/api/v1/mass/sends", &admin.access).await.json().await.unwrap();
    assert_eq!(all["total"], 2);
}

#[tokio::test]
async fn the_monthly_quota_is_shared_with_notices_both_ways_and_a_follower_past_it_is_filtered() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 3, &[]).await;
    let tag_id = app.mirrored(&admin, class, "计算机2301").await;
    // Without a template, notices reach students outside the reply window by mass send.
    let first_two = json!({ "students": [students[0].0, students[1].0] });
    for i in 0..4 {
        let id = app.draft(&admin, &format!("通知{i}"), first_two.clone()).await;
        app.send_notice(&admin, id).await;
        let progress = app.until_sent(&admin, id, 60).await;
        assert_eq!(progress["by_channel"], json!({ "mass": 2 }), "{progress}");
    }

    let quota: Value = app.post("/api/v1/mass/quota", &admin.access, tag(tag_id)).await.json().await.unwrap();
    assert_eq!((quota["recipients"].as_i64(), quota["over_quota"].as_i64()), (Some(3), Some(2)), "{quota}");
    let send = app.mass_sent(&admin, text("第五条"), tag(tag_id)).await;
    let finished = app.mass_finished(&admin, send["id"].as_i64().unwrap()).await;
    assert_eq!((finished["sent"].as_i64(), finished["filtered"].as_i64()), (Some(1), Some(2)), "{finished}");
    assert!(mass_items(&app.inbox(&students[0].1).await).iter().all(|m| m["content"] != "第五条"));

    // Nobody left to reach: refused before the platform is asked.
    let spent = json!({ "kind": "openids", "openids": [students[0].1, students[1].1] });
    error_body(app.mass(&admin, text("再来一条"), spent).await, 409, "mass_quota_used").await;

    // The third student reaches 4 through the assistant; a notice then passes mass over.
    for i in 0..3 {
        let send = app.mass_sent(&admin, text(&format!("群发{i}")), tag(tag_id)).await;
        app.mass_finished(&admin, send["id"].as_i64().unwrap()).await;
    }
    let id = app.draft(&admin, "第五个通知", json!({ "classes": [class] })).await;
    app.send_notice(&admin, id).await;
    app.until_sent(&admin, id, 60).await;
    let rows = app.deliveries(&admin, id).await;
    let third = rows.iter().find(|r| r["openid"] == *students[2].1.as_str()).unwrap();
    let codes: Vec<String> = third["fallback"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{}:{}", r["channel"].as_str().unwrap(), r["code"].as_str().unwrap()))
        .collect();
    assert!(codes.contains(&"mass:monthly_quota".to_string()), "{third}");
}

#[tokio::test]
async fn news_is_made_through_the_draft_api_and_arrives_as_mpnews_and_a_video_as_mpvideo() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let tag_id = app.mirrored(&admin, class, "计算机2301").await;
    let cover = uploaded(&app, &admin, "image", "封面.jpg", SAMPLE_IMAGE).await;
    let news = json!({ "kind": "news", "title": "开学典礼", "description": "九月一日上午", "author": "学工处",
                       "content": "全体新生九月一日上午在礼堂集合。\n请带<学生证>。", "upload_id": cover });
    let send = app.mass_sent(&admin, news, tag(tag_id)).await;
    assert_eq!((send["kind"].as_str(), send["summary"].as_str()), (Some("news"), Some("开学典礼")));

    let item = mass_items(&app.inbox(&students[0].1).await)[0].clone();
    assert_eq!((item["msg_type"].as_str(), item["title"].as_str()), (Some("mpnews"), Some("开学典礼")), "{item}");
    let draft: String = sqlx::query_scalar("SELECT media_id FROM mass_sends WHERE id = $1")
        .bind(send["id"].as_i64().unwrap())
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(item["raw"]["mpnews"]["media_id"], *draft.as_str(), "the draft's media_id was sent");
    let articles = app.state.wechat.client.draft(&draft).await.unwrap();
    assert_eq!(articles[0].content, "<p>全体新生九月一日上午在礼堂集合。</p><p>请带&lt;学生证&gt;。</p>");
    assert_eq!((articles[0].author.as_str(), articles[0].digest.as_str()), ("学工处", "九月一日上午"));

    let video = uploaded(&app, &admin, "video", "军训.mp4", SAMPLE_VIDEO).await;
    let clip = json!({ "kind": "video", "title": "军训回顾", "upload_id": video });
    app.mass_sent(&admin, clip, tag(tag_id)).await;
    let items = mass_items(&app.inbox(&students[1].1).await).into_iter().cloned().collect::<Vec<_>>();
    assert_eq!((items[1]["msg_type"].as_str(), items[1]["title"].as_str()), (Some("mpvideo"), Some("军训回顾")));
}

#[tokio::test]
async fn a_sent_mass_message_is_deleted_on_wechat_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, _) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let tag_id = app.mirrored(&admin, class, "计算机2301").await;
    let send = app.mass_sent(&admin, text("发错了"), tag(tag_id)).await;
    let id = send["id"].as_i64().unwrap();
    app.mass_finished(&admin, id).await;

    let resp = app.delete(&format!("/api/v1/mass/sends/{id}"), &admin.access).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let deleted = app.mass_send_of(&admin, id).await;
    assert_eq!(deleted["status"], "deleted");
    assert!(deleted["deleted_at"].is_string());
    let msg_id = deleted["msg_id"].as_i64().unwrap();
    assert_eq!(app.state.wechat.client.mass_status(msg_id).await.unwrap().msg_status, "DELETE");
    error_body(app.delete(&format!("/api/v1/mass/sends/{id}"), &admin.access).await, 409, "already_deleted").await;
    let audit: Value = app.get("/api/v1/audit?action=mass_deleted", &admin.access).await.json().await.unwrap();
    assert_eq!(audit["total"], 1);
}

#[tokio::test]
async fn a_job_result_that_never_came_is_asked_for_and_a_late_one_still_fills_the_counts() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, _) = app.bound_class(&admin, "计算机2301", 3, &[]).await;
    let tag_id = app.mirrored(&admin, class, "计算机2301").await;
    app.mock().state().mass.lose_results = true;

    // The console's 刷新 asks the platform at once.
    let first = app.mass_sent(&admin, text("第一条"), tag(tag_id)).await;
    let first_id = first["id"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.mass_send_of(&admin, first_id).await["status"], "submitted", "no result came");
    let checked: Value =
        app.post(&format!("/api/v1/mass/sends/{first_id}/check"), &admin.access, json!({})).await.json().await.unwrap();
    assert_eq!(
        (checked["status"].as_str(), checked["platform_status"].as_str()),
        (Some("success"), Some("SEND_SUCCESS"))
    );
    assert!(checked["total"].is_null(), "mass/get gives no counts: {checked}");

    // Each replica's follower asks about sends still waiting.
    let second = app.mass_sent(&admin, text("第二条"), tag(tag_id)).await;
    let second_id = second["id"].as_i64().unwrap();
    let asked = banji::mass::results::ask_overdue(&app.state, 0, 0).await.unwrap();
    assert_eq!(asked, 1);
    assert_eq!(app.mass_send_of(&admin, second_id).await["status"], "success");

    // The platform's push arrives after all: the counts are filled in.
    assert!(app.mock().push_mass_result(first["msg_id"].as_i64().unwrap()));
    let late = app.mass_finished(&admin, first_id).await;
    assert_eq!(
        (late["status"].as_str(), late["sent"].as_i64(), late["total"].as_i64()),
        (Some("success"), Some(3), Some(3))
    );
}

#[tokio::test]
async fn bad_input_is_a_4xx_with_a_code() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("li").await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[teacher_id]).await;
    let tag_id = app.mirrored(&admin, class, "计算机2301").await;

    let body = error_body(app.mass(&admin, text("  "), tag(tag_id)).await, 422, "validation_failed").await;
    assert!(body["fields"]["message.text"].is_string(), "{body}");
    error_body(app.mass(&admin, text("通知"), tag(987_654)).await, 404, "unknown_tag").await;
    let one = json!({ "kind": "openids", "openids": [students[0].1] });
    let body = error_body(app.mass(&admin, text("通知"), one).await, 422, "validation_failed").await;
    assert!(body["fields"]["audience.openids"].is_string(), "{body}");
    error_body(app.mass(&admin, json!({ "kind": "music" }), tag(tag_id)).await, 422, "validation_failed").await;
    let body =
        error_body(app.mass(&admin, json!({ "kind": "image" }), tag(tag_id)).await, 422, "validation_failed").await;
    assert!(body["fields"]["message.upload_id"].is_string(), "{body}");
    error_body(app.mass(&admin, text("通知"), json!({ "kind": "everyone" })).await, 422, "validation_failed").await;
    // Someone else's upload is not there for you.
    let theirs = uploaded(&app, &admin, "image", "a.jpg", SAMPLE_IMAGE).await;
    let image = json!({ "kind": "image", "upload_id": theirs });
    error_body(app.mass(&teacher, image.clone(), tag(tag_id)).await, 404, "not_found").await;
    // A voice message with a picture is the wrong file.
    let voice = json!({ "kind": "voice", "upload_id": theirs });
    error_body(app.mass(&admin, voice, tag(tag_id)).await, 422, "validation_failed").await;
    // Only what WeChat sent can be deleted; nothing was recorded for the refusals above.
    let sends: Value = app.get("/api/v1/mass/sends", &admin.access).await.json().await.unwrap();
    assert_eq!(sends["total"], 0);
    error_body(app.delete("/api/v1/mass/sends/1", &admin.access).await, 404, "not_found").await;
    for (_, openid) in &students {
        assert!(app.inbox(openid).await.is_empty());
    }
}

#[tokio::test]
async fn a_subscription_account_mass_sends_once_a_day_and_never_to_a_list() {
    let app = spawn_app_with(&[("WECHAT_ACCOUNT_KIND", "subscription")]).await;
    let admin = app.admin().await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let tag_id = app.mirrored(&admin, class, "计算机2301").await;
    let targets: Value = app.get("/api/v1/mass/targets", &admin.access).await.json().await.unwrap();
    assert_eq!(targets["lists"], false);
    let list = json!({ "kind": "openids", "openids": [students[0].1, students[1].1] });
    error_body(app.mass(&admin, text("通知"), list).await, 409, "account_kind").await;

    let quota: Value = app.post("/api/v1/mass/quota", &admin.access, tag(tag_id)).await.json().await.unwrap();
    assert_eq!((quota["rule"].as_str(), quota["sent_today"].as_i64()), (Some("per_account_day"), Some(0)));
    app.mass_sent(&admin, text("今日通知"), tag(tag_id)).await;
    let quota: Value = app.post("/api/v1/mass/quota", &admin.access, tag(tag_id)).await.json().await.unwrap();
    assert_eq!((quota["sent_today"].as_i64(), quota["may_send"].as_bool()), (Some(1), Some(false)));
    error_body(app.mass(&admin, text("第二条"), tag(tag_id)).await, 409, "mass_quota_used").await;
}
