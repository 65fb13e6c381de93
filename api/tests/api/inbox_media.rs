//! Media in 消息: files a teacher answers with are checked against what WeChat takes before
//! anything is sent; pictures, voice and video a student sends are kept past the
//! platform's three days, voice converted for browsers.

use std::time::Duration;

use banji::wechat::mock::media::{SAMPLE_IMAGE, SAMPLE_VIDEO, SAMPLE_VOICE};
use serde_json::{json, Value};

use crate::helpers::{error_body, TestApp};
use crate::inbox_replies::{say, upload, uploaded};

#[tokio::test]
async fn a_file_the_platform_would_refuse_is_refused_before_anything_is_sent() {
    let app = crate::helpers::spawn_app().await;
    let (_, teacher) = app.teacher("wang").await;
    let (_, other) = app.teacher("li").await;
    // 61 seconds of AMR: 3050 frames of 20 ms.
    let mut long = b"#!AMR\n".to_vec();
    for _ in 0..3050 {
        long.push(0x3C);
        long.extend([0u8; 31]);
    }
    let refused = error_body(upload(&app, &teacher, "voice", "长语音.amr", &long).await, 422, "media_refused").await;
    assert!(refused["message"].as_str().unwrap().contains("60 seconds"), "{refused}");
    error_body(upload(&app, &teacher, "video", "截图.jpg", SAMPLE_IMAGE).await, 422, "media_refused").await;
    error_body(upload(&app, &teacher, "image", "文档.pdf", b"%PDF-1.7 ...").await, 422, "media_refused").await;
    error_body(upload(&app, &teacher, "gif", "x.gif", SAMPLE_IMAGE).await, 422, "validation_failed").await;

    // An upload is its uploader's own.
    let mine = uploaded(&app, &teacher, "image", "地图.jpg", SAMPLE_IMAGE).await;
    let stranger = app.follower("路人").await;
    say(&app, &stranger, json!({ "type": "text", "content": "你好" })).await;
    let admin = app.admin().await;
    let url = format!("/api/v1/inbox/threads/{stranger}/replies");
    error_body(app.post(&url, &admin.access, json!({ "kind": "image", "upload_id": mine })).await, 404, "not_found")
        .await;
    error_body(
        app.post(&url, &admin.access, json!({ "kind": "news", "title": "x", "url": "ftp://x" })).await,
        422,
        "validation_failed",
    )
    .await;
    let _ = other;
}

/// Fetches until no media waits (the app's own fetcher may take some first).
async fn until_media_settled(app: &TestApp) {
    for _ in 0..100 {
        banji::inbox::media::fetch_due(&app.state).await.unwrap();
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox_media WHERE status = 'pending'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("media still waiting to be fetched");
}

#[tokio::test]
async fn media_a_student_sent_stays_viewable_after_the_platforms_copy_is_gone() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let (teacher_id, teacher) = app.teacher("wang").await;
    let (_, other) = app.teacher("li").await;
    let (_, students) = app.bound_class(&admin, "软件2401", 1, &[teacher_id]).await;
    let openid = students[0].1.clone();
    for kind in ["image", "voice", "video"] {
        say(&app, &openid, json!({ "type": kind })).await;
    }
    until_media_settled(&app).await;
    // The platform deletes its copies (three days on).
    let gone = app.client.post(app.url("/mock-wechat/sim/media/expire")).send().await.unwrap();
    assert_eq!(gone.status(), 204);

    let detail: Value =
        app.get(&format!("/api/v1/inbox/threads/{openid}"), &teacher.access).await.json().await.unwrap();
    let media: Vec<&Value> = detail["messages"].as_array().unwrap().iter().filter(|m| m["direction"] == "in").collect();
    assert_eq!(media.len(), 3);
    for (message, sample, kind) in [
        (media[0], SAMPLE_IMAGE, "image/jpeg"),
        (media[1], SAMPLE_VOICE, "audio/wav"),
        (media[2], SAMPLE_VIDEO, "video/mp4"),
    ] {
        assert_eq!((message["media_state"].as_str(), message["media_type"].as_str()), (Some("kept"), Some(kind)));
        let resp = app.client.get(app.url(message["media_url"].as_str().unwrap())).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], kind);
        let bytes = resp.bytes().await.unwrap();
        if kind == "audio/wav" {
            // The AMR, converted for browsers: a WAV of the same two seconds (8 kHz, 16 bit).
            assert!(bytes.starts_with(b"RIFF") && bytes.len() > 30_000, "{} bytes", bytes.len());
        } else {
            assert_eq!(bytes.as_ref(), sample);
        }
    }
    let forged = app.client.get(app.url("/inbox-media/not-a-token")).send().await.unwrap();
    assert_eq!(forged.status(), 404);
    assert_eq!(app.get(&format!("/api/v1/inbox/threads/{openid}"), &other.access).await.status(), 404);

    // What the platform no longer has (a replay of an old message) cannot be fetched: it says so.
    say(&app, &openid, json!({ "type": "image", "media_id": "gone-since-long" })).await;
    until_media_settled(&app).await;
    let detail: Value =
        app.get(&format!("/api/v1/inbox/threads/{openid}"), &teacher.access).await.json().await.unwrap();
    let last = detail["messages"].as_array().unwrap().iter().rev().find(|m| m["direction"] == "in").unwrap().clone();
    assert_eq!(last["media_state"], "failed", "{last}");
    assert!(last["media_url"].is_null());
}
