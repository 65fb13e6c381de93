//! Replay memory: a signed request is good for one message.
//!
//! The platform's `signature` covers the token, timestamp and nonce, not the body, and a
//! timestamp is accepted for 5 minutes either side of now. Without memory, one callback
//! URL seen in a proxy log would let its holder post any message as any openid (in clear)
//! until the timestamp goes stale. So every verified request's (timestamp, nonce,
//! signature) is remembered in the shared Kv — across replicas through Redis — until its
//! timestamp would be refused anyway, together with the identity of the message it
//! carried. The same triple again is the platform retrying that message (it resends the
//! same message when we were slow) only if it carries the same message: then it goes on
//! to `dedup`, which answers it as the first attempt was answered. With another message,
//! or with a message that has no identity to compare (a message without `MsgId`), it is
//! a replay, and refused.

use std::time::Duration;

use sha1::{Digest, Sha1};

use super::envelope::{WebhookQuery, MAX_SKEW_SECS};
use crate::kv::{Kv, KvResult};
use crate::wechat::Incoming;

/// Clocks of replicas and of the platform differ a little; remember a bit longer.
const MARGIN_SECS: i64 = 60;
/// Stored for a message with nothing to recognise a retry by: never equal to an identity.
const NO_IDENTITY: &str = "-";

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The first request with this triple.
    Fresh,
    /// The triple again, with the same message: the platform retrying it.
    Retry,
    /// The triple again with another message (or one that cannot be told apart).
    Replayed,
}

fn key(q: &WebhookQuery) -> String {
    // Hashed: the nonce is the sender's text, of any length.
    let digest = Sha1::new()
        .chain_update(q.timestamp.as_bytes())
        .chain_update(b"\n")
        .chain_update(q.nonce.as_bytes())
        .chain_update(b"\n")
        .chain_update(q.signature.to_ascii_lowercase().as_bytes())
        .finalize();
    format!("wechat:replay:{}", hex::encode(digest))
}

/// What a retry of this message carries again: `MsgId` for messages, the job's id for job
/// results, sender + time + event + key for other events. A message without `MsgId`
/// has none.
fn identity(incoming: &Incoming) -> String {
    let key = incoming.dedup_key();
    if key.starts_with("other:") {
        NO_IDENTITY.to_string()
    } else {
        key
    }
}

/// Until the request's timestamp leaves the accepted window (at most 10 minutes), plus margin.
fn remember_for(q: &WebhookQuery, now: i64) -> Duration {
    let timestamp: i64 = q.timestamp.parse().unwrap_or(now);
    Duration::from_secs((timestamp + MAX_SKEW_SECS - now).max(0) as u64 + MARGIN_SECS as u64)
}

/// Records a verified request (`q` with a checked signature) and says whether it is new.
pub async fn check(kv: &Kv, q: &WebhookQuery, incoming: &Incoming, now: i64) -> KvResult<Verdict> {
    let (key, identity) = (key(q), identity(incoming));
    // Through a Redis outage the memory is this replica's (README: what that cannot
    // guarantee across replicas).
    if kv.set_nx_surviving(&key, &identity, remember_for(q, now)).await? {
        return Ok(Verdict::Fresh);
    }
    // Gone between the two calls (it expired, or Redis went away): nothing to compare.
    let Some(first) = kv.get_surviving(&key).await? else { return Ok(Verdict::Fresh) };
    Ok(if first == identity && identity != NO_IDENTITY { Verdict::Retry } else { Verdict::Replayed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::Body;

    fn query(timestamp: i64, nonce: &str) -> WebhookQuery {
        WebhookQuery {
            signature: "ABCDEF0123".into(),
            timestamp: timestamp.to_string(),
            nonce: nonce.into(),
            ..WebhookQuery::default()
        }
    }

    fn text(msg_id: Option<i64>) -> Incoming {
        let body = match msg_id {
            Some(msg_id) => Body::Text { msg_id, content: "hi".into() },
            None => Body::Unknown { msg_type: "text".into() },
        };
        Incoming { to: "gh".into(), openid: "o1".into(), create_time: 1_700_000_000, body }
    }

    #[tokio::test]
    async fn a_triple_is_good_once_per_message_and_a_message_without_msg_id_only_once() {
        let kv = Kv::memory("t:");
        let now = 1_700_000_000;
        let q = query(now, "n1");
        assert_eq!(check(&kv, &q, &text(Some(7)), now).await.unwrap(), Verdict::Fresh);
        assert_eq!(check(&kv, &q, &text(Some(7)), now).await.unwrap(), Verdict::Retry);
        assert_eq!(check(&kv, &q, &text(Some(8)), now).await.unwrap(), Verdict::Replayed);
        assert_eq!(check(&kv, &query(now, "n2"), &text(Some(8)), now).await.unwrap(), Verdict::Fresh);

        let bare = query(now, "n3");
        assert_eq!(check(&kv, &bare, &text(None), now).await.unwrap(), Verdict::Fresh);
        assert_eq!(check(&kv, &bare, &text(None), now).await.unwrap(), Verdict::Replayed);
    }

    #[test]
    fn a_triple_is_remembered_until_its_timestamp_would_be_refused_anyway() {
        let now = 1_700_000_000;
        assert_eq!(remember_for(&query(now, "n"), now), Duration::from_secs(360));
        assert_eq!(remember_for(&query(now + 300, "n"), now), Duration::from_secs(660));
        assert_eq!(remember_for(&query(now - 300, "n"), now), Duration::from_secs(60));
    }
}
