//! One try at checking in, from any door (a QR scan, `签到 123456`, the check-in page),
//! judged in one place and recorded in one place: this is where a check-in is recorded.
//!
//! The order of the checks is the order a student would want to hear about problems:
//! too many tries, the session's time, the roll, an earlier check-in, the code, the
//! position. Every try is kept (`checkin_attempts`) with its verdict; an accepted one
//! sets the roll row's `checked_at` with a conditional UPDATE, so two racing tries of
//! one student record one check-in.

use std::time::Duration;

use shared::{CheckinMethod, CheckinOutcome, SessionState};

use super::codes::{self, Verdict};
use super::flags;
use super::sessions::SessionRow;
use super::text;
use crate::db::{float_sql, now_ms, to_time};
use crate::error::ApiResult;
use crate::state::AppState;

/// A scan remembered for a session that also needs a position (the page then asks only
/// for the position).
const PASS_FOR: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Scan,
    Text,
    Page,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Scan => "scan",
            Via::Text => "text",
            Via::Page => "page",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub latitude: f64,
    pub longitude: f64,
    pub accuracy_m: Option<f64>,
}

/// What the student brought.
#[derive(Debug, Clone, Default)]
pub struct Proof {
    /// A scanned QR code's step and tag.
    pub scene: Option<(i64, String)>,
    /// Typed or sent digits.
    pub code: Option<String>,
    pub position: Option<Position>,
    /// The page's device id (hashed before it is stored).
    pub device: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Student {
    pub id: i64,
    pub openid: Option<String>,
}

/// Great-circle distance in metres (haversine; plenty for a few hundred metres).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    const EARTH_M: f64 = 6_371_008.8;
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * EARTH_M * h.sqrt().asin()
}

/// What one try came to, before it is recorded.
struct Judged {
    reason: Option<&'static str>,
    flags: Vec<&'static str>,
    distance_m: Option<i64>,
    position: Option<Position>,
    /// The proofs given, for the roll (`code+geo`).
    method: String,
}

impl Judged {
    fn refused(reason: &'static str) -> Judged {
        Judged { reason: Some(reason), flags: Vec::new(), distance_m: None, position: None, method: String::new() }
    }
}

fn pass_key(session: i64, student: i64) -> String {
    format!("checkin-pass:{session}:{student}")
}

/// Judges and records one try. Refusals are answers, not errors: the outcome says why.
pub async fn attempt(
    state: &AppState,
    session: &SessionRow,
    student: &Student,
    via: Via,
    proof: Proof,
) -> ApiResult<CheckinOutcome> {
    let now = now_ms();
    let tries = state.kv.incr(&format!("checkin-tries:{}:{}", session.id, student.id), Duration::from_secs(60)).await?;
    let mut judged = if tries.count as i64 > state.config.checkin_attempts_per_minute {
        Judged::refused("too_many_attempts")
    } else {
        judge(state, session, student, via, &proof, now).await?
    };
    let device = proof.device.as_deref().filter(|d| !d.trim().is_empty()).map(flags::device_hash);
    if judged.reason.is_none() {
        judged
            .flags
            .extend(flags::suspicions(&state.db, session.id, student.id, device.as_deref(), judged.position).await?);
    }
    let late = session.is_late(now);
    let mut tx = state.db.begin_write().await?;
    let mut reason = judged.reason;
    let flag_text = judged.flags.join(",");
    if reason.is_none() {
        let done = sqlx::query(
            "UPDATE checkin_roll SET checked_at = $1, late = $2, method = $3, flags = $4 \
             WHERE session_id = $5 AND student_id = $6 AND checked_at IS NULL",
        )
        .bind(now)
        .bind(late)
        .bind(&judged.method)
        .bind(&flag_text)
        .bind(session.id)
        .bind(student.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            reason = Some("already_checked_in");
        }
    }
    let p = judged.position;
    // The position as literals: see `float_sql`.
    let insert = format!(
        "INSERT INTO checkin_attempts (session_id, student_id, openid, via, accepted, reason, latitude, longitude, \
         accuracy_m, distance_m, device, flags, created_at) VALUES ($1, $2, $3, $4, $5, $6, {}, {}, {}, $7, $8, $9, $10)",
        float_sql(p.map(|p| p.latitude)),
        float_sql(p.map(|p| p.longitude)),
        float_sql(p.and_then(|p| p.accuracy_m)),
    );
    sqlx::query(sqlx::AssertSqlSafe(insert))
        .bind(session.id)
        .bind(student.id)
        .bind(student.openid.as_deref())
        .bind(via.as_str())
        .bind(reason.is_none())
        .bind(reason)
        .bind(judged.distance_m)
        .bind(device.as_deref())
        .bind(&flag_text)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    if reason.is_none() {
        flags::mark_others(&mut tx, session.id, student.id, &judged.flags, device.as_deref(), p).await?;
    }
    tx.commit().await?;
    if reason.is_none() {
        if session.has(CheckinMethod::Qr) && session.has(CheckinMethod::Geo) {
            let _ = state.kv.delete(&pass_key(session.id, student.id)).await;
        }
        super::live::changed(&state.kv, session.id).await;
    } else if reason == Some("position_needed") && judged.method.contains("qr") {
        // The scan proved presence in the room; the page finishes with the position.
        state.kv.set(&pass_key(session.id, student.id), &judged.flags.join(","), Some(PASS_FOR)).await?;
    }
    outcome(state, session, student.id, reason, late, now, judged.distance_m).await
}

async fn judge(
    state: &AppState,
    session: &SessionRow,
    student: &Student,
    via: Via,
    proof: &Proof,
    now: i64,
) -> ApiResult<Judged> {
    if session.state(now) != SessionState::Open {
        return Ok(Judged::refused("not_open"));
    }
    let on_roll: Option<Option<i64>> =
        sqlx::query_scalar("SELECT checked_at FROM checkin_roll WHERE session_id = $1 AND student_id = $2")
            .bind(session.id)
            .bind(student.id)
            .fetch_optional(state.db.pool())
            .await?;
    match on_roll {
        None => return Ok(Judged::refused("not_on_roll")),
        Some(Some(_)) => return Ok(Judged::refused("already_checked_in")),
        Some(None) => {}
    }
    let mut flags = Vec::new();
    let mut method = Vec::new();
    if session.has_code() {
        let verdict = if let Some((step, tag)) = &proof.scene {
            if !session.has(CheckinMethod::Qr) {
                return Ok(Judged::refused("method_not_allowed"));
            }
            method.push("qr");
            codes::judge_scene(&session.secret, *step, tag, now, session.rotate_seconds)
        } else if let Some(code) = proof.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            if !session.has(CheckinMethod::Code) {
                return Ok(Judged::refused("method_not_allowed"));
            }
            method.push("code");
            codes::judge_digits(&session.secret, code, now, session.rotate_seconds)
        } else if let Some(pass) = state.kv.get(&pass_key(session.id, student.id)).await? {
            method.push("qr");
            flags.extend(flags::parse(&pass));
            Verdict::Current
        } else {
            return Ok(Judged::refused("code_needed"));
        };
        match verdict {
            Verdict::Current => {}
            Verdict::JustRotated => flags.push("after_rotation"),
            Verdict::Expired => return Ok(Judged::refused("code_expired")),
            Verdict::Wrong => return Ok(Judged::refused("wrong_code")),
        }
    } else if proof.scene.is_some() || proof.code.as_deref().is_some_and(|c| !c.trim().is_empty()) {
        return Ok(Judged::refused("method_not_allowed"));
    }
    let mut judged = Judged { reason: None, flags, distance_m: None, position: None, method: String::new() };
    if let Some(fence) = session.fence().filter(|_| session.has(CheckinMethod::Geo)) {
        let position = match proof.position {
            Some(p) => Some(p),
            None if via != Via::Page => super::location::recent(state, student.id, now).await?,
            None => None,
        };
        let Some(position) = position else {
            judged.reason = Some("position_needed");
            judged.method = method.join("+");
            return Ok(judged);
        };
        let distance = distance_m((fence.latitude, fence.longitude), (position.latitude, position.longitude));
        judged.distance_m = Some(distance.round() as i64);
        judged.position = Some(position);
        if distance > fence.radius_m as f64 {
            judged.reason = Some("outside_fence");
            return Ok(judged);
        }
        method.push("geo");
    }
    judged.method = method.join("+");
    Ok(judged)
}

async fn outcome(
    state: &AppState,
    session: &SessionRow,
    student: i64,
    reason: Option<&'static str>,
    late: bool,
    now: i64,
    distance_m: Option<i64>,
) -> ApiResult<CheckinOutcome> {
    // Accepted: recorded just now. Refused: the earlier check-in, if any, is told.
    let (checked_at, was_late) = if reason.is_none() {
        (Some(now), late)
    } else {
        let checked: Option<(Option<i64>, crate::db::Flag)> =
            sqlx::query_as("SELECT checked_at, late FROM checkin_roll WHERE session_id = $1 AND student_id = $2")
                .bind(session.id)
                .bind(student)
                .fetch_optional(state.db.pool())
                .await?;
        checked.map_or((None, false), |(at, l)| (at, l.0))
    };
    let message = match reason {
        None => text::accepted(session, now, late),
        Some(code) => text::refused(code, session, checked_at, distance_m),
    };
    Ok(CheckinOutcome {
        accepted: reason.is_none(),
        reason: reason.map(str::to_string),
        message,
        late: was_late,
        checked_at: checked_at.map(to_time),
        distance_m,
    })
}
