//! The daily run: every replica looks each `TICK` for subscribers whose minute has come
//! and who have had nothing today, writes each one's broadcast (`day`) and queues it as a
//! delivery the channel planner carries like a notice's row (`notice_id` NULL, kind
//! `broadcast:<send id>`; never by mass send, see `delivery::dispatch`).
//!
//! At most once a day per person: `broadcast_sends` is unique on (openid, day), and a
//! chunk's sends and their deliveries are written in one transaction, so replicas running
//! the same minute, or a run killed half-way, queue each subscriber once; the next tick
//! takes up whoever is left. What every subscriber shares — the weather, the day's item —
//! is found once per run, and only when someone is due.
//!
//! A run after the server was away catches up at most `CATCH_UP_MINUTES` (a morning
//! greeting at night helps no one); `broadcast_runs` keeps the last minute fully queued
//! so a tick does not look again at the morning's 50 000.

use std::time::Duration;

use chrono::{NaiveDate, Timelike};

use super::day::{self, Common};
use super::items;
use super::weather::Weather;
use crate::db::{bulk, now_ms, to_time, Db};
use crate::state::AppState;

/// How often a replica looks for subscribers whose minute has come.
const TICK: Duration = Duration::from_secs(20);
/// How late a broadcast may still go out.
pub const CATCH_UP_MINUTES: i64 = 180;
/// Subscribers written and queued per transaction.
const CHUNK: i64 = 500;

/// The China date and minute of the day (0–1439) of `ms`.
pub fn china_day(ms: i64) -> (NaiveDate, i64) {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    let at = to_time(ms).with_timezone(&china);
    (at.date_naive(), i64::from(at.hour() * 60 + at.minute()))
}

/// Looks for due subscribers every `TICK`, for as long as the server runs.
pub async fn run_forever(state: AppState) {
    loop {
        tokio::time::sleep(TICK).await;
        match run_at(&state, now_ms()).await {
            Ok(0) => {}
            Ok(queued) => tracing::info!(queued, "daily broadcast queued"),
            Err(err) => tracing::debug!(error = %err, "the daily broadcast waits for the database"),
        }
    }
}

/// One subscriber whose minute has come.
struct Due {
    openid: String,
    student_id: Option<i64>,
}

/// Queues the broadcast of every subscriber due at `now` (their minute has come today,
/// within the catch-up, and they have had none today); returns how many were queued.
pub async fn run_at(state: &AppState, now: i64) -> sqlx::Result<u64> {
    run_with(state, now, state.weather.as_ref()).await
}

/// `run_at` with the weather from `weather` (a test's failing provider, say).
pub async fn run_with(state: &AppState, now: i64, weather: Option<&Weather>) -> sqlx::Result<u64> {
    let db = &state.db;
    let (date, minute) = china_day(now);
    let today = date.format("%Y-%m-%d").to_string();
    let done: Option<i64> = sqlx::query_scalar("SELECT minute_done FROM broadcast_runs WHERE day = $1")
        .bind(&today)
        .fetch_optional(db.pool())
        .await?;
    let from = done.map_or(0, |d| d + 1).max(minute - CATCH_UP_MINUTES).max(0);
    let mut common: Option<Common> = None;
    let mut queued = 0;
    let mut after = String::new();
    // Chunk by chunk, until a chunk is not full (none when the window is empty).
    let mut more = from <= minute;
    while more {
        let due = due(db, &today, from, minute, &after).await?;
        more = due.len() as i64 == CHUNK;
        let Some(last) = due.last() else { break };
        after = last.openid.clone();
        if common.is_none() {
            common = Some(common_of(db, weather, date).await?);
        }
        queued += queue(state, date, &today, common.as_ref().expect("found above"), &due, now).await?;
    }
    sqlx::query(
        "INSERT INTO broadcast_runs (day, minute_done) VALUES ($1, $2) \
         ON CONFLICT (day) DO UPDATE SET minute_done = $2 WHERE broadcast_runs.minute_done < $2",
    )
    .bind(&today)
    .bind(minute)
    .execute(db.pool())
    .await?;
    if queued > 0 {
        state.delivery.wake();
    }
    Ok(queued)
}

/// The next chunk (by openid, after `after`) of subscribers whose minute is in
/// `from..=to`, who have had nothing on `today` and are still a bound student or teacher.
async fn due(db: &Db, today: &str, from: i64, to: i64, after: &str) -> sqlx::Result<Vec<Due>> {
    let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT b.openid, s.id FROM broadcast_subscribers b LEFT JOIN students s ON s.openid = b.openid \
         WHERE b.send_minute >= $1 AND b.send_minute <= $2 AND b.openid > $3 \
         AND NOT EXISTS (SELECT 1 FROM broadcast_sends x WHERE x.openid = b.openid AND x.day = $4) \
         AND (s.id IS NOT NULL OR EXISTS (SELECT 1 FROM teacher_profiles tp JOIN users u ON u.id = tp.user_id \
              WHERE tp.openid = b.openid AND u.disabled = FALSE AND u.pending = FALSE)) \
         ORDER BY b.openid LIMIT $5",
    )
    .bind(from)
    .bind(to)
    .bind(after)
    .bind(today)
    .bind(CHUNK)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(openid, student_id)| Due { openid, student_id }).collect())
}

/// What every subscriber's broadcast on `date` shares: the term's start, the weather of the
/// school's city (none when it is not set or cannot be had), the day's item.
pub async fn common_of(db: &Db, weather: Option<&Weather>, date: NaiveDate) -> sqlx::Result<Common> {
    let settings = crate::settings::load(db).await?;
    let city = settings.school_city.trim();
    let weather = match (weather, city.is_empty()) {
        (Some(weather), false) => weather.today(city).await.map(|f| format!("{city} {}", f.line())),
        _ => None,
    };
    let item = items::item_of_day(db, date).await?;
    Ok(Common {
        term_start: shared::settings::parse_term_start(&settings.term_start),
        weather,
        item: Some(items::line(&item)),
    })
}

/// Writes these subscribers' broadcasts and their deliveries in one transaction; a
/// subscriber another replica queued meanwhile is skipped. A broadcast of an earlier day
/// still held for the digest is dropped: today's replaces it.
async fn queue(
    state: &AppState,
    date: NaiveDate,
    today: &str,
    common: &Common,
    due: &[Due],
    now: i64,
) -> sqlx::Result<u64> {
    let db = &state.db;
    let students: Vec<i64> = due.iter().filter_map(|d| d.student_id).collect();
    let mut schedules = day::schedules(db, &students, date).await?;
    let rows: Vec<(&str, Option<i64>, String)> = due
        .iter()
        .map(|d| {
            let schedule = d.student_id.map(|s| schedules.remove(&s).unwrap_or_default());
            (d.openid.as_str(), d.student_id, day::compose(&day::day_of(date, schedule, common)))
        })
        .collect();
    const COLUMNS: [&str; 5] = ["openid", "day", "student_id", "text", "created_at"];
    let mut tx = db.begin_write().await?;
    let written = bulk::insert(
        &mut tx,
        db.backend(),
        "broadcast_sends",
        &COLUMNS,
        "ON CONFLICT (openid, day) DO NOTHING",
        &rows,
        |q, (openid, student, text)| q.bind(*openid).bind(today).bind(*student).bind(text.as_str()).bind(now),
    )
    .await?;
    if written == 0 {
        tx.commit().await?;
        return Ok(0);
    }
    sqlx::query(
        "UPDATE deliveries SET status = 'cancelled' WHERE status = 'held' AND notice_id IS NULL \
         AND kind LIKE 'broadcast:%' \
         AND openid IN (SELECT openid FROM broadcast_sends WHERE day = $1 AND delivery_id IS NULL)",
    )
    .bind(today)
    .execute(&mut *tx)
    .await?;
    let made: Vec<(i64, i64)> = sqlx::query_as(
        "INSERT INTO deliveries (notice_id, kind, recipient, student_id, class_id, openid, status, ref_id, created_at) \
         SELECT NULL, 'broadcast:' || x.id, CASE WHEN s.id IS NULL THEN 'o:' || x.openid ELSE 's:' || s.id END, \
         s.id, s.class_id, x.openid, 'pending', x.id, $1 \
         FROM broadcast_sends x LEFT JOIN students s ON s.id = x.student_id \
         WHERE x.day = $2 AND x.delivery_id IS NULL RETURNING ref_id, id",
    )
    .bind(now)
    .bind(today)
    .fetch_all(&mut *tx)
    .await?;
    if !made.is_empty() {
        // Numbers from the database, written into the statement: one UPDATE for the chunk.
        let cases: String = made.iter().map(|(send, delivery)| format!(" WHEN {send} THEN {delivery}")).collect();
        let ids = made.iter().map(|(send, _)| send.to_string()).collect::<Vec<_>>().join(",");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE broadcast_sends SET delivery_id = CASE id{cases} END WHERE id IN ({ids})"
        )))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(written)
}
