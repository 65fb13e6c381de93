//! Activities (报名): publishing with a code, places and the waiting list (in order, also
//! when students race for the last places), the deadline, the audience, 报名 by WeChat,
//! the check-in session made from the places and the no-shows it reveals, the export.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, Session, TestApp};
use crate::oauth_helpers::student_token;
use crate::receipts::{sget, ssend};

fn minutes(n: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(n)).to_rfc3339()
}

/// An activity starting in 10 minutes (sign-ups until 5 minutes from now), an hour long.
fn lecture(title: &str, capacity: i64, audience: Value) -> Value {
    json!({
        "title": title, "description": "请提前到场", "place": "报告厅",
        "starts_at": minutes(10), "ends_at": minutes(70), "signup_until": minutes(5),
        "capacity": capacity, "audience": audience,
    })
}

impl TestApp {
    pub async fn publish(&self, who: &Session, body: Value) -> Value {
        let resp = self.post("/api/v1/activities", &who.access, body).await;
        assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
        resp.json().await.unwrap()
    }

    pub async fn activity(&self, who: &Session, id: i64) -> Value {
        let resp = self.get(&format!("/api/v1/activities/{id}"), &who.access).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        resp.json().await.unwrap()
    }
}

async fn sign_up(app: &TestApp, token: &str, id: i64) -> reqwest::Response {
    ssend(app, Method::POST, &format!("/api/v1/portal/activities/{id}/signup"), token, json!({})).await
}

async fn withdraw(app: &TestApp, token: &str, id: i64) -> reqwest::Response {
    ssend(app, Method::DELETE, &format!("/api/v1/portal/activities/{id}/signup"), token, json!({})).await
}

/// Student tokens for a class of `n` bound students; (class, [(student id, openid, token)]).
async fn class_with_tokens(app: &TestApp, admin: &Session, name: &str, n: usize) -> (i64, Vec<(i64, String, String)>) {
    let (class, students) = app.bound_class(admin, name, n, &[]).await;
    let mut out = Vec::new();
    for (id, openid) in students {
        let token = student_token(app, &openid).await;
        out.push((id, openid, token));
    }
    (class, out)
}

/// (status, waitlist position) by student id, in the report's order.
fn places(report: &Value) -> Vec<(i64, String, Option<i64>)> {
    report["signups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["student_id"].as_i64().unwrap(),
                s["status"].as_str().unwrap().to_string(),
                s["waitlist_position"].as_i64(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_teacher_publishes_an_activity_with_a_four_digit_code_and_only_they_and_admins_see_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (a_id, teacher_a) = app.teacher("teacher.a").await;
    let (_, teacher_b) = app.teacher("teacher.b").await;
    let class = app.create_class(&admin, "计算机2301", &[a_id]).await;

    let made = app.publish(&teacher_a, lecture("就业讲座", 30, json!({ "classes": [class] }))).await;
    let code = made["code"].as_str().unwrap();
    assert!(code.len() == 4 && code.chars().all(|c| c.is_ascii_digit()), "{made}");
    assert_eq!((made["signed_up"].as_i64(), made["created_by_name"].as_str()), (Some(0), Some("teacher.a 老师")));
    let id = made["id"].as_i64().unwrap();

    let mine: Value = app.get("/api/v1/activities", &teacher_a.access).await.json().await.unwrap();
    assert_eq!(mine["total"], 1);
    let theirs: Value = app.get("/api/v1/activities", &teacher_b.access).await.json().await.unwrap();
    assert_eq!(theirs["total"], 0);
    error_body(app.get(&format!("/api/v1/activities/{id}"), &teacher_b.access).await, 404, "not_found").await;
    assert_eq!(app.activity(&admin, id).await["activity"]["title"], "就业讲座");

    // Every bound student is for admins; a class not theirs is refused; so is a past deadline.
    let public = app.post("/api/v1/activities", &teacher_a.access, lecture("全校讲座", 30, json!({ "public": true })));
    assert!(error_body(public.await, 422, "validation_failed").await["fields"]["audience.public"].is_string());
    let other = app.create_class(&admin, "数学2301", &[]).await;
    let theirs =
        app.post("/api/v1/activities", &teacher_a.access, lecture("数学讲座", 30, json!({ "classes": [other] })));
    assert!(error_body(theirs.await, 422, "validation_failed").await["fields"]["audience.classes"].is_string());
    let mut late = lecture("迟到的讲座", 30, json!({ "classes": [class] }));
    late["signup_until"] = json!(minutes(-1));
    let late = app.post("/api/v1/activities", &teacher_a.access, late).await;
    assert_eq!(error_body(late, 422, "validation_failed").await["fields"]["signup_until"], "must be in the future");
    assert_eq!(
        app.publish(&admin, lecture("全校讲座", 30, json!({ "public": true }))).await["audience"]["public"],
        true
    );

    let cancelled: Value =
        app.post(&format!("/api/v1/activities/{id}/cancel"), &teacher_a.access, json!({})).await.json().await.unwrap();
    assert!(cancelled["cancelled_at"].is_string(), "{cancelled}");
    let again = app.post(&format!("/api/v1/activities/{id}/cancel"), &teacher_a.access, json!({})).await;
    error_body(again, 409, "already_cancelled").await;
}

#[tokio::test]
async fn beyond_the_capacity_students_wait_in_order_and_a_cancelled_place_goes_to_the_first_waiting() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, s) = class_with_tokens(&app, &admin, "软件2401", 5).await;
    let id = app.publish(&admin, lecture("创业分享会", 2, json!({ "classes": [class] }))).await["id"].as_i64().unwrap();

    let mut answers = Vec::new();
    for (_, _, token) in &s[..4] {
        let resp = sign_up(&app, token, id).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        answers.push(resp.json::<Value>().await.unwrap());
    }
    let states: Vec<(&str, Option<i64>)> =
        answers.iter().map(|a| (a["my_status"].as_str().unwrap(), a["waitlist_position"].as_i64())).collect();
    assert_eq!(states, [("signed_up", None), ("signed_up", None), ("waitlisted", Some(1)), ("waitlisted", Some(2))]);
    let twice: Value = sign_up(&app, &s[2].2, id).await.json().await.unwrap();
    assert_eq!(twice["waitlist_position"], 1, "signing up again keeps the place in the queue");

    // The second place is given up: the first waiting takes it, the second moves up.
    let left: Value = withdraw(&app, &s[1].2, id).await.json().await.unwrap();
    assert_eq!(left["my_status"], "cancelled");
    let report = app.activity(&admin, id).await;
    let expected = vec![
        (s[0].0, "signed_up".to_string(), None),
        (s[2].0, "signed_up".to_string(), None),
        (s[3].0, "waitlisted".to_string(), Some(1)),
        (s[1].0, "cancelled".to_string(), None),
    ];
    assert_eq!(places(&report), expected);
    assert!(report["signups"][1]["promoted_at"].is_string() && report["signups"][0]["promoted_at"].is_null());
    assert_eq!(
        (report["activity"]["signed_up"].as_i64(), report["activity"]["waitlisted"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(report["cancelled"], 1);

    // Coming back after cancelling goes to the back of the queue, behind a newcomer.
    sign_up(&app, &s[4].2, id).await;
    let back: Value = sign_up(&app, &s[1].2, id).await.json().await.unwrap();
    assert_eq!((back["my_status"].as_str(), back["waitlist_position"].as_i64()), (Some("waitlisted"), Some(3)));
    // A waiting student who leaves gives nobody a place.
    withdraw(&app, &s[3].2, id).await;
    let report = app.activity(&admin, id).await;
    let waiting: Vec<(i64, Option<i64>)> = places(&report)
        .into_iter()
        .filter(|(_, status, _)| status == "waitlisted")
        .map(|(student, _, position)| (student, position))
        .collect();
    assert_eq!(waiting, [(s[4].0, Some(1)), (s[1].0, Some(2))]);
    assert_eq!(report["activity"]["signed_up"], 2);
    error_body(withdraw(&app, &s[3].2, id).await, 409, "not_signed_up").await;
}

#[tokio::test]
async fn students_racing_for_the_last_places_get_exactly_the_capacity_and_the_rest_queue_in_order() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, s) = class_with_tokens(&app, &admin, "软件2402", 12).await;
    let id =
        app.publish(&admin, lecture("名额有限的参观", 3, json!({ "classes": [class] }))).await["id"].as_i64().unwrap();

    let answers = join_all(s.iter().map(|(_, _, token)| async { sign_up(&app, token, id).await })).await;
    assert!(answers.iter().all(|r| r.status() == 200), "every sign-up was taken");
    let report = app.activity(&admin, id).await;
    let all = places(&report);
    assert_eq!(all.iter().filter(|(_, status, _)| status == "signed_up").count(), 3);
    let positions: Vec<i64> = all.iter().filter_map(|(_, _, position)| *position).collect();
    assert_eq!(positions, (1..=9).collect::<Vec<_>>());

    // Three places given up at once go to the first three waiting, and to nobody else.
    let first_three: Vec<i64> =
        all.iter().filter(|(_, _, p)| p.is_some_and(|p| p <= 3)).map(|(id, _, _)| *id).collect();
    let placed: Vec<&(i64, String, String)> =
        s.iter().filter(|(student, _, _)| all.iter().any(|(id, st, _)| id == student && st == "signed_up")).collect();
    let left = join_all(placed.iter().map(|(_, _, token)| async { withdraw(&app, token, id).await })).await;
    assert!(left.iter().all(|r| r.status() == 200));
    let after = places(&app.activity(&admin, id).await);
    let mut now_placed: Vec<i64> =
        after.iter().filter(|(_, status, _)| status == "signed_up").map(|(id, _, _)| *id).collect();
    now_placed.sort();
    let mut expected = first_three.clone();
    expected.sort();
    assert_eq!(now_placed, expected);
}

#[tokio::test]
async fn a_student_outside_the_audience_neither_sees_nor_joins_and_sign_ups_close_at_the_deadline() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, inside) = class_with_tokens(&app, &admin, "软件2403", 2).await;
    let (_, outside) = class_with_tokens(&app, &admin, "数学2403", 1).await;
    let id =
        app.publish(&admin, lecture("班级茶话会", 10, json!({ "classes": [class] }))).await["id"].as_i64().unwrap();
    let public = app.publish(&admin, lecture("全校讲座", 10, json!({ "public": true }))).await["id"].as_i64().unwrap();

    let listed =
        |list: Value| -> Vec<i64> { list.as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect() };
    let theirs: Value = sget(&app, "/api/v1/portal/activities", &outside[0].2).await.json().await.unwrap();
    assert_eq!(listed(theirs), [public]);
    error_body(sign_up(&app, &outside[0].2, id).await, 404, "not_found").await;
    let mine: Value = sget(&app, "/api/v1/portal/activities", &inside[0].2).await.json().await.unwrap();
    assert_eq!(listed(mine.clone()), [id, public]);
    assert_eq!((mine[0]["open"].as_bool(), mine[0]["my_status"].is_null()), (Some(true), true));
    let stranger = student_token(&app, &app.follower("路人").await).await;
    error_body(sget(&app, "/api/v1/portal/activities", &stranger).await, 403, "not_bound").await;

    sign_up(&app, &inside[0].2, id).await;
    sqlx::query("UPDATE activities SET signup_until = $1 WHERE id = $2")
        .bind(banji::db::now_ms() - 1000)
        .bind(id)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    error_body(sign_up(&app, &inside[1].2, id).await, 409, "signup_closed").await;
    error_body(withdraw(&app, &inside[0].2, id).await, 409, "signup_closed").await;
    // Closed, it stays on the page of the student who joined it, and leaves the others'.
    let mine: Value = sget(&app, "/api/v1/portal/activities", &inside[0].2).await.json().await.unwrap();
    assert_eq!((mine[0]["id"].as_i64(), mine[0]["open"].as_bool()), (Some(id), Some(false)));
    assert_eq!(mine[0]["my_status"], "signed_up");
    let other: Value = sget(&app, "/api/v1/portal/activities", &inside[1].2).await.json().await.unwrap();
    assert_eq!(listed(other), [public]);
}

#[tokio::test]
async fn wechat_signs_up_by_code_and_answers_full_closed_unknown_and_not_for_you() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, s) = app.bound_class(&admin, "软件2404", 2, &[]).await;
    let (_, other) = app.bound_class(&admin, "数学2404", 1, &[]).await;
    let made = app.publish(&admin, lecture("就业讲座", 1, json!({ "classes": [class] }))).await;
    let code = made["code"].as_str().unwrap();

    let listed = app.wechat_reply(&s[0].1, "报名").await;
    assert!(listed.contains(&format!("就业讲座（活动码 {code}）")) && listed.contains("余1位"), "{listed}");
    assert!(listed.contains("/api/v1/portal/oauth?next=/s/activities"), "{listed}");
    assert!(app.wechat_reply(&s[0].1, &format!("报名 {code}")).await.starts_with("报名成功：「就业讲座」"));
    assert!(app.wechat_reply(&s[0].1, &format!("报名 {code}")).await.starts_with("你已报名「就业讲座」"));
    let full = app.wechat_reply(&s[1].1, &format!("报名 {code}")).await;
    assert!(full.contains("已满，已进入候补第 1 位"), "{full}");
    let menu = app.say(&s[0].1, json!({ "type": "event", "event": "CLICK", "event_key": "ACTIVITIES" })).await;
    assert!(menu["reply"]["content"].as_str().unwrap().contains("【已报名】就业讲座"), "{menu}");
    let not_code = if code == "0000" { "0001" } else { "0000" };
    assert!(app.wechat_reply(&s[0].1, &format!("报名 {not_code}")).await.starts_with("未找到活动"));
    assert!(app.wechat_reply(&other[0].1, &format!("报名 {code}")).await.contains("你不在「就业讲座」的报名范围"));
    let stranger = app.follower("路人").await;
    assert!(app.wechat_reply(&stranger, &format!("报名 {code}")).await.starts_with("请先绑定学号"));

    // Cancelling by message hands the place to the one waiting.
    assert_eq!(app.wechat_reply(&s[0].1, &format!("取消报名 {code}")).await, "已取消报名「就业讲座」。");
    let report = app.activity(&admin, made["id"].as_i64().unwrap()).await;
    assert_eq!(places(&report)[0], (s[1].0, "signed_up".to_string(), None));
    sqlx::query("UPDATE activities SET signup_until = $1")
        .bind(banji::db::now_ms() - 1000)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(app.wechat_reply(&s[0].1, &format!("报名 {code}")).await, "「就业讲座」报名已截止。");
    assert!(app.wechat_reply(&s[0].1, "活动").await.starts_with("暂无可报名的活动"));
}

#[tokio::test]
async fn the_check_in_session_is_made_from_the_places_and_no_shows_are_counted_once_it_closes() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, teacher) = app.teacher("teacher.a").await;
    let (class, s) = class_with_tokens(&app, &admin, "软件2405", 4).await;
    let made = app.publish(&admin, lecture("安全讲座", 2, json!({ "classes": [class] }))).await;
    let id = made["id"].as_i64().unwrap();
    let empty = app.publish(&admin, lecture("没人报名的讲座", 2, json!({ "classes": [class] }))).await;
    let path = |id: i64| format!("/api/v1/activities/{id}/checkin");
    let nobody = app.post(&path(empty["id"].as_i64().unwrap()), &admin.access, json!({ "methods": ["code"] })).await;
    error_body(nobody, 409, "nobody_signed_up").await;
    for (_, _, token) in &s[..3] {
        sign_up(&app, token, id).await;
    }

    let resp = app.post(&path(id), &admin.access, json!({ "methods": ["code"] })).await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let session: Value = resp.json().await.unwrap();
    assert_eq!((session["activity_id"].as_i64(), session["state"].as_str()), (Some(id), Some("open")));
    assert_eq!(session["counts"]["expected"], 2, "the roll is those with a place");
    assert_eq!(session["late_after"], made["starts_at"]);
    let session_id = session["id"].as_i64().unwrap();
    error_body(app.post(&path(id), &admin.access, json!({ "methods": ["code"] })).await, 409, "checkin_exists").await;
    error_body(app.post(&path(id), &teacher.access, json!({ "methods": ["code"] })).await, 404, "not_found").await;
    assert_eq!(app.activity(&admin, id).await["activity"]["checkin_session_id"], session_id);

    // Places still change until the deadline, and the roll follows them.
    withdraw(&app, &s[1].2, id).await;
    let roll: Value =
        app.get(&format!("/api/v1/checkins/{session_id}/roll"), &admin.access).await.json().await.unwrap();
    let on_roll: Vec<i64> =
        roll["items"].as_array().unwrap().iter().map(|e| e["student_id"].as_i64().unwrap()).collect();
    assert_eq!(on_roll.len(), 2);
    assert!(on_roll.contains(&s[0].0) && on_roll.contains(&s[2].0) && !on_roll.contains(&s[1].0), "{roll}");

    let manual = json!({ "student_id": s[0].0, "present": true, "reason": "现场登记" });
    let resp = app.post(&format!("/api/v1/checkins/{session_id}/manual"), &admin.access, manual).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let open = app.activity(&admin, id).await;
    assert_eq!((open["attended"].as_i64(), open["no_shows"].as_i64()), (Some(1), Some(0)), "no no-shows while open");
    assert_eq!(open["signups"][0]["attendance"], "present");
    assert_eq!(open["signups"][1]["attendance"], "absent");

    let closed = app.post(&format!("/api/v1/checkins/{session_id}/close"), &admin.access, json!({})).await;
    assert_eq!(closed.status(), 200);
    let report = app.activity(&admin, id).await;
    assert_eq!((report["attended"].as_i64(), report["no_shows"].as_i64()), (Some(1), Some(1)));

    let query = format!("/api/v1/activities/no-shows?until={}", urlencoding(&minutes(60 * 24)));
    let no_shows: Value = app.get(&query, &admin.access).await.json().await.unwrap();
    assert_eq!(no_shows.as_array().unwrap().len(), 1, "{no_shows}");
    assert_eq!((no_shows[0]["student_id"].as_i64(), no_shows[0]["no_shows"].as_i64()), (Some(s[2].0), Some(1)));
    assert_eq!(no_shows[0]["signed_up"], 1);
    let theirs: Value = app.get(&query, &teacher.access).await.json().await.unwrap();
    assert_eq!(theirs, json!([]), "a teacher counts their own activities");
    let backwards = "/api/v1/activities/no-shows?from=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z";
    error_body(app.get(backwards, &admin.access).await, 400, "invalid_parameter").await;
}

fn urlencoding(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn the_sign_ups_export_as_csv_and_xlsx_with_chinese_headers() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, s) = class_with_tokens(&app, &admin, "软件2406", 2).await;
    let id = app.publish(&admin, lecture("读书会", 1, json!({ "classes": [class] }))).await["id"].as_i64().unwrap();
    sign_up(&app, &s[0].2, id).await;
    sign_up(&app, &s[1].2, id).await;

    let resp = app.get(&format!("/api/v1/activities/{id}/export?format=csv"), &admin.access).await;
    assert_eq!(resp.status(), 200);
    let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.contains(&format!("activity-{id}-signups.csv")), "{disposition}");
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "a BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "学号,姓名,班级,报名状态,候补位次,报名时间,递补时间,签到,备注");
    assert!(lines[1].starts_with(&format!("N{class:03}00000,N{class:03}同学0,软件2406,已报名,,")), "{text}");
    assert!(lines[2].contains(",候补,1,"), "{text}");
    let xlsx = app.get(&format!("/api/v1/activities/{id}/export?format=xlsx"), &admin.access).await;
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "an XLSX is a zip");
    let audit: Value = app.get("/api/v1/audit?action=activity_exported", &admin.access).await.json().await.unwrap();
    assert_eq!(audit["total"], 2);
}
