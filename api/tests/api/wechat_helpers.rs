//! Talking to the webhook as the platform would, and to the mock's simulator.

use banji::wechat::config::{MOCK_AES_KEY, MOCK_APPID, MOCK_TOKEN};
use banji::wechat::crypto::MessageCrypto;
use banji::wechat::signature::{msg_signature, webhook_signature};
use reqwest::Response;
use serde_json::{json, Value};

use crate::helpers::TestApp;

pub fn crypto() -> MessageCrypto {
    MessageCrypto::new(MOCK_AES_KEY, MOCK_APPID).unwrap()
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub fn text_xml(openid: &str, msg_id: i64, content: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_banjimock0001]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>\
         <CreateTime>{}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>",
        now()
    )
}

/// How to wrap a webhook POST.
#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    Plain,
    Compatible,
    Safe,
}

pub struct Signed {
    pub query: Vec<(&'static str, String)>,
    pub body: String,
}

/// Signs (and in compatible/safe mode encrypts) a message like the platform, with a
/// nonce of its own (a signed request is good for one message).
pub fn signed(mode: Mode, xml: &str, timestamp: i64) -> Signed {
    let (ts, nonce) = (timestamp.to_string(), rand::random::<u32>().to_string());
    let mut query = vec![
        ("signature", webhook_signature(MOCK_TOKEN, &ts, &nonce)),
        ("timestamp", ts.clone()),
        ("nonce", nonce.clone()),
    ];
    let body = match mode {
        Mode::Plain => xml.to_string(),
        Mode::Compatible | Mode::Safe => {
            let encrypt = crypto().encrypt(xml);
            query.push(("encrypt_type", "aes".into()));
            query.push(("msg_signature", msg_signature(MOCK_TOKEN, &ts, &nonce, &encrypt)));
            if mode == Mode::Safe {
                format!("<xml><ToUserName><![CDATA[gh_banjimock0001]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
            } else {
                format!("{}<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>", xml.trim_end_matches("</xml>"))
            }
        }
    };
    Signed { query, body }
}

impl TestApp {
    pub async fn post_webhook(&self, signed: &Signed) -> Response {
        self.client.post(self.url("/wechat")).query(&signed.query).body(signed.body.clone()).send().await.unwrap()
    }

    /// A simulated follower; returns its openid.
    pub async fn follower(&self, nickname: &str) -> String {
        let resp = self
            .client
            .post(self.url("/mock-wechat/sim/users"))
            .json(&json!({ "nickname": nickname }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        resp.json::<Value>().await.unwrap()["openid"].as_str().unwrap().to_string()
    }

    /// Sends a simulated message; returns the simulator's answer (status, reply, body).
    pub async fn say(&self, openid: &str, message: Value) -> Value {
        let url = self.url(&format!("/mock-wechat/sim/users/{openid}/messages"));
        let resp = self.client.post(url).json(&message).send().await.unwrap();
        assert_eq!(resp.status(), 200, "simulated message delivered");
        resp.json().await.unwrap()
    }

    pub async fn inbox(&self, openid: &str) -> Vec<Value> {
        let url = self.url(&format!("/mock-wechat/sim/users/{openid}/inbox"));
        self.client.get(url).send().await.unwrap().json().await.unwrap()
    }

    pub async fn set_faults(&self, faults: Value) {
        let resp = self.client.put(self.url("/mock-wechat/sim/faults")).json(&faults).send().await.unwrap();
        assert_eq!(resp.status(), 204);
    }

    pub fn mock(&self) -> &std::sync::Arc<banji::wechat::mock::MockPlatform> {
        self.state.wechat.mock.as_ref().expect("mock mode")
    }

    /// Rows in the message log once the writer has caught up.
    pub async fn logged_messages(&self) -> Vec<(String, String, Option<String>, String)> {
        self.state.wechat.log.flush().await;
        sqlx::query_as("SELECT openid, msg_type, content, raw_xml FROM wechat_messages ORDER BY id")
            .fetch_all(self.state.db.pool())
            .await
            .unwrap()
    }
}
