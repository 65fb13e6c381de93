//! Limits that must hold under a burst of parallel tries, as an attacker sends them: each
//! try is counted before it is judged, so no burst gets more than the limit, and the
//! client address is the one our proxy saw, not one the client wrote.

use serde_json::{json, Value};
use shared::Role;

use crate::helpers::{error_body, spawn_app, spawn_app_with, TestApp, PASSWORD};
use crate::oauth_helpers::student_token;

async fn statuses(responses: Vec<reqwest::Response>) -> Vec<u16> {
    let mut all: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    all.sort_unstable();
    all
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|&&s| s == status).count()
}

#[tokio::test]
async fn fifty_parallel_wrong_binds_for_one_student_get_at_most_the_limit_and_the_right_code_then_waits() {
    let app = spawn_app().await;
    let s = app.school().await;
    // Fifty WeChat users, as a distributed guesser would have: the per-student limit holds.
    let mut tokens = Vec::new();
    for i in 0..50 {
        tokens.push(student_token(&app, &app.mock().add_follower(&format!("猜码{i}"))).await);
    }
    let guesses = tokens.iter().enumerate().map(|(i, token)| {
        let body = json!({ "student_no": "2023010101", "name": "李雷", "code": format!("9{i:05}") });
        app.post("/api/v1/portal/bind", token, body)
    });
    let answers = statuses(futures_util::future::join_all(guesses).await).await;
    assert!(count(&answers, 422) <= 10, "at most the per-student limit was judged: {answers:?}");
    assert_eq!(count(&answers, 422) + count(&answers, 429), 50, "{answers:?}");
    // The right code, from a fresh WeChat, is still refused until the window passes.
    let code = app.bind_code(&s.admin, s.students_a[0]).await;
    let owner = student_token(&app, &app.follower("李雷").await).await;
    let right = json!({ "student_no": "2023010101", "name": "李雷", "code": code });
    let refused = app.post("/api/v1/portal/bind", &owner, right.clone()).await;
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 3000 && wait <= 3600, "the 学号's hour: {wait}");
    error_body(refused, 429, "rate_limited").await;
    // When the window has passed (its counter expired), the right code binds.
    app.state.kv.delete("bind:tries:no:2023010101").await.unwrap();
    assert_eq!(app.post("/api/v1/portal/bind", &owner, right).await.status(), 200);
}

#[tokio::test]
async fn the_last_four_digits_of_the_phone_do_not_bind() {
    let app = spawn_app().await;
    let s = app.school().await;
    let token = student_token(&app, &app.follower("李雷").await).await;
    let tail = json!({ "student_no": "2023010101", "name": "李雷", "code": "0001" });
    error_body(app.post("/api/v1/portal/bind", &token, tail).await, 422, "no_match").await;
    let code = app.bind_code(&s.admin, s.students_a[0]).await;
    let right = json!({ "student_no": "2023010101", "name": "李雷", "code": code });
    assert_eq!(app.post("/api/v1/portal/bind", &token, right).await.status(), 200);
}

#[tokio::test]
async fn a_hundred_parallel_wrong_logins_for_one_user_get_at_most_the_limit_of_401s() {
    let app = spawn_app().await;
    app.create_user("li.lei", Role::Teacher).await;
    let guesses: Vec<String> = (0..100).map(|i| format!("wrong-password-{i}")).collect();
    let tries = guesses.iter().map(|guess| app.login("li.lei", guess));
    let answers = statuses(futures_util::future::join_all(tries).await).await;
    assert!(count(&answers, 401) <= 5, "{answers:?}");
    assert_eq!(count(&answers, 401) + count(&answers, 429) + count(&answers, 503), 100, "{answers:?}");
    error_body(app.login("li.lei", PASSWORD).await, 429, "rate_limited").await;
}

/// A login with `X-Forwarded-For` as a proxy of ours would pass it on.
async fn login_from(app: &TestApp, forwarded: &str, username: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", forwarded)
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_forged_forwarded_for_does_not_escape_the_address_limit_behind_a_proxy() {
    let app = spawn_app_with(&[("BANJI_TRUST_PROXY", "1"), ("BANJI_LOGIN_MAX_FAILURES", "3")]).await;
    let users = ["li.lei", "han.meimei", "lin.tao", "jim"];
    for user in users {
        app.create_user(user, Role::Teacher).await;
    }
    // One guesser tries a user each time and writes a new address each time; our proxy
    // appends the address it saw, which is the one counted.
    for (i, user) in users[..3].iter().enumerate() {
        let resp = login_from(&app, &format!("10.9.8.{i}, 203.0.113.7"), user, "wrong").await;
        assert_eq!(resp.status(), 401);
    }
    let fourth = login_from(&app, "10.9.8.99, 203.0.113.7", "jim", "wrong").await;
    error_body(fourth, 429, "rate_limited").await;
    // Another real client behind the same proxy is not affected.
    assert_eq!(login_from(&app, "198.51.100.4", "jim", PASSWORD).await.status(), 200);
    let audit: Value = app
        .get("/api/v1/audit?action=login_failed&per_page=5", &app.signed_in("root", Role::Admin).await.1.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"][0]["ip"], "203.0.113.7", "{audit}");
}

#[tokio::test]
async fn registration_codes_cannot_be_guessed_in_a_burst() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.patch("/api/v1/settings", &admin.access, json!({ "registration_open": true })).await;
    let guesses = (0..30).map(|i| {
        let form = json!({ "username": format!("guess{i}"), "display_name": "猜", "password": PASSWORD,
                           "code": format!("{:06}", 100_000 + i) });
        app.request(reqwest::Method::POST, "/api/v1/auth/register", None, Some(form))
    });
    let answers = statuses(futures_util::future::join_all(guesses).await).await;
    assert!(count(&answers, 422) <= 10, "{answers:?}");
    assert_eq!(count(&answers, 422) + count(&answers, 429), 30, "{answers:?}");
}

#[tokio::test]
async fn a_stream_ticket_opens_one_stream_under_racing_redemptions() {
    let app = spawn_app().await;
    let room = app.room(1).await;
    let id = app.open_session(&room, json!({ "methods": ["code"] })).await;
    let url = app.live_stream_url(&room.admin, id).await;
    let opens = (0..10).map(|_| app.client.get(&url).send());
    let answers: Vec<u16> =
        futures_util::future::join_all(opens).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert_eq!(count(&answers, 200), 1, "{answers:?}");
    assert_eq!(count(&answers, 401), 9, "{answers:?}");
}
