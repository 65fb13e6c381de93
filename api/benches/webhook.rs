//! The cost of one message through the webhook's protocol path, without HTTP:
//! verify `signature` (+ `msg_signature`), decrypt, parse, route, build the reply, and
//! encrypt it. Goal: under 20 µs for a safe-mode text message.
//!
//! Run: `cargo bench -p api --bench webhook`

use std::collections::HashMap;
use std::sync::Arc;

use banji::config::Config;
use banji::state::AppState;
use banji::wechat::config::{MessageMode, MOCK_AES_KEY, MOCK_APPID, MOCK_TOKEN};
use banji::wechat::crypto::MessageCrypto;
use banji::wechat::signature::{msg_signature, webhook_signature};
use banji::wechat::webhook::envelope::{self, WebhookQuery};
use criterion::{criterion_group, criterion_main, Criterion};

fn state(runtime: &tokio::runtime::Runtime) -> AppState {
    let vars: HashMap<&str, &str> = [("DATABASE_URL", "sqlite::memory:"), ("BANJI_LISTEN", "127.0.0.1:0")].into();
    let config = Config::from_vars(|k| vars.get(k).map(|v| v.to_string())).unwrap();
    let bound = "127.0.0.1:8080".parse().unwrap();
    runtime.block_on(AppState::init(config, bound, banji::conversation::router())).unwrap()
}

fn message(now: i64) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_banjimock0001]]></ToUserName><FromUserName><![CDATA[oBench0000000000000000000001]]></FromUserName>\
         <CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>23950426574565290</MsgId></xml>"
    )
}

fn query(timestamp: i64, msg_signature: Option<String>) -> WebhookQuery {
    let ts = timestamp.to_string();
    WebhookQuery {
        signature: webhook_signature(MOCK_TOKEN, &ts, "1357924680"),
        timestamp: ts,
        nonce: "1357924680".into(),
        encrypt_type: msg_signature.as_ref().map(|_| "aes".to_string()),
        msg_signature,
        ..WebhookQuery::default()
    }
}

async fn handle(state: &AppState, crypto: &MessageCrypto, q: &WebhookQuery, body: &str, now: i64) -> String {
    let opened = envelope::open(MOCK_TOKEN, Some(crypto), MessageMode::Compatible, q, body, now).unwrap();
    let incoming = Arc::new(opened.incoming);
    let reply = state.wechat.router.dispatch(state.clone(), incoming.clone()).await.unwrap().unwrap();
    let xml = reply.to_xml(&incoming.openid, &incoming.to, now);
    envelope::seal(Some(&xml), opened.encrypted, Some(crypto), MOCK_TOKEN, now)
}

fn webhook(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let state = state(&runtime);
    let crypto = MessageCrypto::new(MOCK_AES_KEY, MOCK_APPID).unwrap();
    let now = chrono::Utc::now().timestamp();
    let plain = message(now);
    let encrypt = crypto.encrypt(&plain);
    let safe_body = format!(
        "<xml><ToUserName><![CDATA[gh_banjimock0001]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    );
    let safe_query = query(now, Some(msg_signature(MOCK_TOKEN, &now.to_string(), "1357924680", &encrypt)));
    let plain_query = query(now, None);

    c.bench_function("webhook text message, safe mode (verify+decrypt+parse+route+reply+encrypt)", |b| {
        b.to_async(&runtime).iter(|| handle(&state, &crypto, &safe_query, &safe_body, now))
    });
    c.bench_function("webhook text message, plain mode (verify+parse+route+reply)", |b| {
        b.to_async(&runtime).iter(|| handle(&state, &crypto, &plain_query, &plain, now))
    });
}

criterion_group!(benches, webhook);
criterion_main!(benches);
