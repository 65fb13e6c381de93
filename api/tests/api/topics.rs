//! 话题: teachers open topics for everyone or some classes; students post by 「#话题 …」 in
//! WeChat or on the page, anonymously where allowed (never to teachers); the word list holds
//! a post for review; reports join the queue; teachers approve, hide, pin, lock and mute;
//! posting is throttled.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, Session, TestApp};
use crate::oauth_helpers::student_token;

async fn said(app: &TestApp, openid: &str, text: &str) -> String {
    let answer = app.say(openid, json!({ "type": "text", "content": text })).await;
    answer["reply"]["content"].as_str().unwrap_or_default().to_string()
}

async fn open_topic(app: &TestApp, who: &Session, body: Value) -> Value {
    let resp = app.post("/api/v1/topics", &who.access, body).await;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

async fn page(app: &TestApp, token: &str, topic: i64) -> Value {
    let resp = app.get(&format!("/api/v1/portal/topics/{topic}"), token).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

async fn write(app: &TestApp, token: &str, topic: i64, body: Value) -> reqwest::Response {
    app.request(Method::POST, &format!("/api/v1/portal/topics/{topic}/posts"), Some(token), Some(body)).await
}

fn bodies(page: &Value) -> Vec<String> {
    page["posts"].as_array().unwrap().iter().map(|p| p["body"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_student_posts_by_hash_in_wechat_to_a_topic_of_their_class_and_others_cannot_join_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, ours) = app.bound_class(&admin, "计算机2501", 2, &[]).await;
    let (_, theirs) = app.bound_class(&admin, "计算机2502", 1, &[]).await;
    let topic =
        open_topic(&app, &admin, json!({ "title": "毕业季", "description": "说说你的毕业心愿", "classes": [class] }))
            .await;
    let id = topic["id"].as_i64().unwrap();

    let listed = said(&app, &ours[0].1, "#").await;
    assert!(listed.contains("#毕业季") && listed.contains(&format!("next=/s/topics/{id}")), "{listed}");
    assert_eq!(said(&app, &ours[0].1, "话题").await, listed);
    let answer = said(&app, &ours[0].1, "#毕业季 我想去西藏旅行").await;
    assert!(answer.starts_with("已发到话题「毕业季」") && answer.contains(&format!("next=/s/topics/{id}")), "{answer}");
    let answer = said(&app, &ours[0].1, "#不存在 随便说说").await;
    assert!(answer.starts_with("没有找到话题「不存在」") && answer.contains("#毕业季"), "{answer}");

    // Another class does not see it, by message or on the page.
    let answer = said(&app, &theirs[0].1, "#毕业季 我也想说").await;
    assert!(answer.starts_with("没有找到话题「毕业季」") && !answer.contains("#毕业季 "), "{answer}");
    let outsider = student_token(&app, &theirs[0].1).await;
    assert_eq!(app.get(&format!("/api/v1/portal/topics/{id}"), &outsider).await.status(), StatusCode::NOT_FOUND);
    let list: Vec<Value> = app.get("/api/v1/portal/topics", &outsider).await.json().await.unwrap();
    assert!(list.is_empty());

    // A classmate sees it on the page, with its author's name and class.
    let classmate = student_token(&app, &ours[1].1).await;
    let shown = page(&app, &classmate, id).await;
    assert_eq!(bodies(&shown), vec!["我想去西藏旅行"]);
    assert_eq!(shown["posts"][0]["class_name"], "计算机2501");
    assert_eq!(shown["topic"]["posts"], 1);
    let activity: Value = app.get(&format!("/api/v1/topics/{id}/activity"), &admin.access).await.json().await.unwrap();
    assert_eq!(activity["classes"], json!([{ "label": "计算机2501", "posts": 1, "participants": 1 }]));
    assert_eq!(activity["days"][0]["posts"], 1);
    // A follower bound to no one is asked to bind.
    let stranger = app.follower("路人").await;
    assert!(said(&app, &stranger, "#毕业季 你好").await.contains("请先绑定学号"));
}

#[tokio::test]
async fn anonymous_posts_hide_the_author_from_students_but_never_from_teachers() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2503", 2, &[]).await;
    let open =
        open_topic(&app, &admin, json!({ "title": "树洞", "anonymous_allowed": true })).await["id"].as_i64().unwrap();
    let named = open_topic(&app, &admin, json!({ "title": "实名讨论" })).await["id"].as_i64().unwrap();
    let (writer, reader) = (student_token(&app, &students[0].1).await, student_token(&app, &students[1].1).await);

    let resp = write(&app, &writer, open, json!({ "body": "最近压力好大", "anonymous": true })).await;
    assert_eq!(resp.status(), 201);
    let mine: Value = resp.json().await.unwrap();
    assert!(mine["mine"].as_bool().unwrap() && mine["author"] != "匿名同学", "the author sees their own name: {mine}");
    let seen = page(&app, &reader, open).await;
    assert_eq!((seen["posts"][0]["author"].as_str(), seen["posts"][0].get("class_name")), (Some("匿名同学"), None));
    let console: Value = app.get(&format!("/api/v1/topics/{open}/posts"), &admin.access).await.json().await.unwrap();
    assert_eq!(console["posts"][0]["author"], mine["author"], "teachers see who wrote it");
    assert_eq!(console["posts"][0]["anonymous"], true);

    // The export names the author of an anonymous post: teachers answer for what is said.
    let csv = app.get(&format!("/api/v1/topics/{open}/export"), &admin.access).await.text().await.unwrap();
    let line = csv.lines().find(|l| l.contains("最近压力好大")).expect("the post is exported");
    assert!(line.contains(mine["author"].as_str().unwrap()) && line.contains(",是,"), "{line}");

    let refused = write(&app, &writer, named, json!({ "body": "匿名试试", "anonymous": true })).await;
    let body = error_body(refused, 422, "validation_failed").await;
    assert!(body["fields"]["anonymous"].is_string(), "{body}");
}

#[tokio::test]
async fn the_word_list_holds_a_post_until_a_teacher_approves_it_and_a_report_leads_to_hiding() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2504", 2, &[]).await;
    let id = open_topic(&app, &admin, json!({ "title": "食堂" })).await["id"].as_i64().unwrap();
    let resp = app
        .request(
            Method::PUT,
            "/api/v1/topics/words",
            Some(&admin.access),
            Some(json!({ "words": ["垃圾", " 垃圾 ", "SB"] })),
        )
        .await;
    assert_eq!(resp.json::<Value>().await.unwrap(), json!({ "words": ["SB", "垃圾"] }));
    let (writer, reader) = (student_token(&app, &students[0].1).await, student_token(&app, &students[1].1).await);

    let held: Value = write(&app, &writer, id, json!({ "body": "今天的菜像垃圾" })).await.json().await.unwrap();
    assert_eq!(held["status"], "held");
    assert_eq!(bodies(&page(&app, &writer, id).await), vec!["今天的菜像垃圾"], "the author sees it, held");
    assert!(bodies(&page(&app, &reader, id).await).is_empty(), "nobody else does");
    // By WeChat too: the answer says it waits for review.
    assert!(said(&app, &students[0].1, "#食堂 sb 食堂").await.starts_with("已提交到「食堂」，老师审核后显示"));

    let queue: Vec<Value> = app.get("/api/v1/topics/queue", &admin.access).await.json().await.unwrap();
    assert_eq!(queue.len(), 2);
    assert_eq!(queue[0]["held_for"], "垃圾");
    let review = |post: &Value, action: &str| {
        let (path, body) = (format!("/api/v1/topics/posts/{}/review", post["id"]), json!({ "action": action }));
        let (app, token) = (&app, admin.access.clone());
        async move { app.post(&path, &token, body).await }
    };
    assert_eq!(review(&queue[0], "approve").await.status(), 200);
    assert_eq!(bodies(&page(&app, &reader, id).await), vec!["今天的菜像垃圾"]);

    // The reader reports it (twice counts once); hiding it takes it off the page.
    let shown = page(&app, &reader, id).await;
    let post = shown["posts"][0]["id"].as_i64().unwrap();
    for _ in 0..2 {
        let resp = app
            .post(&format!("/api/v1/portal/topics/posts/{post}/report"), &reader, json!({ "reason": "不文明" }))
            .await;
        assert_eq!(resp.status(), 204);
    }
    let queue: Vec<Value> = app.get("/api/v1/topics/queue", &admin.access).await.json().await.unwrap();
    let reported = queue.iter().find(|p| p["id"] == post).expect("the reported post is in the queue");
    assert_eq!(reported["open_reports"], 1);
    assert_eq!(review(reported, "hide").await.status(), 200);
    assert!(bodies(&page(&app, &reader, id).await).is_empty());
    let log: Value = app.get("/api/v1/audit?action=topic_post_hidden", &admin.access).await.json().await.unwrap();
    assert_eq!(log["items"].as_array().map(Vec::len), Some(1), "{log}");
}

#[tokio::test]
async fn likes_replies_pins_locks_mutes_and_the_rate_limit() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2505", 2, &[]).await;
    let id = open_topic(&app, &admin, json!({ "title": "运动会" })).await["id"].as_i64().unwrap();
    let (a, b) = (student_token(&app, &students[0].1).await, student_token(&app, &students[1].1).await);
    let first: Value = write(&app, &a, id, json!({ "body": "我报了800米" })).await.json().await.unwrap();
    let second: Value = write(&app, &a, id, json!({ "body": "谁一起练跑步" })).await.json().await.unwrap();
    let reply = write(&app, &b, id, json!({ "body": "加油！", "parent_id": first["id"] })).await;
    assert_eq!(reply.status(), 201);
    let liked: Value = app
        .request(Method::PUT, &format!("/api/v1/portal/topics/posts/{}/like", first["id"]), Some(&b), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((liked["likes"].as_i64(), liked["liked"].as_bool()), (Some(1), Some(true)));
    app.request(Method::PUT, &format!("/api/v1/portal/topics/posts/{}/like", first["id"]), Some(&b), None).await;

    // Newest first; hottest first; a pinned post above both.
    assert_eq!(bodies(&page(&app, &b, id).await), vec!["谁一起练跑步", "我报了800米"]);
    let hot: Value = app.get(&format!("/api/v1/portal/topics/{id}?sort=hot"), &b).await.json().await.unwrap();
    assert_eq!(bodies(&hot), vec!["我报了800米", "谁一起练跑步"]);
    assert_eq!(hot["posts"][0]["likes"], 1, "a second like by the same student does not count");
    assert_eq!(hot["posts"][0]["replies"][0]["body"], "加油！");
    app.post(&format!("/api/v1/topics/posts/{}/review", first["id"]), &admin.access, json!({ "action": "pin" })).await;
    assert_eq!(bodies(&page(&app, &b, id).await)[0], "我报了800米");
    let _ = second;

    // Muted: reads, may not post.
    let mute = json!({ "student_id": students[1].0, "minutes": 60 });
    assert_eq!(app.post(&format!("/api/v1/topics/{id}/mutes"), &admin.access, mute).await.status(), 204);
    error_body(write(&app, &b, id, json!({ "body": "我被禁言了吗" })).await, 403, "muted").await;
    assert!(page(&app, &b, id).await["muted_until"].is_string());

    // Posting fast: the sixth in a minute is refused (three written above).
    for i in 0..3 {
        assert_eq!(write(&app, &a, id, json!({ "body": format!("第{i}条") })).await.status(), 201);
    }
    error_body(write(&app, &a, id, json!({ "body": "太快了" })).await, 429, "rate_limited").await;

    // Locked: nobody posts.
    let resp = app
        .request(Method::PATCH, &format!("/api/v1/topics/{id}"), Some(&admin.access), Some(json!({ "locked": true })))
        .await;
    assert_eq!(resp.status(), 200);
    let other = open_topic(&app, &admin, json!({ "title": "另一个" })).await["id"].as_i64().unwrap();
    assert_eq!(write(&app, &a, other, json!({ "body": "这里可以" })).await.status(), 429, "the limit is the student's");
    let (_, more) = app.bound_class(&admin, "计算机2506", 1, &[]).await;
    let c = student_token(&app, &more[0].1).await;
    error_body(write(&app, &c, id, json!({ "body": "锁了吗" })).await, 409, "topic_locked").await;
}

#[tokio::test]
async fn a_students_proposal_waits_for_a_teacher_and_only_a_topics_teacher_or_an_admin_moderates_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, wang) = app.teacher("wang").await;
    let (_, li) = app.teacher("li").await;
    let (class, students) = app.bound_class(&admin, "计算机2507", 1, &[]).await;
    let token = student_token(&app, &students[0].1).await;
    let proposed =
        app.post("/api/v1/portal/topics", &token, json!({ "title": "考研", "description": "一起交流" })).await;
    assert_eq!(proposed.status(), 201);
    let proposed: Value = proposed.json().await.unwrap();
    assert_eq!((proposed["status"].as_str(), proposed["classes"].clone()), (Some("proposed"), json!([class])));
    let list: Vec<Value> = app.get("/api/v1/portal/topics", &token).await.json().await.unwrap();
    assert!(list.is_empty(), "a proposal is not open");
    let path = format!("/api/v1/topics/{}", proposed["id"]);
    let approved: Value = app
        .request(Method::PATCH, &path, Some(&wang.access), Some(json!({ "status": "open" })))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(approved["status"], "open");
    assert!(approved["owner"].as_str().unwrap().starts_with("wang"), "{approved}");
    let list: Vec<Value> = app.get("/api/v1/portal/topics", &token).await.json().await.unwrap();
    assert_eq!(list.len(), 1);
    // Another teacher does not moderate wang's topic; an admin does.
    let refused = app.request(Method::PATCH, &path, Some(&li.access), Some(json!({ "locked": true }))).await;
    error_body(refused, 403, "not_yours").await;
    let export = app.get(&format!("{path}/export"), &admin.access).await;
    assert_eq!(export.status(), 200);
}

#[tokio::test]
async fn a_post_carries_up_to_three_pictures_seen_by_whoever_may_see_the_post() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, ours) = app.bound_class(&admin, "计算机2508", 2, &[]).await;
    let (_, theirs) = app.bound_class(&admin, "计算机2509", 1, &[]).await;
    let id = open_topic(&app, &admin, json!({ "title": "校园随拍", "classes": [class] })).await["id"].as_i64().unwrap();
    let (writer, reader, outsider) = (
        student_token(&app, &ours[0].1).await,
        student_token(&app, &ours[1].1).await,
        student_token(&app, &theirs[0].1).await,
    );
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[7u8; 64]].concat();
    let jpeg = [[0xFFu8, 0xD8, 0xFF, 0xE0].as_slice(), &[9u8; 64]].concat();
    let upload = |token: &str, bytes: Vec<u8>| {
        let request = app
            .client
            .post(app.url(&format!("/api/v1/portal/topics/{id}/images")))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(bytes);
        async move { request.send().await.unwrap() }
    };
    let body = error_body(upload(&writer, b"just text".to_vec()).await, 422, "validation_failed").await;
    assert!(body["fields"]["file"].is_string(), "{body}");
    assert_eq!(upload(&outsider, png.clone()).await.status(), 404, "a topic of another class");
    let mut kept = Vec::new();
    for bytes in [png.clone(), jpeg.clone(), png.clone(), jpeg.clone()] {
        let resp = upload(&writer, bytes).await;
        assert_eq!(resp.status(), 201);
        kept.push(resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let four = write(&app, &writer, id, json!({ "body": "四张", "images": kept })).await;
    error_body(four, 422, "validation_failed").await;
    let others = write(&app, &reader, id, json!({ "body": "用别人的图", "images": [kept[0]] })).await;
    error_body(others, 422, "validation_failed").await;

    let post: Value = write(&app, &writer, id, json!({ "body": "图书馆的银杏", "images": [kept[0], kept[1]] }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(post["images"], json!([kept[0], kept[1]]));
    let seen = page(&app, &reader, id).await;
    assert_eq!(seen["posts"][0]["images"], json!([kept[0], kept[1]]));
    let picture = app.get(&format!("/api/v1/portal/topics/images/{}", kept[1]), &reader).await;
    assert_eq!(picture.status(), 200);
    assert_eq!(picture.bytes().await.unwrap().to_vec(), jpeg);
    assert_eq!(app.get(&format!("/api/v1/portal/topics/images/{}", kept[1]), &outsider).await.status(), 404);
    assert_eq!(
        app.get(&format!("/api/v1/portal/topics/images/{}", kept[2]), &reader).await.status(),
        404,
        "not in a post yet"
    );
    assert_eq!(
        app.get(&format!("/api/v1/portal/topics/images/{}", kept[2]), &writer).await.status(),
        200,
        "its uploader sees it"
    );
    assert_eq!(app.get(&format!("/api/v1/topics/images/{}", kept[0]), &admin.access).await.status(), 200);
    // A picture no post took is forgotten a day later, at the student's next upload.
    sqlx::query("UPDATE topic_images SET created_at = created_at - 2 * 86400000 WHERE id = $1")
        .bind(kept[3])
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(upload(&writer, png.clone()).await.status(), 201);
    assert_eq!(app.get(&format!("/api/v1/portal/topics/images/{}", kept[3]), &writer).await.status(), 404);
    // Used once: a picture already in a post is not another post's.
    let again = write(&app, &writer, id, json!({ "body": "再发一次", "images": [kept[0]] })).await;
    error_body(again, 422, "validation_failed").await;
}
