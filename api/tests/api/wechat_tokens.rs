//! The shared access token under concurrency and failure, and fault handling.

use banji::wechat::config::{MOCK_APPID, MOCK_SECRET};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn fifty_concurrent_calls_on_a_cold_cache_make_one_token_request() {
    let app = spawn_app().await;
    let client = app.state.wechat.client.clone();
    assert_eq!(app.mock().token_requests(), 0);

    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.tags().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("call succeeds");
    }

    assert_eq!(app.mock().token_requests(), 1);
}

#[tokio::test]
async fn two_replicas_sharing_redis_make_one_token_request() {
    if std::env::var("REDIS_URL").is_err() {
        eprintln!("REDIS_URL unset: replicas do not share a Kv; this runs in the PostgreSQL + Redis pass");
        return;
    }
    let first = spawn_app().await;
    let second = first.replica_on_same_platform().await;
    assert!(second.state.wechat.mock.is_none(), "the replica uses the first one's platform");
    let calls: Vec<_> = [&first, &second]
        .iter()
        .flat_map(|app| {
            let client = app.state.wechat.client.clone();
            (0..25).map(move |_| {
                let client = client.clone();
                tokio::spawn(async move { client.tags().await })
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("call succeeds");
    }
    assert_eq!(first.mock().token_requests(), 1);
}

#[tokio::test]
async fn a_revoked_token_is_renewed_once_and_the_call_still_succeeds() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    client.tags().await.unwrap();
    let revoked = app.client.post(app.url("/mock-wechat/sim/tokens/revoke")).send().await.unwrap();
    assert_eq!(revoked.status(), 204);

    client.tags().await.expect("renewed after 40001 and retried");

    assert_eq!(app.mock().token_requests(), 2);
}

#[tokio::test]
async fn a_late_40001_for_a_stale_token_does_not_expire_the_newer_one() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let stale = client.access_token().await.unwrap();
    app.client.post(app.url("/mock-wechat/sim/tokens/revoke")).send().await.unwrap();
    client.tags().await.unwrap();
    let fresh = client.access_token().await.unwrap();
    assert_ne!(fresh, stale);

    // Another request that was still using the stale token now reports its failure.
    client.expire_access_token(&stale).await;

    assert_eq!(client.access_token().await.unwrap(), fresh);
    client.tags().await.unwrap();
    assert_eq!(app.mock().token_requests(), 2, "no refresh was needed");
}

#[tokio::test]
async fn the_legacy_token_rotates_on_every_call_while_the_stable_token_does_not() {
    let app = spawn_app().await;
    let legacy = |n: u8| {
        let url = app.url("/mock-wechat/cgi-bin/token");
        let request = app.client.get(url).query(&[
            ("grant_type", "client_credential"),
            ("appid", MOCK_APPID),
            ("secret", MOCK_SECRET),
        ]);
        async move {
            (
                n,
                request.send().await.unwrap().json::<Value>().await.unwrap()["access_token"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        }
    };
    let (_, a) = legacy(1).await;
    let (_, b) = legacy(2).await;
    assert_ne!(a, b, "every legacy call issues a new token");
    let tags = |token: String| {
        let request = app.client.get(app.url("/mock-wechat/cgi-bin/tags/get")).query(&[("access_token", token)]);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap()["errcode"].clone() }
    };
    assert_eq!(tags(a.clone()).await, 0, "the previous token still works during the overlap");
    assert_eq!(tags(b.clone()).await, 0);

    let stable = |force: bool| {
        let body = json!({ "grant_type": "client_credential", "appid": MOCK_APPID, "secret": MOCK_SECRET, "force_refresh": force });
        let request = app.client.post(app.url("/mock-wechat/cgi-bin/stable_token")).json(&body);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let s1 = stable(false).await["access_token"].as_str().unwrap().to_string();
    let s2 = stable(false).await["access_token"].as_str().unwrap().to_string();
    assert_eq!(s1, s2, "the stable token is stable");
    let forced = stable(true).await["access_token"].as_str().unwrap().to_string();
    assert_ne!(forced, s1);
    assert_eq!(tags(s1).await, 40001, "a forced refresh ends the previous stable token");
    assert_eq!(stable(true).await["errcode"], 45011, "force refresh at most every 30 seconds");
    let wrong = json!({ "grant_type": "client_credential", "appid": MOCK_APPID, "secret": "nope" });
    let refused: Value = app
        .client
        .post(app.url("/mock-wechat/cgi-bin/stable_token"))
        .json(&wrong)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused["errcode"], 40125);
}

#[tokio::test]
async fn transient_faults_are_retried_and_permanent_ones_are_not() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    client.access_token().await.unwrap();
    let api_calls = || async {
        app.client.get(app.url("/mock-wechat/sim/stats")).send().await.unwrap().json::<Value>().await.unwrap()
            ["api_calls"]
            .as_u64()
            .unwrap()
    };

    app.set_faults(json!({ "error_rate": 1.0, "errcodes": [-1] })).await;
    let before = api_calls().await;
    let err = client.tags().await.unwrap_err();
    assert_eq!(err.code(), Some(-1));
    assert_eq!(api_calls().await - before, 3, "busy is retried, three attempts in all");

    app.set_faults(json!({ "error_rate": 1.0, "errcodes": [43004] })).await;
    let before = api_calls().await;
    let err = client.tags().await.unwrap_err();
    assert_eq!(err.code(), Some(43004));
    assert_eq!(err.reason(), "the student does not follow the account");
    assert_eq!(api_calls().await - before, 1, "a permanent error is not retried");

    app.set_faults(json!({ "latency_ms": 150 })).await;
    client.tags().await.expect("slow but fine");

    let refused =
        app.client.put(app.url("/mock-wechat/sim/faults")).json(&json!({ "error_rate": 1.5 })).send().await.unwrap();
    assert_eq!(refused.status(), 422);
}

/// A free local port (bound, then released for the child process to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn replicas_can_share_a_standalone_mock_platform() {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let app = crate::helpers::spawn_app_with(&[("WECHAT_API_BASE", &base), ("WECHAT_OAUTH_BASE", &base)]).await;
    assert!(app.state.wechat.mock.is_none(), "nothing mounted in-process when a platform is configured");
    let _mock = KillOnDrop(
        std::process::Command::new(env!("CARGO_BIN_EXE_banji"))
            .args([
                "mock-wechat",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--webhook",
                &app.url("/wechat"),
                "--mode",
                "compatible",
            ])
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let http = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if http.get(format!("{base}/sim/stats")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(up, "the standalone mock started");

    let follower: Value = http
        .post(format!("{base}/sim/users"))
        .json(&json!({ "nickname": "李雷" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let openid = follower["openid"].as_str().unwrap();
    let answer: Value = http
        .post(format!("{base}/sim/users/{openid}/messages"))
        .json(&json!({ "type": "text", "content": "帮助" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer["reply"]["content"].as_str().unwrap().starts_with("可用指令"));
    app.state.wechat.client.tags().await.expect("the client talks to the standalone mock");
    let stats: Value = http.get(format!("{base}/sim/stats")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats["token_requests"], 1);
}

/// Stops a child process however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn sends_without_an_idempotency_key_are_repeated_only_when_the_platform_did_nothing() {
    let app = spawn_app().await;
    let client = &app.state.wechat.client;
    let talker = app.mock().add_follower("李雷");
    app.say(&talker, json!({ "type": "text", "content": "老师好" })).await;
    client.access_token().await.unwrap();
    let api_calls = || async {
        app.client.get(app.url("/mock-wechat/sim/stats")).send().await.unwrap().json::<Value>().await.unwrap()
            ["api_calls"]
            .as_u64()
            .unwrap()
    };
    let hello = banji::wechat::client::messages::CustomMessage::Text { content: "hi".into() };

    // A 502 leaves the outcome unknown: reads are repeated, a customer-service send is not.
    app.set_faults(json!({ "error_rate": 1.0, "http_status": 502 })).await;
    let before = api_calls().await;
    assert_eq!(client.tags().await.unwrap_err(), banji::wechat::WechatError::Http(502));
    assert_eq!(api_calls().await - before, 3, "a read is tried three times");
    let before = api_calls().await;
    assert_eq!(client.send_custom_message(&talker, &hello).await.unwrap_err(), banji::wechat::WechatError::Http(502));
    assert_eq!(api_calls().await - before, 1, "a send that may have arrived is not sent again");

    // "Busy" means nothing was done, so the send is tried again.
    app.set_faults(json!({ "error_rate": 1.0, "errcodes": [-1] })).await;
    let before = api_calls().await;
    assert_eq!(client.send_custom_message(&talker, &hello).await.unwrap_err().code(), Some(-1));
    assert_eq!(api_calls().await - before, 3);

    // An OAuth code works once: its exchange is never repeated.
    let before = api_calls().await;
    assert_eq!(client.exchange_code("any-code").await.unwrap_err().code(), Some(-1));
    assert_eq!(api_calls().await - before, 1);
}

#[tokio::test]
async fn network_errors_never_carry_the_access_token_or_the_app_secret() {
    // Nothing listens on port 1: every call fails before an answer.
    let app = spawn_app_with(&[("WECHAT_API_BASE", "http://127.0.0.1:1")]).await;
    let client = &app.state.wechat.client;
    for err in [client.exchange_code("some-code").await.unwrap_err(), client.tags().await.unwrap_err()] {
        let text = format!("{err} {err:?} {}", err.reason());
        assert!(matches!(err, banji::wechat::WechatError::Network(_)), "{text}");
        assert!(!text.contains(MOCK_SECRET), "the secret leaked: {text}");
        assert!(!text.contains("secret=") && !text.contains("access_token="), "the URL leaked: {text}");
    }
}
