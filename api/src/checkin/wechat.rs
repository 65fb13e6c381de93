//! Check-in from WeChat: scanning the projected QR code (SCAN, or subscribe with its
//! scene for a student who is not following yet), `签到 123456`, `签到` or the CHECKIN
//! menu key (a link to the check-in page), and LOCATION events (kept with consent).
//! The verdict is `attempt`'s; this only finds the student and the session.

use shared::CheckinOutcome;

use super::attempt::{self, Proof, Student, Via};
use super::{codes, location, sessions, text};
use crate::db::now_ms;
use crate::people::followers;
use crate::state::AppState;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::{Event, Reply};

async fn student_of(state: &AppState, openid: &str) -> anyhow::Result<Option<Student>> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM students WHERE openid = $1")
        .bind(openid)
        .fetch_optional(state.db.pool())
        .await?;
    Ok(id.map(|id| Student { id, openid: Some(openid.to_string()) }))
}

/// A handler's failure (logged by the webhook, which still answers WeChat).
fn failed(err: crate::error::ApiError) -> anyhow::Error {
    anyhow::anyhow!("check-in failed: {} ({})", err.body().message, err.body().code)
}

pub fn page_link(state: &AppState, session: Option<i64>) -> String {
    let next = session.map_or("/s/checkin".to_string(), |id| format!("/s/checkin/{id}"));
    format!("{}/api/v1/portal/oauth?next={next}", state.config.public_url)
}

fn answer(state: &AppState, session: i64, outcome: &CheckinOutcome) -> Reply {
    if outcome.reason.as_deref() == Some("position_needed") {
        return Reply::text(format!("{}\n{}", outcome.message, page_link(state, Some(session))));
    }
    Reply::text(outcome.message.clone())
}

pub async fn scanned(ctx: Context) -> HandlerResult {
    let state = &ctx.state;
    let openid = &ctx.incoming.openid;
    let Some(event) = ctx.incoming.event() else { return Ok(None) };
    if matches!(event, Event::Subscribe { .. }) {
        followers::followed(&state.db, openid).await?;
    }
    let Some((session_id, step, tag)) =
        event.key().as_deref().and_then(codes::parse_scene).map(|(s, st, t)| (s, st, t.to_string()))
    else {
        return Ok(None);
    };
    let Some(student) = student_of(state, openid).await? else {
        return Ok(Some(Reply::text(text::NOT_BOUND)));
    };
    let Some(session) = sessions::row(&state.db, session_id).await? else {
        return Ok(Some(Reply::text(text::NO_MATCH)));
    };
    let proof = Proof { scene: Some((step, tag)), ..Proof::default() };
    let outcome = attempt::attempt(state, &session, &student, Via::Scan, proof).await.map_err(failed)?;
    Ok(Some(answer(state, session.id, &outcome)))
}

/// `签到 123456`: tried against the student's open sessions that take digits; `签到`
/// alone (or the menu key) answers with the check-in page.
pub async fn code_sent(ctx: Context) -> HandlerResult {
    let state = &ctx.state;
    let Some(student) = student_of(state, &ctx.incoming.openid).await? else {
        return Ok(Some(Reply::text(text::NOT_BOUND)));
    };
    let now = now_ms();
    let open = sessions::open_for_student(&state.db, student.id, now).await?;
    let code: String = ctx.rest.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() || ctx.incoming.text().is_none() {
        return Ok(Some(Reply::text(match open.as_slice() {
            [] => text::NO_SESSION.to_string(),
            [one] => format!(
                "「{}」正在签到：发送「签到 签到码」，或打开签到页面：\n{}",
                one.title,
                page_link(state, Some(one.id))
            ),
            _ => format!("你有 {} 个进行中的签到，打开签到页面：\n{}", open.len(), page_link(state, None)),
        })));
    }
    let with_digits: Vec<_> = open.iter().filter(|s| s.has(shared::CheckinMethod::Code)).collect();
    // The session whose code this is; with none, the try is recorded against the only
    // session that takes digits (so the teacher sees the wrong code), if there is one.
    let target = with_digits
        .iter()
        .find(|s| codes::judge_digits(&s.secret, &code, now, s.rotate_seconds) != codes::Verdict::Wrong)
        .or(if with_digits.len() == 1 { with_digits.first() } else { None });
    let Some(session) = target else {
        return Ok(Some(Reply::text(if open.is_empty() { text::NO_SESSION } else { text::NO_MATCH })));
    };
    let proof = Proof { code: Some(code), ..Proof::default() };
    let outcome = attempt::attempt(state, session, &student, Via::Text, proof).await.map_err(failed)?;
    Ok(Some(answer(state, session.id, &outcome)))
}

/// A LOCATION event: kept if the student consented; never answered.
pub async fn location(ctx: Context) -> HandlerResult {
    if let Some(Event::Location { latitude, longitude, precision }) = ctx.incoming.event() {
        location::report(&ctx.state.db, &ctx.incoming.openid, *latitude, *longitude, *precision).await?;
    }
    Ok(None)
}
