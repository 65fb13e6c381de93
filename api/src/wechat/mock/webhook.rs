//! Delivering to Banji's webhook as the platform would: signed, in plain, compatible or
//! safe mode, and reading the passive reply back (checking its signature when encrypted).

use serde_json::{json, Value};

use super::MockPlatform;
use crate::wechat::config::MessageMode;
use crate::wechat::reply::fresh_nonce;
use crate::wechat::signature::{msg_signature, same, webhook_signature};
use crate::wechat::xml::{self, XmlWriter};
use crate::wechat::{Incoming, Reply};

/// What the webhook answered.
pub struct Delivery {
    pub status: u16,
    pub reply: Option<Reply>,
    pub body: String,
}

impl MockPlatform {
    pub async fn deliver(&self, incoming: &Incoming) -> Result<Delivery, String> {
        let s = &self.settings;
        let plain = incoming.to_xml();
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let nonce = fresh_nonce();
        let mut query = vec![
            ("signature", webhook_signature(&s.token, &timestamp, &nonce)),
            ("timestamp", timestamp.clone()),
            ("nonce", nonce.clone()),
            ("openid", incoming.openid.clone()),
        ];
        let body = match (s.mode, &s.crypto) {
            (MessageMode::Plain, _) | (_, None) => plain,
            (mode, Some(crypto)) => {
                let encrypt = crypto.encrypt(&plain);
                query.push(("encrypt_type", "aes".into()));
                query.push(("msg_signature", msg_signature(&s.token, &timestamp, &nonce, &encrypt)));
                if mode == MessageMode::Safe {
                    XmlWriter::new().text("ToUserName", &incoming.to).text("Encrypt", &encrypt).finish()
                } else {
                    // Compatible mode: the clear fields and the encrypted copy side by side.
                    format!("{}<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>", plain.trim_end_matches("</xml>"))
                }
            }
        };
        let webhook = self.state().webhook_url.clone().unwrap_or_else(|| s.webhook_url.clone());
        let response = self
            .http
            .post(&webhook)
            .query(&query)
            .header("content-type", "text/xml")
            .body(body)
            .send()
            .await
            .map_err(|e| format!("webhook unreachable: {e}"))?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| e.to_string())?;
        let reply = if status == 200 { self.read_reply(&text, &incoming.openid)? } else { None };
        Ok(Delivery { status, reply, body: text })
    }

    /// `success` or empty is no reply; otherwise the XML, decrypted if it is an envelope,
    /// addressed to `openid` from the account, without an XML declaration.
    fn read_reply(&self, text: &str, openid: &str) -> Result<Option<Reply>, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed == "success" {
            return Ok(None);
        }
        if trimmed.starts_with("<?xml") {
            return Err("reply has an XML declaration".into());
        }
        let root = xml::parse(trimmed).map_err(|e| format!("reply is not valid XML: {e}"))?;
        let plain = match root.text_of("Encrypt") {
            Some(encrypt) => {
                let s = &self.settings;
                let crypto = s.crypto.as_ref().ok_or("encrypted reply without a key")?;
                let timestamp = root.text_of("TimeStamp").unwrap_or_default();
                let nonce = root.text_of("Nonce").unwrap_or_default();
                let expected = msg_signature(&s.token, timestamp, nonce, encrypt);
                if !same(&expected, root.text_of("MsgSignature").unwrap_or_default()) {
                    return Err("reply MsgSignature does not match".into());
                }
                crypto.decrypt(encrypt).map_err(|e| format!("reply cannot be decrypted: {e}"))?
            }
            None => trimmed.to_string(),
        };
        if plain.trim_start().starts_with("<?xml") {
            return Err("reply has an XML declaration".into());
        }
        let (reply, root) = Reply::parse(&plain).map_err(|e| format!("reply is not a reply: {e}"))?;
        if root.text_of("ToUserName") != Some(openid)
            || root.text_of("FromUserName") != Some(self.settings.account_id.as_str())
        {
            return Err("reply To/From are not swapped".into());
        }
        Ok(Some(reply))
    }
}

/// The inbox form of a passive reply.
pub fn reply_json(reply: &Reply) -> Value {
    match reply {
        Reply::Text { content } => json!({ "msg_type": "text", "content": content }),
        Reply::News { articles } => json!({
            "msg_type": "news",
            "articles": articles.iter().map(|a| json!({ "title": a.title, "description": a.description, "url": a.url, "pic_url": a.pic_url })).collect::<Vec<_>>(),
        }),
        other => json!({ "msg_type": other.msg_type(), "detail": format!("{other:?}") }),
    }
}
