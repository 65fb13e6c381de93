//! Temporary media on the mock: `media/upload` keeps what Banji uploads (with the
//! platform's type and size limits and its error codes), `media/get` hands back what a
//! follower sent or Banji uploaded — the bytes for images and voice, a `video_url` for
//! video, as the platform does — until it expires after 3 days (`/sim/media/expire` ends
//! that at once, for tests of what Banji kept).
//!
//! Simulated followers send a small built-in sample of each kind (`samples/`): a JPEG,
//! an AMR voice note of two seconds, an MP4 video.

use std::sync::Arc;
use std::time::{Duration, Instant};

use poem::handler;
use poem::http::{header, StatusCode};
use poem::web::{Data, Multipart, Path, Query};
use poem::{IntoResponse, Response};
use serde_json::json;

use super::api::{authed, Params};
use super::state::{random_id, Failure};
use super::{wx, MockPlatform};
use crate::wechat::client::media::{check_upload, MediaKind};

/// How long the platform keeps temporary media.
pub const KEPT_FOR: Duration = Duration::from_secs(3 * 24 * 3600);

pub const SAMPLE_IMAGE: &[u8] = include_bytes!("samples/sample.jpg");
pub const SAMPLE_VOICE: &[u8] = include_bytes!("samples/sample.amr");
pub const SAMPLE_VIDEO: &[u8] = include_bytes!("samples/sample.mp4");

/// One temporary media file the mock holds.
#[derive(Debug, Clone)]
pub struct MockMedia {
    pub kind: MediaKind,
    pub file_name: String,
    pub bytes: Arc<Vec<u8>>,
    pub created: Instant,
}

impl MockMedia {
    fn content_type(&self) -> &'static str {
        match self.kind {
            MediaKind::Image | MediaKind::Thumb => crate::wechat::client::media::sniff_image(&self.bytes),
            MediaKind::Voice if self.bytes.starts_with(b"#!AMR") => "audio/amr",
            MediaKind::Voice => "audio/mpeg",
            MediaKind::Video => "video/mp4",
        }
    }

    fn live(&self) -> bool {
        self.created.elapsed() < KEPT_FOR
    }
}

impl MockPlatform {
    /// Keeps a file as temporary media (as if a follower had sent it); returns its media_id.
    pub fn keep_media(&self, kind: MediaKind, file_name: &str, bytes: &[u8]) -> String {
        let media_id = random_id(64);
        let media =
            MockMedia { kind, file_name: file_name.into(), bytes: Arc::new(bytes.to_vec()), created: Instant::now() };
        self.state().media.insert(media_id.clone(), media);
        media_id
    }

    /// The sample a simulated follower sends as `kind`: (media_id, thumb media_id for video).
    pub fn sample_media(&self, kind: MediaKind) -> String {
        match kind {
            MediaKind::Image | MediaKind::Thumb => self.keep_media(kind, "sample.jpg", SAMPLE_IMAGE),
            MediaKind::Voice => self.keep_media(kind, "sample.amr", SAMPLE_VOICE),
            MediaKind::Video => self.keep_media(kind, "sample.mp4", SAMPLE_VIDEO),
        }
    }

    /// How many files the mock holds (what was uploaded, and what followers sent).
    pub fn media_held(&self) -> usize {
        self.state().media.len()
    }

    /// A media file the mock still holds.
    pub fn media(&self, media_id: &str) -> Option<MockMedia> {
        self.state().media.get(media_id).filter(|m| m.live()).cloned()
    }
}

/// Reads the `media` file of a multipart upload: (file name, bytes).
pub async fn media_file(mut form: Multipart) -> Result<(String, Vec<u8>), Failure> {
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("media") {
            let name = field.file_name().unwrap_or("upload").to_string();
            let bytes = field.bytes().await.map_err(|_| (41005, "media data missing"))?;
            return Ok((name, bytes));
        }
    }
    Err((41005, "media data missing"))
}

pub fn media_kind(q: &Params) -> Result<MediaKind, Failure> {
    MediaKind::parse(q.get("type").map(String::as_str).unwrap_or_default()).ok_or((40004, "invalid media type"))
}

#[handler]
pub async fn upload(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, form: Multipart) -> Response {
    if let Err(failure) = authed(&mock, &q).map(drop) {
        return wx(Err(failure));
    }
    let result = async {
        let kind = media_kind(&q)?;
        let (name, bytes) = media_file(form).await?;
        if bytes.is_empty() {
            return Err((41005, "media data missing"));
        }
        check_upload(kind, &bytes).map_err(|refusal| refusal.platform_failure())?;
        let media_id = mock.keep_media(kind, &name, &bytes);
        Ok(json!({ "type": kind.as_str(), "media_id": media_id, "created_at": chrono::Utc::now().timestamp() }))
    }
    .await;
    wx(result)
}

/// `media/get`: the file itself (image, voice, thumb), or `{"video_url"}` for a video.
#[handler]
pub fn get(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    if let Err(failure) = authed(&mock, &q).map(drop) {
        return wx(Err(failure));
    }
    let media_id = q.get("media_id").cloned().unwrap_or_default();
    let Some(media) = mock.media(&media_id) else { return wx(Err((40007, "invalid media_id"))) };
    if media.kind == MediaKind::Video {
        return wx(Ok(json!({ "video_url": format!("{}/sim/media/{media_id}/file", mock.settings.base_url) })));
    }
    file_response(&media)
}

fn file_response(media: &MockMedia) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, media.content_type())
        .header(header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", media.file_name.replace('"', "")))
        .body(media.bytes.to_vec())
}

/// Where a video's `video_url` points (a CDN on the platform).
#[handler]
pub fn video_file(mock: Data<&Arc<MockPlatform>>, Path(media_id): Path<String>) -> Response {
    match mock.media(&media_id) {
        Some(media) => file_response(&media),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Every temporary media file expires now (as three days later on the platform).
#[handler]
pub fn expire(mock: Data<&Arc<MockPlatform>>) -> StatusCode {
    mock.state().media.clear();
    StatusCode::NO_CONTENT
}
