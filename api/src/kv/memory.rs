//! In-process `Kv`: a map with per-key expiry and broadcast channels.
//!
//! Not a cache crate: the callers need Redis's atomic semantics (SET NX, compare-and-
//! delete, windowed INCR), which a map under a mutex gives exactly (each key lives in one
//! shard, so per-key operations stay atomic).

use std::cmp::Reverse;
use std::collections::hash_map::RandomState;
use std::collections::{BinaryHeap, HashMap};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use super::Counter;

struct Entry {
    value: String,
    expires: Option<Instant>,
}

impl Entry {
    fn live(&self, now: Instant) -> bool {
        self.expires.is_none_or(|at| at > now)
    }
}

/// One slice of the keyspace. Keys are spread over many shards so that no lock is held
/// for long: a map that grows by doubling re-hashes one shard, not every key at once.
#[derive(Default)]
struct Shard {
    entries: HashMap<String, Entry>,
    /// When each key with a TTL expires, soonest first. An entry here may be stale (the
    /// key was rewritten or deleted since); it is checked before anything is removed.
    expiries: BinaryHeap<Reverse<(Instant, String)>>,
}

const SHARDS: usize = 64;

#[derive(Clone)]
pub struct MemoryKv {
    prefix: Arc<str>,
    shards: Arc<[Mutex<Shard>]>,
    hasher: RandomState,
    channels: Arc<Mutex<HashMap<String, broadcast::Sender<String>>>>,
}

impl MemoryKv {
    pub fn new(prefix: &str) -> MemoryKv {
        MemoryKv {
            prefix: prefix.into(),
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: RandomState::new(),
            channels: Arc::default(),
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// Runs `f` on the shard that holds `key` (already prefixed).
    fn with<T>(&self, key: &str, f: impl FnOnce(&mut Shard, Instant) -> T) -> T {
        let shard = &self.shards[self.hasher.hash_one(key) as usize % SHARDS];
        let mut shard = shard.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut shard, Instant::now())
    }

    /// Every write also removes a few expired keys of its shard (soonest first), so keys
    /// nobody reads again do not pile up, and no write ever pauses to scan a whole map.
    fn wrote(shard: &mut Shard, key: &str, expires: Option<Instant>, now: Instant) {
        if let Some(at) = expires {
            shard.expiries.push(Reverse((at, key.to_string())));
        }
        for _ in 0..4 {
            match shard.expiries.peek() {
                Some(Reverse((at, _))) if *at <= now => {}
                _ => break,
            }
            let Some(Reverse((at, key))) = shard.expiries.pop() else { break };
            if shard.entries.get(&key).is_some_and(|e| e.expires == Some(at)) {
                shard.entries.remove(&key);
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let key = self.key(key);
        self.with(&key, |shard, now| shard.entries.get(&key).filter(|e| e.live(now)).map(|e| e.value.clone()))
    }

    pub fn set(&self, key: &str, value: &str, ttl: Option<Duration>) {
        let key = self.key(key);
        self.with(&key, |shard, now| {
            let expires = ttl.map(|t| now + t);
            shard.entries.insert(key.clone(), Entry { value: value.to_string(), expires });
            Self::wrote(shard, &key, expires, now);
        })
    }

    pub fn set_nx(&self, key: &str, value: &str, ttl: Duration) -> bool {
        let key = self.key(key);
        self.with(&key, |shard, now| {
            if shard.entries.get(&key).is_some_and(|e| e.live(now)) {
                return false;
            }
            shard.entries.insert(key.clone(), Entry { value: value.to_string(), expires: Some(now + ttl) });
            Self::wrote(shard, &key, Some(now + ttl), now);
            true
        })
    }

    pub fn delete(&self, key: &str) {
        let key = self.key(key);
        self.with(&key, |shard, _| shard.entries.remove(&key));
    }

    pub fn take(&self, key: &str) -> Option<String> {
        let key = self.key(key);
        self.with(&key, |shard, now| shard.entries.remove(&key).filter(|e| e.live(now)).map(|e| e.value))
    }

    pub fn delete_if_eq(&self, key: &str, expected: &str) -> bool {
        let key = self.key(key);
        self.with(&key, |shard, now| match shard.entries.get(&key) {
            Some(e) if e.live(now) && e.value == expected => {
                shard.entries.remove(&key);
                true
            }
            _ => false,
        })
    }

    pub fn incr(&self, key: &str, window: Duration) -> Counter {
        self.incr_by(key, 1, window)
    }

    pub fn incr_by(&self, key: &str, delta: i64, window: Duration) -> Counter {
        let key = self.key(key);
        self.with(&key, |shard, now| {
            let entry = shard.entries.entry(key.clone()).or_insert_with(|| Entry { value: "0".into(), expires: None });
            let fresh = !entry.live(now) || entry.expires.is_none();
            if fresh {
                *entry = Entry { value: "0".into(), expires: Some(now + window) };
            }
            let count = (entry.value.parse::<i64>().unwrap_or(0) + delta).max(0) as u64;
            entry.value = count.to_string();
            let expires = entry.expires;
            let resets_in = expires.map_or(window, |at| at - now);
            Self::wrote(shard, &key, if fresh { expires } else { None }, now);
            Counter { count, resets_in }
        })
    }

    pub fn counter(&self, key: &str) -> Counter {
        let key = self.key(key);
        self.with(&key, |shard, now| match shard.entries.get(&key).filter(|e| e.live(now)) {
            Some(e) => Counter {
                count: e.value.parse().unwrap_or(0),
                resets_in: e.expires.map_or(Duration::ZERO, |at| at - now),
            },
            None => Counter { count: 0, resets_in: Duration::ZERO },
        })
    }

    fn channels(&self) -> std::sync::MutexGuard<'_, HashMap<String, broadcast::Sender<String>>> {
        self.channels.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn publish(&self, channel: &str, message: &str) {
        let channel = self.key(channel);
        let mut channels = self.channels();
        if let Some(tx) = channels.get(&channel) {
            // No receivers is not an error: nobody is listening right now.
            if tx.send(message.to_string()).is_err() {
                channels.remove(&channel);
            }
        }
    }

    pub fn subscribe(&self, channel: &str) -> broadcast::Receiver<String> {
        let channel = self.key(channel);
        let mut channels = self.channels();
        // Channels nobody listens to any more are dropped as new ones are made.
        channels.retain(|_, tx| tx.receiver_count() > 0);
        channels.entry(channel).or_insert_with(|| broadcast::channel(256).0).subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_keys_are_removed_by_later_writes_without_a_full_scan() {
        let kv = MemoryKv::new("t:");
        for i in 0..100 {
            kv.set(&format!("old{i}"), "x", Some(Duration::from_millis(1)));
        }
        std::thread::sleep(Duration::from_millis(5));
        // Each write removes up to four expired keys of its shard; enough writes reach every shard.
        for i in 0..3000 {
            kv.set(&format!("new{i}"), "y", Some(Duration::from_secs(60)));
        }
        let keys: Vec<String> =
            kv.shards.iter().flat_map(|s| s.lock().unwrap().entries.keys().cloned().collect::<Vec<_>>()).collect();
        assert_eq!(keys.iter().filter(|k| k.starts_with("t:old")).count(), 0, "expired keys were removed");
        assert_eq!(keys.len(), 3000);
    }

    #[test]
    fn a_rewritten_key_is_not_removed_by_its_old_expiry() {
        let kv = MemoryKv::new("t:");
        kv.set("k", "first", Some(Duration::from_millis(1)));
        kv.set("k", "second", None);
        std::thread::sleep(Duration::from_millis(5));
        // Enough writes to reach the shard of "k" and pop its stale expiry.
        for i in 0..1000 {
            kv.set(&format!("other{i}"), "z", Some(Duration::from_secs(60)));
        }
        assert_eq!(kv.get("k").as_deref(), Some("second"));
    }
}
