//! The access token and the jsapi ticket, shared by every replica through the Kv.
//!
//! Both are cached with TTL = expires_in − margin. When the cache is empty one caller
//! takes a lock, checks the cache again (another replica may have just filled it), and
//! fetches; everyone else waits for the cache. A token that fails with 40001/40014/42001
//! is removed only if it is still the cached one (compare-and-expire), so a late failure
//! of an old token never throws away a fresh one. The token comes from `stable_token`,
//! which does not rotate on every call; `force_refresh` is used only when the platform
//! keeps returning the very token that just failed, and at most every 30 seconds.

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::{WechatClient, WechatError, WechatResult};

/// Renew this long before the platform's expiry.
const MARGIN_SECS: i64 = 300;
/// Longer than the slowest fetch (three 10-second attempts, then maybe a forced refresh),
/// so a second replica never fetches while the first is still at it.
const LOCK_FOR: Duration = Duration::from_secs(75);
const WAIT_STEP: Duration = Duration::from_millis(20);
const FORCE_EVERY: Duration = Duration::from_secs(30);

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: i64,
}

#[derive(Deserialize)]
struct TicketAnswer {
    ticket: String,
    expires_in: i64,
}

fn ttl(expires_in: i64) -> Duration {
    let secs = if expires_in > 2 * MARGIN_SECS { expires_in - MARGIN_SECS } else { expires_in * 9 / 10 };
    Duration::from_secs(secs.max(1) as u64)
}

impl WechatClient {
    fn key(&self, what: &str) -> String {
        format!("wechat:{}:{what}", self.appid())
    }

    pub async fn access_token(&self) -> WechatResult<String> {
        let key = self.key("access_token");
        self.cached(&key, || self.fetch_access_token()).await
    }

    pub async fn jsapi_ticket(&self) -> WechatResult<String> {
        let key = self.key("jsapi_ticket");
        self.cached(&key, || async {
            let answer: TicketAnswer = self.get("/cgi-bin/ticket/getticket", &[("type", "jsapi")]).await?;
            Ok((answer.ticket, answer.expires_in))
        })
        .await
    }

    /// Forgets `failed` if it is still the cached token.
    pub async fn expire_access_token(&self, failed: &str) {
        let kv = &self.inner.kv;
        let key = self.key("access_token");
        if let Err(err) = kv.delete_if_eq(&key, failed).await {
            tracing::warn!(error = %err, "could not expire the access token");
        }
        let _ = kv.set(&self.key("access_token:failed"), failed, Some(Duration::from_secs(60))).await;
    }

    async fn fetch_access_token(&self) -> WechatResult<(String, i64)> {
        let answer = self.stable_token(false).await?;
        let failed = self.inner.kv.get(&self.key("access_token:failed")).await.ok().flatten();
        if failed.as_deref() == Some(answer.access_token.as_str())
            && self.inner.kv.set_nx(&self.key("access_token:forced"), "1", FORCE_EVERY).await.unwrap_or(false)
        {
            tracing::warn!("the platform returned the token that just failed; forcing a refresh");
            let forced = self.stable_token(true).await?;
            return Ok((forced.access_token, forced.expires_in));
        }
        Ok((answer.access_token, answer.expires_in))
    }

    async fn stable_token(&self, force_refresh: bool) -> WechatResult<TokenAnswer> {
        let body = json!({
            "grant_type": "client_credential",
            "appid": self.appid(),
            "secret": self.secret(),
            "force_refresh": force_refresh,
        })
        .to_string();
        self.call_plain("/cgi-bin/stable_token", super::Repeat::Safe, |http, url| {
            http.post(url).header("content-type", "application/json").body(body.clone())
        })
        .await
    }

    /// The cache-lock-recheck-fetch dance shared by the token and the ticket. While Redis
    /// is away it is danced in this replica's memory: each replica then keeps a token of
    /// its own (the stable token endpoint hands every caller the same one) rather than
    /// failing every platform call.
    async fn cached<F, Fut>(&self, key: &str, fetch: F) -> WechatResult<String>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = WechatResult<(String, i64)>>,
    {
        let shared = &self.inner.kv;
        let kv_err = |e: crate::kv::KvError| WechatError::Network(format!("kv: {e}"));
        match cached_in(shared, key, &fetch).await {
            Err(err) if err.is_outage() => {
                cached_in(&shared.local(), key, &fetch).await.unwrap_or_else(|e| Err(kv_err(e)))
            }
            Err(err) => Err(kv_err(err)),
            Ok(answer) => answer,
        }
    }
}

/// The dance in one store: the outer error is the store failing, the inner the platform.
async fn cached_in<F, Fut>(kv: &crate::kv::Kv, key: &str, fetch: &F) -> Result<WechatResult<String>, crate::kv::KvError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = WechatResult<(String, i64)>>,
{
    let lock = format!("{key}:lock");
    let owner = uuid::Uuid::new_v4().simple().to_string();
    let deadline = tokio::time::Instant::now() + LOCK_FOR + Duration::from_secs(2);
    loop {
        if let Some(value) = kv.get(key).await? {
            return Ok(Ok(value));
        }
        if kv.set_nx(&lock, &owner, LOCK_FOR).await? {
            let result = async {
                if let Some(value) = kv.get(key).await? {
                    return Ok(Ok(value));
                }
                let (value, expires_in) = match fetch().await {
                    Ok(fetched) => fetched,
                    Err(err) => return Ok(Err(err)),
                };
                kv.set(key, &value, Some(ttl(expires_in))).await?;
                Ok(Ok(value))
            }
            .await;
            // Released whatever happened, so nobody waits out the lock.
            let _ = kv.delete_if_eq(&lock, &owner).await;
            return result;
        }
        if tokio::time::Instant::now() > deadline {
            return Ok(Err(WechatError::Timeout));
        }
        tokio::time::sleep(WAIT_STEP).await;
    }
}

#[cfg(test)]
mod tests {
    use super::ttl;
    use std::time::Duration;

    #[test]
    fn tokens_are_cached_until_five_minutes_before_they_expire() {
        assert_eq!(ttl(7200), Duration::from_secs(6900));
        assert_eq!(ttl(100), Duration::from_secs(90));
        assert_eq!(ttl(0), Duration::from_secs(1));
    }
}
