//! Media uploads (temporary, permanent, images for article bodies) and parametric QR codes.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{WechatClient, WechatResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Voice,
    Video,
    Thumb,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Voice => "voice",
            MediaKind::Video => "video",
            MediaKind::Thumb => "thumb",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uploaded {
    #[serde(rename = "type", default)]
    pub kind: String,
    pub media_id: String,
    #[serde(default)]
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Material {
    pub media_id: String,
    #[serde(default)]
    pub url: String,
}

#[derive(Deserialize)]
struct ImageUrl {
    url: String,
}

/// A parametric QR code: temporary (≤ 30 days) or permanent, with a numeric or text scene.
#[derive(Debug, Clone, PartialEq)]
pub enum QrScene {
    Id(u32),
    Str(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QrCode {
    pub ticket: String,
    #[serde(default)]
    pub expire_seconds: i64,
    /// What the code encodes.
    pub url: String,
}

/// The longest a temporary code may live.
pub const MAX_QR_SECONDS: u32 = 30 * 24 * 3600;

fn file_part(name: &str, bytes: &[u8]) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string())
}

impl WechatClient {
    /// A temporary media file (kept 3 days).
    pub async fn upload_media(&self, kind: MediaKind, file_name: &str, bytes: &[u8]) -> WechatResult<Uploaded> {
        self.call("/cgi-bin/media/upload", super::Repeat::Safe, |http, url, token| {
            let form = reqwest::multipart::Form::new().part("media", file_part(file_name, bytes));
            http.post(url).query(&[("access_token", token), ("type", kind.as_str())]).multipart(form)
        })
        .await
    }

    /// A permanent material; videos need a title and an introduction.
    pub async fn add_material(
        &self,
        kind: MediaKind,
        file_name: &str,
        bytes: &[u8],
        video: Option<(&str, &str)>,
    ) -> WechatResult<Material> {
        let description = video.map(|(title, intro)| json!({ "title": title, "introduction": intro }).to_string());
        self.call("/cgi-bin/material/add_material", super::Repeat::Safe, |http, url, token| {
            let mut form = reqwest::multipart::Form::new().part("media", file_part(file_name, bytes));
            if let Some(d) = &description {
                form = form.text("description", d.clone());
            }
            http.post(url).query(&[("access_token", token), ("type", kind.as_str())]).multipart(form)
        })
        .await
    }

    /// An image for use inside article bodies; returns its URL.
    pub async fn upload_article_image(&self, file_name: &str, bytes: &[u8]) -> WechatResult<String> {
        let answer: ImageUrl = self
            .call("/cgi-bin/media/uploadimg", super::Repeat::Safe, |http, url, token| {
                let form = reqwest::multipart::Form::new().part("media", file_part(file_name, bytes));
                http.post(url).query(&[("access_token", token)]).multipart(form)
            })
            .await?;
        Ok(answer.url)
    }

    /// Creates a QR code; `expire_seconds` None makes it permanent.
    pub async fn create_qrcode(&self, scene: &QrScene, expire_seconds: Option<u32>) -> WechatResult<QrCode> {
        let (action, scene_json) = match (scene, expire_seconds.is_some()) {
            (QrScene::Id(id), true) => ("QR_SCENE", json!({ "scene_id": id })),
            (QrScene::Id(id), false) => ("QR_LIMIT_SCENE", json!({ "scene_id": id })),
            (QrScene::Str(s), true) => ("QR_STR_SCENE", json!({ "scene_str": s })),
            (QrScene::Str(s), false) => ("QR_LIMIT_STR_SCENE", json!({ "scene_str": s })),
        };
        let mut body = json!({ "action_name": action, "action_info": { "scene": scene_json } });
        if let Some(seconds) = expire_seconds {
            body["expire_seconds"] = json!(seconds.min(MAX_QR_SECONDS));
        }
        self.post("/cgi-bin/qrcode/create", &body).await
    }

    /// Where the QR image of a ticket can be fetched.
    pub fn qrcode_image_url(&self, ticket: &str) -> String {
        format!("{}/cgi-bin/showqrcode?ticket={}", self.inner.qr_base, urlencode(ticket))
    }
}

pub(crate) fn urlencode(value: &str) -> String {
    url_escape(value)
}

fn url_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
