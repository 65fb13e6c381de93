//! Suspicion: what honest check-ins rarely look like. A flagged check-in still counts
//! (a false alarm must not mark a present student absent), but the teacher sees the flag
//! on the roll and among the attempts, and decides.
//!
//! - `same_device`: the page's device id was used by another student in this session
//!   (one phone checking in a friend).
//! - `same_position`: coordinates equal, to six decimals (~0.1 m), to another student's in
//!   this session — two real phones never agree that closely; a shared fake location does.
//! - `repeated_position`: equal to the student's own position in an earlier session
//!   (a location-faking app replays one fixed point).
//! - `after_rotation`: the code was the one just replaced (set by `attempt`).
//!
//! Both students of a shared device or position are flagged, not only the second.

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::attempt::Position;
use crate::db::Db;

/// Half of the sixth decimal: positions this close are "the same".
const SAME: f64 = 0.000_000_5;

pub fn device_hash(device: &str) -> String {
    hex::encode(&Sha256::digest(device.trim().as_bytes())[..12])
}

pub fn parse(text: &str) -> Vec<&'static str> {
    text.split(',')
        .filter_map(|f| match f {
            "same_device" => Some("same_device"),
            "same_position" => Some("same_position"),
            "repeated_position" => Some("repeated_position"),
            "after_rotation" => Some("after_rotation"),
            _ => None,
        })
        .collect()
}

const NEAR: &str = "latitude BETWEEN $3 AND $4 AND longitude BETWEEN $5 AND $6";

/// The flags an accepted try earns besides `after_rotation`.
pub async fn suspicions(
    db: &Db,
    session: i64,
    student: i64,
    device: Option<&str>,
    position: Option<Position>,
) -> sqlx::Result<Vec<&'static str>> {
    let mut flags = Vec::new();
    if let Some(device) = device {
        let shared: Option<i64> = sqlx::query_scalar(
            "SELECT student_id FROM checkin_attempts WHERE session_id = $1 AND device = $2 AND student_id <> $3 LIMIT 1",
        )
        .bind(session)
        .bind(device)
        .bind(student)
        .fetch_optional(db.pool())
        .await?;
        if shared.is_some() {
            flags.push("same_device");
        }
    }
    if let Some(p) = position {
        let near = |sql: &str| {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
                .bind(session)
                .bind(student)
                .bind(p.latitude - SAME)
                .bind(p.latitude + SAME)
                .bind(p.longitude - SAME)
                .bind(p.longitude + SAME)
        };
        let others = format!(
            "SELECT student_id FROM checkin_attempts WHERE session_id = $1 AND student_id <> $2 AND {NEAR} LIMIT 1"
        );
        if near(&others).fetch_optional(db.pool()).await?.is_some() {
            flags.push("same_position");
        }
        let earlier = format!(
            "SELECT session_id FROM checkin_attempts WHERE student_id = $2 AND session_id <> $1 AND accepted = TRUE \
             AND {NEAR} LIMIT 1"
        );
        if near(&earlier).fetch_optional(db.pool()).await?.is_some() {
            flags.push("repeated_position");
        }
    }
    Ok(flags)
}

/// Adds the shared-device / shared-position flag to the other students' check-ins.
pub async fn mark_others(
    tx: &mut AnyConnection,
    session: i64,
    student: i64,
    flags: &[&'static str],
    device: Option<&str>,
    position: Option<Position>,
) -> sqlx::Result<()> {
    let mut others: Vec<(i64, &'static str)> = Vec::new();
    if let (true, Some(device)) = (flags.contains(&"same_device"), device) {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT student_id FROM checkin_attempts WHERE session_id = $1 AND device = $2 \
             AND student_id <> $3 AND student_id IS NOT NULL",
        )
        .bind(session)
        .bind(device)
        .bind(student)
        .fetch_all(&mut *tx)
        .await?;
        others.extend(ids.into_iter().map(|id| (id, "same_device")));
    }
    if let (true, Some(p)) = (flags.contains(&"same_position"), position) {
        let sql = format!(
            "SELECT DISTINCT student_id FROM checkin_attempts WHERE session_id = $1 AND student_id <> $2 \
             AND student_id IS NOT NULL AND {NEAR}"
        );
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(session)
            .bind(student)
            .bind(p.latitude - SAME)
            .bind(p.latitude + SAME)
            .bind(p.longitude - SAME)
            .bind(p.longitude + SAME)
            .fetch_all(&mut *tx)
            .await?;
        others.extend(ids.into_iter().map(|id| (id, "same_position")));
    }
    for (other, flag) in others {
        let current: Option<String> = sqlx::query_scalar(
            "SELECT flags FROM checkin_roll WHERE session_id = $1 AND student_id = $2 AND checked_at IS NOT NULL",
        )
        .bind(session)
        .bind(other)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = current else { continue };
        let mut list = parse(&current);
        if !list.contains(&flag) {
            list.push(flag);
            sqlx::query("UPDATE checkin_roll SET flags = $1 WHERE session_id = $2 AND student_id = $3")
                .bind(list.join(","))
                .bind(session)
                .bind(other)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}
