//! Failed-login throttle: at most N failures per username and per client address in a
//! window (5 a minute by default). The counters live in `Kv`, so with Redis the limit
//! holds across replicas.
//!
//! Each try reserves a failure *before* the password is hashed (`Kv::hit`), and a
//! correct password gives the reservation back. Checking first and counting after the
//! hash let a burst of parallel guesses all pass the check; reserving first lets through
//! at most N, and a flood past the limit costs the server no argon2 work. A Kv error
//! refuses the login (fail closed).

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

    fn keys(username: &str, ip: Option<&str>) -> Vec<String> {
        let mut keys = vec![user_key(username)];
        keys.extend(ip.map(ip_key));
        keys
    }

    /// Reserves a failure for this username and address before the password is checked:
    /// `Some(wait)` when either has used up its failures (the try must be refused). While
    /// Redis is away the failures are counted in this replica's memory (`Kv::hit`): logins
    /// go on, and the limit holds per replica.
    pub async fn reserve(&self, username: &str, ip: Option<&str>) -> KvResult<Option<Duration>> {
        let mut wait = None;
        for key in Self::keys(username, ip) {
            if let Some(w) = self.kv.hit(&key, self.max_failures, self.window).await? {
                wait = wait.max(Some(w));
            }
        }
        Ok(wait)
    }

    /// The password was right: the username's failures are cleared, and the address's
    /// reservation is given back (one address guessing many accounts stays limited).
    pub async fn succeeded(&self, username: &str, ip: Option<&str>) -> KvResult<()> {
        let key = user_key(username);
        // Counted here while Redis was away, or there: cleared in both.
        self.kv.local().delete(&key).await?;
        match self.kv.delete(&key).await {
            Err(err) if err.is_outage() => {}
            cleared => cleared?,
        }
        if let Some(ip) = ip {
            self.kv.refund(&ip_key(ip), self.window).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sixth_try_in_a_window_is_refused_and_success_clears_the_username() {
        let throttle = LoginThrottle::new(Kv::memory("t:"), 5, Duration::from_secs(60));
        for _ in 0..5 {
            assert_eq!(throttle.reserve("li", Some("10.0.0.1")).await.unwrap(), None);
        }
        let wait = throttle.reserve("li", Some("10.0.0.2")).await.unwrap().unwrap();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        // Another user from the same address is refused by the address counter.
        assert!(throttle.reserve("wang", Some("10.0.0.1")).await.unwrap().is_some());
        throttle.succeeded("li", Some("10.0.0.2")).await.unwrap();
        assert_eq!(throttle.reserve("li", Some("10.0.0.3")).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_right_password_gives_the_address_its_try_back() {
        let throttle = LoginThrottle::new(Kv::memory("t:"), 2, Duration::from_secs(60));
        for user in ["a", "b", "c", "d"] {
            assert_eq!(throttle.reserve(user, Some("10.0.0.9")).await.unwrap(), None, "{user}");
            throttle.succeeded(user, Some("10.0.0.9")).await.unwrap();
        }
    }
}
