//! Opening what the platform POSTs and sealing what we answer.
//!
//! Order matters: the timestamp and `signature` are checked before the body is read as
//! anything; in safe and compatible mode (`encrypt_type=aes`) the `<Encrypt>` text is
//! taken from the outer envelope, its `msg_signature` checked, then decrypted (which
//! checks the appid) and only then parsed as a message. A message in clear is refused
//! before it is read when the account is in safe mode (`WECHAT_MESSAGE_MODE`).

use serde::Deserialize;

use crate::wechat::config::MessageMode;
use crate::wechat::crypto::{CryptoError, MessageCrypto};
use crate::wechat::reply::encrypted_envelope;
use crate::wechat::signature::{msg_signature, same, webhook_signature};
use crate::wechat::xml::{self, XmlError};
use crate::wechat::Incoming;

/// Messages whose timestamp is further than this from now are replays.
pub const MAX_SKEW_SECS: i64 = 300;

#[derive(Debug, Default, Deserialize)]
pub struct WebhookQuery {
    #[serde(default)]
    pub signature: String,
    #[serde(default)]
    pub timestamp: String,
    #[serde(default)]
    pub nonce: String,
    pub echostr: Option<String>,
    pub openid: Option<String>,
    pub encrypt_type: Option<String>,
    pub msg_signature: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Rejection {
    #[error("timestamp missing or more than 5 minutes from now")]
    Stale,
    #[error("signature does not match")]
    Signature,
    #[error("msg_signature does not match")]
    MsgSignature,
    #[error("encrypted message without <Encrypt>")]
    NoEncrypt,
    #[error("encrypted message but no EncodingAESKey is configured")]
    NoKey,
    #[error("unsupported encrypt_type")]
    EncryptType,
    #[error("plaintext message refused: this account takes only encrypted messages (safe mode)")]
    Plaintext,
    #[error("replayed request: its timestamp, nonce and signature were already used for another message")]
    Replayed,
    #[error("decryption failed: {0}")]
    Crypto(#[from] CryptoError),
    #[error("bad XML: {0}")]
    Xml(#[from] XmlError),
}

pub struct Opened {
    pub incoming: Incoming,
    /// The message as plain XML (decrypted when it came encrypted).
    pub raw: String,
    /// The request was encrypted, so the reply must be too.
    pub encrypted: bool,
}

fn check_signature(token: &str, q: &WebhookQuery, now: i64) -> Result<(), Rejection> {
    let timestamp: i64 = q.timestamp.parse().map_err(|_| Rejection::Stale)?;
    if (timestamp - now).abs() > MAX_SKEW_SECS {
        return Err(Rejection::Stale);
    }
    if !same(&webhook_signature(token, &q.timestamp, &q.nonce), &q.signature) {
        return Err(Rejection::Signature);
    }
    Ok(())
}

/// GET verification: the `echostr` to send back when the signature is ours.
pub fn verify_get(token: &str, q: &WebhookQuery, now: i64) -> Result<String, Rejection> {
    check_signature(token, q, now)?;
    q.echostr.clone().ok_or(Rejection::Signature)
}

pub fn open(
    token: &str,
    crypto: Option<&MessageCrypto>,
    mode: MessageMode,
    q: &WebhookQuery,
    body: &str,
    now: i64,
) -> Result<Opened, Rejection> {
    check_signature(token, q, now)?;
    match q.encrypt_type.as_deref() {
        None | Some("") | Some("raw") if !mode.accepts_plaintext() => Err(Rejection::Plaintext),
        None | Some("") | Some("raw") => {
            Ok(Opened { incoming: Incoming::parse(body)?, raw: body.to_string(), encrypted: false })
        }
        Some("aes") => {
            let envelope = xml::parse(body)?;
            let encrypt = envelope.text_of("Encrypt").filter(|e| !e.is_empty()).ok_or(Rejection::NoEncrypt)?;
            let expected = msg_signature(token, &q.timestamp, &q.nonce, encrypt);
            if !same(&expected, q.msg_signature.as_deref().unwrap_or_default()) {
                return Err(Rejection::MsgSignature);
            }
            let crypto = crypto.ok_or(Rejection::NoKey)?;
            let raw = crypto.decrypt(encrypt)?;
            Ok(Opened { incoming: Incoming::parse(&raw)?, raw, encrypted: true })
        }
        Some(_) => Err(Rejection::EncryptType),
    }
}

/// The body to answer with: `success` for no reply, the reply XML, or its encrypted envelope.
pub fn seal(reply_xml: Option<&str>, encrypted: bool, crypto: Option<&MessageCrypto>, token: &str, now: i64) -> String {
    match (reply_xml, encrypted, crypto) {
        (None, _, _) => "success".to_string(),
        (Some(xml), true, Some(crypto)) => encrypted_envelope(crypto, token, xml, now),
        (Some(xml), _, _) => xml.to_string(),
    }
}
