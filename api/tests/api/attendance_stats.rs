//! Attendance statistics: a period's sessions and their rates, classes ranked by rate,
//! the weekly trend (Mondays, China time), what each teacher counts, one student's
//! history, and the exports. Sessions are opened and check-ins recorded (补签) through
//! the API; only a session's place in time is moved in the database, to last week.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, Session, TestApp};

struct Term {
    admin: Session,
    teacher_a: Session,
    teacher_b: Session,
    class_a: i64,
    class_b: i64,
    a: Vec<i64>,
    b: Vec<i64>,
    /// The admin's session of both classes (now), teacher A's (eight days ago),
    /// teacher B's (now, nobody came).
    both: i64,
    last_week: i64,
    nobody: i64,
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

async fn open_session(app: &TestApp, who: &Session, title: &str, classes: &[i64], starts_in_minutes: i64) -> i64 {
    let now = Utc::now();
    let body = json!({
        "title": title,
        "audience": { "classes": classes },
        "starts_at": now + Duration::minutes(starts_in_minutes),
        "ends_at": now + Duration::minutes(starts_in_minutes + 60),
        "late_after": now + Duration::minutes(starts_in_minutes + 10),
        "methods": ["code"],
    });
    let resp = app.post("/api/v1/checkins", &who.access, body).await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// 补签 through the API, on time or late.
async fn check_in(app: &TestApp, who: &Session, session: i64, student: i64, late: bool) {
    let body = json!({ "student_id": student, "present": true, "reason": "课堂点名", "late": late });
    let resp = app.post(&format!("/api/v1/checkins/{session}/manual"), &who.access, body).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
}

async fn term(app: &TestApp) -> Term {
    let admin = app.admin().await;
    let (a_id, teacher_a) = app.teacher("teacher.a").await;
    let (b_id, teacher_b) = app.teacher("teacher.b").await;
    let (class_a, a) = app.bound_class(&admin, "计算机2301", 4, &[a_id]).await;
    let (class_b, b) = app.bound_class(&admin, "数学2301", 2, &[b_id]).await;
    let a: Vec<i64> = a.into_iter().map(|(id, _)| id).collect();
    let b: Vec<i64> = b.into_iter().map(|(id, _)| id).collect();

    // 两班合上的课: A 3 of 4 (one late), B 1 of 2.
    let both = open_session(app, &admin, "形势与政策", &[class_a, class_b], -30).await;
    check_in(app, &admin, both, a[0], false).await;
    check_in(app, &admin, both, a[1], false).await;
    check_in(app, &admin, both, a[2], true).await;
    check_in(app, &admin, both, b[0], false).await;
    // Teacher A's class meeting last week: everyone.
    let last_week = open_session(app, &teacher_a, "班会", &[class_a], -30).await;
    for &s in &a {
        check_in(app, &teacher_a, last_week, s, false).await;
    }
    sqlx::query("UPDATE checkin_sessions SET starts_at = starts_at - $1, ends_at = ends_at - $1 WHERE id = $2")
        .bind(8 * 86_400_000i64)
        .bind(last_week)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    // Teacher B's: nobody came. And one not started yet, which counts for nothing.
    let nobody = open_session(app, &teacher_b, "早读", &[class_b], -30).await;
    open_session(app, &admin, "明天的讲座", &[class_a], 60).await;
    Term { admin, teacher_a, teacher_b, class_a, class_b, a, b, both, last_week, nobody }
}

async fn stats(app: &TestApp, who: &Session, query: &str) -> Value {
    let resp = app.get(&format!("/api/v1/checkins/stats{query}"), &who.access).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

fn sessions(stats: &Value) -> Vec<(i64, i64, i64, i64)> {
    stats["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let c = &s["counts"];
            (
                s["session_id"].as_i64().unwrap(),
                c["expected"].as_i64().unwrap(),
                c["checked_in"].as_i64().unwrap(),
                c["late"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn monday_in_china(at: &Value) -> NaiveDate {
    let china = FixedOffset::east_opt(8 * 3600).unwrap();
    let day = at.as_str().unwrap().parse::<DateTime<Utc>>().unwrap().with_timezone(&china).date_naive();
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

#[tokio::test]
async fn attendance_stats_give_session_rates_classes_by_rate_and_a_week_by_week_trend_from_mondays() {
    let app = spawn_app().await;
    let t = term(&app).await;
    let all = stats(&app, &t.admin, "").await;

    let mut listed = sessions(&all);
    listed.sort();
    let mut expected = vec![(t.both, 6, 4, 1), (t.last_week, 4, 4, 0), (t.nobody, 2, 0, 0)];
    expected.sort();
    assert_eq!(listed, expected, "started sessions only: {all}");
    assert_eq!(all["sessions"][2]["session_id"], t.last_week, "newest first");
    let both = all["sessions"].as_array().unwrap().iter().find(|s| s["session_id"] == t.both).unwrap();
    assert!(close(&both["rate"], 4.0 / 6.0) && both["counts"]["missing"] == 2, "{both}");

    let counts = |c: &Value| ["expected", "present", "late", "absent"].map(|k| c[k].as_i64().unwrap());
    let classes: Vec<_> = all["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["class_id"].as_i64(), c["class_name"].as_str().unwrap(), counts(c)))
        .collect();
    assert_eq!(classes, [(Some(t.class_a), "计算机2301", [8, 6, 1, 1]), (Some(t.class_b), "数学2301", [4, 1, 0, 3])]);
    assert!(close(&all["classes"][0]["rate"], 7.0 / 8.0) && close(&all["classes"][1]["rate"], 0.25));

    // One point per week of the 30 days, Mondays in a row, each session in its own week.
    let trend = all["trend"].as_array().unwrap();
    assert!((5..=6).contains(&trend.len()), "{trend:?}");
    let weeks: Vec<NaiveDate> = trend.iter().map(|p| p["week_start"].as_str().unwrap().parse().unwrap()).collect();
    assert!(weeks.iter().all(|w| w.weekday() == chrono::Weekday::Mon));
    assert!(weeks.windows(2).all(|w| w[1] - w[0] == Duration::days(7)));
    let started = |id: i64| all["sessions"].as_array().unwrap().iter().find(|s| s["session_id"] == id).unwrap().clone();
    let point = |week: NaiveDate| trend.iter().find(|p| p["week_start"] == week.to_string()).unwrap().clone();
    let earlier = point(monday_in_china(&started(t.last_week)["starts_at"]));
    assert_eq!((earlier["expected"].as_i64(), earlier["checked_in"].as_i64()), (Some(4), Some(4)));
    assert!(close(&earlier["rate"], 1.0));
    let total: i64 = trend.iter().map(|p| p["expected"].as_i64().unwrap()).sum();
    assert_eq!(total, 12);
    let this_week = monday_in_china(&started(t.both)["starts_at"]);
    assert!(point(this_week)["expected"].as_i64().unwrap() >= 6);
}

#[tokio::test]
async fn a_teacher_counts_the_sessions_they_see_and_a_class_narrows_every_number_to_its_students() {
    let app = spawn_app().await;
    let t = term(&app).await;
    assert_eq!(sessions(&stats(&app, &t.teacher_a, "").await), [(t.last_week, 4, 4, 0)]);
    let b = stats(&app, &t.teacher_b, "").await;
    assert_eq!(sessions(&b), [(t.nobody, 2, 0, 0)]);
    assert_eq!(b["classes"][0]["rate"], 0.0);

    let only_b = stats(&app, &t.admin, &format!("?class_id={}", t.class_b)).await;
    let mut listed = sessions(&only_b);
    listed.sort();
    let mut expected = vec![(t.both, 2, 1, 0), (t.nobody, 2, 0, 0)];
    expected.sort();
    assert_eq!(listed, expected);
    assert_eq!(only_b["classes"].as_array().unwrap().len(), 1);
    assert_eq!(only_b["classes"][0]["class_id"], t.class_b);

    // A period that ended before last week's session holds nothing but empty weeks.
    let until = (Utc::now() - Duration::days(20)).to_rfc3339().replace('+', "%2B");
    let old = stats(&app, &t.admin, &format!("?until={until}")).await;
    assert!(old["sessions"].as_array().unwrap().is_empty() && old["classes"].as_array().unwrap().is_empty());
    assert!(old["trend"].as_array().unwrap().iter().all(|p| p["expected"] == 0 && p["rate"] == 0.0));

    for bad in [
        "?from=2026-03-01T00:00:00Z&until=2026-03-01T00:00:00Z",
        "?from=2025-01-01T00:00:00Z&until=2026-03-01T00:00:00Z",
    ] {
        let resp = app.get(&format!("/api/v1/checkins/stats{bad}"), &t.admin.access).await;
        error_body(resp, 400, "invalid_parameter").await;
    }
    let resp = app.get("/api/v1/checkins/stats?from=yesterday", &t.admin.access).await;
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn a_students_attendance_lists_their_sessions_newest_first_for_teachers_who_see_the_student() {
    let app = spawn_app().await;
    let t = term(&app).await;
    let resp = app.get(&format!("/api/v1/students/{}/attendance", t.a[2]), &t.teacher_a.access).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let mine: Value = resp.json().await.unwrap();
    assert_eq!(
        (mine["expected"].as_i64(), mine["present"].as_i64(), mine["late"].as_i64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(
        (mine["absent"].as_i64(), mine["name"].as_str()),
        (Some(0), Some(format!("N{:03}同学2", t.class_a).as_str()))
    );
    assert!(close(&mine["rate"], 1.0));
    let history: Vec<(i64, &str)> = mine["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["session_id"].as_i64().unwrap(), h["status"].as_str().unwrap()))
        .collect();
    assert_eq!(history, [(t.both, "late"), (t.last_week, "present")]);

    let absent: Value =
        app.get(&format!("/api/v1/students/{}/attendance", t.b[1]), &t.admin.access).await.json().await.unwrap();
    assert_eq!((absent["expected"].as_i64(), absent["absent"].as_i64()), (Some(2), Some(2)));
    assert!(absent["history"][0]["checked_at"].is_null() && absent["rate"] == 0.0);
    let other = app.get(&format!("/api/v1/students/{}/attendance", t.a[0]), &t.teacher_b.access).await;
    error_body(other, 404, "not_found").await;
}

#[tokio::test]
async fn a_sessions_roll_and_the_class_rates_export_as_files_with_chinese_headers() {
    let app = spawn_app().await;
    let t = term(&app).await;
    let resp = app.get(&format!("/api/v1/checkins/{}/export?format=csv", t.both), &t.admin.access).await;
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "a BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "学号,姓名,班级,状态,签到时间,方式,标记,补签原因");
    assert_eq!(lines.len(), 7, "{text}");
    let row = |no: String| lines.iter().find(|l| l.starts_with(&no)).unwrap_or_else(|| panic!("{no} in {text}"));
    let late: Vec<&str> = row(format!("N{:03}00002", t.class_a)).split(',').collect();
    assert_eq!((late[2], late[3], late[5], late[7]), ("计算机2301", "迟到", "补签", "课堂点名"));
    assert!(late[4].len() == 19 && late[4].starts_with("20"), "China time: {}", late[4]);
    let absent: Vec<&str> = row(format!("N{:03}00003", t.class_a)).split(',').collect();
    assert_eq!((absent[3], absent[4], absent[5]), ("缺勤", "", ""));
    assert!(row(format!("N{:03}00000", t.class_a)).contains(",已签到,"));
    let xlsx = app.get(&format!("/api/v1/checkins/{}/export?format=xlsx", t.both), &t.admin.access).await;
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "an XLSX is a zip");
    let hidden = app.get(&format!("/api/v1/checkins/{}/export", t.both), &t.teacher_b.access).await;
    error_body(hidden, 404, "not_found").await;

    let resp = app.get("/api/v1/checkins/stats/export?format=csv", &t.admin.access).await;
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        ["班级,应到,按时,迟到,缺勤,出勤率", "计算机2301,8,6,1,1,87.5%", "数学2301,4,1,0,3,25.0%"]
    );
    let theirs = app.get("/api/v1/checkins/stats/export", &t.teacher_a.access).await;
    let text = String::from_utf8(theirs.bytes().await.unwrap()[3..].to_vec()).unwrap();
    assert_eq!(text.lines().nth(1), Some("计算机2301,4,4,0,0,100.0%"));
}
