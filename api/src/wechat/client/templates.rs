//! The account's templates and what the platform blocked or let through since 2023:
//! adding category templates (`api_add_template` with `keyword_name_list`) and deleting
//! them, the blocked-template list (`queryblocktmplmsg`), and subscribe notifications
//! (订阅通知: the account's subscribe templates and `subscribe/bizsend`). The JSON shapes
//! are built and read here, so the mock platform uses the same code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::messages::TemplateValue;
use super::{Ok, Repeat, WechatClient, WechatResult};

/// The template messages an account may keep.
pub const MAX_TEMPLATES: i64 = 25;

/// A template message the platform blocked for its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockedMessage {
    /// The record's id, the cursor of the next query (`largest_id`).
    #[serde(deserialize_with = "number_or_string")]
    pub id: i64,
    pub tmpl_msg_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    /// Unix seconds.
    #[serde(default)]
    pub send_timestamp: i64,
    #[serde(default)]
    pub openid: String,
}

fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().ok_or_else(|| serde::de::Error::custom("id out of range")),
        Value::String(s) => s.parse().map_err(serde::de::Error::custom),
        _ => Err(serde::de::Error::custom("id is not a number")),
    }
}

/// The answer's `msginfo`: documented as one object, returned as a list.
#[derive(Deserialize)]
struct BlockedList {
    #[serde(default)]
    msginfo: Value,
}

/// A subscribe template of the account (`/wxaapi/newtmpl/gettemplate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscribeTemplate {
    #[serde(rename = "priTmplId")]
    pub pri_tmpl_id: String,
    pub title: String,
    pub content: String,
    #[serde(default)]
    pub example: String,
    /// 2: one-time (一次性订阅), 3: long-term (长期订阅).
    #[serde(rename = "type")]
    pub kind: i64,
}

#[derive(Deserialize)]
struct SubscribeTemplates {
    #[serde(default)]
    data: Vec<SubscribeTemplate>,
}

/// A subscribe notification (`/cgi-bin/message/subscribe/bizsend`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscribeMessage {
    pub touser: String,
    pub template_id: String,
    /// The page the notification opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    pub data: BTreeMap<String, TemplateValue>,
}

#[derive(Deserialize)]
struct Added {
    template_id: String,
}

impl WechatClient {
    /// Adds a template from the category library with the chosen keywords; returns its id.
    pub async fn add_template(&self, short_id: &str, keyword_names: &[String]) -> WechatResult<String> {
        let body = json!({ "template_id_short": short_id, "keyword_name_list": keyword_names });
        // Not repeated after a timeout: a second call would add a second copy.
        let added: Added = self.post_with("/cgi-bin/template/api_add_template", &body, Repeat::IfNotDone).await?;
        std::result::Result::Ok(added.template_id)
    }

    pub async fn delete_template(&self, template_id: &str) -> WechatResult<()> {
        self.post::<Ok>("/cgi-bin/template/del_private_template", &json!({ "template_id": template_id }))
            .await
            .map(drop)
    }

    /// Blocked messages of a template after `largest_id`, at most 100.
    pub async fn blocked_messages(&self, template_id: &str, largest_id: i64) -> WechatResult<Vec<BlockedMessage>> {
        let body = json!({ "tmpl_msg_id": template_id, "largest_id": largest_id, "limit": 100 });
        let list: BlockedList = self.post("/wxa/sec/queryblocktmplmsg", &body).await?;
        let items = match list.msginfo {
            Value::Array(items) => items,
            Value::Object(_) => vec![list.msginfo],
            _ => Vec::new(),
        };
        std::result::Result::Ok(items.into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect())
    }

    pub async fn subscribe_templates(&self) -> WechatResult<Vec<SubscribeTemplate>> {
        std::result::Result::Ok(self.get::<SubscribeTemplates>("/wxaapi/newtmpl/gettemplate", &[]).await?.data)
    }

    /// Sends a subscribe notification. No idempotency key: a send whose answer is lost is
    /// not repeated.
    pub async fn send_subscribe(&self, message: &SubscribeMessage) -> WechatResult<()> {
        self.post_with::<Ok>("/cgi-bin/message/subscribe/bizsend", message, Repeat::IfNotDone).await.map(drop)
    }
}
