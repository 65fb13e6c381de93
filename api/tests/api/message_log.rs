//! The message log keeps what it may, as long as it may, and loses nothing on the way: no
//! positions outside the consent rules, no bind codes, nothing past the retention; a
//! batch the database refused is written when it is back, and what is waiting at
//! shutdown is written at the next start.

use std::time::{Duration, Instant};

use banji::db::now_ms;
use banji::wechat::webhook::privacy;
use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

/// Every stored cell of the follower's entries, as text.
async fn stored_text(app: &TestApp, openid: &str) -> Vec<String> {
    app.state.wechat.log.flush().await;
    sqlx::query_scalar(
        "SELECT openid || ' ' || msg_type || ' ' || COALESCE(event, '') || ' ' || COALESCE(event_key, '') || ' ' \
         || COALESCE(content, '') || ' ' || raw_xml FROM wechat_messages WHERE openid = $1 ORDER BY id",
    )
    .bind(openid)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(app.state.db.pool()).await.unwrap()
}

#[tokio::test]
async fn a_location_event_of_a_student_who_did_not_consent_leaves_no_coordinates_in_the_message_log() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let (declined, agreed) = (&students[0], &students[1]);
    banji::checkin::location::set_consent(&app.state.db, agreed.0, true).await.unwrap();

    for (openid, lat, lon) in [(&declined.1, "39.908722", "116.397499"), (&agreed.1, "31.230416", "121.473701")] {
        let fields = json!({ "Latitude": lat, "Longitude": lon, "Precision": "65.000000" });
        app.say(openid, json!({ "type": "event", "event": "LOCATION", "fields": fields })).await;
    }
    // A location message and a location pick from the menu say where they are too.
    app.say(&declined.1, json!({ "type": "location", "latitude": 39.915119, "longitude": 116.403963, "label": "北京市东城区景山前街4号" }))
        .await;

    let declined_log = stored_text(&app, &declined.1).await;
    assert_eq!(declined_log.len(), 2, "both are logged: {declined_log:#?}");
    assert!(declined_log[0].contains("LOCATION"), "the event is kept, without where: {declined_log:#?}");
    for needle in ["39.908", "116.397", "65.0", "39.915", "116.403", "景山"] {
        assert!(!declined_log.iter().any(|row| row.contains(needle)), "{needle} is stored: {declined_log:#?}");
    }
    // The consenting student's latest position is kept where the consent rules keep it,
    // and nowhere else.
    let agreed_log = stored_text(&app, &agreed.1).await;
    assert!(!agreed_log.iter().any(|row| row.contains("31.23") || row.contains("121.47")), "{agreed_log:#?}");
    let kept = banji::checkin::location::latest(&app.state.db, agreed.0).await.unwrap().expect("kept");
    assert!((kept.latitude - 31.230416).abs() < 1e-9);
    assert!(banji::checkin::location::latest(&app.state.db, declined.0).await.unwrap().is_none());
}

#[tokio::test]
async fn a_bind_command_is_stored_with_its_code_masked() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let class = app.create_class(&admin, "计算机2301", &[]).await;
    let student = app.create_student(&admin, "2023001", "张三", class, "").await;
    sqlx::query("UPDATE students SET bind_code = '123456' WHERE id = $1")
        .bind(student)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let openid = app.follower("张三").await;
    let answer = app.say(&openid, json!({ "type": "text", "content": "绑定 2023001 张三 123456" })).await;
    assert!(answer["reply"]["content"].as_str().unwrap().starts_with("绑定成功"), "{answer}");

    app.state.wechat.log.flush().await;
    let (content, raw): (Option<String>, String) =
        sqlx::query_as("SELECT content, raw_xml FROM wechat_messages WHERE openid = $1 AND msg_type = 'text'")
            .bind(&openid)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(content.as_deref(), Some("绑定 2023001 张三 ******"));
    let root = banji::wechat::xml::parse(&raw).unwrap();
    assert_eq!(root.text_of("Content"), Some("绑定 2023001 张三 ******"));
    assert!(!raw.contains("张三 123456"), "{raw}");
}

#[tokio::test]
async fn messages_older_than_the_retention_are_purged_and_recent_ones_kept() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2301", 1, &[]).await;
    for n in 0..5 {
        app.say(&students[0].1, json!({ "type": "text", "content": format!("第{n}条") })).await;
    }
    app.state.wechat.log.flush().await;
    let days = app.state.config.message_retention_days;
    assert_eq!(days, 180, "the default retention");
    let day = 86_400_000;
    // The first three arrived 200 days ago.
    sqlx::query(
        "UPDATE wechat_messages SET received_at = received_at - $1 WHERE id IN \
         (SELECT id FROM wechat_messages ORDER BY id LIMIT 3)",
    )
    .bind(200 * day)
    .execute(app.state.db.pool())
    .await
    .unwrap();

    assert_eq!(privacy::purge(&app.state.db, days, now_ms()).await.unwrap(), 3);
    let left: Vec<String> = sqlx::query_scalar("SELECT content FROM wechat_messages ORDER BY id")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(left, ["第3条", "第4条"]);
    assert_eq!(privacy::purge(&app.state.db, days, now_ms() + 179 * day).await.unwrap(), 0);
    // Two messages, Banji's five automatic answers (kept with the teachers' answers), and the
    // five texts no auto-reply rule answered (kept as unanswered questions).
    assert_eq!(privacy::purge(&app.state.db, days, now_ms() + 181 * day).await.unwrap(), 2 + 5 + 5);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM wechat_messages").await, 0);
}

/// Makes every write to the message log fail (as while the database is away) until
/// `restore` is called.
async fn take_the_table_away(app: &TestApp) {
    sqlx::query("ALTER TABLE wechat_messages RENAME TO wechat_messages_away")
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

async fn restore(app: &TestApp) {
    sqlx::query("ALTER TABLE wechat_messages_away RENAME TO wechat_messages")
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

async fn until_a_write_failed(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.state.wechat.log.failures() == 0 {
        assert!(Instant::now() < deadline, "the log never tried to write");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_batch_the_database_refused_is_written_once_it_is_back() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2301", 1, &[]).await;
    take_the_table_away(&app).await;
    app.say(&students[0].1, json!({ "type": "text", "content": "老师好" })).await;
    until_a_write_failed(&app).await;
    restore(&app).await;

    app.state.wechat.log.flush().await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT content FROM wechat_messages WHERE openid = $1")
        .bind(&students[0].1)
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, ["老师好"], "written once, after the failure");
}

#[tokio::test]
async fn messages_waiting_at_shutdown_are_kept_and_written_at_the_next_start() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, students) = app.bound_class(&admin, "计算机2301", 1, &[]).await;
    take_the_table_away(&app).await;
    for text in ["请假一天", "明天补交"] {
        app.say(&students[0].1, json!({ "type": "text", "content": text })).await;
    }
    until_a_write_failed(&app).await;
    let kept = app.state.wechat.log.close(Duration::from_millis(300)).await;
    assert_eq!(kept, 6, "both, Banji's answers and the unanswered questions, kept for the next start");
    restore(&app).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM wechat_messages").await, 0);

    // The next start (a replica on the same data directory) writes them, once.
    let next = app.replica().await;
    next.state.wechat.log.flush().await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT content FROM wechat_messages WHERE openid = $1 ORDER BY id")
        .bind(&students[0].1)
        .fetch_all(next.state.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, ["请假一天", "明天补交"]);
    let answers = count(&next, "SELECT COUNT(*) FROM inbox_replies WHERE kind = 'auto'").await;
    assert_eq!(answers, 2, "Banji's automatic answers are written with them");
    let questions = count(&next, "SELECT COUNT(*) FROM auto_rule_hits WHERE unanswered = TRUE").await;
    assert_eq!(questions, 2, "and so are the unanswered questions");
    let spool = std::fs::read_dir(app.storage.data_dir.join("message-log")).unwrap().count();
    assert_eq!(spool, 0, "the spool is gone once written");

    // With the database there, a close writes what is waiting and keeps nothing.
    let incoming = banji::wechat::Incoming {
        to: "gh_banjimock0001".into(),
        openid: students[0].1.clone(),
        create_time: now_ms() / 1000,
        body: banji::wechat::Body::Text { msg_id: 42, content: "收到".into() },
    };
    next.state.wechat.log.record(&incoming, &incoming.to_xml());
    assert_eq!(next.state.wechat.log.close(Duration::from_secs(5)).await, 0);
    assert_eq!(count(&next, "SELECT COUNT(*) FROM wechat_messages").await, 3);
}
