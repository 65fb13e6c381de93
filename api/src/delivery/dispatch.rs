//! One batch of claimed rows, channel by channel: each row's plan (what the planner
//! chooses, or the channel an earlier attempt must repeat), then the stages in order —
//! template messages (marked at once: repeats carry `client_msg_id`), subscribe
//! notifications and customer-service messages (no key: a wave at a time, so a crash
//! leaves at most one wave in doubt), mass sends (one per notice, keyed), and the digest.
//! A refusal moves the row on to the next channel's stage; what the platform said about
//! the student or the notice (a refused template, a blocked one, a used-up one-time
//! subscription) is kept for later rows (`refusals`, `subscribe`).

use std::collections::{BTreeMap, HashMap, HashSet};

use futures_util::stream::{self, StreamExt};

use super::lease::{self, Outcome, Row, Settled};
use super::ledger::{self, Ledger};
use super::planner::{self, Account, Channel, Standing, ORDER};
use super::rate;
use super::reasons;
use super::send::{self, Attempt};
use super::worker::MAX_ATTEMPTS;
use super::{refusals, subscribe};
use crate::db::now_ms;
use crate::state::AppState;

/// A row on its way: what it was, the fallback codes so far, the channels tried.
struct Work {
    row: Row,
    fallback: String,
    tried: Vec<Channel>,
}

impl Work {
    fn settle(self, outcome: Outcome) -> Settled {
        Settled { id: self.row.id, fallback: self.fallback, outcome }
    }

    fn openid(&self) -> &str {
        self.row.openid.as_deref().unwrap_or_default()
    }

    /// Channels this row never takes: the daily broadcast goes neither by mass (it would
    /// spend the month's four) nor by a one-time subscription (given for notices).
    fn never(&self) -> &'static [Channel] {
        if self.row.kind.starts_with(send::BROADCAST) {
            &[Channel::Subscribe, Channel::Mass]
        } else {
            &[]
        }
    }

    /// Which letter carries it.
    fn key(&self) -> send::LetterKey {
        (self.row.notice_id, self.row.kind.clone())
    }
}

/// Chooses each row's channel and sends, channel by channel, settling each row in the
/// ledger; returns how many messages went to the platform.
pub(super) async fn dispatch(state: &AppState, rows: Vec<Row>, ledger: &mut Ledger<'_>) -> anyhow::Result<u64> {
    let db = &state.db;
    let owner = state.delivery.owner();
    let lease_for = ledger::lease_of(state);
    let letters = send::letters(state, &rows).await?;
    let account = Account {
        kind: state.wechat.client.kind(),
        template: super::templates::mapping(db, "notice").await?,
        subscribe: subscribe::mapping(db, "notice").await?,
    };
    let openids: Vec<String> = rows.iter().filter_map(|r| r.openid.clone()).collect();
    let standings = planner::standings(db, &openids, &account).await?;
    let notice_ids: Vec<i64> = rows.iter().filter_map(|r| r.notice_id).collect::<HashSet<_>>().into_iter().collect();
    let mut blocked: HashSet<i64> = refusals::blocked_notices(db, &notice_ids).await?.into_iter().collect();

    let mut queues: BTreeMap<u8, Vec<Work>> = BTreeMap::new();
    for row in rows {
        let mut work = Work { fallback: row.fallback.clone(), tried: Vec::new(), row };
        let standing = work.row.openid.as_ref().and_then(|o| standings.get(o)).copied().unwrap_or_default();
        let letter = letters.get(&(work.row.notice_id, work.row.kind.clone()));
        if letter.is_none_or(|l| l.withdrawn) {
            ledger.settle(work.settle(Outcome::Cancelled));
        } else if work.row.openid.is_none() {
            ledger.settle(work.settle(Outcome::Failed { reason: reasons::NOT_BOUND.into(), errcode: None }));
        } else if !standing.following {
            ledger.settle(work.settle(Outcome::Failed { reason: reasons::NOT_FOLLOWING.into(), errcode: None }));
        } else {
            match resume(&work.row, &account) {
                Resume::On(channel) => enqueue(&mut queues, work, channel),
                Resume::InDoubt(channel) => {
                    reasons::push(&mut work.fallback, channel.as_str(), "unknown_outcome");
                    ledger.settle(work.settle(Outcome::Unconfirmed { channel }));
                }
                Resume::Afresh => {
                    // A fresh plan: the reasons of an earlier attempt no longer hold.
                    work.fallback.clear();
                    work.tried.extend(work.never());
                    if work.row.notice_id.is_some_and(|n| blocked.contains(&n)) && account.template.is_some() {
                        reasons::push(&mut work.fallback, "template", "blocked");
                        work.tried.push(Channel::Template);
                    }
                    let channel = planner::choose(&account, &standing, &work.tried, &mut work.fallback);
                    enqueue(&mut queues, work, channel);
                }
            }
        }
    }
    let mut calls = 0;
    let concurrency = state.config.send_concurrency.max(1);

    // Template messages: repeats carry the same `client_msg_id`, so the whole stage is
    // marked at once.
    let mut batch = queues.remove(&0).unwrap_or_default();
    let ids: Vec<i64> = batch.iter().map(|w| w.row.id).collect();
    let marked = lease::mark(db, owner, lease_for, &ids, Channel::Template, None).await?;
    ledger.lost += (ids.len() - marked.len()) as u64;
    batch.retain(|w| marked.contains(&w.row.id));
    let mapping = account.template.clone();
    // A notice blocked for its content stops its template sends, also within this stage.
    let stopped = std::sync::Mutex::new(blocked.clone());
    let is_stopped = |notice: Option<i64>| notice.is_some_and(|n| stopped.lock().is_ok_and(|s| s.contains(&n)));
    let results: Vec<(Work, Attempt)> = stream::iter(batch)
        .map(|work| {
            let client = state.wechat.client.clone();
            let message = mapping.as_ref().map(|m| letters[&work.key()].template(m, work.openid(), work.row.id));
            let (stopped, is_stopped) = (&stopped, &is_stopped);
            async move {
                let notice = work.row.notice_id;
                let attempt = match message {
                    _ if is_stopped(notice) => Attempt::Refused("blocked".into()),
                    Some(message) => send::template(&client, &message).await,
                    None => Attempt::Refused("not_mapped".into()),
                };
                if let (Attempt::Refused(code), Some(n)) = (&attempt, notice) {
                    if code == "blocked" {
                        if let Ok(mut s) = stopped.lock() {
                            s.insert(n);
                        }
                    }
                }
                (work, attempt)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    calls += results.len() as u64;
    if let Some(template) = &mapping {
        let took: Vec<&str> =
            results.iter().filter(|(_, a)| matches!(a, Attempt::Sent(_))).map(|(w, _)| w.openid()).collect();
        refusals::forget(db, &template.template_id, &took).await?;
        for (work, attempt) in &results {
            match attempt {
                Attempt::Refused(code) if code == "refused" => {
                    refusals::remember(db, work.openid(), &template.template_id).await?
                }
                Attempt::Refused(code) if code == "blocked" => {
                    if let Some(notice) = work.row.notice_id.filter(|n| blocked.insert(*n)) {
                        refusals::block_notice(db, notice).await?;
                        tracing::warn!(notice, "WeChat blocked a notice's template message for its content");
                    }
                }
                _ => {}
            }
        }
    }
    for (work, attempt) in results {
        settle_or_fall(ledger, &mut queues, work, attempt, Channel::Template, &account, &standings);
    }

    // Subscribe notifications: no key, so a wave at a time like customer service; each
    // one sent (or in doubt) uses a one-time subscription.
    let subscribe_mapping = account.subscribe.clone();
    let batch = queues.remove(&1).unwrap_or_default();
    calls += waves(state, ledger, &mut queues, batch, Channel::Subscribe, &account, &standings, |work| {
        let message = subscribe_mapping.as_ref().map(|m| letters[&work.key()].subscribe(m, work.openid()));
        let client = state.wechat.client.clone();
        async move {
            match message {
                Some(message) => {
                    let attempt = send::subscribe(&client, &message).await;
                    if matches!(attempt, Attempt::Sent(_) | Attempt::Unknown) {
                        if let Err(err) = subscribe::used(&state.db, &message.touser, &message.template_id).await {
                            tracing::warn!(error = %err, "could not count a one-time subscription as used");
                        }
                    }
                    if attempt == Attempt::Refused("not_subscribed".into()) {
                        if let Err(err) = subscribe::lapsed(&state.db, &message.touser, &message.template_id).await {
                            tracing::warn!(error = %err, "could not record a lapsed subscription");
                        }
                    }
                    attempt
                }
                None => Attempt::Refused("not_mapped".into()),
            }
        }
    })
    .await?;

    // Customer-service messages have no key: a wave (as many as go at once) is marked,
    // sent and recorded before the next, so a crash leaves at most one wave in doubt.
    let batch = queues.remove(&2).unwrap_or_default();
    calls += waves(state, ledger, &mut queues, batch, Channel::Custom, &account, &standings, |work| {
        let message = letters[&work.key()].custom();
        let openid = work.openid().to_string();
        async move { send::custom(&state.wechat.client, &openid, &message).await }
    })
    .await?;

    // Mass sends: one per notice (and per key carried over from an attempt in doubt).
    let batch = queues.remove(&3).unwrap_or_default();
    let mut groups: BTreeMap<(send::LetterKey, Option<String>), Vec<Work>> = BTreeMap::new();
    for work in batch {
        let key = work.row.idem_key.clone().filter(|_| work.row.channel.as_deref() == Some("mass"));
        groups.entry((work.key(), key)).or_default().push(work);
    }
    for ((letter, carried), mut group) in groups {
        let key = carried.clone().unwrap_or_else(|| format!("banji-m{}", group[0].row.id));
        if carried.is_some() || group.len() >= 2 {
            let ids: Vec<i64> = group.iter().map(|w| w.row.id).collect();
            let marked = lease::mark(db, owner, lease_for, &ids, Channel::Mass, Some(&key)).await?;
            ledger.lost += (ids.len() - marked.len()) as u64;
            group.retain(|w| marked.contains(&w.row.id));
        }
        if group.is_empty() {
            continue;
        }
        if carried.is_none() && group.len() < 2 {
            for mut work in group {
                reasons::push(&mut work.fallback, "mass", "single");
                ledger.settle(work.settle(Outcome::Held));
            }
            continue;
        }
        let list: Vec<String> = group.iter().map(|w| w.openid().to_string()).collect();
        let attempt = send::mass(&state.wechat.client, &list, &letters[&letter].mass(), &key).await;
        calls += group.len() as u64;
        for mut work in group.drain(..) {
            work.tried.push(Channel::Mass);
            let outcome = match attempt.clone() {
                Attempt::Refused(code) => {
                    reasons::push(&mut work.fallback, "mass", &code);
                    Outcome::Held
                }
                other => outcome(&work, other, Channel::Mass),
            };
            ledger.settle(work.settle(outcome));
        }
    }

    // The digest.
    for work in queues.into_values().flatten() {
        ledger.settle(work.settle(Outcome::Held));
    }
    Ok(calls)
}

/// What an earlier attempt of a row means for this one.
enum Resume {
    /// Repeat it by the same channel and key (the platform recognises a repeat).
    On(Channel),
    /// It may have been sent and cannot be repeated (its template is no longer mapped):
    /// trying another channel would risk a duplicate.
    InDoubt(Channel),
    /// Nothing that needs repeating: plan afresh.
    Afresh,
}

fn resume(row: &Row, account: &Account) -> Resume {
    match row.channel.as_deref() {
        Some("template") if account.template.is_some() => Resume::On(Channel::Template),
        Some("template") => Resume::InDoubt(Channel::Template),
        Some("mass") if row.idem_key.is_some() => Resume::On(Channel::Mass),
        _ => Resume::Afresh,
    }
}

fn enqueue(queues: &mut BTreeMap<u8, Vec<Work>>, work: Work, channel: Channel) {
    let slot = match channel {
        Channel::Template => 0,
        Channel::Subscribe => 1,
        Channel::Custom => 2,
        Channel::Mass => 3,
        Channel::Digest => 4,
    };
    queues.entry(slot).or_default().push(work);
}

/// A channel refused the row: on to the next one (whose stage comes later).
fn settle_or_fall(
    ledger: &mut Ledger<'_>,
    queues: &mut BTreeMap<u8, Vec<Work>>,
    mut work: Work,
    attempt: Attempt,
    channel: Channel,
    account: &Account,
    standings: &HashMap<String, Standing>,
) {
    match attempt {
        Attempt::Refused(code) => {
            reasons::push(&mut work.fallback, channel.as_str(), &code);
            // Every channel up to this one has been passed over or tried.
            work.tried = ORDER.into_iter().take_while(|c| *c != channel).chain([channel]).collect();
            work.tried.extend(work.never());
            let standing = standings.get(work.openid()).copied().unwrap_or_default();
            let next = planner::choose(account, &standing, &work.tried, &mut work.fallback);
            enqueue(queues, work, next);
        }
        Attempt::Unknown => {
            // It may be in the student's chat: neither repeated nor handed over again by
            // another channel or the digest.
            reasons::push(&mut work.fallback, channel.as_str(), "unknown_outcome");
            ledger.settle(work.settle(Outcome::Unconfirmed { channel }));
        }
        other => {
            let outcome = outcome(&work, other, channel);
            ledger.settle(work.settle(outcome));
        }
    }
}

/// What an attempt means for the row (refusals are handled by the caller).
fn outcome(work: &Work, attempt: Attempt, channel: Channel) -> Outcome {
    match attempt {
        Attempt::Sent(msgid) => Outcome::Sent { channel, msgid },
        Attempt::Failed { reason, errcode } => Outcome::Failed { reason, errcode },
        Attempt::Retry { reason, errcode } if work.row.attempts >= MAX_ATTEMPTS => {
            Outcome::Failed { reason: format!("gave up after {} attempts: {reason}", work.row.attempts), errcode }
        }
        Attempt::Retry { reason, errcode } => {
            let wait = (1_000i64 << work.row.attempts.clamp(1, 8)).min(300_000);
            // Busy (-1) or too frequent (45011): the platform did nothing.
            let in_doubt = !matches!(errcode, Some(-1 | 45011));
            Outcome::Retry { at: now_ms() + wait, reason, errcode, in_doubt }
        }
        Attempt::Quota => Outcome::Deferred { until: rate::next_school_midnight_ms() },
        Attempt::Unknown => Outcome::Unconfirmed { channel },
        Attempt::Refused(_) => Outcome::Held,
    }
}

/// Sends `batch` by a channel without an idempotency key, a wave at a time: each wave is
/// marked, sent and recorded before the next. Returns how many messages went out.
#[allow(clippy::too_many_arguments)]
async fn waves<F, Fut>(
    state: &AppState,
    ledger: &mut Ledger<'_>,
    queues: &mut BTreeMap<u8, Vec<Work>>,
    batch: Vec<Work>,
    channel: Channel,
    account: &Account,
    standings: &HashMap<String, Standing>,
    send_one: F,
) -> anyhow::Result<u64>
where
    F: Fn(&Work) -> Fut,
    Fut: std::future::Future<Output = Attempt>,
{
    let (db, owner, lease_for) = (&state.db, state.delivery.owner(), ledger::lease_of(state));
    let concurrency = state.config.send_concurrency.max(1);
    let mut calls = 0;
    let mut batch = batch.into_iter();
    loop {
        let mut wave: Vec<Work> = batch.by_ref().take(concurrency).collect();
        if wave.is_empty() {
            break;
        }
        let ids: Vec<i64> = wave.iter().map(|w| w.row.id).collect();
        let marked = lease::mark(db, owner, lease_for, &ids, channel, None).await?;
        ledger.lost += (ids.len() - marked.len()) as u64;
        wave.retain(|w| marked.contains(&w.row.id));
        let sends: Vec<Fut> = wave.iter().map(&send_one).collect();
        let results: Vec<(Work, Attempt)> = wave.into_iter().zip(futures_util::future::join_all(sends).await).collect();
        calls += results.len() as u64;
        for (work, attempt) in results {
            if matches!(attempt, Attempt::Refused(_)) {
                ledger.release(work.row.id);
            }
            settle_or_fall(ledger, queues, work, attempt, channel, account, standings);
        }
        ledger.flush().await?;
    }
    Ok(calls)
}
