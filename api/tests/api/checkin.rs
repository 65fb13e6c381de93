//! Check-in by each method and their combination: the projected QR code scanned in
//! WeChat, the code sent as `签到 123456` or typed on the page, the position inside the
//! fence (from the page, or a consenting student's recent LOCATION event), and code +
//! position together. One check-in per student; every try is kept.

use serde_json::{json, Value};

use crate::checkin_helpers::{entry_of, north_of, HALL};
use crate::helpers::spawn_app;

fn fence() -> Value {
    json!({ "latitude": HALL.0, "longitude": HALL.1, "radius_m": 100 })
}

#[tokio::test]
async fn scanning_the_projected_qr_code_checks_the_student_in_once() {
    let app = spawn_app().await;
    let room = app.room(3).await;
    let id = app.open_session(&room, json!({ "methods": ["qr"], "rotate_seconds": 300 })).await;
    let (student, openid) = &room.students[0];

    // Not across a change of code (a scan of the code just replaced is flagged after_rotation).
    let into_step = banji::db::now_ms() % 300_000;
    if into_step > 295_000 {
        tokio::time::sleep(std::time::Duration::from_millis((300_000 - into_step + 100) as u64)).await;
    }
    let ticket = app.shown_ticket(&room.admin, id).await;
    let reply = app.scan(openid, &ticket).await;
    assert!(reply.contains("签到成功") && reply.contains("周一班会"), "{reply}");
    // Scanned again a second later (the same second would be WeChat retrying the first).
    let later = chrono::Utc::now().timestamp() + 1;
    let again = app.say(openid, json!({ "type": "scan", "ticket": ticket, "create_time": later })).await;
    let again = again["reply"]["content"].as_str().unwrap_or_default();
    assert!(again.contains("无需重复签到"), "a second scan is not a second check-in: {again}");

    let roll = app.roll_of(&room.admin, id, "").await;
    let mine = entry_of(&roll, *student);
    assert_eq!((mine["status"].as_str(), mine["method"].as_str()), (Some("present"), Some("qr")));
    assert_eq!(roll.iter().filter(|e| e["status"] == "absent").count(), 2);
    let report = app.live_report(&room.admin, id).await;
    assert_eq!(
        report["session"]["counts"],
        json!({ "expected": 3, "checked_in": 1, "late": 0, "missing": 2, "flagged": 0 })
    );
    assert_eq!(report["latest"][0]["student_name"], mine["name"]);
    let attempts = app.attempts_of(&room.admin, id).await;
    let kept: Vec<_> =
        attempts.iter().map(|a| (a["via"].as_str(), a["accepted"].as_bool(), a["reason"].as_str())).collect();
    assert_eq!(kept, vec![(Some("scan"), Some(false), Some("already_checked_in")), (Some("scan"), Some(true), None)]);
}

#[tokio::test]
async fn a_student_who_no_longer_follows_checks_in_by_scanning_and_follows_again() {
    let app = spawn_app().await;
    let room = app.room(1).await;
    let id = app.open_session(&room, json!({ "methods": ["qr"] })).await;
    let (student, openid) = &room.students[0];
    app.say(openid, json!({ "type": "unsubscribe" })).await;
    // Scanning a parametric code while not following is a subscribe event with its scene.
    let answer = app.say(openid, json!({ "type": "scan", "ticket": app.shown_ticket(&room.admin, id).await })).await;
    assert!(answer["xml"].as_str().unwrap().contains("<Event><![CDATA[subscribe]]></Event>"), "{answer}");
    assert!(answer["reply"]["content"].as_str().unwrap().contains("签到成功"), "{answer}");
    assert_eq!(entry_of(&app.roll_of(&room.admin, id, "").await, *student)["status"], "present");
    let following: banji::db::Flag = sqlx::query_scalar("SELECT subscribed FROM followers WHERE openid = $1")
        .bind(openid)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert!(following.0, "the follow is recorded too");
}

#[tokio::test]
async fn a_qr_code_from_an_earlier_window_is_refused_as_expired_and_a_forged_one_as_wrong() {
    let app = spawn_app().await;
    let room = app.room(1).await;
    let id = app.open_session(&room, json!({ "methods": ["qr"], "rotate_seconds": 5 })).await;
    let openid = &room.students[0].1;
    let ticket = app.shown_ticket(&room.admin, id).await;
    // The screenshot a friend sent: by the time it is scanned, two windows have passed.
    tokio::time::sleep(std::time::Duration::from_millis(10_500)).await;
    let reply = app.scan(openid, &ticket).await;
    assert!(reply.contains("签到码已过期"), "{reply}");

    let step = banji::checkin::codes::step_at(banji::db::now_ms(), 5);
    let scene = banji::wechat::client::media::QrScene::Str(format!("ck:{id}:{step}:deadbeef"));
    let forged = app.state.wechat.client.create_qrcode(&scene, Some(60)).await.unwrap();
    let reply = app.scan(openid, &forged.ticket).await;
    assert!(reply.contains("签到码不正确"), "{reply}");
    let reasons: Vec<_> =
        app.attempts_of(&room.admin, id).await.iter().map(|a| a["reason"].as_str().map(str::to_string)).collect();
    assert_eq!(reasons, vec![Some("wrong_code".to_string()), Some("code_expired".to_string())]);
}

#[tokio::test]
async fn the_code_sent_as_a_message_checks_in_and_wrong_or_old_codes_are_refused() {
    let app = spawn_app().await;
    let room = app.room(2).await;
    let id = app.open_session(&room, json!({ "methods": ["code"], "rotate_seconds": 60 })).await;
    let openid = &room.students[0].1;

    let wrong = if app.code_of(id, 0).await == "000000" { "111111" } else { "000000" };
    assert!(app.wechat_reply(openid, &format!("签到 {wrong}")).await.contains("签到码不正确"));
    let old = app.code_of(id, 3).await;
    assert!(app.wechat_reply(openid, &format!("签到 {old}")).await.contains("已过期"));
    let code = app.code_of(id, 0).await;
    let reply = app.wechat_reply(openid, &format!("签到{code}")).await;
    assert!(reply.contains("签到成功"), "with or without a space: {reply}");
    let entry = entry_of(&app.roll_of(&room.admin, id, "").await, room.students[0].0);
    assert_eq!(entry["method"], "code");

    // 签到 alone points at the page of the open session.
    let pointer = app.wechat_reply(&room.students[1].1, "签到").await;
    assert!(pointer.contains(&format!("/s/checkin/{id}")), "{pointer}");
}

#[tokio::test]
async fn the_code_just_replaced_is_taken_for_a_few_seconds_and_flagged() {
    let app = spawn_app().await;
    let room = app.room(1).await;
    let id = app.open_session(&room, json!({ "methods": ["code"], "rotate_seconds": 5 })).await;
    // Wait for a rotation, then send the code it replaced.
    let now = banji::db::now_ms();
    let next = banji::checkin::codes::step_ends_ms(banji::checkin::codes::step_at(now, 5), 5);
    tokio::time::sleep(std::time::Duration::from_millis((next - now + 300) as u64)).await;
    let previous = app.code_of(id, 1).await;
    let reply = app.wechat_reply(&room.students[0].1, &format!("签到 {previous}")).await;
    assert!(reply.contains("签到成功"), "{reply}");
    let entry = entry_of(&app.roll_of(&room.admin, id, "").await, room.students[0].0);
    assert_eq!(entry["flags"], json!(["after_rotation"]));
    assert_eq!(app.live_report(&room.admin, id).await["session"]["counts"]["flagged"], 1);
}

#[tokio::test]
async fn a_geofence_takes_the_page_position_inside_and_refuses_outside_with_the_distance() {
    let app = spawn_app().await;
    let room = app.room(2).await;
    let id = app.open_session(&room, json!({ "methods": ["geo"], "geofence": fence() })).await;
    let token = app.page_token(&room.students[0].1).await;

    let view: Value = app
        .client
        .get(app.url(&format!("/api/v1/portal/checkins/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((view["needs_position"].as_bool(), view["needs_code"].as_bool()), (Some(true), Some(false)));
    let none = app.page_try(&token, id, json!({})).await;
    assert_eq!(none["reason"], "position_needed");
    let far = north_of(HALL, 350.0);
    let outside = app.page_try(&token, id, json!({ "latitude": far.0, "longitude": far.1, "accuracy_m": 20 })).await;
    assert_eq!((outside["accepted"].as_bool(), outside["reason"].as_str()), (Some(false), Some("outside_fence")));
    let d = outside["distance_m"].as_i64().unwrap();
    assert!((345..=355).contains(&d), "about 350 m: {d}");
    assert!(outside["message"].as_str().unwrap().contains(&format!("约 {d} 米（范围 100 米）")), "{outside}");
    let near = north_of(HALL, 40.0);
    let inside = app.page_try(&token, id, json!({ "latitude": near.0, "longitude": near.1, "accuracy_m": 15 })).await;
    assert_eq!(inside["accepted"], true, "{inside}");
    let attempts = app.attempts_of(&room.admin, id).await;
    assert_eq!(attempts.len(), 3);
    assert!(attempts[1]["latitude"].as_f64().is_some() && attempts[1]["distance_m"].as_i64() == Some(d));
}

#[tokio::test]
async fn code_and_geofence_together_need_both_and_a_scan_is_finished_on_the_page_with_the_position() {
    let app = spawn_app().await;
    let room = app.room(2).await;
    let id = app
        .open_session(&room, json!({ "methods": ["qr", "code", "geo"], "geofence": fence(), "rotate_seconds": 60 }))
        .await;
    let inside = north_of(HALL, 10.0);
    let (first, second) = (&room.students[0], &room.students[1]);

    // The page: a position without the code is not enough, nor the code from outside.
    let token = app.page_token(&first.1).await;
    let no_code = app.page_try(&token, id, json!({ "latitude": inside.0, "longitude": inside.1 })).await;
    assert_eq!(no_code["reason"], "code_needed");
    let far = north_of(HALL, 500.0);
    let code = app.code_of(id, 0).await;
    let from_afar = app.page_try(&token, id, json!({ "code": code, "latitude": far.0, "longitude": far.1 })).await;
    assert_eq!(from_afar["reason"], "outside_fence");
    let both = app.page_try(&token, id, json!({ "code": code, "latitude": inside.0, "longitude": inside.1 })).await;
    assert_eq!(both["accepted"], true, "{both}");
    assert_eq!(entry_of(&app.roll_of(&room.admin, id, "").await, first.0)["method"], "code+geo");

    // WeChat: the scan proves the room; with no position at hand the reply links the page,
    // which then asks only for the position.
    let ticket = app.shown_ticket(&room.admin, id).await;
    let reply = app.scan(&second.1, &ticket).await;
    assert!(reply.contains("需要定位") && reply.contains(&format!("/s/checkin/{id}")), "{reply}");
    let token = app.page_token(&second.1).await;
    let view: Value = app
        .client
        .get(app.url(&format!("/api/v1/portal/checkins/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((view["needs_code"].as_bool(), view["needs_position"].as_bool()), (Some(false), Some(true)));
    let finished = app.page_try(&token, id, json!({ "latitude": inside.0 + 0.00002, "longitude": inside.1 })).await;
    assert_eq!(finished["accepted"], true, "{finished}");
    assert_eq!(entry_of(&app.roll_of(&room.admin, id, "").await, second.0)["method"], "qr+geo");
}

#[tokio::test]
async fn a_consenting_students_recent_location_event_stands_in_for_the_page_and_others_are_not_kept() {
    let app = spawn_app().await;
    let room = app.room(2).await;
    let id =
        app.open_session(&room, json!({ "methods": ["code", "geo"], "geofence": fence(), "rotate_seconds": 60 })).await;
    let (agreed, declined) = (&room.students[0], &room.students[1]);
    let token = app.page_token(&agreed.1).await;
    let consent = app
        .client
        .put(app.url("/api/v1/portal/location-consent"))
        .bearer_auth(&token)
        .json(&json!({ "consented": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(consent.status(), 200);
    assert_eq!(consent.json::<Value>().await.unwrap()["consented"], true);

    let here = north_of(HALL, 20.0);
    for openid in [&agreed.1, &declined.1] {
        let fields = json!({ "Latitude": here.0.to_string(), "Longitude": here.1.to_string(), "Precision": "30" });
        let answer = app.say(openid, json!({ "type": "event", "event": "LOCATION", "fields": fields })).await;
        assert!(answer["reply"].is_null(), "a position is never answered: {answer}");
    }
    let code = app.code_of(id, 0).await;
    assert!(app.wechat_reply(&agreed.1, &format!("签到 {code}")).await.contains("签到成功"));
    let reply = app.wechat_reply(&declined.1, &format!("签到 {code}")).await;
    assert!(reply.contains("需要定位"), "no consent, no kept position: {reply}");
    let kept: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM student_locations").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(kept, 1, "only the consenting student's position is kept");

    // A teacher may look (audited); revoking deletes it.
    let shown = app.get(&format!("/api/v1/students/{}/location", agreed.0), &room.admin.access).await;
    assert_eq!(shown.status(), 200);
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'student_location_viewed'")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(audited, 1);
    app.client
        .put(app.url("/api/v1/portal/location-consent"))
        .bearer_auth(&token)
        .json(&json!({ "consented": false }))
        .send()
        .await
        .unwrap();
    let gone = app.get(&format!("/api/v1/students/{}/location", agreed.0), &room.admin.access).await;
    crate::helpers::error_body(gone, 404, "no_location").await;
}
