//! The loop each replica runs: start scheduled notices that are due, take back rows from
//! workers that died, then — within the shared budgets — claim a batch, choose channels,
//! send (several at a time), and record. It idles on a bell rung when a notice is sent,
//! and polls besides, so rows made by another replica are seen too.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};

use super::lease::{self, Outcome, Row, Settled};
use super::planner::{self, Account, Channel, Standing};
use super::rate::{self, Budgets, Grant};
use super::reasons;
use super::send::{self, Attempt, Letter};
use crate::db::now_ms;
use crate::notices::{lifecycle, store};
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
            if let Err(err) = housekeeping(&state).await {
                tracing::warn!(error = %err, "delivery housekeeping failed");
            }
            last_housekeeping = Some(Instant::now());
        }
        let pause = match round(&state).await {
            Ok(Round::Worked) => continue,
            Ok(Round::Idle) => IDLE_POLL,
            Ok(Round::Wait(d)) => d.min(HOUSEKEEPING * 5),
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
    let reclaimed = lease::reclaim(&state.db).await?;
    if reclaimed > 0 {
        tracing::warn!(reclaimed, "took back delivery rows whose worker stopped");
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
    let lease_for = Duration::from_secs(state.config.lease_secs);
    let rows = lease::claim(&state.db, owner, lease_for, granted as i64).await?;
    if rows.is_empty() {
        rate::give_back(&state.kv, granted).await?;
        return Ok(Round::Idle);
    }
    let notices: std::collections::BTreeSet<i64> = rows.iter().map(|r| r.notice_id).collect();
    let (settled, calls) = dispatch(state, rows).await?;
    rate::give_back(&state.kv, granted.saturating_sub(calls)).await?;
    let lost = lease::record(&state.db, owner, &settled).await?;
    crate::receipts::live::changed(&state.kv, notices).await;
    if lost > 0 {
        tracing::warn!(lost, "delivery rows were taken back before their outcome was recorded");
    }
    if let Some(until) = settled.iter().find_map(|s| match s.outcome {
        Outcome::Deferred { until } => Some(until),
        _ => None,
    }) {
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
    fn key(&self) -> (i64, String) {
        (self.row.notice_id, self.row.kind.clone())
    }
}

/// A notice and a kind of row: which letter a row carries.
type LetterKey = (i64, String);

/// What each row's message says, by (notice, kind).
async fn letters(state: &AppState, rows: &[Row]) -> sqlx::Result<HashMap<(i64, String), Letter>> {
    let mut notices: HashMap<i64, Option<(Letter, bool)>> = HashMap::new();
    let mut letters = HashMap::new();
    for row in rows {
        let key = (row.notice_id, row.kind.clone());
        if letters.contains_key(&key) {
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = notices.entry(row.notice_id) {
            let notice = store::row(&state.db, row.notice_id).await?;
            slot.insert(notice.map(|n| (Letter::new(&n, &state.config.public_url), n.requires_confirmation.0)));
        }
        let Some(Some((base, confirm))) = notices.get(&row.notice_id) else { continue };
        let reply: Option<String> = match (row.kind.starts_with("reply:"), row.ref_id) {
            (true, Some(comment)) => {
                sqlx::query_scalar("SELECT body FROM notice_comments WHERE id = $1")
                    .bind(comment)
                    .fetch_optional(state.db.pool())
                    .await?
            }
            _ => None,
        };
        letters.insert(key, base.for_kind(&row.kind, reply.as_deref(), *confirm));
    }
    Ok(letters)
}

/// Chooses each row's channel and sends, channel by channel; returns the outcomes and
/// how many messages went to the platform.
async fn dispatch(state: &AppState, rows: Vec<Row>) -> anyhow::Result<(Vec<Settled>, u64)> {
    let db = &state.db;
    let letters = letters(state, &rows).await?;
    let account =
        Account { kind: state.wechat.client.kind(), template: super::templates::mapping(db, "notice").await? };
    let openids: Vec<String> = rows.iter().filter_map(|r| r.openid.clone()).collect();
    let standings = planner::standings(db, &openids).await?;

    let mut done = Vec::new();
    let mut queues: BTreeMap<u8, Vec<Work>> = BTreeMap::new();
    for row in rows {
        let work = Work { fallback: row.fallback.clone(), tried: Vec::new(), row };
        let standing = work.row.openid.as_ref().and_then(|o| standings.get(o)).copied().unwrap_or_default();
        let letter = letters.get(&(work.row.notice_id, work.row.kind.clone()));
        if letter.is_none_or(|l| l.withdrawn) {
            done.push(work.settle(Outcome::Cancelled));
        } else if work.row.openid.is_none() {
            done.push(work.settle(Outcome::Failed { reason: reasons::NOT_BOUND.into(), errcode: None }));
        } else if !standing.following {
            done.push(work.settle(Outcome::Failed { reason: reasons::NOT_FOLLOWING.into(), errcode: None }));
        } else {
            let mut work = work;
            let channel = match resume(&work.row, &account) {
                Some(channel) => channel,
                None => {
                    // A fresh plan: the reasons of an earlier attempt no longer hold.
                    work.fallback.clear();
                    planner::choose(&account, &standing, &[], &mut work.fallback)
                }
            };
            enqueue(&mut queues, work, channel);
        }
    }
    let mut calls = 0;
    let concurrency = state.config.send_concurrency.max(1);

    // Template messages.
    let batch = queues.remove(&0).unwrap_or_default();
    let ids: Vec<i64> = batch.iter().map(|w| w.row.id).collect();
    lease::mark(db, state.delivery.owner(), &ids, Channel::Template, None).await?;
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
        settle_or_fall(&mut done, &mut queues, work, attempt, Channel::Template, &account, &standings);
    }

    // Customer-service messages.
    let batch = queues.remove(&1).unwrap_or_default();
    let ids: Vec<i64> = batch.iter().map(|w| w.row.id).collect();
    lease::mark(db, state.delivery.owner(), &ids, Channel::Custom, None).await?;
    let results: Vec<(Work, Attempt)> = stream::iter(batch)
        .map(|work| {
            let client = state.wechat.client.clone();
            let message = letters[&work.key()].custom();
            async move {
                let attempt = send::custom(&client, work.openid(), &message).await;
                (work, attempt)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    calls += results.len() as u64;
    for (work, attempt) in results {
        settle_or_fall(&mut done, &mut queues, work, attempt, Channel::Custom, &account, &standings);
    }

    // Mass sends: one per notice (and per key carried over from an attempt in doubt).
    let batch = queues.remove(&2).unwrap_or_default();
    let mut groups: BTreeMap<(LetterKey, Option<String>), Vec<Work>> = BTreeMap::new();
    for work in batch {
        let key = work.row.idem_key.clone().filter(|_| work.row.channel.as_deref() == Some("mass"));
        groups.entry((work.key(), key)).or_default().push(work);
    }
    for ((letter, key), mut group) in groups {
        if key.is_none() && group.len() < 2 {
            for mut work in group {
                reasons::push(&mut work.fallback, "mass", "single");
                done.push(work.settle(Outcome::Held));
            }
            continue;
        }
        let key = key.unwrap_or_else(|| format!("banji-m{}", group[0].row.id));
        let ids: Vec<i64> = group.iter().map(|w| w.row.id).collect();
        lease::mark(db, state.delivery.owner(), &ids, Channel::Mass, Some(&key)).await?;
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
            done.push(work.settle(outcome));
        }
    }

    // The digest.
    for work in queues.into_values().flatten() {
        done.push(work.settle(Outcome::Held));
    }
    Ok((done, calls))
}

/// An earlier attempt's channel, when repeating it is safe and still possible.
fn resume(row: &Row, account: &Account) -> Option<Channel> {
    match row.channel.as_deref() {
        Some("template") if account.template.is_some() => Some(Channel::Template),
        Some("mass") if row.idem_key.is_some() => Some(Channel::Mass),
        _ => None,
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
    done: &mut Vec<Settled>,
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
            reasons::push(&mut work.fallback, channel.as_str(), "unknown_outcome");
            done.push(work.settle(Outcome::Held));
        }
        other => {
            let outcome = outcome(&work, other, channel);
            done.push(work.settle(outcome));
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
            Outcome::Retry { at: now_ms() + wait, reason, errcode }
        }
        Attempt::Quota => Outcome::Deferred { until: rate::next_school_midnight_ms() },
        Attempt::Unknown | Attempt::Refused(_) => Outcome::Held,
    }
}
