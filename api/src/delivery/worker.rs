//! The loop each replica runs: start scheduled notices that are due, take back rows from
//! workers that died, then — within the shared budgets — claim a batch, choose channels,
//! send (several at a time), and record, renewing the batch's leases all the while
//! (`ledger`). Only rows whose mark says they are still this worker's are sent. It idles
//! on a bell rung when a notice is sent, and polls besides, so rows made by another
//! replica are seen too.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};

use super::lease::{self, Outcome, Row, Settled};
use super::ledger::{self, Ledger};
use super::planner::{self, Account, Channel, Standing};
use super::rate::{self, Budgets, Grant};
use super::reasons;
use super::send::{self, Attempt};
use crate::db::now_ms;
use crate::notices::lifecycle;
use crate::state::AppState;

/// Rows claimed at a time.
const BATCH: u64 = 256;
/// Attempts before a row that keeps failing transiently is given up.
pub const MAX_ATTEMPTS: i64 = 5;
/// How often scheduled notices and expired leases are looked at.
const HOUSEKEEPING: Duration = Duration::from_secs(1);
const IDLE_POLL: Duration = Duration::from_millis(500);

enum Round {
    Idle,
    Worked,
    Wait(Duration),
}

pub async fn run(state: AppState) {
    let engine = state.delivery.clone();
    tracing::info!(worker = engine.owner(), "delivery worker started");
    let mut last_housekeeping: Option<Instant> = None;
    while !engine.stopping() {
        if last_housekeeping.is_none_or(|t| t.elapsed() >= HOUSEKEEPING) {
            match housekeeping(&state).await {
                Err(err) if crate::health::is_outage(&err) => {
                    tracing::debug!(error = %err, "delivery housekeeping waits for the database")
                }
                Err(err) => tracing::warn!(error = %err, "delivery housekeeping failed"),
                Ok(()) => {}
            }
            last_housekeeping = Some(Instant::now());
        }
        let pause = match round(&state).await {
            Ok(Round::Worked) => continue,
            Ok(Round::Idle) => IDLE_POLL,
            Ok(Round::Wait(d)) => d.min(HOUSEKEEPING * 5),
            // The database or the cache away: logged once by their watch; pause and try again.
            Err(err) if crate::health::is_outage(&err) => {
                tracing::debug!(error = %err, "delivery paused: a dependency is away");
                Duration::from_secs(1)
            }
            Err(err) => {
                tracing::warn!(error = %err, "delivery round failed");
                Duration::from_secs(1)
            }
        };
        tokio::select! {
            _ = engine.bell.notified() => {}
            _ = tokio::time::sleep(pause) => {}
        }
    }
    tracing::info!(worker = engine.owner(), "delivery worker stopped");
}

async fn housekeeping(state: &AppState) -> anyhow::Result<()> {
    let started = lifecycle::start_due(&state.db).await?;
    if started > 0 {
        tracing::info!(started, "scheduled notices started");
    }
    let reclaimed = lease::reclaim(&state.db, state.delivery.owner()).await?;
    if reclaimed > 0 {
        tracing::warn!(
            reclaimed,
            "took back delivery rows left in flight (a worker stopped, or lost the database mid-batch)"
        );
    }
    sqlx::query("UPDATE notices SET paused_until = NULL, status_note = '' WHERE paused_until IS NOT NULL AND paused_until <= $1")
        .bind(now_ms())
        .execute(state.db.pool())
        .await?;
    let late = super::jobs::sweep(&state.db).await?;
    if late > 0 {
        tracing::info!(late, "applied job results that arrived while their sends were being recorded");
    }
    lease::finish(&state.db).await?;
    Ok(())
}

fn budgets(state: &AppState) -> Budgets {
    Budgets { per_minute: state.config.send_per_minute, per_day: state.config.send_per_day }
}

async fn round(state: &AppState) -> anyhow::Result<Round> {
    let owner = state.delivery.owner();
    let granted = match rate::take(&state.kv, budgets(state), BATCH).await? {
        Grant::Send(n) => n,
        Grant::WaitMinute(d) => return Ok(Round::Wait(d)),
        Grant::WaitDay(until) => {
            pause_until(state, until).await?;
            return Ok(Round::Wait(Duration::from_millis((until - now_ms()).max(0) as u64)));
        }
    };
    let rows = lease::claim(&state.db, owner, ledger::lease_of(state), granted as i64).await?;
    if rows.is_empty() {
        rate::give_back(&state.kv, granted).await?;
        return Ok(Round::Idle);
    }
    let notices: std::collections::BTreeSet<i64> = rows.iter().filter_map(|r| r.notice_id).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut ledger = Ledger::new(state);
    let calls = ledger::while_held(state, &ids, async {
        let calls = dispatch(state, rows, &mut ledger).await?;
        ledger.flush().await?;
        anyhow::Ok(calls)
    })
    .await?;
    rate::give_back(&state.kv, granted.saturating_sub(calls)).await?;
    crate::receipts::live::changed(&state.kv, notices).await;
    if ledger.lost > 0 {
        tracing::warn!(
            lost = ledger.lost,
            "delivery rows were taken back by another worker before this one was done with them"
        );
    }
    if let Some(until) = ledger.deferred {
        rate::spend_day(&state.kv, budgets(state)).await?;
        pause_until(state, until).await?;
    }
    lease::finish(&state.db).await?;
    Ok(Round::Worked)
}

/// Sending notices that still have rows waiting say when sending resumes.
async fn pause_until(state: &AppState, until: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE notices SET paused_until = $1, status_note = $2 WHERE status = 'sending' AND (paused_until IS NULL OR paused_until < $1)",
    )
    .bind(until)
    .bind("The account's sending quota for today is used up; the rest go out after midnight (China time).")
    .execute(state.db.pool())
    .await?;
    Ok(())
}

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

    /// Which letter carries it.
    fn key(&self) -> send::LetterKey {
        (self.row.notice_id, self.row.kind.clone())
    }
}

/// Chooses each row's channel and sends, channel by channel, settling each row in the
/// ledger; returns how many messages went to the platform.
async fn dispatch(state: &AppState, rows: Vec<Row>, ledger: &mut Ledger<'_>) -> anyhow::Result<u64> {
    let db = &state.db;
    let owner = state.delivery.owner();
    let lease_for = ledger::lease_of(state);
    let letters = send::letters(state, &rows).await?;
    let account =
        Account { kind: state.wechat.client.kind(), template: super::templates::mapping(db, "notice").await? };
    let openids: Vec<String> = rows.iter().filter_map(|r| r.openid.clone()).collect();
    let standings = planner::standings(db, &openids).await?;

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
                    let channel = planner::choose(&account, &standing, &[], &mut work.fallback);
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
    let results: Vec<(Work, Attempt)> = stream::iter(batch)
        .map(|work| {
            let client = state.wechat.client.clone();
            let message = mapping.as_ref().map(|m| letters[&work.key()].template(m, work.openid(), work.row.id));
            async move {
                let attempt = match message {
                    Some(message) => send::template(&client, &message).await,
                    None => Attempt::Refused("not_mapped".into()),
                };
                (work, attempt)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    calls += results.len() as u64;
    for (work, attempt) in results {
        settle_or_fall(ledger, &mut queues, work, attempt, Channel::Template, &account, &standings);
    }

    // Customer-service messages have no key: a wave (as many as go at once) is marked,
    // sent and recorded before the next, so a crash leaves at most one wave in doubt.
    let mut batch = queues.remove(&1).unwrap_or_default().into_iter();
    loop {
        let mut wave: Vec<Work> = batch.by_ref().take(concurrency).collect();
        if wave.is_empty() {
            break;
        }
        let ids: Vec<i64> = wave.iter().map(|w| w.row.id).collect();
        let marked = lease::mark(db, owner, lease_for, &ids, Channel::Custom, None).await?;
        ledger.lost += (ids.len() - marked.len()) as u64;
        wave.retain(|w| marked.contains(&w.row.id));
        let results: Vec<(Work, Attempt)> = futures_util::future::join_all(wave.into_iter().map(|work| {
            let message = letters[&work.key()].custom();
            async move {
                let attempt = send::custom(&state.wechat.client, work.openid(), &message).await;
                (work, attempt)
            }
        }))
        .await;
        calls += results.len() as u64;
        for (work, attempt) in results {
            if matches!(attempt, Attempt::Refused(_)) {
                ledger.release(work.row.id);
            }
            settle_or_fall(ledger, &mut queues, work, attempt, Channel::Custom, &account, &standings);
        }
        ledger.flush().await?;
    }

    // Mass sends: one per notice (and per key carried over from an attempt in doubt).
    let batch = queues.remove(&2).unwrap_or_default();
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
        Channel::Custom => 1,
        Channel::Mass => 2,
        Channel::Digest => 3,
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
            work.tried = [Channel::Template, Channel::Custom, Channel::Mass]
                .into_iter()
                .take_while(|c| *c != channel)
                .chain([channel])
                .collect();
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
