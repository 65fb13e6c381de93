//! What a check-in refuses and what it flags: the session's time, the roll, unbound
//! followers, the wrong method, too many tries; one device or one position shared by
//! several students, and a position replayed from an earlier session.

use serde_json::json;

use crate::checkin_helpers::{entry_of, north_of, HALL};
use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn tries_outside_the_sessions_time_off_its_roll_unbound_or_by_the_wrong_method_are_refused() {
    let app = spawn_app().await;
    let room = app.room(1).await;
    let now = chrono::Utc::now();
    let later = app
        .open_session(
            &room,
            json!({ "starts_at": now + chrono::Duration::hours(1), "ends_at": now + chrono::Duration::hours(2) }),
        )
        .await;
    let geo_only = app
        .open_session(
            &room,
            json!({ "methods": ["geo"], "geofence": { "latitude": HALL.0, "longitude": HALL.1, "radius_m": 50 } }),
        )
        .await;
    let token = app.page_token(&room.students[0].1).await;
    let early = app.page_try(&token, later, json!({ "code": "123456" })).await;
    assert_eq!(early["reason"], "not_open");
    assert!(early["message"].as_str().unwrap().contains("尚未开始"), "{early}");
    let code_on_geo = app.page_try(&token, geo_only, json!({ "code": "123456" })).await;
    assert_eq!(code_on_geo["reason"], "method_not_allowed");

    // A student of another class is not on this roll; an unbound follower is told to bind.
    let (_, others) = app.bound_class(&room.admin, "计科2402", 1, &[]).await;
    let stranger = app.page_token(&others[0].1).await;
    let code = app.code_of(geo_only, 0).await;
    let open = app.open_session(&room, json!({ "methods": ["code"], "rotate_seconds": 60 })).await;
    let code_open = app.code_of(open, 0).await;
    let off_roll = app.page_try(&stranger, open, json!({ "code": code_open })).await;
    assert_eq!(off_roll["reason"], "not_on_roll");
    let newcomer = app.follower("路人").await;
    assert!(app.wechat_reply(&newcomer, &format!("签到 {code}")).await.contains("请先绑定学号"));
    // Sent while the student has no session taking digits: nothing matches.
    assert!(app.wechat_reply(&others[0].1, &format!("签到 {code_open}")).await.contains("没有进行中的签到"));

    // Closed early: refused as over.
    let closed = app.post(&format!("/api/v1/checkins/{open}/close"), &room.admin.access, json!({})).await;
    assert_eq!(closed.status(), 200);
    let over = app.page_try(&token, open, json!({ "code": app.code_of(open, 0).await })).await;
    assert_eq!(over["reason"], "not_open");
    assert!(over["message"].as_str().unwrap().contains("已结束"));
}

#[tokio::test]
async fn more_tries_than_the_limit_are_refused_and_every_one_is_kept() {
    let app = spawn_app_with(&[("BANJI_CHECKIN_ATTEMPTS_PER_MINUTE", "3")]).await;
    let room = app.room(1).await;
    let id = app.open_session(&room, json!({ "methods": ["code"], "rotate_seconds": 60 })).await;
    let token = app.page_token(&room.students[0].1).await;
    let wrong = if app.code_of(id, 0).await == "999999" { "888888" } else { "999999" };
    for _ in 0..3 {
        assert_eq!(app.page_try(&token, id, json!({ "code": wrong })).await["reason"], "wrong_code");
    }
    let right = app.code_of(id, 0).await;
    let blocked = app.page_try(&token, id, json!({ "code": right })).await;
    assert_eq!(blocked["reason"], "too_many_attempts", "guessing stops at the limit, even with the right code");
    let reasons: Vec<_> =
        app.attempts_of(&room.admin, id).await.iter().map(|a| a["reason"].as_str().unwrap().to_string()).collect();
    assert_eq!(reasons, vec!["too_many_attempts", "wrong_code", "wrong_code", "wrong_code"]);
    assert_eq!(entry_of(&app.roll_of(&room.admin, id, "").await, room.students[0].0)["status"], "absent");
}

#[tokio::test]
async fn one_device_or_one_exact_position_for_two_students_flags_both_and_a_replayed_position_is_flagged() {
    let app = spawn_app().await;
    let room = app.room(3).await;
    let fence = json!({ "latitude": HALL.0, "longitude": HALL.1, "radius_m": 200 });
    let id = app.open_session(&room, json!({ "methods": ["geo"], "geofence": fence })).await;
    let [a, b, c] = [&room.students[0], &room.students[1], &room.students[2]];
    let spot = north_of(HALL, 30.0);
    let (ta, tb, tc) = (app.page_token(&a.1).await, app.page_token(&b.1).await, app.page_token(&c.1).await);

    let first = app.page_try(&ta, id, json!({ "latitude": spot.0, "longitude": spot.1, "device": "phone-A" })).await;
    assert_eq!(first["accepted"], true);
    // The friend's check-in from the same phone, and a third student at the very same point.
    let friend =
        app.page_try(&tb, id, json!({ "latitude": spot.0 + 0.0001, "longitude": spot.1, "device": "phone-A" })).await;
    assert_eq!(friend["accepted"], true, "flagged, not refused");
    let same_point =
        app.page_try(&tc, id, json!({ "latitude": spot.0, "longitude": spot.1, "device": "phone-C" })).await;
    assert_eq!(same_point["accepted"], true);

    let roll = app.roll_of(&room.admin, id, "").await;
    let flags = |s: i64| {
        let mut f: Vec<String> =
            entry_of(&roll, s)["flags"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        f.sort();
        f
    };
    assert_eq!(flags(a.0), vec!["same_device", "same_position"]);
    assert_eq!(flags(b.0), vec!["same_device"]);
    assert_eq!(flags(c.0), vec!["same_position"]);
    let flagged = app.get(&format!("/api/v1/checkins/{id}/attempts?flagged=true"), &room.admin.access).await;
    assert_eq!(flagged.json::<serde_json::Value>().await.unwrap()["total"], 2, "the two later tries carried flags");

    // Next week, the third student sends the very same coordinates again.
    let next = app.open_session(&room, json!({ "methods": ["geo"], "geofence": fence, "title": "第二次班会" })).await;
    let replayed = app.page_try(&tc, next, json!({ "latitude": spot.0, "longitude": spot.1 })).await;
    assert_eq!(replayed["accepted"], true);
    assert_eq!(entry_of(&app.roll_of(&room.admin, next, "").await, c.0)["flags"], json!(["repeated_position"]));
}
