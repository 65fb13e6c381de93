//! Passive replies: what the webhook answers a follower with, as exact platform XML
//! (no declaration, To/From swapped, strings in CDATA), plain or in the safe-mode
//! envelope. The mock platform parses them back with `Reply::parse`.

use super::crypto::MessageCrypto;
use super::signature::msg_signature;
use super::xml::{self, Element, XmlError, XmlWriter};

/// At most this many articles in one news reply.
pub const MAX_ARTICLES: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Text {
        content: String,
    },
    Image {
        media_id: String,
    },
    Voice {
        media_id: String,
    },
    Video {
        media_id: String,
        title: String,
        description: String,
    },
    Music {
        title: String,
        description: String,
        music_url: String,
        hq_music_url: String,
        thumb_media_id: String,
    },
    News {
        articles: Vec<Article>,
    },
    /// Hands the conversation to the customer-service system (optionally one agent).
    TransferCustomerService {
        kf_account: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub title: String,
    pub description: String,
    pub pic_url: String,
    pub url: String,
}

impl Reply {
    /// The answer in a few words, as a thread shows it.
    pub fn summary(&self) -> String {
        match self {
            Reply::Text { content } => content.clone(),
            Reply::Image { .. } => "[图片]".into(),
            Reply::Voice { .. } => "[语音]".into(),
            Reply::Video { title, .. } | Reply::Music { title, .. } => title.clone(),
            Reply::News { articles } => articles.first().map(|a| a.title.clone()).unwrap_or_default(),
            Reply::TransferCustomerService { .. } => "[转接客服]".into(),
        }
    }

    pub fn text(content: impl Into<String>) -> Reply {
        Reply::Text { content: content.into() }
    }

    pub fn msg_type(&self) -> &'static str {
        match self {
            Reply::Text { .. } => "text",
            Reply::Image { .. } => "image",
            Reply::Voice { .. } => "voice",
            Reply::Video { .. } => "video",
            Reply::Music { .. } => "music",
            Reply::News { .. } => "news",
            Reply::TransferCustomerService { .. } => "transfer_customer_service",
        }
    }

    /// The reply to `incoming_from` (a follower), sent from our account `incoming_to`.
    pub fn to_xml(&self, incoming_from: &str, incoming_to: &str, create_time: i64) -> String {
        let mut w = XmlWriter::new();
        w.text("ToUserName", incoming_from).text("FromUserName", incoming_to).number("CreateTime", create_time);
        w.text("MsgType", self.msg_type());
        match self {
            Reply::Text { content } => {
                w.text("Content", content);
            }
            Reply::Image { media_id } => {
                w.open("Image").text("MediaId", media_id).close("Image");
            }
            Reply::Voice { media_id } => {
                w.open("Voice").text("MediaId", media_id).close("Voice");
            }
            Reply::Video { media_id, title, description } => {
                w.open("Video").text("MediaId", media_id).text("Title", title);
                w.text("Description", description).close("Video");
            }
            Reply::Music { title, description, music_url, hq_music_url, thumb_media_id } => {
                w.open("Music").text("Title", title).text("Description", description).text("MusicUrl", music_url);
                w.text("HQMusicUrl", hq_music_url).text("ThumbMediaId", thumb_media_id).close("Music");
            }
            Reply::News { articles } => {
                let articles = &articles[..articles.len().min(MAX_ARTICLES)];
                w.number("ArticleCount", articles.len()).open("Articles");
                for a in articles {
                    w.open("item").text("Title", &a.title).text("Description", &a.description);
                    w.text("PicUrl", &a.pic_url).text("Url", &a.url).close("item");
                }
                w.close("Articles");
            }
            Reply::TransferCustomerService { kf_account } => {
                if let Some(account) = kf_account {
                    w.open("TransInfo").text("KfAccount", account).close("TransInfo");
                }
            }
        }
        w.finish()
    }

    /// Reads a reply document (the mock platform decoding what Banji answered).
    pub fn parse(text: &str) -> Result<(Reply, Element), XmlError> {
        let root = xml::parse(text)?;
        let sub = |name: &'static str| root.child(name).ok_or(XmlError::Missing(name));
        let reply = match root.required("MsgType")? {
            "text" => Reply::Text { content: root.required("Content")?.to_string() },
            "image" => Reply::Image { media_id: sub("Image")?.text_or_empty("MediaId") },
            "voice" => Reply::Voice { media_id: sub("Voice")?.text_or_empty("MediaId") },
            "video" => {
                let v = sub("Video")?;
                Reply::Video {
                    media_id: v.text_or_empty("MediaId"),
                    title: v.text_or_empty("Title"),
                    description: v.text_or_empty("Description"),
                }
            }
            "music" => {
                let m = sub("Music")?;
                Reply::Music {
                    title: m.text_or_empty("Title"),
                    description: m.text_or_empty("Description"),
                    music_url: m.text_or_empty("MusicUrl"),
                    hq_music_url: m.text_or_empty("HQMusicUrl"),
                    thumb_media_id: m.text_or_empty("ThumbMediaId"),
                }
            }
            "news" => Reply::News {
                articles: sub("Articles")?
                    .children
                    .iter()
                    .map(|item| Article {
                        title: item.text_or_empty("Title"),
                        description: item.text_or_empty("Description"),
                        pic_url: item.text_or_empty("PicUrl"),
                        url: item.text_or_empty("Url"),
                    })
                    .collect(),
            },
            "transfer_customer_service" => Reply::TransferCustomerService {
                kf_account: root.child("TransInfo").and_then(|t| t.text_of("KfAccount")).map(str::to_string),
            },
            other => return Err(XmlError::Malformed(format!("unknown reply type {other}"))),
        };
        Ok((reply, root))
    }
}

/// The safe-mode envelope around an encrypted reply, with a fresh nonce and its signature.
pub fn encrypted_envelope(crypto: &MessageCrypto, token: &str, plain_xml: &str, timestamp: i64) -> String {
    let encrypt = crypto.encrypt(plain_xml);
    let nonce = fresh_nonce();
    let timestamp = timestamp.to_string();
    let signature = msg_signature(token, &timestamp, &nonce, &encrypt);
    XmlWriter::new()
        .text("Encrypt", &encrypt)
        .text("MsgSignature", &signature)
        .number("TimeStamp", &timestamp)
        .text("Nonce", &nonce)
        .finish()
}

/// A random numeric nonce like the platform's.
pub fn fresh_nonce() -> String {
    use rand::Rng;
    rand::rng().random_range(100_000_000u64..10_000_000_000).to_string()
}
