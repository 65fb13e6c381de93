//! Statistics: the dashboard's exact numbers (rates, median, class ranking, most unread)
//! over notices sent through the API, what each teacher sees of them, the hot ranking
//! over its window, and the periods and windows refused.
//!
//! Notices are drafted, sent and delivered through the API; reads go through the student
//! page where their time does not matter, and are otherwise set in the database at a
//! chosen delay after the sending, so the rates and the median are known exactly.

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, TestApp};
use crate::oauth_helpers::student_token;

/// 教务, one of the categories every installation starts with.
const ACADEMIC: i64 = 1;
/// 就业.
const CAREERS: i64 = 3;
const DAY_MS: i64 = 86_400_000;

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|c| c[key].as_str().unwrap().to_string()).collect()
}

fn counts(list: &Value) -> Vec<(String, String, i64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"].as_str().unwrap().into(), c["label"].as_str().unwrap().into(), c["count"].as_i64().unwrap()))
        .collect()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[tokio::test]
async fn the_dashboard_gives_exact_rates_median_class_ranking_and_most_unread_for_what_each_teacher_sent() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (a_id, teacher_a) = app.teacher("teacher.a").await;
    let (b_id, teacher_b) = app.teacher("teacher.b").await;
    app.map_notice_template(&admin).await;
    let (computing, cs) = app.bound_class(&admin, "计算机2301", 4, &[a_id]).await;
    let (maths, ms) = app.bound_class(&admin, "数学2301", 2, &[a_id]).await;
    let (physics, ps) = app.bound_class(&admin, "物理2301", 2, &[b_id]).await;
    let exam = app
        .sent_notice(
            &teacher_a,
            "期末考试安排",
            json!({ "classes": [computing, maths] }),
            json!({ "category_id": ACADEMIC, "urgency": "urgent", "requires_confirmation": true }),
        )
        .await;
    let meeting = app.sent_notice(&teacher_a, "班会通知", json!({ "classes": [computing] }), json!({})).await;
    let job_fair = app
        .sent_notice(
            &teacher_b,
            "招聘会",
            json!({ "classes": [physics] }),
            json!({ "category_id": CAREERS, "urgency": "important" }),
        )
        .await;

    // 期末考试安排: 4 of 6 read, 3 of 6 confirmed. 班会通知: 1 of 4 read. 招聘会: 2 of 2.
    app.read_after(exam, cs[0].0, 60).await;
    app.read_after(exam, cs[1].0, 120).await;
    app.read_after(exam, cs[2].0, 600).await;
    app.read_after(exam, ms[0].0, 30).await;
    for student in [cs[0].0, cs[1].0, ms[0].0] {
        app.confirm(exam, student).await;
    }
    app.read_after(meeting, cs[0].0, 300).await;
    app.read_after(job_fair, ps[0].0, 10).await;
    app.read_after(job_fair, ps[1].0, 20).await;
    // A reminder of 班会通知 read by another student is not a read of the notice.
    app.read_reminder(meeting, cs[3].0, now_ms()).await;

    let mine = app.dashboard(&teacher_a, "").await;
    assert_eq!((mine["notices"].as_i64(), mine["deliveries"].as_i64()), (Some(2), Some(10)), "{mine}");
    assert!(close(&mine["read_rate"], (4.0 / 6.0 + 1.0 / 4.0) / 2.0), "{}", mine["read_rate"]);
    assert!(close(&mine["confirm_rate"], 0.5), "{}", mine["confirm_rate"]);
    // Delays 30, 60, 120, 300, 600 s.
    assert_eq!(mine["median_read_seconds"], 120);
    assert_eq!(counts(&mine["by_category"]), [("1".into(), "教务".into(), 1), ("none".into(), "未分类".into(), 1)]);
    assert_eq!(
        counts(&mine["by_urgency"]),
        [
            ("urgent".into(), "紧急".into(), 1),
            ("important".into(), "重要".into(), 0),
            ("normal".into(), "普通".into(), 1)
        ]
    );
    // Both classes read half of what they received (甲 4 of 8, 乙 1 of 2): ties go by name.
    assert_eq!(names(&mine["classes"], "class_name"), ["数学2301", "计算机2301"]);
    assert_eq!((mine["classes"][1]["recipients"].as_i64(), mine["classes"][1]["read"].as_i64()), (Some(8), Some(4)));
    assert!(close(&mine["classes"][1]["read_rate"], 0.5));
    // Unread: cs[3] both; cs[1], cs[2] and ms[1] one each (by 学号); cs[0] and ms[0] none.
    let unread: Vec<(i64, i64)> = mine["most_unread"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["student_id"].as_i64().unwrap(), s["unread"].as_i64().unwrap()))
        .collect();
    assert_eq!(unread, [(cs[3].0, 2), (cs[1].0, 1), (cs[2].0, 1), (ms[1].0, 1)]);
    assert_eq!(mine["most_unread"][0]["class_name"], "计算机2301");

    // Teacher B sees only 招聘会; its two delays 10 and 20 s give the lower middle one.
    let theirs = app.dashboard(&teacher_b, "").await;
    assert_eq!(theirs["notices"], 1);
    assert!(close(&theirs["read_rate"], 1.0));
    assert!(theirs["confirm_rate"].is_null(), "no notice of theirs asked for confirmation: {theirs}");
    assert_eq!(theirs["median_read_seconds"], 10);
    assert_eq!(names(&theirs["classes"], "class_name"), ["物理2301"]);
    assert_eq!(theirs["most_unread"], json!([]));

    let all = app.dashboard(&admin, "").await;
    assert_eq!((all["notices"].as_i64(), all["deliveries"].as_i64()), (Some(3), Some(12)));
    assert!(close(&all["read_rate"], (4.0 / 6.0 + 1.0 / 4.0 + 1.0) / 3.0), "{}", all["read_rate"]);
    assert_eq!(all["median_read_seconds"], 60, "delays 10, 20, 30, 60, 120, 300, 600 s");
    assert_eq!(names(&all["classes"], "class_name"), ["物理2301", "数学2301", "计算机2301"]);
    assert_eq!(counts(&all["by_category"]).len(), 3);
    let days = all["by_day"].as_array().unwrap();
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y-%m-%d").to_string();
    assert_eq!(
        (days.last().unwrap()["key"].as_str(), days.last().unwrap()["count"].as_i64()),
        (Some(&*today), Some(3))
    );
    assert_eq!(days.iter().map(|d| d["count"].as_i64().unwrap()).sum::<i64>(), 3);
}

#[tokio::test]
async fn the_dashboard_counts_the_notices_sent_in_its_period_by_china_day() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 2, &[]).await;
    let early = app.sent_notice(&admin, "开学通知", json!({ "classes": [class] }), json!({})).await;
    let late = app.sent_notice(&admin, "选课提醒", json!({ "classes": [class] }), json!({})).await;
    // Sent at 23:30 and 00:30 China time, 2026-03-01 and 03-02.
    let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap().timestamp_millis();
    for (id, sent) in [(early, at("2026-03-01T15:30:00Z")), (late, at("2026-03-01T16:30:00Z"))] {
        sqlx::query("UPDATE notices SET sent_at = $1 WHERE id = $2")
            .bind(sent)
            .bind(id)
            .execute(app.state.db.pool())
            .await
            .unwrap();
    }
    app.read_after(early, students[0].0, 90).await;

    let recent = app.dashboard(&admin, "").await;
    assert_eq!((recent["notices"].as_i64(), recent["read_rate"].is_null()), (Some(0), true), "{recent}");
    assert!(recent["median_read_seconds"].is_null() && recent["classes"] == json!([]), "{recent}");

    let march = app.dashboard(&admin, "?from=2026-03-01T00:00:00%2B08:00&until=2026-03-04T00:00:00%2B08:00").await;
    let from: chrono::DateTime<chrono::Utc> = march["from"].as_str().unwrap().parse().unwrap();
    assert_eq!(from.timestamp_millis(), at("2026-02-28T16:00:00Z"));
    assert_eq!((march["notices"].as_i64(), march["deliveries"].as_i64()), (Some(2), Some(4)));
    let days: Vec<(String, i64)> = counts(&march["by_day"]).into_iter().map(|(key, _, count)| (key, count)).collect();
    assert_eq!(days, [("2026-03-01".into(), 1), ("2026-03-02".into(), 1), ("2026-03-03".into(), 0)]);
    assert_eq!(march["median_read_seconds"], 90);
    assert!(close(&march["read_rate"], 0.25), "{}", march["read_rate"]);
    // `until` is excluded: the period that ends as 选课提醒 is sent holds 开学通知 alone.
    let first = app.dashboard(&admin, "?from=2026-03-01T00:00:00Z&until=2026-03-01T16:30:00Z").await;
    assert_eq!(first["notices"], 1);
}

#[tokio::test]
async fn the_hot_ranking_weighs_reads_comments_and_downloads_in_its_window_for_what_each_teacher_sent() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (a_id, teacher_a) = app.teacher("teacher.a").await;
    let (b_id, teacher_b) = app.teacher("teacher.b").await;
    app.map_notice_template(&admin).await;
    let (computing, cs) = app.bound_class(&admin, "计算机2301", 4, &[a_id]).await;
    let (physics, ps) = app.bound_class(&admin, "物理2301", 1, &[b_id]).await;
    let to_computing = json!({ "classes": [computing] });
    let reads = app.sent_notice(&teacher_a, "宿舍检查", to_computing.clone(), json!({})).await;
    let talked = app.sent_notice(&teacher_a, "奖学金评定", to_computing.clone(), json!({})).await;
    let files = app.sent_notice(&teacher_a, "选课手册", to_computing, json!({})).await;
    let theirs = app.sent_notice(&teacher_b, "招聘会", json!({ "classes": [physics] }), json!({})).await;
    let now = now_ms();
    let (yesterday, last_week) = (now - DAY_MS, now - 8 * DAY_MS);

    // 宿舍检查: 3 reads yesterday, 1 eight days ago; a reminder read (not counted).
    for s in &cs[..3] {
        app.read_at(reads, s.0, yesterday).await;
    }
    app.read_at(reads, cs[3].0, last_week).await;
    app.read_reminder(reads, cs[0].0, yesterday).await;
    // 奖学金评定: 1 read and 1 visible comment yesterday (a hidden one is not counted), 1
    // comment eight days ago.
    app.read_at(talked, cs[0].0, yesterday).await;
    app.comment(talked, cs[0].0, yesterday, false).await;
    app.comment(talked, cs[1].0, yesterday, true).await;
    app.comment(talked, cs[2].0, last_week, false).await;
    // 选课手册: 2 downloads yesterday, 1 eight days ago.
    app.downloaded(files, yesterday).await;
    app.downloaded(files, yesterday).await;
    app.downloaded(files, last_week).await;
    // 招聘会: opened on the student page just now.
    let token = student_token(&app, &ps[0].1).await;
    let page = app.get(&format!("/api/v1/portal/notices/{theirs}"), &token).await;
    assert_eq!(page.status(), 200, "{}", page.text().await.unwrap());

    let week = app.hot(&teacher_a, "").await;
    let expected = [
        // 4 = 2 downloads × 2, tied with 奖学金评定 (1 + 3): the newer notice first.
        ("选课手册".to_string(), 0, 0, 2, 4),
        ("奖学金评定".to_string(), 1, 1, 0, 4),
        ("宿舍检查".to_string(), 3, 0, 0, 3),
    ];
    assert_eq!(week, expected);
    assert_eq!(app.hot(&teacher_a, "?limit=2").await, expected[..2]);
    let month = app.hot(&teacher_a, "?days=30").await;
    assert_eq!(
        month,
        [
            ("奖学金评定".to_string(), 1, 2, 0, 7),
            ("选课手册".to_string(), 0, 0, 3, 6),
            ("宿舍检查".to_string(), 4, 0, 0, 4)
        ]
    );
    assert_eq!(app.hot(&teacher_b, "").await, [("招聘会".to_string(), 1, 0, 0, 1)]);
    let all = app.hot(&admin, "").await;
    assert_eq!(all.iter().map(|h| h.0.as_str()).collect::<Vec<_>>(), ["选课手册", "奖学金评定", "宿舍检查", "招聘会"]);

    // A withdrawn notice leaves the ranking.
    let resp = app.post(&format!("/api/v1/notices/{files}/withdraw"), &teacher_a.access, json!({})).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(app.hot(&teacher_a, "?limit=1").await[0].0, "奖学金评定");
}

#[tokio::test]
async fn periods_windows_and_limits_out_of_bounds_are_refused_with_a_400_naming_the_parameter() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let refused = [
        ("/api/v1/stats/dashboard?from=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z", "from"),
        ("/api/v1/stats/dashboard?from=2026-03-01T00:00:00Z&until=2026-03-01T00:00:00Z", "from"),
        ("/api/v1/stats/dashboard?from=2025-01-01T00:00:00Z&until=2026-03-01T00:00:00Z", "until"),
        ("/api/v1/stats/hot?days=0", "days"),
        ("/api/v1/stats/hot?days=91", "days"),
        ("/api/v1/stats/hot?limit=0", "limit"),
        ("/api/v1/stats/hot?limit=51", "limit"),
    ];
    for (path, field) in refused {
        let err = error_body(app.get(path, &admin.access).await, 400, "invalid_parameter").await;
        assert!(err["fields"][field].is_string(), "{path}: {err}");
    }
    // The bounds themselves are accepted.
    let fine = ["?from=2025-01-25T00:00:00Z&until=2026-03-01T00:00:00Z", "?until=2026-03-01T00:00:00Z"];
    for query in fine {
        assert_eq!(app.get(&format!("/api/v1/stats/dashboard{query}"), &admin.access).await.status(), 200, "{query}");
    }
    assert_eq!(app.get("/api/v1/stats/hot?days=90&limit=50", &admin.access).await.status(), 200);
    error_body(app.get("/api/v1/stats/hot?days=many", &admin.access).await, 400, "bad_request").await;
    error_body(app.get("/api/v1/stats/dashboard?from=yesterday", &admin.access).await, 400, "bad_request").await;
    let anonymous = app.request(reqwest::Method::GET, "/api/v1/stats/dashboard", None, None).await;
    error_body(anonymous, 401, "unauthorized").await;
}

/// The counts the database keeps for statistics, and the same counted from the rows.
async fn kept_and_recounted(
    app: &TestApp,
) -> (Vec<(i64, i64, i64, i64, i64, i64)>, Vec<(i64, i64, i64, i64, i64, i64)>) {
    let db = app.state.db.pool();
    let kept = sqlx::query_as(
        "SELECT notice_id, class_id, deliveries, students, reads, confirmations FROM notice_class_tallies \
         WHERE deliveries > 0 ORDER BY notice_id, class_id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let recounted = sqlx::query_as(
        "SELECT notice_id, COALESCE(class_id, 0) AS class_id, COUNT(*) AS deliveries, \
         SUM(CASE WHEN recipient LIKE 's:%' THEN 1 ELSE 0 END) AS students, \
         SUM(CASE WHEN recipient LIKE 's:%' AND read_at IS NOT NULL THEN 1 ELSE 0 END) AS reads, \
         SUM(CASE WHEN recipient LIKE 's:%' AND confirmed_at IS NOT NULL THEN 1 ELSE 0 END) AS confirmations \
         FROM deliveries WHERE kind = 'notice' GROUP BY notice_id, COALESCE(class_id, 0) ORDER BY 1, 2",
    )
    .fetch_all(db)
    .await
    .unwrap();
    (kept, recounted)
}

#[tokio::test]
async fn reads_and_confirmations_made_on_the_student_page_reach_the_dashboard_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (class, students) = app.bound_class(&admin, "计算机2301", 3, &[]).await;
    let id = app
        .sent_notice(&admin, "安全教育", json!({ "classes": [class] }), json!({ "requires_confirmation": true }))
        .await;
    let before = app.dashboard(&admin, "").await;
    assert!(close(&before["read_rate"], 0.0) && before["median_read_seconds"].is_null(), "{before}");

    let started = now_ms();
    let first = student_token(&app, &students[0].1).await;
    let second = student_token(&app, &students[1].1).await;
    for token in [&first, &second, &first] {
        let page = app.get(&format!("/api/v1/portal/notices/{id}"), token).await;
        assert_eq!(page.status(), 200, "{}", page.text().await.unwrap());
    }
    let confirmed = app.post(&format!("/api/v1/portal/notices/{id}/confirm"), &first, json!({})).await;
    assert_eq!(confirmed.status(), 200, "{}", confirmed.text().await.unwrap());

    let after = app.dashboard(&admin, "").await;
    assert!(close(&after["read_rate"], 2.0 / 3.0), "{after}");
    assert!(close(&after["confirm_rate"], 1.0 / 3.0), "{after}");
    let sent_ago = (now_ms() - started) / 1000 + 60;
    assert!(after["median_read_seconds"].as_i64().is_some_and(|s| (0..=sent_ago).contains(&s)), "{after}");
    assert_eq!(after["most_unread"][0]["student_id"], students[2].0);
    assert_eq!(after["most_unread"].as_array().unwrap().len(), 1);

    // A read taken back (by hand in the database) is taken out of the counts too.
    sqlx::query("UPDATE deliveries SET read_at = NULL, confirmed_at = NULL WHERE notice_id = $1 AND student_id = $2")
        .bind(id)
        .bind(students[0].0)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let undone = app.dashboard(&admin, "").await;
    assert!(close(&undone["read_rate"], 1.0 / 3.0) && close(&undone["confirm_rate"], 0.0), "{undone}");
    let (kept, recounted) = kept_and_recounted(&app).await;
    assert_eq!(kept, recounted);
    let minutes: i64 = sqlx::query_scalar("SELECT CAST(SUM(reads) AS BIGINT) FROM notice_read_minutes")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(minutes, 1, "one read left");
}
