//! Safe-mode message encryption (AES-256-CBC, the platform's layout and padding).
//!
//! key = base64(EncodingAESKey + "="), IV = key[..16], PKCS#7 padding to a multiple of
//! **32** bytes, plaintext = 16 random bytes ‖ u32 BE length ‖ message ‖ appid.

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::{alphabet, Engine};
use rand::RngCore;

type Encryptor = cbc::Encryptor<aes::Aes256>;
type Decryptor = cbc::Decryptor<aes::Aes256>;

const BLOCK: usize = 32;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("EncodingAESKey must be 43 base64 characters")]
    BadKey,
    #[error("ciphertext is not valid base64")]
    NotBase64,
    #[error("ciphertext cannot be decrypted")]
    Undecryptable,
    #[error("the message was encrypted for another appid")]
    WrongAppid,
}

#[derive(Clone)]
pub struct MessageCrypto {
    key: [u8; 32],
    appid: String,
}

impl std::fmt::Debug for MessageCrypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageCrypto").field("appid", &self.appid).finish_non_exhaustive()
    }
}

impl MessageCrypto {
    pub fn new(encoding_aes_key: &str, appid: &str) -> Result<Self, CryptoError> {
        if encoding_aes_key.len() != 43 {
            return Err(CryptoError::BadKey);
        }
        // The 43rd character carries 2 bits past the 32 bytes; the platform ignores them,
        // so must we (a strict decoder refuses keys like the protocol's own example).
        let lenient =
            GeneralPurpose::new(&alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));
        let bytes = lenient.decode(format!("{encoding_aes_key}=")).map_err(|_| CryptoError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadKey)?;
        Ok(MessageCrypto { key, appid: appid.to_string() })
    }

    pub fn encrypt(&self, message: &str) -> String {
        let mut random = [0u8; 16];
        rand::rng().fill_bytes(&mut random);
        self.encrypt_with(message, &random)
    }

    /// Encryption with a given 16-byte prefix (deterministic, for the protocol vector).
    pub fn encrypt_with(&self, message: &str, random: &[u8; 16]) -> String {
        let mut plain = Vec::with_capacity(16 + 4 + message.len() + self.appid.len() + BLOCK);
        plain.extend_from_slice(random);
        plain.extend_from_slice(&(message.len() as u32).to_be_bytes());
        plain.extend_from_slice(message.as_bytes());
        plain.extend_from_slice(self.appid.as_bytes());
        let pad = BLOCK - plain.len() % BLOCK;
        plain.resize(plain.len() + pad, pad as u8);
        let len = plain.len();
        let encryptor = Encryptor::new(&self.key.into(), self.key[..16].into());
        let cipher = encryptor.encrypt_padded_mut::<NoPadding>(&mut plain, len).expect("length is a block multiple");
        STANDARD.encode(cipher)
    }

    /// Decrypts and checks the trailing appid is ours.
    pub fn decrypt(&self, encrypted: &str) -> Result<String, CryptoError> {
        let mut data = STANDARD.decode(encrypted.trim()).map_err(|_| CryptoError::NotBase64)?;
        if data.is_empty() || data.len() % 16 != 0 {
            return Err(CryptoError::Undecryptable);
        }
        let decryptor = Decryptor::new(&self.key.into(), self.key[..16].into());
        let plain = decryptor.decrypt_padded_mut::<NoPadding>(&mut data).map_err(|_| CryptoError::Undecryptable)?;
        let pad = *plain.last().ok_or(CryptoError::Undecryptable)? as usize;
        if !(1..=BLOCK).contains(&pad) || pad > plain.len() {
            return Err(CryptoError::Undecryptable);
        }
        let content = &plain[..plain.len() - pad];
        if content.len() < 20 {
            return Err(CryptoError::Undecryptable);
        }
        let len = u32::from_be_bytes([content[16], content[17], content[18], content[19]]) as usize;
        let body = &content[20..];
        if len > body.len() {
            return Err(CryptoError::Undecryptable);
        }
        let (message, appid) = body.split_at(len);
        if appid != self.appid.as_bytes() {
            return Err(CryptoError::WrongAppid);
        }
        String::from_utf8(message.to_vec()).map_err(|_| CryptoError::Undecryptable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const APPID: &str = "wxb11529c136998cb6";
    const CIPHER: &str = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";

    #[test]
    fn encrypting_the_protocol_vector_gives_the_known_ciphertext() {
        let crypto = MessageCrypto::new(KEY, APPID).unwrap();
        assert_eq!(crypto.encrypt_with("我是中文abcd123", b"aaaabbbbccccdddd"), CIPHER);
    }

    #[test]
    fn decrypting_the_known_ciphertext_gives_the_message() {
        let crypto = MessageCrypto::new(KEY, APPID).unwrap();
        assert_eq!(crypto.decrypt(CIPHER).unwrap(), "我是中文abcd123");
    }

    #[test]
    fn a_round_trip_with_random_prefix_works_for_every_padding_length() {
        let crypto = MessageCrypto::new(KEY, APPID).unwrap();
        for n in 0..70 {
            let message = "x".repeat(n);
            assert_eq!(crypto.decrypt(&crypto.encrypt(&message)).unwrap(), message);
        }
    }

    #[test]
    fn another_appid_is_refused() {
        let ours = MessageCrypto::new(KEY, APPID).unwrap();
        let theirs = MessageCrypto::new(KEY, "wx0000000000000000").unwrap();
        assert_eq!(ours.decrypt(&theirs.encrypt("hi")), Err(CryptoError::WrongAppid));
    }

    #[test]
    fn garbage_is_refused_without_panicking() {
        let crypto = MessageCrypto::new(KEY, APPID).unwrap();
        assert_eq!(crypto.decrypt("not base64!"), Err(CryptoError::NotBase64));
        assert_eq!(crypto.decrypt("AAAA"), Err(CryptoError::Undecryptable));
        assert!(crypto.decrypt(&STANDARD.encode([7u8; 64])).is_err());
        assert_eq!(MessageCrypto::new("short", APPID).unwrap_err(), CryptoError::BadKey);
    }
}
