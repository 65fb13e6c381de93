//! `Kv`: the small shared-state service behind caches, locks, rate limits and pub/sub.
//!
//! One machine needs nothing but the process (`memory`); several replicas share Redis
//! (`redis`). Both implement the same atomic operations with the same semantics, and
//! the test suite runs against each, so callers never know which one they have.
//! Every key and channel is prefixed with `BANJI_KV_PREFIX`.

mod memory;
mod redis;

use std::time::Duration;

pub use self::memory::MemoryKv;
pub use self::redis::RedisKv;

#[derive(Debug, thiserror::Error)]
pub enum KvError {
    #[error("redis: {0}")]
    Redis(#[from] ::redis::RedisError),
}

pub type KvResult<T> = Result<T, KvError>;

/// The state of a windowed counter after an increment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub count: u64,
    /// Time left before the counter resets.
    pub resets_in: Duration,
}

#[derive(Clone)]
pub enum Kv {
    Memory(MemoryKv),
    Redis(RedisKv),
}

impl Kv {
    pub fn memory(prefix: &str) -> Kv {
        Kv::Memory(MemoryKv::new(prefix))
    }

    pub async fn redis(url: &str, prefix: &str) -> KvResult<Kv> {
        Ok(Kv::Redis(RedisKv::connect(url, prefix).await?))
    }

    pub fn is_shared(&self) -> bool {
        matches!(self, Kv::Redis(_))
    }

    pub async fn get(&self, key: &str) -> KvResult<Option<String>> {
        match self {
            Kv::Memory(m) => Ok(m.get(key)),
            Kv::Redis(r) => r.get(key).await,
        }
    }

    pub async fn set(&self, key: &str, value: &str, ttl: Option<Duration>) -> KvResult<()> {
        match self {
            Kv::Memory(m) => {
                m.set(key, value, ttl);
                Ok(())
            }
            Kv::Redis(r) => r.set(key, value, ttl).await,
        }
    }

    /// Sets the key only if it is absent; true when this call set it (a lock or a dedup mark).
    pub async fn set_nx(&self, key: &str, value: &str, ttl: Duration) -> KvResult<bool> {
        match self {
            Kv::Memory(m) => Ok(m.set_nx(key, value, ttl)),
            Kv::Redis(r) => r.set_nx(key, value, ttl).await,
        }
    }

    pub async fn delete(&self, key: &str) -> KvResult<()> {
        match self {
            Kv::Memory(m) => {
                m.delete(key);
                Ok(())
            }
            Kv::Redis(r) => r.delete(key).await,
        }
    }

    /// Reads and deletes the key in one step: of racing callers, one gets the value (a
    /// single-use ticket or state).
    pub async fn take(&self, key: &str) -> KvResult<Option<String>> {
        match self {
            Kv::Memory(m) => Ok(m.take(key)),
            Kv::Redis(r) => r.take(key).await,
        }
    }

    /// Deletes the key only if it still holds `expected` (releasing a lock we own,
    /// expiring a token only if it is still the one that failed).
    pub async fn delete_if_eq(&self, key: &str, expected: &str) -> KvResult<bool> {
        match self {
            Kv::Memory(m) => Ok(m.delete_if_eq(key, expected)),
            Kv::Redis(r) => r.delete_if_eq(key, expected).await,
        }
    }

    /// Increments a counter whose window starts at its first increment.
    pub async fn incr(&self, key: &str, window: Duration) -> KvResult<Counter> {
        match self {
            Kv::Memory(m) => Ok(m.incr(key, window)),
            Kv::Redis(r) => r.incr(key, window).await,
        }
    }

    /// Adds `delta` (which may be negative; the count never goes below zero) to a counter
    /// whose window starts at its first increment.
    pub async fn incr_by(&self, key: &str, delta: i64, window: Duration) -> KvResult<Counter> {
        match self {
            Kv::Memory(m) => Ok(m.incr_by(key, delta, window)),
            Kv::Redis(r) => r.incr_by(key, delta, window).await,
        }
    }

    /// Counts one try against a limit of `max` per `window`, before the try is judged:
    /// `None` when it is within the limit, `Some(wait)` when it is over. Counting first is
    /// what makes a limit hold under racing tries (a check made before anyone counted lets
    /// them all through). An error means the limit cannot be known: callers refuse the try
    /// (fail closed).
    pub async fn hit(&self, key: &str, max: u64, window: Duration) -> KvResult<Option<Duration>> {
        let counter = self.incr(key, window).await?;
        Ok((counter.count > max).then(|| counter.resets_in.max(Duration::from_secs(1))))
    }

    /// Gives back a try counted by `hit` that turned out not to count (the password was right).
    pub async fn refund(&self, key: &str, window: Duration) -> KvResult<()> {
        self.incr_by(key, -1, window).await.map(|_| ())
    }

    /// Reads a counter without changing it (zero when absent or expired).
    pub async fn counter(&self, key: &str) -> KvResult<Counter> {
        match self {
            Kv::Memory(m) => Ok(m.counter(key)),
            Kv::Redis(r) => r.counter(key).await,
        }
    }

    pub async fn publish(&self, channel: &str, message: &str) -> KvResult<()> {
        match self {
            Kv::Memory(m) => {
                m.publish(channel, message);
                Ok(())
            }
            Kv::Redis(r) => r.publish(channel, message).await,
        }
    }

    pub async fn subscribe(&self, channel: &str) -> KvResult<Subscription> {
        match self {
            Kv::Memory(m) => Ok(Subscription::Memory(m.subscribe(channel))),
            Kv::Redis(r) => Ok(Subscription::Redis(r.subscribe(channel).await?)),
        }
    }

    pub async fn ping(&self) -> KvResult<()> {
        match self {
            Kv::Memory(_) => Ok(()),
            Kv::Redis(r) => r.ping().await,
        }
    }
}

/// Messages published on one channel after the subscription was made.
pub enum Subscription {
    Memory(tokio::sync::broadcast::Receiver<String>),
    Redis(self::redis::RedisSubscription),
}

impl Subscription {
    /// The next message; `None` when the channel is gone. A slow in-process reader
    /// skips what it missed rather than blocking publishers.
    pub async fn next(&mut self) -> Option<String> {
        match self {
            Subscription::Memory(rx) => loop {
                match rx.recv().await {
                    Ok(message) => return Some(message),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            },
            Subscription::Redis(sub) => sub.next().await,
        }
    }
}
