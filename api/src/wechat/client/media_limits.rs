//! What the platform takes as temporary media (`media/upload`), checked before a file is
//! sent so a teacher hears why at once: images ≤ 10 MB (JPEG, PNG, GIF), voice ≤ 2 MB and
//! ≤ 60 s (AMR, MP3), video ≤ 10 MB (MP4), thumbnails ≤ 64 KB (JPEG). The mock platform
//! refuses with the same rules and the platform's codes (40005, 45001, 45007).
//!
//! Types are read from the bytes, not the file name; a voice note's length from its
//! frames (AMR: 20 ms each; MP3: samples per frame over the sample rate).

use super::media::MediaKind;

/// Why a file cannot go to the platform as this kind of media.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadRefusal {
    WrongType { kind: MediaKind },
    TooLarge { kind: MediaKind, limit: usize },
    TooLong { seconds: u32 },
}

impl UploadRefusal {
    /// The platform's own code and message for this refusal.
    pub fn platform_failure(&self) -> (i64, &'static str) {
        match self {
            UploadRefusal::WrongType { .. } => (40005, "invalid file type"),
            UploadRefusal::TooLarge { .. } => (45001, "media size out of limit"),
            UploadRefusal::TooLong { .. } => (45007, "playtime out of limit"),
        }
    }

    pub fn message(&self) -> String {
        match self {
            UploadRefusal::WrongType { kind } => format!("WeChat takes {} only as {}", kind.as_str(), accepted(*kind)),
            UploadRefusal::TooLarge { kind, limit } => {
                format!("WeChat takes {} files up to {}", kind.as_str(), size_label(*limit))
            }
            UploadRefusal::TooLong { seconds } => {
                format!("WeChat takes voice up to {MAX_VOICE_SECONDS} seconds; this one lasts {seconds}")
            }
        }
    }
}

pub const MAX_VOICE_SECONDS: u32 = 60;

/// The most the platform takes for each kind.
pub fn size_limit(kind: MediaKind) -> usize {
    match kind {
        MediaKind::Image | MediaKind::Video => 10 * 1024 * 1024,
        MediaKind::Voice => 2 * 1024 * 1024,
        MediaKind::Thumb => 64 * 1024,
    }
}

fn accepted(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Image => "JPEG, PNG or GIF",
        MediaKind::Voice => "AMR or MP3",
        MediaKind::Video => "MP4",
        MediaKind::Thumb => "JPEG",
    }
}

fn size_label(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes / 1024)
    }
}

/// The image type the bytes hold, as a content type (`application/octet-stream` if none).
pub fn sniff_image(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "image/gif"
    } else {
        "application/octet-stream"
    }
}

/// The content type of a file of this kind, read from its bytes; None if the platform
/// would not take it as that kind.
pub fn content_type(kind: MediaKind, bytes: &[u8]) -> Option<&'static str> {
    match kind {
        MediaKind::Image => Some(sniff_image(bytes)).filter(|t| t.starts_with("image/")),
        MediaKind::Thumb => Some(sniff_image(bytes)).filter(|t| *t == "image/jpeg"),
        MediaKind::Voice if bytes.starts_with(AMR_MAGIC) => Some("audio/amr"),
        MediaKind::Voice => mp3_seconds(bytes).map(|_| "audio/mpeg"),
        MediaKind::Video => (bytes.len() > 8 && &bytes[4..8] == b"ftyp").then_some("video/mp4"),
    }
}

/// Whether the platform takes these bytes as `kind`.
pub fn check_upload(kind: MediaKind, bytes: &[u8]) -> Result<&'static str, UploadRefusal> {
    let limit = size_limit(kind);
    if bytes.len() > limit {
        return Err(UploadRefusal::TooLarge { kind, limit });
    }
    let content_type = content_type(kind, bytes).ok_or(UploadRefusal::WrongType { kind })?;
    if kind == MediaKind::Voice {
        let seconds = voice_seconds(bytes).ok_or(UploadRefusal::WrongType { kind })?;
        if seconds > f64::from(MAX_VOICE_SECONDS) {
            return Err(UploadRefusal::TooLong { seconds: seconds.ceil() as u32 });
        }
    }
    Ok(content_type)
}

const AMR_MAGIC: &[u8] = b"#!AMR\n";

/// How long a voice note plays: AMR-NB or MP3.
pub fn voice_seconds(bytes: &[u8]) -> Option<f64> {
    match bytes.strip_prefix(AMR_MAGIC) {
        Some(frames) => amr_seconds(frames),
        None => mp3_seconds(bytes),
    }
}

/// AMR-NB: each frame is a header byte (its mode in bits 3–6) and that mode's payload,
/// and lasts 20 ms.
fn amr_seconds(mut frames: &[u8]) -> Option<f64> {
    const PAYLOAD: [usize; 16] = [12, 13, 15, 17, 19, 20, 26, 31, 5, 0, 0, 0, 0, 0, 0, 0];
    let mut count = 0u64;
    while let Some((&header, rest)) = frames.split_first() {
        let size = PAYLOAD[usize::from((header >> 3) & 0x0F)];
        frames = rest.get(size..)?;
        count += 1;
    }
    Some(count as f64 * 0.02)
}

/// MP3 (MPEG audio layer III): walks the frames after an ID3v2 tag, adding each frame's
/// samples over its sample rate. None if the bytes hold no such frames.
fn mp3_seconds(bytes: &[u8]) -> Option<f64> {
    const BITRATES_V1: [u32; 15] = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    const BITRATES_V2: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let mut at = 0usize;
    if bytes.starts_with(b"ID3") && bytes.len() >= 10 {
        let size = bytes[6..10].iter().fold(0usize, |n, b| (n << 7) | usize::from(b & 0x7F));
        at = 10 + size;
    }
    let (mut seconds, mut frames) = (0f64, 0u32);
    while at + 4 <= bytes.len() {
        let h = &bytes[at..at + 4];
        if h[0] != 0xFF || h[1] & 0xE0 != 0xE0 {
            break;
        }
        let version = (h[1] >> 3) & 0x03; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        let layer = (h[1] >> 1) & 0x03; // 1: layer III
        let bitrate_index = usize::from(h[2] >> 4);
        let rate_index = usize::from((h[2] >> 2) & 0x03);
        if version == 1 || layer != 1 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
            break;
        }
        let base_rate = [44_100u32, 48_000, 32_000][rate_index];
        let (rate, bitrate, samples) = match version {
            3 => (base_rate, BITRATES_V1[bitrate_index], 1152u32),
            2 => (base_rate / 2, BITRATES_V2[bitrate_index], 576),
            _ => (base_rate / 4, BITRATES_V2[bitrate_index], 576),
        };
        let padding = u32::from((h[2] >> 1) & 0x01);
        let length = (samples / 8 * bitrate * 1000 / rate + padding) as usize;
        seconds += f64::from(samples) / f64::from(rate);
        frames += 1;
        at += length.max(1);
    }
    (frames > 0).then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amr(frames: usize) -> Vec<u8> {
        let mut bytes = AMR_MAGIC.to_vec();
        for _ in 0..frames {
            bytes.push(0x3C);
            bytes.extend([0u8; 31]);
        }
        bytes
    }

    /// An MP3 of `frames` silent MPEG-1 layer III frames at 128 kbit/s, 44.1 kHz.
    fn mp3(frames: usize) -> Vec<u8> {
        let mut bytes = Vec::new();
        for _ in 0..frames {
            bytes.extend([0xFF, 0xFB, 0x90, 0x00]);
            bytes.extend(vec![0u8; 417 - 4]);
        }
        bytes
    }

    #[test]
    fn an_amr_voice_note_lasts_twenty_milliseconds_a_frame() {
        assert_eq!(voice_seconds(&amr(150)), Some(3.0));
        assert_eq!(check_upload(MediaKind::Voice, &amr(3000)), Ok("audio/amr"), "exactly 60 s is taken");
        assert_eq!(check_upload(MediaKind::Voice, &amr(3001)), Err(UploadRefusal::TooLong { seconds: 61 }));
    }

    #[test]
    fn an_mp3_voice_note_is_measured_by_its_frames() {
        let seconds = voice_seconds(&mp3(100)).unwrap();
        assert!((seconds - 100.0 * 1152.0 / 44100.0).abs() < 1e-9, "{seconds}");
        assert_eq!(check_upload(MediaKind::Voice, &mp3(100)), Ok("audio/mpeg"));
    }

    #[test]
    fn a_file_of_the_wrong_type_or_size_is_refused_with_the_platforms_code() {
        let png = b"\x89PNG\r\n\x1a\n rest".to_vec();
        assert_eq!(check_upload(MediaKind::Image, &png), Ok("image/png"));
        let refusal = check_upload(MediaKind::Thumb, &png).unwrap_err();
        assert_eq!(refusal.platform_failure().0, 40005, "a thumbnail must be a JPEG");
        assert_eq!(check_upload(MediaKind::Video, &png).unwrap_err().platform_failure().0, 40005);
        let mut big = vec![0xFF, 0xD8, 0xFF];
        big.resize(64 * 1024 + 1, 0);
        let too_big = check_upload(MediaKind::Thumb, &big).unwrap_err();
        assert_eq!((too_big.platform_failure().0, too_big.message().contains("64 KB")), (45001, true));
        assert_eq!(check_upload(MediaKind::Voice, b"not a voice note").unwrap_err().platform_failure().0, 40005);
    }
}
