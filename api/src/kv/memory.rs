//! In-process `Kv`: a map with per-key expiry and broadcast channels.
//!
//! Not a cache crate: the callers need Redis's atomic semantics (SET NX, compare-and-
//! delete, windowed INCR), which a plain map under one mutex gives exactly.

use std::collections::HashMap;
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

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    channels: HashMap<String, broadcast::Sender<String>>,
    writes_since_sweep: usize,
}

#[derive(Clone)]
pub struct MemoryKv {
    prefix: Arc<str>,
    inner: Arc<Mutex<Inner>>,
}

impl MemoryKv {
    pub fn new(prefix: &str) -> MemoryKv {
        MemoryKv { prefix: prefix.into(), inner: Arc::default() }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner, Instant) -> T) -> T {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut inner, Instant::now())
    }

    /// Writes drop expired entries now and then, so keys nobody reads again do not pile up.
    fn wrote(inner: &mut Inner, now: Instant) {
        inner.writes_since_sweep += 1;
        if inner.writes_since_sweep >= 1024 {
            inner.writes_since_sweep = 0;
            inner.entries.retain(|_, e| e.live(now));
            inner.channels.retain(|_, tx| tx.receiver_count() > 0);
        }
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let key = self.key(key);
        self.with(|inner, now| inner.entries.get(&key).filter(|e| e.live(now)).map(|e| e.value.clone()))
    }

    pub fn set(&self, key: &str, value: &str, ttl: Option<Duration>) {
        let key = self.key(key);
        self.with(|inner, now| {
            inner.entries.insert(key, Entry { value: value.to_string(), expires: ttl.map(|t| now + t) });
            Self::wrote(inner, now);
        })
    }

    pub fn set_nx(&self, key: &str, value: &str, ttl: Duration) -> bool {
        let key = self.key(key);
        self.with(|inner, now| {
            if inner.entries.get(&key).is_some_and(|e| e.live(now)) {
                return false;
            }
            inner.entries.insert(key, Entry { value: value.to_string(), expires: Some(now + ttl) });
            Self::wrote(inner, now);
            true
        })
    }

    pub fn delete(&self, key: &str) {
        let key = self.key(key);
        self.with(|inner, _| inner.entries.remove(&key));
    }

    pub fn delete_if_eq(&self, key: &str, expected: &str) -> bool {
        let key = self.key(key);
        self.with(|inner, now| match inner.entries.get(&key) {
            Some(e) if e.live(now) && e.value == expected => {
                inner.entries.remove(&key);
                true
            }
            _ => false,
        })
    }

    pub fn incr(&self, key: &str, window: Duration) -> Counter {
        let key = self.key(key);
        self.with(|inner, now| {
            let entry = inner.entries.entry(key).or_insert_with(|| Entry { value: "0".into(), expires: None });
            if !entry.live(now) || entry.expires.is_none() {
                *entry = Entry { value: "0".into(), expires: Some(now + window) };
            }
            let count = entry.value.parse::<u64>().unwrap_or(0) + 1;
            entry.value = count.to_string();
            let resets_in = entry.expires.map_or(window, |at| at - now);
            Self::wrote(inner, now);
            Counter { count, resets_in }
        })
    }

    pub fn counter(&self, key: &str) -> Counter {
        let key = self.key(key);
        self.with(|inner, now| match inner.entries.get(&key).filter(|e| e.live(now)) {
            Some(e) => Counter {
                count: e.value.parse().unwrap_or(0),
                resets_in: e.expires.map_or(Duration::ZERO, |at| at - now),
            },
            None => Counter { count: 0, resets_in: Duration::ZERO },
        })
    }

    pub fn publish(&self, channel: &str, message: &str) {
        let channel = self.key(channel);
        self.with(|inner, _| {
            if let Some(tx) = inner.channels.get(&channel) {
                // No receivers is not an error: nobody is listening right now.
                let _ = tx.send(message.to_string());
            }
        })
    }

    pub fn subscribe(&self, channel: &str) -> broadcast::Receiver<String> {
        let channel = self.key(channel);
        self.with(|inner, _| inner.channels.entry(channel).or_insert_with(|| broadcast::channel(256).0).subscribe())
    }
}
