//! 每日播报's subscriptions: by message (「订阅 每日播报 [时间]」, 「退订 每日播报」) from a
//! bound student or teacher, on the page (`/portal/broadcast`), and the school's city and
//! term start an admin sets in 系统设置 for the broadcast to carry.

use reqwest::Method;
use serde_json::{json, Value};

use banji::broadcast::day::Common;

use crate::helpers::{error_body, spawn_app, TestApp};
use crate::oauth_helpers::student_token;
use crate::teacher_binding::bound_teacher;

async fn said(app: &TestApp, openid: &str, text: &str) -> String {
    let answer = app.say(openid, json!({ "type": "text", "content": text })).await;
    answer["reply"]["content"].as_str().unwrap_or_default().to_string()
}

async fn minute(app: &TestApp, openid: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT send_minute FROM broadcast_subscribers WHERE openid = $1")
        .bind(openid)
        .fetch_optional(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_student_subscribes_by_message_at_the_time_they_write_and_stops() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2301", 1, &[]).await;
    let openid = &students[0].1;

    let answer = said(&app, openid, "订阅 每日播报").await;
    assert!(answer.starts_with("已订阅每日播报") && answer.contains("07:30"), "{answer}");
    assert_eq!(minute(&app, openid).await, Some(450));
    let answer = said(&app, openid, "订阅每日播报 6点45").await;
    assert!(answer.contains("06:45"), "{answer}");
    assert_eq!(minute(&app, openid).await, Some(405));
    // Another 「订阅 每日播报」 keeps the time chosen.
    assert!(said(&app, openid, "订阅 每日播报").await.contains("06:45"));
    let answer = said(&app, openid, "订阅 每日播报 明早").await;
    assert!(answer.starts_with("没看懂时间「明早」"), "{answer}");
    assert_eq!(minute(&app, openid).await, Some(405), "a time not understood changes nothing");
    // The categories' 「订阅 分类」 still answers what is not the broadcast.
    assert!(said(&app, openid, "退订 就业").await.starts_with("已退订「就业」"));

    assert!(said(&app, openid, "退订 每日播报").await.starts_with("已退订每日播报"));
    assert_eq!(minute(&app, openid).await, None);
    assert!(said(&app, openid, "退订 每日播报").await.starts_with("你没有订阅每日播报"));
}

#[tokio::test]
async fn a_bound_teacher_subscribes_as_a_student_does_and_a_stranger_is_asked_to_bind() {
    let app = spawn_app().await;
    let teacher = bound_teacher(&app, "wang").await;
    assert!(said(&app, &teacher, "订阅 每日播报 7:00").await.starts_with("已订阅每日播报"));
    assert_eq!(minute(&app, &teacher).await, Some(420));

    let stranger = app.follower("路人").await;
    assert!(said(&app, &stranger, "订阅 每日播报").await.contains("请先绑定学号"));
    assert_eq!(minute(&app, &stranger).await, None);
}

#[tokio::test]
async fn the_page_shows_changes_and_ends_the_subscription_and_refuses_a_time_that_is_none() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2302", 1, &[]).await;
    let token = student_token(&app, &students[0].1).await;
    let call =
        |method: Method, body: Option<Value>| app.request(method, "/api/v1/portal/broadcast", Some(&token), body);

    let shown: Value = call(Method::GET, None).await.json().await.unwrap();
    assert_eq!(shown, json!({ "subscribed": false, "time": "07:30" }));
    let shown: Value = call(Method::PUT, Some(json!({ "time": "6:50" }))).await.json().await.unwrap();
    assert_eq!(shown, json!({ "subscribed": true, "time": "06:50" }));
    let shown: Value = call(Method::PUT, Some(json!({}))).await.json().await.unwrap();
    assert_eq!(shown["time"], "06:50", "no time keeps the one chosen");
    let refused = call(Method::PUT, Some(json!({ "time": "25:00" }))).await;
    let body = error_body(refused, 422, "validation_failed").await;
    assert!(body["fields"]["time"].is_string(), "{body}");
    assert_eq!(minute(&app, &students[0].1).await, Some(410));
    let shown: Value = call(Method::DELETE, None).await.json().await.unwrap();
    assert_eq!(shown, json!({ "subscribed": false, "time": "07:30" }));

    let stranger = app.follower("路人").await;
    let theirs = student_token(&app, &stranger).await;
    let refused = app.request(Method::PUT, "/api/v1/portal/broadcast", Some(&theirs), Some(json!({}))).await;
    error_body(refused, 403, "not_bound").await;
    let refused = app.request(Method::GET, "/api/v1/portal/broadcast", None, None).await;
    assert_eq!(refused.status(), 401);
}

#[tokio::test]
async fn the_schools_city_and_term_start_are_settings_and_a_day_that_is_none_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let set = json!({ "school_city": "北京", "term_start": "2026-09-07" });
    let settings: Value = app.patch("/api/v1/settings", &admin.access, set).await.json().await.unwrap();
    assert_eq!((settings["school_city"].as_str(), settings["term_start"].as_str()), (Some("北京"), Some("2026-09-07")));
    let refused = app.patch("/api/v1/settings", &admin.access, json!({ "term_start": "2026-02-30" })).await;
    let body = error_body(refused, 422, "validation_failed").await;
    assert!(body["fields"]["term_start"].is_string(), "{body}");
    let refused = app.patch("/api/v1/settings", &admin.access, json!({ "school_city": "城".repeat(41) })).await;
    error_body(refused, 422, "validation_failed").await;
    let kept: Value = app.get("/api/v1/settings", &admin.access).await.json().await.unwrap();
    assert_eq!((kept["school_city"].as_str(), kept["term_start"].as_str()), (Some("北京"), Some("2026-09-07")));
    let cleared: Value =
        app.patch("/api/v1/settings", &admin.access, json!({ "term_start": "" })).await.json().await.unwrap();
    assert_eq!(cleared["term_start"], "");
    let (_, teacher) = app.teacher("li").await;
    let refused = app.patch("/api/v1/settings", &teacher.access, json!({ "school_city": "上海" })).await;
    assert_eq!(refused.status(), 403, "only admins change settings");
}

/// A row straight into the database; its id.
async fn insert(app: &TestApp, sql: &str, args: &[i64]) -> i64 {
    let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()));
    for arg in args {
        query = query.bind(*arg);
    }
    let id: i64 = query.fetch_one(app.state.db.pool()).await.unwrap();
    id
}

#[tokio::test]
async fn a_students_day_holds_their_check_ins_and_activities_of_that_day_and_their_unread_notices() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, students) = app.bound_class(&admin, "计算机2303", 2, &[]).await;
    let (me, openid) = (students[0].0, students[0].1.clone());
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let (from, to) = banji::broadcast::day::bounds(monday);
    let hour = 3_600_000;

    // Check-ins: one that morning with the student on its roll, one the next day, one
    // closed early, one that day without them.
    let session = |title: &str, at: i64, closed: Option<i64>| {
        let sql = format!(
            "INSERT INTO checkin_sessions (title, audience, starts_at, ends_at, methods, rotate_seconds, secret, created_at, closed_early_at) \
             VALUES ('{title}', '{{}}', $1, $2, 'code', 10, 's', $1, {}) RETURNING id",
            closed.map(|c| c.to_string()).unwrap_or("NULL".into())
        );
        (sql, vec![at, at + hour])
    };
    for (title, at, closed, roll) in [
        ("周一班会", from + 8 * hour, None, vec![me]),
        ("周二班会", to + 8 * hour, None, vec![me]),
        ("取消的签到", from + 9 * hour, Some(from + hour), vec![me]),
        ("别班签到", from + 10 * hour, None, vec![students[1].0]),
    ] {
        let (sql, args) = session(title, at, closed);
        let id = insert(&app, &sql, &args).await;
        for student in roll {
            sqlx::query("INSERT INTO checkin_roll (session_id, student_id, class_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(student)
                .bind(class)
                .execute(app.state.db.pool())
                .await
                .unwrap();
        }
    }
    // Activities: signed up that afternoon, waitlisted that evening, cancelled that day.
    for (title, at, status, cancelled) in [
        ("考研经验分享", from + 14 * hour + 30 * 60_000, "signed_up", false),
        ("晚会", from + 19 * hour, "waitlisted", false),
        ("取消的讲座", from + 15 * hour, "signed_up", true),
    ] {
        let sql = format!(
            "INSERT INTO activities (title, place, starts_at, ends_at, capacity, signup_until, audience, code, created_at, cancelled_at) \
             VALUES ('{title}', '图书馆报告厅', $1, $2, 10, $1, '{{}}', '{title}', $1, {}) RETURNING id",
            if cancelled { "$1" } else { "NULL" }
        );
        let id = insert(&app, &sql, &[at, at + hour]).await;
        sqlx::query(
            "INSERT INTO activity_signups (activity_id, student_id, status, signed_up_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(me)
        .bind(status)
        .bind(from)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    }
    // Two notices to the class; the student reads one.
    let audience = json!({ "classes": [class] });
    app.sent_notice(&admin, "期末安排", audience.clone(), json!({})).await;
    let read = app.sent_notice(&admin, "体检通知", audience, json!({})).await;
    sqlx::query("UPDATE deliveries SET read_at = 1 WHERE notice_id = $1 AND student_id = $2")
        .bind(read)
        .bind(me)
        .execute(app.state.db.pool())
        .await
        .unwrap();

    let common = Common {
        term_start: chrono::NaiveDate::from_ymd_opt(2026, 9, 7),
        weather: Some("北京 晴 1～8℃".into()),
        item: None,
    };
    let day = banji::broadcast::day::gather(&app.state.db, &openid, monday, &common).await.unwrap();
    let text = banji::broadcast::day::compose(&day);
    assert_eq!(
        text,
        "早上好！今天是12月7日 星期一 · 第14周\n天气：北京 晴 1～8℃\n今天的安排：\n· 08:00 签到「周一班会」\n\
         · 14:30 活动「考研经验分享」，图书馆报告厅\n你有 1 条通知还没看。"
    );
    // A teacher's broadcast tells no student's day.
    let teacher = bound_teacher(&app, "zhao").await;
    let theirs = banji::broadcast::day::gather(&app.state.db, &teacher, monday, &Common::default()).await.unwrap();
    assert_eq!(banji::broadcast::day::compose(&theirs), "早上好！今天是12月7日 星期一");
}

#[tokio::test]
async fn teachers_queue_curated_items_and_each_day_takes_the_next_one_once_or_a_standing_quote() {
    let app = spawn_app().await;
    let (_, teacher) = app.teacher("li").await;
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    // Nothing queued: a standing quote, the same all day.
    let empty = banji::broadcast::items::item_of_day(&app.state.db, day(7)).await.unwrap();
    assert_eq!((empty.id, empty.kind), (0, shared::ItemKind::Quote));
    assert_eq!(banji::broadcast::items::item_of_day(&app.state.db, day(7)).await.unwrap(), empty);

    let add = |body: Value| app.post("/api/v1/broadcast/items", &teacher.access, body);
    let first = add(json!({ "kind": "article", "title": "如何准备期末", "text": "学长的复习笔记", "url": "https://mp.weixin.qq.com/s/abc" })).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["added_by"], "li 老师");
    let second: Value = add(json!({ "kind": "song", "title": "明天会更好" })).await.json().await.unwrap();
    for (bad, field) in [
        (json!({ "kind": "article", "title": "" }), "title"),
        (json!({ "kind": "quote", "title": "鲁迅" }), "text"),
        (json!({ "kind": "article", "title": "x", "url": "javascript:alert(1)" }), "url"),
    ] {
        let body = error_body(add(bad).await, 422, "validation_failed").await;
        assert!(body["fields"][field].is_string(), "{body}");
    }
    let refused = app
        .request(reqwest::Method::POST, "/api/v1/broadcast/items", None, Some(json!({ "kind": "quote", "text": "x" })))
        .await;
    assert_eq!(refused.status(), 401);

    // Two replicas asking for the same day at once get the same item, and only it is used.
    let (a, b) = tokio::join!(
        banji::broadcast::items::item_of_day(&app.state.db, day(8)),
        banji::broadcast::items::item_of_day(&app.state.db, day(8))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b);
    assert_eq!(a.id, first["id"].as_i64().unwrap(), "the first queued goes first");
    assert_eq!(
        banji::broadcast::items::line(&a),
        "今日推荐文章：《如何准备期末》 学长的复习笔记\nhttps://mp.weixin.qq.com/s/abc"
    );
    let next = banji::broadcast::items::item_of_day(&app.state.db, day(9)).await.unwrap();
    assert_eq!(next.id, second["id"].as_i64().unwrap());
    let after = banji::broadcast::items::item_of_day(&app.state.db, day(10)).await.unwrap();
    assert_eq!(after.id, 0, "the queue is empty again: a standing quote");

    // The list: nothing waiting, the two sent newest first; a sent item stays.
    let list: Vec<Value> = app.get("/api/v1/broadcast/items", &teacher.access).await.json().await.unwrap();
    let days: Vec<_> = list.iter().map(|i| i["used_on"].as_str().unwrap_or("waiting").to_string()).collect();
    assert_eq!(days, ["2026-12-09", "2026-12-08"]);
    let kept = app.delete(&format!("/api/v1/broadcast/items/{}", first["id"]), &teacher.access).await;
    error_body(kept, 409, "item_sent").await;
    let waiting: Value =
        add(json!({ "kind": "quote", "text": "知之为知之，不知为不知，是知也。", "title": "《论语》" }))
            .await
            .json()
            .await
            .unwrap();
    let (_, other) = app.teacher("zhou").await;
    let refused = app.delete(&format!("/api/v1/broadcast/items/{}", waiting["id"]), &other.access).await;
    assert_eq!(refused.status(), 403, "another teacher's item is not theirs to take back");
    let gone = app.delete(&format!("/api/v1/broadcast/items/{}", waiting["id"]), &teacher.access).await;
    assert_eq!(gone.status(), 204);
    let audit: Value =
        app.get("/api/v1/audit?action=broadcast_item_removed", &app.admin().await.access).await.json().await.unwrap();
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(1), "{audit}");
}
