//! Pushing messages: customer-service (kefu) messages of every type, template messages
//! with their idempotency key, and mass sends by tag, to all, or to a list of openids.
//! The JSON shapes are built and read here, so the mock platform uses the same code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{Ok, WechatClient, WechatError, WechatResult};
use crate::wechat::Reply;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewsArticle {
    pub title: String,
    pub description: String,
    pub url: String,
    pub picurl: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MenuChoice {
    pub id: String,
    pub content: String,
}

/// A customer-service message (`/cgi-bin/message/custom/send`).
#[derive(Debug, Clone, PartialEq)]
pub enum CustomMessage {
    Text { content: String },
    Image { media_id: String },
    Voice { media_id: String },
    Video { media_id: String, thumb_media_id: String, title: String, description: String },
    Music { title: String, description: String, musicurl: String, hqmusicurl: String, thumb_media_id: String },
    News { articles: Vec<NewsArticle> },
    MpNews { media_id: String },
    MsgMenu { head_content: String, list: Vec<MenuChoice>, tail_content: String },
    MiniProgramPage { title: String, appid: String, pagepath: String, thumb_media_id: String },
}

impl CustomMessage {
    pub fn msg_type(&self) -> &'static str {
        match self {
            CustomMessage::Text { .. } => "text",
            CustomMessage::Image { .. } => "image",
            CustomMessage::Voice { .. } => "voice",
            CustomMessage::Video { .. } => "video",
            CustomMessage::Music { .. } => "music",
            CustomMessage::News { .. } => "news",
            CustomMessage::MpNews { .. } => "mpnews",
            CustomMessage::MsgMenu { .. } => "msgmenu",
            CustomMessage::MiniProgramPage { .. } => "miniprogrampage",
        }
    }

    fn payload(&self) -> Value {
        match self {
            CustomMessage::Text { content } => json!({ "content": content }),
            CustomMessage::Image { media_id }
            | CustomMessage::Voice { media_id }
            | CustomMessage::MpNews { media_id } => {
                json!({ "media_id": media_id })
            }
            CustomMessage::Video { media_id, thumb_media_id, title, description } => json!({
                "media_id": media_id, "thumb_media_id": thumb_media_id, "title": title, "description": description
            }),
            CustomMessage::Music { title, description, musicurl, hqmusicurl, thumb_media_id } => json!({
                "title": title, "description": description, "musicurl": musicurl,
                "hqmusicurl": hqmusicurl, "thumb_media_id": thumb_media_id
            }),
            CustomMessage::News { articles } => json!({ "articles": articles }),
            CustomMessage::MsgMenu { head_content, list, tail_content } => {
                json!({ "head_content": head_content, "list": list, "tail_content": tail_content })
            }
            CustomMessage::MiniProgramPage { title, appid, pagepath, thumb_media_id } => json!({
                "title": title, "appid": appid, "pagepath": pagepath, "thumb_media_id": thumb_media_id
            }),
        }
    }

    pub fn to_json(&self, openid: &str) -> Value {
        let kind = self.msg_type();
        json!({ "touser": openid, "msgtype": kind, kind: self.payload() })
    }

    /// Reads a request body back: (openid, message).
    pub fn from_json(body: &Value) -> Result<(String, CustomMessage), String> {
        let openid = body["touser"].as_str().ok_or("touser missing")?.to_string();
        let kind = body["msgtype"].as_str().ok_or("msgtype missing")?;
        let p = &body[kind];
        let s = |field: &str| p[field].as_str().unwrap_or_default().to_string();
        let message = match kind {
            "text" => CustomMessage::Text { content: p["content"].as_str().ok_or("content missing")?.to_string() },
            "image" => CustomMessage::Image { media_id: s("media_id") },
            "voice" => CustomMessage::Voice { media_id: s("media_id") },
            "mpnews" => CustomMessage::MpNews { media_id: s("media_id") },
            "video" => CustomMessage::Video {
                media_id: s("media_id"),
                thumb_media_id: s("thumb_media_id"),
                title: s("title"),
                description: s("description"),
            },
            "music" => CustomMessage::Music {
                title: s("title"),
                description: s("description"),
                musicurl: s("musicurl"),
                hqmusicurl: s("hqmusicurl"),
                thumb_media_id: s("thumb_media_id"),
            },
            "news" => CustomMessage::News {
                articles: serde_json::from_value(p["articles"].clone()).map_err(|e| e.to_string())?,
            },
            "msgmenu" => CustomMessage::MsgMenu {
                head_content: s("head_content"),
                list: serde_json::from_value(p["list"].clone()).map_err(|e| e.to_string())?,
                tail_content: s("tail_content"),
            },
            "miniprogrampage" => CustomMessage::MiniProgramPage {
                title: s("title"),
                appid: s("appid"),
                pagepath: s("pagepath"),
                thumb_media_id: s("thumb_media_id"),
            },
            other => return Err(format!("unknown msgtype {other}")),
        };
        Ok((openid, message))
    }

    /// The customer-service form of a passive reply (for answers that came too late).
    pub fn from_reply(reply: &Reply) -> Option<CustomMessage> {
        Some(match reply.clone() {
            Reply::Text { content } => CustomMessage::Text { content },
            Reply::Image { media_id } => CustomMessage::Image { media_id },
            Reply::Voice { media_id } => CustomMessage::Voice { media_id },
            // A customer-service video needs a thumbnail a passive reply does not carry.
            Reply::Video { .. } => return None,
            Reply::Music { title, description, music_url, hq_music_url, thumb_media_id } => CustomMessage::Music {
                title,
                description,
                musicurl: music_url,
                hqmusicurl: hq_music_url,
                thumb_media_id,
            },
            Reply::News { articles } => CustomMessage::News {
                articles: articles
                    .into_iter()
                    .take(1)
                    .map(|a| NewsArticle { title: a.title, description: a.description, url: a.url, picurl: a.pic_url })
                    .collect(),
            },
            Reply::TransferCustomerService { .. } => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateValue {
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiniProgram {
    pub appid: String,
    pub pagepath: String,
}

/// A template message (verified service accounts only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateMessage {
    pub touser: String,
    pub template_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub miniprogram: Option<MiniProgram>,
    /// Keyword name (`thing1`, `time2` …) to its value.
    pub data: BTreeMap<String, TemplateValue>,
    /// Idempotency key: the same id is refused with 45065 instead of sent twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_msg_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub template_id: String,
    pub title: String,
    #[serde(default)]
    pub primary_industry: String,
    #[serde(default)]
    pub deputy_industry: String,
    pub content: String,
    #[serde(default)]
    pub example: String,
}

/// What a mass send carries.
#[derive(Debug, Clone, PartialEq)]
pub enum MassMessage {
    Text {
        content: String,
    },
    MpNews {
        media_id: String,
    },
    Image {
        media_ids: Vec<String>,
    },
    Voice {
        media_id: String,
    },
    /// A video made for mass sending (`media/uploadvideo`).
    MpVideo {
        media_id: String,
    },
}

impl MassMessage {
    fn fields(&self) -> (&'static str, Value) {
        match self {
            MassMessage::Text { content } => ("text", json!({ "content": content })),
            MassMessage::MpNews { media_id } => ("mpnews", json!({ "media_id": media_id })),
            MassMessage::Image { media_ids } => ("image", json!({ "media_ids": media_ids })),
            MassMessage::Voice { media_id } => ("voice", json!({ "media_id": media_id })),
            MassMessage::MpVideo { media_id } => ("mpvideo", json!({ "media_id": media_id })),
        }
    }

    pub fn msg_type(&self) -> &'static str {
        self.fields().0
    }

    /// The body of a preview to one follower: a preview's image is a single `image.media_id`
    /// where a mass send has `images.media_ids`.
    pub fn to_preview_json(&self, openid: &str) -> Value {
        match self {
            MassMessage::Image { media_ids } => json!({
                "touser": openid, "msgtype": "image",
                "image": { "media_id": media_ids.first().cloned().unwrap_or_default() }
            }),
            other => other.merge_into(json!({ "touser": openid })),
        }
    }

    /// Reads the message part of a mass-send (or preview) body back.
    pub fn from_json(body: &Value) -> Option<MassMessage> {
        let kind = body["msgtype"].as_str()?;
        if kind == "image" && body.get("images").is_none() {
            let media_id = body["image"]["media_id"].as_str()?.to_string();
            return Some(MassMessage::Image { media_ids: vec![media_id] });
        }
        let p = body.get(if kind == "image" { "images" } else { kind })?;
        Some(match kind {
            "text" => MassMessage::Text { content: p["content"].as_str()?.to_string() },
            "mpnews" => MassMessage::MpNews { media_id: p["media_id"].as_str()?.to_string() },
            "voice" => MassMessage::Voice { media_id: p["media_id"].as_str()?.to_string() },
            "mpvideo" => MassMessage::MpVideo { media_id: p["media_id"].as_str()?.to_string() },
            "image" => MassMessage::Image { media_ids: serde_json::from_value(p["media_ids"].clone()).ok()? },
            _ => return None,
        })
    }

    fn merge_into(&self, mut body: Value) -> Value {
        let (kind, payload) = self.fields();
        body["msgtype"] = json!(kind);
        body[if kind == "image" { "images" } else { kind }] = payload;
        body
    }
}

/// Who a `sendall` goes to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MassAudience {
    All,
    Tag(i64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MassSent {
    pub msg_id: i64,
    #[serde(default)]
    pub msg_data_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MassStatus {
    pub msg_id: i64,
    /// SEND_SUCCESS, SENDING, SEND_FAIL, DELETE.
    pub msg_status: String,
}

#[derive(Deserialize)]
struct TemplateSent {
    msgid: i64,
}

#[derive(Deserialize)]
struct TemplateList {
    template_list: Vec<Template>,
}

impl WechatClient {
    pub async fn send_custom_message(&self, openid: &str, message: &CustomMessage) -> WechatResult<()> {
        // No idempotency key: a timed-out send may have arrived, so it is not sent again.
        self.post_with::<Ok>("/cgi-bin/message/custom/send", &message.to_json(openid), super::Repeat::IfNotDone)
            .await
            .map(drop)
    }

    /// Sends a template message; returns its msgid (matched later by TEMPLATESENDJOBFINISH).
    /// Repeated after a timeout: `client_msg_id` makes the platform deliver it once, and
    /// answer 45065 to the repeat when the first attempt did arrive, which callers take as
    /// "already sent" (the msgid of that first send is then unknown).
    pub async fn send_template(&self, message: &TemplateMessage) -> WechatResult<i64> {
        if message.data.values().any(|v| v.value.contains('\n')) {
            return Err(WechatError::Invalid("template values are single-line".into()));
        }
        Ok(self.post::<TemplateSent>("/cgi-bin/message/template/send", message).await?.msgid)
    }

    pub async fn templates(&self) -> WechatResult<Vec<Template>> {
        Ok(self.get::<TemplateList>("/cgi-bin/template/get_all_private_template", &[]).await?.template_list)
    }

    /// Mass send to everyone or to a tag, with an idempotency key.
    pub async fn mass_send_all(
        &self,
        to: MassAudience,
        message: &MassMessage,
        clientmsgid: &str,
    ) -> WechatResult<MassSent> {
        let filter = match to {
            MassAudience::All => json!({ "is_to_all": true }),
            MassAudience::Tag(id) => json!({ "is_to_all": false, "tag_id": id }),
        };
        let body =
            message.merge_into(json!({ "filter": filter, "send_ignore_reprint": 0, "clientmsgid": clientmsgid }));
        self.post("/cgi-bin/message/mass/sendall", &body).await
    }

    /// Mass send to a list of openids (service accounts), with an idempotency key.
    pub async fn mass_send(
        &self,
        openids: &[String],
        message: &MassMessage,
        clientmsgid: &str,
    ) -> WechatResult<MassSent> {
        let body =
            message.merge_into(json!({ "touser": openids, "send_ignore_reprint": 0, "clientmsgid": clientmsgid }));
        self.post("/cgi-bin/message/mass/send", &body).await
    }

    pub async fn mass_status(&self, msg_id: i64) -> WechatResult<MassStatus> {
        self.post("/cgi-bin/message/mass/get", &json!({ "msg_id": msg_id })).await
    }
}
