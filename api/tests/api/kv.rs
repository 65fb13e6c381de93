//! The two `Kv` implementations must behave the same; each test runs on the in-process
//! one and, when `REDIS_URL` is set, on Redis too.

use std::time::Duration;

use banji::kv::Kv;

async fn stores() -> Vec<Kv> {
    let prefix = format!("banji_test_kv:{}:", uuid::Uuid::new_v4().simple());
    let mut stores = vec![Kv::memory(&prefix)];
    if let Ok(url) = std::env::var("REDIS_URL") {
        stores.push(Kv::redis(&url, &prefix).await.expect("redis reachable"));
    }
    stores
}

#[tokio::test]
async fn set_nx_sets_once_until_the_key_expires() {
    for kv in stores().await {
        assert!(kv.set_nx("lock", "a", Duration::from_millis(150)).await.unwrap());
        assert!(!kv.set_nx("lock", "b", Duration::from_millis(150)).await.unwrap());
        assert_eq!(kv.get("lock").await.unwrap().as_deref(), Some("a"));
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(kv.get("lock").await.unwrap(), None);
        assert!(kv.set_nx("lock", "b", Duration::from_secs(5)).await.unwrap());
    }
}

#[tokio::test]
async fn delete_if_eq_only_deletes_the_expected_value() {
    for kv in stores().await {
        kv.set("token", "old", None).await.unwrap();
        assert!(!kv.delete_if_eq("token", "other").await.unwrap());
        assert_eq!(kv.get("token").await.unwrap().as_deref(), Some("old"));
        assert!(kv.delete_if_eq("token", "old").await.unwrap());
        assert_eq!(kv.get("token").await.unwrap(), None);
    }
}

#[tokio::test]
async fn incr_counts_within_a_window_and_starts_over_after_it() {
    for kv in stores().await {
        assert_eq!(kv.counter("hits").await.unwrap().count, 0);
        for expected in 1..=3 {
            let counter = kv.incr("hits", Duration::from_millis(200)).await.unwrap();
            assert_eq!(counter.count, expected);
            assert!(counter.resets_in <= Duration::from_millis(200));
        }
        assert_eq!(kv.counter("hits").await.unwrap().count, 3);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(kv.counter("hits").await.unwrap().count, 0);
        assert_eq!(kv.incr("hits", Duration::from_secs(1)).await.unwrap().count, 1);
    }
}

#[tokio::test]
async fn concurrent_increments_are_all_counted() {
    for kv in stores().await {
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let kv = kv.clone();
                tokio::spawn(async move { kv.incr("busy", Duration::from_secs(10)).await.unwrap().count })
            })
            .collect();
        let mut seen: Vec<u64> = Vec::new();
        for task in tasks {
            seen.push(task.await.unwrap());
        }
        seen.sort();
        assert_eq!(seen, (1..=50).collect::<Vec<_>>());
    }
}

#[tokio::test]
async fn published_messages_reach_subscribers_of_that_channel_only() {
    for kv in stores().await {
        let mut notices = kv.subscribe("notices").await.unwrap();
        let mut other = kv.subscribe("other").await.unwrap();
        kv.publish("notices", "read:42").await.unwrap();
        let got = tokio::time::timeout(Duration::from_secs(2), notices.next()).await.unwrap();
        assert_eq!(got.as_deref(), Some("read:42"));
        let nothing = tokio::time::timeout(Duration::from_millis(100), other.next()).await;
        assert!(nothing.is_err(), "the other channel received nothing");
    }
}

#[tokio::test]
async fn keys_are_namespaced_by_prefix() {
    let a = Kv::memory("a:");
    let b = Kv::memory("b:");
    a.set("k", "1", None).await.unwrap();
    assert_eq!(b.get("k").await.unwrap(), None);
}

#[tokio::test]
async fn of_racing_takes_of_one_key_exactly_one_gets_the_value() {
    for kv in stores().await {
        kv.set("ticket", "for-one", Some(Duration::from_secs(60))).await.unwrap();
        let takes = (0..20).map(|_| kv.take("ticket"));
        let got: Vec<Option<String>> =
            futures_util::future::join_all(takes).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(got.iter().flatten().collect::<Vec<_>>(), ["for-one"], "{got:?}");
        assert_eq!(kv.take("never-set").await.unwrap(), None);
    }
}

#[tokio::test]
async fn a_limit_counts_racing_tries_first_so_only_the_allowed_number_pass_and_refunds_give_back() {
    for kv in stores().await {
        let tries = (0..30).map(|_| kv.hit("tries", 5, Duration::from_secs(60)));
        let passed =
            futures_util::future::join_all(tries).await.into_iter().filter(|r| r.as_ref().unwrap().is_none()).count();
        assert_eq!(passed, 5);
        let wait = kv.hit("tries", 5, Duration::from_secs(60)).await.unwrap().expect("over the limit");
        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60), "{wait:?}");
        assert_eq!(kv.hit("fresh", 1, Duration::from_secs(60)).await.unwrap(), None);
        kv.refund("fresh", Duration::from_secs(60)).await.unwrap();
        assert_eq!(kv.hit("fresh", 1, Duration::from_secs(60)).await.unwrap(), None, "the refunded try is back");
    }
}
