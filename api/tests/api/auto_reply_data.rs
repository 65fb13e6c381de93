//! Auto-replies beyond matching: teachers managing theirs from WeChat, what each rule
//! answered and what nothing answered, the try-it box, spreadsheets, menu clicks and the
//! welcome, random replies, and a change made on one replica answering on another.

use std::time::Duration;

use serde_json::{json, Value};

use banji::wechat::Reply;

use crate::auto_replies::{answer, create, rule, wire};
use crate::helpers::{Session, TestApp};
use crate::teacher_binding::ticket_of;

/// Binds a new WeChat to the teacher; its openid.
pub async fn bound_wechat(app: &TestApp, teacher: &Session) -> String {
    let shown: Value = app.get("/api/v1/me/wechat", &teacher.access).await.json().await.unwrap();
    let wechat = app.follower("老师的微信").await;
    app.say(&wechat, json!({ "type": "scan", "ticket": ticket_of(shown["qr_image_url"].as_str().unwrap()) })).await;
    wechat
}

#[tokio::test]
async fn a_bound_teacher_adds_lists_switches_and_deletes_their_replies_from_wechat() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (wang_id, wang) = app.teacher("wang").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[wang_id]).await;
    let student = &students[0].1;
    let phone = bound_wechat(&app, &wang).await;

    let added = answer(&app, &phone, "添加回复 奖学金 材料周五前交到学工办。").await;
    assert!(added.starts_with("已添加"), "{added}");
    assert_eq!(answer(&app, student, "奖学金怎么申请").await, "材料周五前交到学工办。");
    assert!(answer(&app, &phone, "添加回复 奖学金 材料下周一前交。").await.starts_with("已更新"));
    assert_eq!(answer(&app, student, "奖学金").await, "材料下周一前交。");
    app.state.wechat.log.flush().await;

    let listed = answer(&app, &phone, "我的回复").await;
    assert!(listed.contains("已开启") && listed.contains("1. 奖学金 → 材料下周一前交。（命中 2 次）"), "{listed}");
    assert!(answer(&app, &phone, "关闭自动回复").await.starts_with("已关闭"));
    assert_eq!(answer(&app, student, "奖学金").await, "已收到。发送「帮助」查看可用指令。");
    assert!(answer(&app, &phone, "开启自动回复").await.starts_with("已开启"));
    assert_eq!(answer(&app, student, "奖学金").await, "材料下周一前交。");
    assert!(answer(&app, &phone, "删除回复 奖学金").await.starts_with("已删除"));
    assert_eq!(answer(&app, student, "奖学金").await, "已收到。发送「帮助」查看可用指令。");
    assert!(answer(&app, &phone, "删除回复 奖学金").await.starts_with("没有找到"));

    // The same rules in the console; a student may not use the commands.
    let mine: Value = app.get("/api/v1/auto-replies?filter=mine", &wang.access).await.json().await.unwrap();
    assert!(mine["rules"].as_array().unwrap().is_empty());
    assert!(answer(&app, student, "添加回复 作业 明天交").await.starts_with("只有绑定了微信的老师"));
    let audit: Value = app.get("/api/v1/audit?action=auto_rule_saved", &admin.access).await.json().await.unwrap();
    assert!(audit["items"].as_array().unwrap().iter().all(|e| e["channel"] == "wechat"), "{audit}");
}

#[tokio::test]
async fn each_rule_counts_what_it_answered_by_day_and_unanswered_questions_are_grouped() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (wang_id, wang) = app.teacher("wang").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 2, &[wang_id]).await;
    let (_, others) = app.bound_class(&admin, "软件2402", 1, &[]).await;
    let saved = create(&app, &admin, rule("account", "contains", &["奖学金"], &["见学工处通知。"])).await;
    for (openid, text) in [
        (&students[0].1, "奖学金"),
        (&students[1].1, "奖学金什么时候发"),
        (&others[0].1, "奖学金"),
        (&students[0].1, "图书馆几点关门？"),
        (&students[1].1, "图书馆几点关门"),
        (&students[1].1, "请问图书馆几点关门呀"),
        (&others[0].1, "图书馆几点关门"),
        (&students[0].1, "食堂在哪"),
    ] {
        answer(&app, openid, text).await;
    }
    app.state.wechat.log.flush().await;

    let rule_now: Value =
        app.get(&format!("/api/v1/auto-replies/rules/{}", saved["id"]), &admin.access).await.json().await.unwrap();
    assert_eq!(rule_now["hits"], 3);
    assert!(rule_now["last_hit_at"].is_string());
    let hits: Value =
        app.get(&format!("/api/v1/auto-replies/rules/{}/hits", saved["id"]), &admin.access).await.json().await.unwrap();
    assert_eq!(hits["days"].as_array().unwrap().len(), 1);
    assert_eq!(hits["days"][0]["count"], 3);
    assert_eq!(hits["messages"][0]["text"], "奖学金");
    // A teacher sees only their own students' messages.
    let theirs: Value =
        app.get(&format!("/api/v1/auto-replies/rules/{}/hits", saved["id"]), &wang.access).await.json().await.unwrap();
    assert_eq!(theirs["days"][0]["count"], 2);

    let groups: Value = app.get("/api/v1/auto-replies/unanswered", &admin.access).await.json().await.unwrap();
    assert_eq!(groups[0]["count"], 4, "{groups}");
    assert_eq!(groups[0]["text"], "图书馆几点关门");
    assert_eq!(groups[1]["text"], "食堂在哪");
    let keyword = groups[0]["suggested_keyword"].as_str().unwrap().to_string();
    assert!(keyword.contains("图书馆"), "{keyword}");
    let mine: Value = app.get("/api/v1/auto-replies/unanswered", &wang.access).await.json().await.unwrap();
    assert_eq!(mine[0]["count"], 3, "not another teacher's student");

    // A rule made from the question answers it from then on.
    create(&app, &wang, rule("mine", "contains", &[&keyword], &["图书馆 22:00 关门。"])).await;
    assert_eq!(answer(&app, &students[0].1, "图书馆几点关门").await, "图书馆 22:00 关门。");
}

#[tokio::test]
async fn the_try_it_box_names_the_command_or_rule_that_answers_and_its_exact_replies() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (wang_id, wang) = app.teacher("wang").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[wang_id]).await;
    let no: String = sqlx::query_scalar("SELECT student_no FROM students WHERE openid = $1")
        .bind(&students[0].1)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let saved =
        create(&app, &wang, rule("mine", "contains", &["请假"], &["{姓名}，请假找我。", "假条模板见群文件。"])).await;
    let tried = |body: Value| {
        let app = &app;
        let wang = &wang;
        async move {
            let resp = app.post("/api/v1/auto-replies/try", &wang.access, body).await;
            assert_eq!(resp.status(), 200);
            resp.json::<Value>().await.unwrap()
        }
    };
    let help = tried(json!({ "event": "text", "text": "帮助", "sender": "student" })).await;
    assert_eq!((help["answered_by"].as_str(), help["builtin"].as_str()), (Some("builtin"), Some("显示可用指令")));
    let by_rule = tried(json!({ "event": "text", "text": "明天想请假", "sender": "student", "student_no": no })).await;
    assert_eq!(by_rule["answered_by"], "rule");
    assert_eq!(by_rule["rule_id"], saved["id"]);
    assert!(by_rule["replies"][0]["text"].as_str().unwrap().ends_with("，请假找我。"));
    assert_eq!(by_rule["replies"][1]["channel"], "customer_service");
    let unbound = tried(json!({ "event": "text", "text": "明天想请假", "sender": "unbound" })).await;
    assert_eq!(unbound["answered_by"], "none", "a teacher's rule answers their students only");

    // The rule being edited, before it is saved.
    let mut draft = rule("mine", "exact", &["病假"], &["病假需要医院证明。"]);
    draft["reply_mode"] = json!("random");
    let drafted = tried(json!({ "event": "text", "text": "病假", "sender": "student", "draft": draft })).await;
    assert_eq!((drafted["answered_by"].as_str(), drafted["random"].as_bool()), (Some("draft"), Some(true)));
    let replaced = tried(json!({ "event": "text", "text": "明天想请假", "sender": "student",
                                 "draft": draft, "draft_id": saved["id"] }))
    .await;
    assert_eq!(replaced["answered_by"], "none", "the saved rule as the draft changes it");
    // Nothing was sent or counted.
    app.state.wechat.log.flush().await;
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM auto_rule_hits").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(n, 0);
    let bad = app
        .post(
            "/api/v1/auto-replies/try",
            &wang.access,
            json!({ "event": "text", "text": "x", "sender": "student", "student_no": "nobody" }),
        )
        .await;
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn rules_export_as_a_spreadsheet_and_import_back_updating_those_of_the_same_name() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let mut body = rule("account", "contains", &["奖学金", "助学金"], &["材料周五前交。", "详见通知。"]);
    body["window_start"] = json!("08:00");
    body["window_end"] = json!("18:00");
    create(&app, &admin, body).await;
    let csv = app.get("/api/v1/auto-replies/export", &admin.access).await.text().await.unwrap();
    assert!(csv.contains("奖学金,包含,奖学金 | 助学金"), "{csv}");
    assert!(csv.contains("08:00-18:00"));
    // The two replies share one quoted cell over three lines: the rows after it are 5 and 6.
    let changed =
        csv.replace("材料周五前交。", "材料周一前交。") + "宿舍,开头,宿舍,宿舍报修拨 8888,依次,是,,\n坏,像,x,y,,,,\n";
    let resp = app
        .client
        .post(app.url("/api/v1/auto-replies/import?scope=account"))
        .bearer_auth(&admin.access)
        .header("content-type", "application/octet-stream")
        .body(changed.into_bytes())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let outcome: Value = resp.json().await.unwrap();
    assert_eq!((outcome["created"].as_i64(), outcome["updated"].as_i64()), (Some(1), Some(1)));
    assert!(outcome["problems"][0].as_str().unwrap().starts_with("第 6 行：匹配方式不认识"), "{outcome}");
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[]).await;
    assert_eq!(answer(&app, &students[0].1, "宿舍漏水").await, "宿舍报修拨 8888");
    let xlsx = app.get("/api/v1/auto-replies/export?format=xlsx", &admin.access).await.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"));
}

#[tokio::test]
async fn a_menu_click_and_a_follow_get_their_rules_and_a_random_rule_sends_one_of_its_replies() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    create(&app, &admin, rule("account", "click", &["FAQ"], &["常见问题见官网。"])).await;
    create(&app, &admin, rule("account", "follow", &[], &["欢迎关注计算机学院！"])).await;
    let mut random = rule("account", "exact", &["抽签"], &["一", "二", "三"]);
    random["reply_mode"] = json!("random");
    create(&app, &admin, random).await;
    let follower = app.follower("新同学").await;
    let clicked = app.say(&follower, json!({ "type": "event", "event": "CLICK", "event_key": "FAQ" })).await;
    assert_eq!(clicked["reply"]["content"], "常见问题见官网。");
    let followed = app.say(&follower, json!({ "type": "subscribe" })).await;
    assert_eq!(followed["reply"]["content"], "欢迎关注计算机学院！");
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..30 {
        seen.insert(answer(&app, &follower, "抽签").await);
    }
    assert!(seen.len() >= 2 && seen.iter().all(|s| ["一", "二", "三"].contains(&s.as_str())), "{seen:?}");
    app.settled().await;
    let custom = app.inbox(&follower).await.iter().filter(|m| m["channel"] == "custom").count();
    assert_eq!(custom, 0, "one reply each time, none after it");
}

#[tokio::test]
async fn a_rule_changed_on_one_replica_answers_on_the_other() {
    let app = crate::helpers::spawn_app().await;
    if !app.state.kv.is_shared() {
        eprintln!("REDIS_URL unset: replicas do not share a Kv; this runs in the PostgreSQL + Redis pass");
        return;
    }
    // The other replica shares the database and Redis; the platform posts to it directly.
    let other = app.replica().await;
    let admin = app.admin().await;
    let stranger = "oStrangerOfTheOtherReplica0001";
    let (before, _) = wire(&other, stranger, 930_001, "作息").await;
    assert_eq!(before, Reply::text("已收到。发送「帮助」查看可用指令。"));
    create(&app, &admin, rule("account", "exact", &["作息"], &["8:00 上课。"])).await;
    for _ in 0..100 {
        if other.state.autoreply.current().rules().len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (after, _) = wire(&other, stranger, 930_002, "作息").await;
    assert_eq!(after, Reply::text("8:00 上课。"), "heard through the Kv, not the 30 s poll");
}
