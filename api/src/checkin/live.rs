//! What a session looks like right now: the projector's display (the current code as
//! digits and as a WeChat QR code, the count, the latest names) and the live view's
//! report (counts overall and by class). Every recorded check-in, 补签 or removal
//! publishes on the topic `checkin:<id>`; open pages follow it by server-sent events
//! (`crate::http::live`), across replicas through Redis.

use std::time::Duration;

use shared::{CheckinDisplay, CheckinReport, ClassAttendance, RecentCheckin, SessionState};

use super::codes;
use super::sessions::{self, SessionRow};
use crate::db::{now_ms, to_time, Db, Flag};
use crate::error::ApiResult;
use crate::http::live;
use crate::kv::Kv;
use crate::state::AppState;
use crate::wechat::client::media::QrScene;

pub fn topic(session_id: i64) -> String {
    format!("checkin:{session_id}")
}

pub async fn changed(kv: &Kv, session_id: i64) {
    live::changed(kv, &topic(session_id)).await;
}

/// The newest check-ins, newest first.
pub async fn latest(db: &Db, session_id: i64, limit: i64) -> sqlx::Result<Vec<RecentCheckin>> {
    let rows: Vec<(String, Option<String>, i64, Flag)> = sqlx::query_as(
        "SELECT s.name, c.name, r.checked_at, r.late FROM checkin_roll r JOIN students s ON s.id = r.student_id \
         LEFT JOIN classes c ON c.id = r.class_id WHERE r.session_id = $1 AND r.checked_at IS NOT NULL \
         ORDER BY r.checked_at DESC LIMIT $2",
    )
    .bind(session_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(student_name, class_name, at, late)| RecentCheckin {
            student_name,
            class_name,
            checked_at: to_time(at),
            late: late.0,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ClassTally {
    class_id: Option<i64>,
    class_name: Option<String>,
    #[sqlx(flatten)]
    tally: sessions::Tally,
}

pub async fn by_class(db: &Db, session_id: i64) -> sqlx::Result<Vec<ClassAttendance>> {
    let sql = format!(
        "SELECT r.class_id, c.name AS class_name, {} FROM checkin_roll r LEFT JOIN classes c ON c.id = r.class_id \
         WHERE r.session_id = $1 GROUP BY r.class_id, c.name ORDER BY c.name",
        sessions::TALLY
    );
    let rows: Vec<ClassTally> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(session_id).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|r| ClassAttendance {
            class_id: r.class_id,
            class_name: r.class_name.unwrap_or_else(|| "未分班".into()),
            counts: r.tally.into(),
        })
        .collect())
}

pub async fn report(db: &Db, row: SessionRow) -> ApiResult<CheckinReport> {
    let id = row.id;
    Ok(CheckinReport {
        session: sessions::dto(db, row).await?,
        classes: by_class(db, id).await?,
        latest: latest(db, id, 20).await?,
    })
}

/// The QR code of a step: made once per step and shared through the Kv, so several
/// projectors (or replicas) show the same code and the platform is asked once.
async fn qr_image(state: &AppState, row: &SessionRow, step: i64) -> Option<String> {
    let key = format!("checkin-qr:{}:{step}", row.id);
    let client = &state.wechat.client;
    if let Ok(Some(ticket)) = state.kv.get(&key).await {
        return Some(client.qrcode_image_url(&ticket));
    }
    // Valid a little past its window, so a scan made as it rotates still reaches us (and
    // is judged by its step); at least a minute, the platform's shortest.
    let expire = (row.rotate_seconds * 3).max(60) as u32;
    match client.create_qrcode(&QrScene::Str(codes::scene(row.id, &row.secret, step)), Some(expire)).await {
        Ok(qr) => {
            let ttl = Duration::from_secs(row.rotate_seconds.max(1) as u64 * 2);
            let _ = state.kv.set(&key, &qr.ticket, Some(ttl)).await;
            Some(client.qrcode_image_url(&qr.ticket))
        }
        Err(err) => {
            tracing::warn!(error = %err, session = row.id, "could not make the check-in QR code; the digits still work");
            None
        }
    }
}

pub async fn display(state: &AppState, row: SessionRow) -> ApiResult<CheckinDisplay> {
    let now = now_ms();
    let open = row.state(now) == SessionState::Open && row.has_code();
    let step = row.current_step(now);
    let qr_image_url =
        if open && row.has(shared::CheckinMethod::Qr) { qr_image(state, &row, step).await } else { None };
    let code = (open && row.has(shared::CheckinMethod::Code)).then(|| codes::digits(&row.secret, step));
    let counts = sessions::counts(&state.db, &[row.id]).await?.remove(&row.id).unwrap_or_default();
    Ok(CheckinDisplay {
        session_id: row.id,
        state: row.state(now),
        code,
        qr_image_url,
        rotates_at: open.then(|| to_time(codes::step_ends_ms(step, row.rotate_seconds))),
        rotate_seconds: row.rotate_seconds,
        counts,
        latest: latest(&state.db, row.id, 12).await?,
        title: row.title,
    })
}
