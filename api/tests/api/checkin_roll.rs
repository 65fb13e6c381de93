//! The teacher's side of a session: late and absent, 补签 and removals (audited), close
//! early and reopen, the notice to the absent, the live stream, cadres' sessions, who
//! sees which session, and positions deleted after their retention.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::checkin_helpers::entry_of;
use crate::helpers::{error_body, spawn_app};

#[tokio::test]
async fn check_ins_after_the_late_time_are_late_and_the_rest_absent() {
    let app = spawn_app().await;
    let room = app.room(3).await;
    let now = chrono::Utc::now();
    let id = app
        .open_session(
            &room,
            json!({ "methods": ["code"], "rotate_seconds": 60, "starts_at": now - chrono::Duration::minutes(20),
                                     "late_after": now - chrono::Duration::minutes(10) }),
        )
        .await;
    let code = app.code_of(id, 0).await;
    let reply = app.wechat_reply(&room.students[0].1, &format!("签到 {code}")).await;
    assert!(reply.contains("签到成功（迟到）"), "{reply}");
    let counts = &app.live_report(&room.admin, id).await["session"]["counts"];
    assert_eq!(
        (counts["checked_in"].as_i64(), counts["late"].as_i64(), counts["missing"].as_i64()),
        (Some(1), Some(1), Some(2))
    );
    assert_eq!(app.roll_of(&room.admin, id, "&status=late").await.len(), 1);
    assert_eq!(app.roll_of(&room.admin, id, "&status=absent").await.len(), 2);
    assert_eq!(app.roll_of(&room.admin, id, "&status=present").await.len(), 0);
}

#[tokio::test]
async fn a_teacher_adds_and_removes_a_check_in_by_hand_with_a_reason_in_the_audit_log() {
    let app = spawn_app().await;
    let room = app.room(2).await;
    let id = app.open_session(&room, json!({})).await;
    let student = room.students[0].0;
    let path = format!("/api/v1/checkins/{id}/manual");
    let no_reason =
        app.post(&path, &room.admin.access, json!({ "student_id": student, "present": true, "reason": " " })).await;
    error_body(no_reason, 422, "validation_failed").await;
    let added = app
        .post(
            &path,
            &room.admin.access,
            json!({ "student_id": student, "present": true, "reason": "手机没电，老师确认在场" }),
        )
        .await;
    assert_eq!(added.status(), 200);
    let added: Value = added.json().await.unwrap();
    assert_eq!((added["status"].as_str(), added["method"].as_str()), (Some("present"), Some("manual")));
    assert_eq!(added["manual_reason"], "手机没电，老师确认在场");
    let twice =
        app.post(&path, &room.admin.access, json!({ "student_id": student, "present": true, "reason": "再来" })).await;
    error_body(twice, 409, "already_checked_in").await;
    // The student's own try afterwards is one too many.
    let token = app.page_token(&room.students[0].1).await;
    assert_eq!(
        app.page_try(&token, id, json!({ "code": app.code_of(id, 0).await })).await["reason"],
        "already_checked_in"
    );

    let removed = app
        .post(&path, &room.admin.access, json!({ "student_id": student, "present": false, "reason": "代签，已核实" }))
        .await;
    assert_eq!(removed.json::<Value>().await.unwrap()["status"], "absent");
    let not_in =
        app.post(&path, &room.admin.access, json!({ "student_id": student, "present": false, "reason": "再撤" })).await;
    error_body(not_in, 409, "not_checked_in").await;
    let stranger =
        app.post(&path, &room.admin.access, json!({ "student_id": 999_999, "present": true, "reason": "x" })).await;
    assert_eq!(stranger.status(), 404);
    let audit: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT action, detail FROM audit_log WHERE action LIKE 'checkin_%ed' AND action <> 'checkin_created' ORDER BY id")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(
        audit,
        vec![
            ("checkin_added".to_string(), Some("补签：手机没电，老师确认在场".to_string())),
            ("checkin_removed".to_string(), Some("撤销签到：代签，已核实".to_string())),
        ]
    );
    let manual: Vec<_> = app.attempts_of(&room.admin, id).await.into_iter().filter(|a| a["via"] == "manual").collect();
    assert_eq!(manual.len(), 2, "hand edits are among the tries");
}

#[tokio::test]
async fn a_session_closed_early_refuses_and_reopened_takes_check_ins_again() {
    let app = spawn_app().await;
    let room = app.room(1).await;
    let id = app.open_session(&room, json!({ "methods": ["code"], "rotate_seconds": 60 })).await;
    let closed: Value =
        app.post(&format!("/api/v1/checkins/{id}/close"), &room.admin.access, json!({})).await.json().await.unwrap();
    assert_eq!(closed["state"], "closed");
    assert!(closed["closed_early_at"].is_string());
    error_body(app.post(&format!("/api/v1/checkins/{id}/close"), &room.admin.access, json!({})).await, 409, "not_open")
        .await;
    let display = app.display(&room.admin, id).await;
    assert!(
        display["code"].is_null() && display["qr_image_url"].is_null(),
        "a closed session shows no code: {display}"
    );
    let openid = &room.students[0].1;
    assert!(app.wechat_reply(openid, &format!("签到 {}", app.code_of(id, 0).await)).await.contains("没有进行中的签到"));

    let past = app
        .post(
            &format!("/api/v1/checkins/{id}/reopen"),
            &room.admin.access,
            json!({ "ends_at": chrono::Utc::now() - chrono::Duration::minutes(1) }),
        )
        .await;
    error_body(past, 422, "validation_failed").await;
    let ends = chrono::Utc::now() + chrono::Duration::minutes(30);
    let reopened: Value = app
        .post(&format!("/api/v1/checkins/{id}/reopen"), &room.admin.access, json!({ "ends_at": ends }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reopened["state"], "open");
    assert!(app.wechat_reply(openid, &format!("签到 {}", app.code_of(id, 0).await)).await.contains("签到成功"));
}

#[tokio::test]
async fn the_absent_are_sent_a_notice_in_one_action_that_leads_to_the_check_in_while_it_is_open() {
    let app = spawn_app().await;
    let room = app.room(3).await;
    app.map_notice_template(&room.admin).await;
    let id = app.open_session(&room, json!({ "methods": ["code"], "rotate_seconds": 60 })).await;
    app.wechat_reply(&room.students[0].1, &format!("签到 {}", app.code_of(id, 0).await)).await;
    let sent = app.post(&format!("/api/v1/checkins/{id}/absent-notice"), &room.admin.access, json!({})).await;
    assert_eq!(sent.status(), 201, "{}", sent.text().await.unwrap());
    let sent: Value = sent.json().await.unwrap();
    assert_eq!(sent["recipients"], 2);
    let notice = sent["notice_id"].as_i64().unwrap();
    app.until_sent(&room.admin, notice, 30).await;
    let to: Vec<i64> =
        app.deliveries(&room.admin, notice).await.iter().map(|d| d["student_id"].as_i64().unwrap()).collect();
    let mut expected = vec![room.students[1].0, room.students[2].0];
    let mut to = to;
    to.sort();
    expected.sort();
    assert_eq!(to, expected, "only the absent");
    let inbox = app.inbox(&room.students[1].1).await;
    let reminder = inbox.iter().find(|m| m.to_string().contains("未签到提醒")).expect("the absent are told");
    // The session is still open: the message leads to the check-in, not to a notice page.
    assert!(reminder.to_string().contains(&format!("next=/s/checkin/{id}")), "{reminder}");
    assert!(!reminder.to_string().contains("next=/s/notices/"), "{reminder}");
    assert!(app.inbox(&room.students[0].1).await.iter().all(|m| !m.to_string().contains("未签到提醒")));

    for (student, _) in &room.students[1..] {
        let body = json!({ "student_id": student, "present": true, "reason": "请假" });
        app.post(&format!("/api/v1/checkins/{id}/manual"), &room.admin.access, body).await;
    }
    let nobody = app.post(&format!("/api/v1/checkins/{id}/absent-notice"), &room.admin.access, json!({})).await;
    error_body(nobody, 409, "nobody_absent").await;
}

#[tokio::test]
async fn an_open_live_view_hears_of_a_check_in_made_through_another_replica() {
    let app = spawn_app().await;
    let room = app.room(1).await;
    let id = app.open_session(&room, json!({ "methods": ["code"], "rotate_seconds": 60 })).await;
    let bad = app.client.get(app.url(&format!("/api/v1/checkins/{id}/live/events?ticket=nope"))).send().await.unwrap();
    assert_eq!(bad.status(), 401);
    let url = app.live_stream_url(&room.admin, id).await;
    let resp = app.client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401, "a ticket is used once");
    let mut body = resp.bytes_stream();
    let mut seen = String::new();
    let events = |seen: &String| seen.matches("event: checkin").count();
    while events(&seen) < 1 {
        let chunk = tokio::time::timeout(Duration::from_secs(10), body.next()).await.unwrap().unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let replica = if app.state.kv.is_shared() { Some(app.replica().await) } else { None };
    let other = replica.as_ref().unwrap_or(&app);
    let token = app.page_token(&room.students[0].1).await;
    let code = app.code_of(id, 0).await;
    let resp = other
        .client
        .post(other.url(&format!("/api/v1/portal/checkins/{id}")))
        .bearer_auth(&token)
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.json::<Value>().await.unwrap()["accepted"], true);
    while events(&seen) < 2 {
        let chunk = tokio::time::timeout(Duration::from_secs(10), body.next()).await.expect("an event within 10 s");
        seen.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap()));
    }
    assert!(seen.contains(&format!("{{\"session_id\":{id}}}")), "{seen}");
}

#[tokio::test]
async fn a_cadre_opens_a_session_for_their_class_only_and_its_teachers_see_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("counselor").await;
    let (_, other_teacher) = app.teacher("someone.else").await;
    let (class, students) = app.bound_class(&admin, "电子2401", 2, &[teacher_id]).await;
    let (other_class, _) = app.bound_class(&admin, "电子2402", 1, &[]).await;
    let cadre = app
        .post(
            &format!("/api/v1/classes/{class}/cadres"),
            &teacher.access,
            json!({ "student_id": students[0].0, "title": "班长", "starts_on": "2024-09-01" }),
        )
        .await;
    assert_eq!(cadre.status(), 201, "{}", cadre.text().await.unwrap());
    let token = app.page_token(&students[0].1).await;
    let now = chrono::Utc::now();
    let session = |classes: Value| {
        json!({ "title": "晚自习", "audience": { "classes": classes }, "starts_at": now,
        "ends_at": now + chrono::Duration::hours(1), "methods": ["code"] })
    };
    let post = |body: Value| app.client.post(app.url("/api/v1/portal/checkins")).bearer_auth(&token).json(&body).send();
    error_body(post(session(json!([other_class]))).await.unwrap(), 403, "not_cadre").await;
    let made = post(session(json!([class]))).await.unwrap();
    assert_eq!(made.status(), 201, "{}", made.text().await.unwrap());
    let made: Value = made.json().await.unwrap();
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["counts"]["expected"], 2);
    let shown: Value = app
        .client
        .get(app.url(&format!("/api/v1/portal/checkins/{id}/display")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown["code"].as_str().map(str::len), Some(6), "the cadre shows the class the code: {shown}");
    let classmate = app.page_token(&students[1].1).await;
    let not_theirs = app
        .client
        .get(app.url(&format!("/api/v1/portal/checkins/{id}/display")))
        .bearer_auth(&classmate)
        .send()
        .await
        .unwrap();
    assert_eq!(not_theirs.status(), 404);

    let listed: Value = app.get("/api/v1/checkins", &teacher.access).await.json().await.unwrap();
    assert!(listed["items"][0]["created_by_name"].as_str().unwrap().ends_with("同学0"), "made by the cadre: {listed}");
    assert_eq!(listed["total"], 1, "the class's teacher sees the cadre's session");
    assert_eq!(app.get(&format!("/api/v1/checkins/{id}"), &other_teacher.access).await.status(), 404);
    let theirs: Value = app.get("/api/v1/checkins", &other_teacher.access).await.json().await.unwrap();
    assert_eq!(theirs["total"], 0);
    // A teacher cannot open a session for a class that is not theirs.
    let body = session(json!([other_class]));
    let refused = app.post("/api/v1/checkins", &teacher.access, body).await;
    error_body(refused, 422, "validation_failed").await;
}

#[tokio::test]
async fn positions_past_their_retention_are_deleted_and_recent_ones_kept() {
    let app = spawn_app().await;
    let room = app.room(2).await;
    let id = app
        .open_session(
            &room,
            json!({ "methods": ["geo"], "geofence": { "latitude": 30.0, "longitude": 120.0, "radius_m": 100 } }),
        )
        .await;
    for (_, openid) in &room.students {
        let token = app.page_token(openid).await;
        app.client
            .put(app.url("/api/v1/portal/location-consent"))
            .bearer_auth(&token)
            .json(&json!({ "consented": true }))
            .send()
            .await
            .unwrap();
        app.page_try(&token, id, json!({ "latitude": 30.0, "longitude": 120.0003 })).await;
        let fields = json!({ "Latitude": "30.0", "Longitude": "120.0", "Precision": "10" });
        app.say(openid, json!({ "type": "event", "event": "LOCATION", "fields": fields })).await;
    }
    let db = &app.state.db;
    let old = banji::db::now_ms() - 31 * 86_400_000;
    sqlx::query("UPDATE student_locations SET reported_at = $1 WHERE student_id = $2")
        .bind(old)
        .bind(room.students[0].0)
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE checkin_attempts SET created_at = $1 WHERE student_id = $2")
        .bind(old)
        .bind(room.students[0].0)
        .execute(db.pool())
        .await
        .unwrap();
    let removed = banji::checkin::location::purge(db, 30).await.unwrap();
    assert_eq!(removed, 2, "the old kept position and the old attempt's position");
    let kept: Vec<i64> =
        sqlx::query_scalar("SELECT student_id FROM student_locations").fetch_all(db.pool()).await.unwrap();
    assert_eq!(kept, vec![room.students[1].0]);
    let with_position: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT student_id FROM checkin_attempts WHERE latitude IS NOT NULL")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(with_position, vec![Some(room.students[1].0)]);
    assert_eq!(
        entry_of(&app.roll_of(&room.admin, id, "").await, room.students[0].0)["status"],
        "present",
        "the check-in stays"
    );
}
