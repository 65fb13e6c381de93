//! Media uploads (temporary, permanent, images for article bodies), fetching temporary
//! media a follower sent (`media/get`), and parametric QR codes.

use serde::{Deserialize, Serialize};
use serde_json::json;

pub use super::media_limits::{check_upload, sniff_image, UploadRefusal};
use super::{WechatClient, WechatError, WechatResult};

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

    pub fn parse(s: &str) -> Option<MediaKind> {
        Some(match s {
            "image" => MediaKind::Image,
            "voice" => MediaKind::Voice,
            "video" => MediaKind::Video,
            "thumb" => MediaKind::Thumb,
            _ => return None,
        })
    }
}

/// A temporary media file fetched from the platform.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaFile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The most Banji reads of one media file (the platform's own limit is 10 MB).
pub const MAX_MEDIA_BYTES: usize = 20 * 1024 * 1024;

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

    /// A temporary media file a follower sent (kept by the platform for 3 days): the bytes,
    /// or for a video the file behind the `video_url` the platform answers with.
    pub async fn get_media(&self, media_id: &str) -> WechatResult<MediaFile> {
        let answer = self
            .call_reading("/cgi-bin/media/get", super::Repeat::Safe, read_file, |http, url, token| {
                http.get(url).query(&[("access_token", token), ("media_id", media_id)])
            })
            .await?;
        match answer {
            FileAnswer::File(file) => Ok(file),
            FileAnswer::VideoUrl(video_url) => match read_file(self.inner.http.get(&video_url).send().await).await? {
                FileAnswer::File(file) => Ok(file),
                FileAnswer::VideoUrl(_) => Err(WechatError::Decode("a video URL led to another".into())),
            },
        }
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

/// What `media/get` answers: the file, or where a video is.
pub(crate) enum FileAnswer {
    File(MediaFile),
    VideoUrl(String),
}

/// Reads a file answer: JSON is an error (or a video's URL), anything else the file,
/// read up to `MAX_MEDIA_BYTES`.
pub(crate) async fn read_file(response: reqwest::Result<reqwest::Response>) -> WechatResult<FileAnswer> {
    let network = super::network_error;
    let response = response.map_err(network)?;
    let status = response.status();
    if !status.is_success() {
        return Err(WechatError::Http(status.as_u16()));
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string();
    let mut response = response;
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_MEDIA_BYTES {
            return Err(WechatError::Invalid(format!("media larger than {MAX_MEDIA_BYTES} bytes")));
        }
    }
    let json = content_type.starts_with("application/json") || content_type.starts_with("text/plain");
    if json {
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|_| WechatError::Decode("not JSON".into()))?;
        if let Some(code) = value["errcode"].as_i64().filter(|&c| c != 0) {
            let message = value["errmsg"].as_str().unwrap_or_default().to_string();
            return Err(WechatError::Api { code, message });
        }
        let url =
            value["video_url"].as_str().ok_or_else(|| WechatError::Decode("neither a file nor a video_url".into()))?;
        return Ok(FileAnswer::VideoUrl(url.to_string()));
    }
    Ok(FileAnswer::File(MediaFile { content_type, bytes }))
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
