//! The account's sending budgets, shared by every replica through the Kv: so many sends
//! a minute and so many a day (the day as the platform counts it, in China time). A
//! worker takes tokens before it claims rows and gives back what it did not use.
//!
//! Fixed windows (one counter per minute, one per day) are exact enough for budgets set
//! below the platform's own limits, and cost one Kv round trip each.

use std::time::Duration;

use chrono::{Days, TimeZone};

use crate::kv::{Kv, KvResult};

/// What the budgets allow now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Send this many (at least one).
    Send(u64),
    /// This minute's budget is spent; try again after this long.
    WaitMinute(Duration),
    /// The day's budget is spent; sending resumes at this time (unix ms).
    WaitDay(i64),
}

#[derive(Debug, Clone, Copy)]
pub struct Budgets {
    pub per_minute: u64,
    pub per_day: u64,
}

fn china() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The next midnight in China, when the platform's daily quotas start again (unix ms).
pub fn next_school_midnight_ms() -> i64 {
    let today = chrono::Utc::now().with_timezone(&china()).date_naive();
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
    china()
        .from_local_datetime(&tomorrow.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map_or(0, |t| t.timestamp_millis())
}

fn minute_key() -> (String, Duration) {
    let now = chrono::Utc::now();
    let minute = now.timestamp() / 60;
    let left = Duration::from_millis((60_000 - now.timestamp_millis().rem_euclid(60_000)) as u64);
    (format!("send:minute:{minute}"), left)
}

fn day_key() -> String {
    format!("send:day:{}", chrono::Utc::now().with_timezone(&china()).format("%Y%m%d"))
}

const MINUTE_TTL: Duration = Duration::from_secs(120);
const DAY_TTL: Duration = Duration::from_secs(26 * 3600);

/// Takes up to `wanted` tokens from both budgets.
pub async fn take(kv: &Kv, budgets: Budgets, wanted: u64) -> KvResult<Grant> {
    if wanted == 0 {
        return Ok(Grant::Send(0));
    }
    let (minute, left) = minute_key();
    let after = kv.incr_by(&minute, wanted as i64, MINUTE_TTL).await?.count;
    let before = after.saturating_sub(wanted);
    let granted = budgets.per_minute.saturating_sub(before).min(wanted);
    if granted < wanted {
        kv.incr_by(&minute, -((wanted - granted) as i64), MINUTE_TTL).await?;
    }
    if granted == 0 {
        return Ok(Grant::WaitMinute(left));
    }
    let day = day_key();
    let after = kv.incr_by(&day, granted as i64, DAY_TTL).await?.count;
    let before = after.saturating_sub(granted);
    let allowed = budgets.per_day.saturating_sub(before).min(granted);
    if allowed < granted {
        let unused = (granted - allowed) as i64;
        kv.incr_by(&day, -unused, DAY_TTL).await?;
        kv.incr_by(&minute, -unused, MINUTE_TTL).await?;
    }
    if allowed == 0 {
        return Ok(Grant::WaitDay(next_school_midnight_ms()));
    }
    Ok(Grant::Send(allowed))
}

/// Returns tokens that were taken but not used (fewer rows were pending).
pub async fn give_back(kv: &Kv, unused: u64) -> KvResult<()> {
    if unused > 0 {
        kv.incr_by(&minute_key().0, -(unused as i64), MINUTE_TTL).await?;
        kv.incr_by(&day_key(), -(unused as i64), DAY_TTL).await?;
    }
    Ok(())
}

/// The platform said the day's quota is used up (45009): no replica sends until midnight.
pub async fn spend_day(kv: &Kv, budgets: Budgets) -> KvResult<()> {
    kv.set(&day_key(), &budgets.per_day.to_string(), Some(DAY_TTL)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_minute_budget_is_granted_up_to_its_size_and_no_further() {
        let kv = Kv::memory("test:");
        let budgets = Budgets { per_minute: 10, per_day: 1000 };
        // The minute may roll over during the test; then the first grant starts afresh.
        let first = take(&kv, budgets, 7).await.unwrap();
        assert_eq!(first, Grant::Send(7));
        match take(&kv, budgets, 7).await.unwrap() {
            Grant::Send(n) => assert!(n == 3 || n == 7, "{n}"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_spent_day_makes_every_worker_wait_for_midnight() {
        let kv = Kv::memory("test:");
        let budgets = Budgets { per_minute: 100, per_day: 50 };
        assert_eq!(take(&kv, budgets, 40).await.unwrap(), Grant::Send(40));
        give_back(&kv, 5).await.unwrap();
        assert_eq!(take(&kv, budgets, 40).await.unwrap(), Grant::Send(15));
        spend_day(&kv, budgets).await.unwrap();
        match take(&kv, budgets, 1).await.unwrap() {
            Grant::WaitDay(at) => assert!(at > chrono::Utc::now().timestamp_millis()),
            other => panic!("{other:?}"),
        }
    }
}
