//! The platform's SHA-1 signatures: webhook `signature`, safe-mode `msg_signature`, and
//! the JSSDK config signature. All compare in constant time.

use sha1::{Digest, Sha1};

/// `hex(sha1(concat(sorted(parts))))`, the scheme of `signature` and `msg_signature`.
pub fn sorted_sha1(parts: &[&str]) -> String {
    let mut parts = parts.to_vec();
    parts.sort_unstable();
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The GET/POST `signature`: over the webhook token, timestamp and nonce.
pub fn webhook_signature(token: &str, timestamp: &str, nonce: &str) -> String {
    sorted_sha1(&[token, timestamp, nonce])
}

/// Safe mode's `msg_signature`: the same scheme with the `<Encrypt>` text added.
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    sorted_sha1(&[token, timestamp, nonce, encrypt])
}

/// JSSDK `wx.config` signature: sha1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`
/// (keys in that sorted order), the URL without its `#fragment`.
pub fn jssdk_signature(ticket: &str, nonce: &str, timestamp: i64, url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let text = format!("jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}");
    hex::encode(Sha1::digest(text.as_bytes()))
}

/// Equality that takes the same time wherever the strings differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_protocol_vector_abc_hashes_to_its_known_sha1() {
        // Sorted concat of "a", "b", "c" is "abc".
        assert_eq!(sorted_sha1(&["c", "a", "b"]), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(webhook_signature("b", "c", "a"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn jssdk_signature_matches_the_documented_example() {
        // The example from the JSSDK documentation (appendix 1).
        let sig = jssdk_signature(
            "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
            "Wm3WZYTPz0wzccnW",
            1414587457,
            "http://mp.weixin.qq.com?params=value#fragment",
        );
        assert_eq!(sig, "0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    }

    #[test]
    fn same_compares_contents_and_lengths() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
