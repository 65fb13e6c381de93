//! Redis-backed `Kv`, shared by every replica. Compare-and-delete and the windowed
//! counter are Lua scripts so they stay atomic under concurrent replicas.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};

use super::circuit::Circuit;
use super::{Counter, KvResult};

#[derive(Clone)]
pub struct RedisKv {
    client: redis::Client,
    conn: ConnectionManager,
    prefix: String,
    /// Every call goes through it: bounded, and refused at once while Redis is away.
    pub(super) circuit: Arc<Circuit>,
}

const DELETE_IF_EQ: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0";

const INCR_IN_WINDOW: &str = r"
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n < 0 then
    redis.call('SET', KEYS[1], 0, 'KEEPTTL')
    n = 0
end
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {n, redis.call('PTTL', KEYS[1])}";

fn millis(d: Duration) -> u64 {
    (d.as_millis() as u64).max(1)
}

impl RedisKv {
    /// `timeout` bounds every call (the circuit's); the connection's own timeouts are
    /// longer so that they never decide first.
    pub async fn connect(url: &str, prefix: &str, timeout: Duration) -> KvResult<RedisKv> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_connection_timeout(Some(Duration::from_secs(3)));
        let conn = client.get_connection_manager_with_config(config).await?;
        Ok(RedisKv { client, conn, prefix: prefix.to_string(), circuit: Arc::new(Circuit::new(timeout)) })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    pub async fn get(&self, key: &str) -> KvResult<Option<String>> {
        Ok(self.conn.clone().get(self.key(key)).await?)
    }

    pub async fn set(&self, key: &str, value: &str, ttl: Option<Duration>) -> KvResult<()> {
        let mut conn = self.conn.clone();
        match ttl {
            Some(ttl) => conn.pset_ex::<_, _, ()>(self.key(key), value, millis(ttl)).await?,
            None => conn.set::<_, _, ()>(self.key(key), value).await?,
        }
        Ok(())
    }

    pub async fn set_nx(&self, key: &str, value: &str, ttl: Duration) -> KvResult<bool> {
        let reply: Option<String> = redis::cmd("SET")
            .arg(self.key(key))
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(millis(ttl))
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(reply.is_some())
    }

    pub async fn delete(&self, key: &str) -> KvResult<()> {
        self.conn.clone().del::<_, ()>(self.key(key)).await?;
        Ok(())
    }

    pub async fn take(&self, key: &str) -> KvResult<Option<String>> {
        // GETDEL (Redis 6.2) is atomic: one of racing callers gets the value.
        Ok(redis::cmd("GETDEL").arg(self.key(key)).query_async(&mut self.conn.clone()).await?)
    }

    pub async fn delete_if_eq(&self, key: &str, expected: &str) -> KvResult<bool> {
        let deleted: i64 =
            Script::new(DELETE_IF_EQ).key(self.key(key)).arg(expected).invoke_async(&mut self.conn.clone()).await?;
        Ok(deleted == 1)
    }

    pub async fn incr(&self, key: &str, window: Duration) -> KvResult<Counter> {
        self.incr_by(key, 1, window).await
    }

    pub async fn incr_by(&self, key: &str, delta: i64, window: Duration) -> KvResult<Counter> {
        let (count, pttl): (u64, i64) = Script::new(INCR_IN_WINDOW)
            .key(self.key(key))
            .arg(millis(window))
            .arg(delta)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(Counter { count, resets_in: Duration::from_millis(pttl.max(0) as u64) })
    }

    pub async fn counter(&self, key: &str) -> KvResult<Counter> {
        let key = self.key(key);
        let (count, pttl): (Option<u64>, i64) =
            redis::pipe().get(&key).pttl(&key).query_async(&mut self.conn.clone()).await?;
        Ok(Counter { count: count.unwrap_or(0), resets_in: Duration::from_millis(pttl.max(0) as u64) })
    }

    pub async fn publish(&self, channel: &str, message: &str) -> KvResult<()> {
        self.conn.clone().publish::<_, _, ()>(self.key(channel), message).await?;
        Ok(())
    }

    pub async fn subscribe(&self, channel: &str) -> KvResult<RedisSubscription> {
        let mut pubsub = self.client.get_async_pubsub().await?;
        pubsub.subscribe(self.key(channel)).await?;
        Ok(RedisSubscription { pubsub })
    }

    pub async fn ping(&self) -> KvResult<()> {
        redis::cmd("PING").query_async::<String>(&mut self.conn.clone()).await?;
        Ok(())
    }
}

/// A dedicated pub/sub connection for one channel.
pub struct RedisSubscription {
    pubsub: redis::aio::PubSub,
}

impl RedisSubscription {
    pub async fn next(&mut self) -> Option<String> {
        let message = self.pubsub.on_message().next().await?;
        message.get_payload::<String>().ok()
    }
}
