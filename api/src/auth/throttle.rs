//! Failed-login throttle: at most N failures per username and per client address in a
//! window (5 a minute by default). The counters live in `Kv`, so with Redis the limit
//! holds across replicas. The check runs before the password is hashed, so a flood of
//! guesses costs the server no argon2 work.

use std::time::Duration;

use crate::kv::{Kv, KvResult};

#[derive(Clone)]
pub struct LoginThrottle {
    kv: Kv,
    max_failures: u64,
    window: Duration,
}

fn user_key(username: &str) -> String {
    format!("login_failures:user:{username}")
}

fn ip_key(ip: &str) -> String {
    format!("login_failures:ip:{ip}")
}

impl LoginThrottle {
    pub fn new(kv: Kv, max_failures: u32, window: Duration) -> Self {
        LoginThrottle { kv, max_failures: u64::from(max_failures), window }
    }

    /// `Some(wait)` when this username or address has used up its failures.
    pub async fn blocked_for(&self, username: &str, ip: Option<&str>) -> KvResult<Option<Duration>> {
        let mut keys = vec![user_key(username)];
        keys.extend(ip.map(ip_key));
        let mut wait = None;
        for key in keys {
            let counter = self.kv.counter(&key).await?;
            if counter.count >= self.max_failures {
                wait = wait.max(Some(counter.resets_in));
            }
        }
        Ok(wait)
    }

    pub async fn record_failure(&self, username: &str, ip: Option<&str>) -> KvResult<()> {
        self.kv.incr(&user_key(username), self.window).await?;
        if let Some(ip) = ip {
            self.kv.incr(&ip_key(ip), self.window).await?;
        }
        Ok(())
    }

    /// A correct password clears the username's count (not the address's: one address
    /// guessing many accounts stays limited).
    pub async fn record_success(&self, username: &str) -> KvResult<()> {
        self.kv.delete(&user_key(username)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sixth_failure_in_a_window_is_blocked_and_success_clears_the_username() {
        let throttle = LoginThrottle::new(Kv::memory("t:"), 5, Duration::from_secs(60));
        for _ in 0..5 {
            assert_eq!(throttle.blocked_for("li", Some("10.0.0.1")).await.unwrap(), None);
            throttle.record_failure("li", Some("10.0.0.1")).await.unwrap();
        }
        let wait = throttle.blocked_for("li", Some("10.0.0.2")).await.unwrap().unwrap();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        // Another user from the same address is blocked by the address counter.
        assert!(throttle.blocked_for("wang", Some("10.0.0.1")).await.unwrap().is_some());
        throttle.record_success("li").await.unwrap();
        assert_eq!(throttle.blocked_for("li", Some("10.0.0.2")).await.unwrap(), None);
    }
}
