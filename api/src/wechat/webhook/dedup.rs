//! Retries from the platform (it waits 5 s, then tries again, 3 attempts in all) must take
//! effect once. The first attempt claims the message in the shared Kv; a retry gets the
//! first attempt's reply if it produced one, otherwise a plain acknowledgement. While
//! Redis is away the claims are this replica's (`Kv::set_nx_surviving`).

use std::time::Duration;

use crate::kv::{Kv, KvResult};

/// Longer than the platform's whole retry sequence.
const REMEMBER_FOR: Duration = Duration::from_secs(300);
const PENDING: &str = "pending";
const NO_REPLY: &str = "none";
const REPLY: &str = "reply:";

pub enum Seen {
    First,
    /// A retry; the reply the first attempt gave, if any (and if it is finished).
    Again(Option<String>),
}

fn key(dedup_key: &str) -> String {
    format!("wechat:seen:{dedup_key}")
}

pub async fn claim(kv: &Kv, dedup_key: &str) -> KvResult<Seen> {
    let key = key(dedup_key);
    if kv.set_nx_surviving(&key, PENDING, REMEMBER_FOR).await? {
        return Ok(Seen::First);
    }
    Ok(Seen::Again(kv.get_surviving(&key).await?.and_then(|v| v.strip_prefix(REPLY).map(str::to_string))))
}

pub async fn remember(kv: &Kv, dedup_key: &str, reply_xml: Option<&str>) -> KvResult<()> {
    let value = match reply_xml {
        Some(xml) => format!("{REPLY}{xml}"),
        None => NO_REPLY.to_string(),
    };
    kv.set_surviving(&key(dedup_key), &value, REMEMBER_FOR).await
}
