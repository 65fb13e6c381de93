//! `Kv`: the small shared-state service behind caches, locks, rate limits and pub/sub.
//!
//! One machine needs nothing but the process (`memory`); several replicas share Redis
//! (`redis`). Both implement the same atomic operations with the same semantics, and
//! the test suite runs against each, so callers never know which one they have.
//! Every key and channel is prefixed with `BANJI_KV_PREFIX`.
//!
//! Redis can stall or go away. Every call to it is bounded and guarded by a circuit
//! (`circuit`); a failed call is `KvError::Unavailable` or a Redis error, which the API
//! answers as 503 `cache_unavailable`. A few callers keep working through an outage on
//! this replica's memory instead (`local`): throttles (`hit`, `refund`) and the webhook's
//! replay and retry memory. What that cannot guarantee across replicas is in the README.

mod circuit;
mod memory;
mod redis;

use std::time::Duration;

pub use self::memory::MemoryKv;
pub use self::redis::RedisKv;

#[derive(Debug, thiserror::Error)]
pub enum KvError {
    #[error("redis: {0}")]
    Redis(#[from] ::redis::RedisError),
    #[error("redis unavailable: {0}")]
    Unavailable(&'static str),
}

impl KvError {
    /// The store is away or not answering (as opposed to answering with an error).
    pub fn is_outage(&self) -> bool {
        match self {
            KvError::Unavailable(_) => true,
            KvError::Redis(err) => {
                err.is_io_error()
                    || err.is_timeout()
                    || err.is_connection_dropped()
                    || err.is_connection_refusal()
                    || err.is_unrecoverable_error()
            }
        }
    }
}

pub type KvResult<T> = Result<T, KvError>;

/// The state of a windowed counter after an increment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub count: u64,
    /// Time left before the counter resets.
    pub resets_in: Duration,
}

/// How long a Redis call may take before it counts as failed (`BANJI_KV_TIMEOUT_MS`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(300);

#[derive(Clone)]
pub enum Kv {
    Memory(MemoryKv),
    /// Redis, and this replica's memory for the callers that fall back to it.
    Redis(RedisKv, MemoryKv),
}

impl Kv {
    pub fn memory(prefix: &str) -> Kv {
        Kv::Memory(MemoryKv::new(prefix))
    }

    /// Redis with the default call timeout (`DEFAULT_TIMEOUT`).
    pub async fn redis(url: &str, prefix: &str) -> KvResult<Kv> {
        Kv::redis_with_timeout(url, prefix, DEFAULT_TIMEOUT).await
    }

    pub async fn redis_with_timeout(url: &str, prefix: &str, timeout: Duration) -> KvResult<Kv> {
        Ok(Kv::Redis(RedisKv::connect(url, prefix, timeout).await?, MemoryKv::new(prefix)))
    }

    /// This replica's memory: the store itself in-process, the fallback beside Redis.
    /// Callers that must keep working through an outage use it when `Kv` fails.
    pub fn local(&self) -> Kv {
        match self {
            Kv::Memory(m) | Kv::Redis(_, m) => Kv::Memory(m.clone()),
        }
    }

    /// True while the Redis circuit is open (calls fail without trying).
    pub fn is_failing_fast(&self) -> bool {
        matches!(self, Kv::Redis(r, _) if r.circuit.is_open())
    }

    pub fn is_shared(&self) -> bool {
        matches!(self, Kv::Redis(..))
    }

    pub async fn get(&self, key: &str) -> KvResult<Option<String>> {
        match self {
            Kv::Memory(m) => Ok(m.get(key)),
            Kv::Redis(r, _) => r.circuit.run(r.get(key)).await,
        }
    }

    pub async fn set(&self, key: &str, value: &str, ttl: Option<Duration>) -> KvResult<()> {
        match self {
            Kv::Memory(m) => {
                m.set(key, value, ttl);
                Ok(())
            }
            Kv::Redis(r, _) => r.circuit.run(r.set(key, value, ttl)).await,
        }
    }

    /// Sets the key only if it is absent; true when this call set it (a lock or a dedup mark).
    pub async fn set_nx(&self, key: &str, value: &str, ttl: Duration) -> KvResult<bool> {
        match self {
            Kv::Memory(m) => Ok(m.set_nx(key, value, ttl)),
            Kv::Redis(r, _) => r.circuit.run(r.set_nx(key, value, ttl)).await,
        }
    }

    pub async fn delete(&self, key: &str) -> KvResult<()> {
        match self {
            Kv::Memory(m) => {
                m.delete(key);
                Ok(())
            }
            Kv::Redis(r, _) => r.circuit.run(r.delete(key)).await,
        }
    }

    /// Reads and deletes the key in one step: of racing callers, one gets the value (a
    /// single-use ticket or state).
    pub async fn take(&self, key: &str) -> KvResult<Option<String>> {
        match self {
            Kv::Memory(m) => Ok(m.take(key)),
            Kv::Redis(r, _) => r.circuit.run(r.take(key)).await,
        }
    }

    /// Deletes the key only if it still holds `expected` (releasing a lock we own,
    /// expiring a token only if it is still the one that failed).
    pub async fn delete_if_eq(&self, key: &str, expected: &str) -> KvResult<bool> {
        match self {
            Kv::Memory(m) => Ok(m.delete_if_eq(key, expected)),
            Kv::Redis(r, _) => r.circuit.run(r.delete_if_eq(key, expected)).await,
        }
    }

    /// Increments a counter whose window starts at its first increment.
    pub async fn incr(&self, key: &str, window: Duration) -> KvResult<Counter> {
        match self {
            Kv::Memory(m) => Ok(m.incr(key, window)),
            Kv::Redis(r, _) => r.circuit.run(r.incr(key, window)).await,
        }
    }

    /// Adds `delta` (which may be negative; the count never goes below zero) to a counter
    /// whose window starts at its first increment.
    pub async fn incr_by(&self, key: &str, delta: i64, window: Duration) -> KvResult<Counter> {
        match self {
            Kv::Memory(m) => Ok(m.incr_by(key, delta, window)),
            Kv::Redis(r, _) => r.circuit.run(r.incr_by(key, delta, window)).await,
        }
    }

    /// Counts one try against a limit of `max` per `window`, before the try is judged:
    /// `None` when it is within the limit, `Some(wait)` when it is over. Counting first is
    /// what makes a limit hold under racing tries (a check made before anyone counted lets
    /// them all through). An error means the limit cannot be known: callers refuse the try
    /// (fail closed).
    ///
    /// While Redis is away the try is counted in this replica's memory: a limit still
    /// holds, per replica (with several replicas an outage multiplies it by their number).
    pub async fn hit(&self, key: &str, max: u64, window: Duration) -> KvResult<Option<Duration>> {
        let counter = match self.incr(key, window).await {
            Err(err) if err.is_outage() => self.local().incr(key, window).await?,
            counted => counted?,
        };
        Ok((counter.count > max).then(|| counter.resets_in.max(Duration::from_secs(1))))
    }

    /// Gives back a try counted by `hit` that turned out not to count (the password was right).
    pub async fn refund(&self, key: &str, window: Duration) -> KvResult<()> {
        match self.incr_by(key, -1, window).await {
            Err(err) if err.is_outage() => self.local().incr_by(key, -1, window).await.map(|_| ()),
            refunded => refunded.map(|_| ()),
        }
    }

    /// Marks that must keep working through an outage (the webhook's replay and retry
    /// memory): while Redis is away they are kept in this replica's memory, and a mark
    /// kept there is found first afterwards, so a retry reaching the same replica is still
    /// recognised when Redis is back. `set_nx` otherwise.
    pub async fn set_nx_surviving(&self, key: &str, value: &str, ttl: Duration) -> KvResult<bool> {
        let local = self.local();
        if self.is_shared() && local.get(key).await?.is_some() {
            return Ok(false);
        }
        match self.set_nx(key, value, ttl).await {
            Err(err) if err.is_outage() => local.set_nx(key, value, ttl).await,
            set => set,
        }
    }

    /// Reads a mark of `set_nx_surviving` (nothing while Redis is away and it was not kept here).
    pub async fn get_surviving(&self, key: &str) -> KvResult<Option<String>> {
        if let Some(value) = self.local().get(key).await? {
            return Ok(Some(value));
        }
        match self.get(key).await {
            Err(err) if err.is_outage() => Ok(None),
            got => got,
        }
    }

    /// Rewrites a mark of `set_nx_surviving` where it is kept.
    pub async fn set_surviving(&self, key: &str, value: &str, ttl: Duration) -> KvResult<()> {
        let local = self.local();
        if self.is_shared() && local.get(key).await?.is_some() {
            return local.set(key, value, Some(ttl)).await;
        }
        match self.set(key, value, Some(ttl)).await {
            Err(err) if err.is_outage() => local.set(key, value, Some(ttl)).await,
            set => set,
        }
    }

    /// Reads a counter without changing it (zero when absent or expired).
    pub async fn counter(&self, key: &str) -> KvResult<Counter> {
        match self {
            Kv::Memory(m) => Ok(m.counter(key)),
            Kv::Redis(r, _) => r.circuit.run(r.counter(key)).await,
        }
    }

    pub async fn publish(&self, channel: &str, message: &str) -> KvResult<()> {
        match self {
            Kv::Memory(m) => {
                m.publish(channel, message);
                Ok(())
            }
            Kv::Redis(r, _) => r.circuit.run(r.publish(channel, message)).await,
        }
    }

    pub async fn subscribe(&self, channel: &str) -> KvResult<Subscription> {
        match self {
            Kv::Memory(m) => Ok(Subscription::Memory(m.subscribe(channel))),
            Kv::Redis(r, _) => Ok(Subscription::Redis(r.circuit.run(r.subscribe(channel)).await?)),
        }
    }

    pub async fn ping(&self) -> KvResult<()> {
        match self {
            Kv::Memory(_) => Ok(()),
            Kv::Redis(r, _) => r.circuit.run(r.ping()).await,
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
