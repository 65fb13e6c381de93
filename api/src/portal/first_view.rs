//! Which student pages the server draws a first view of, sent with the page's shell
//! (`http::spa`) so the student sees it before the bundle runs: today a notice
//! (`receipts::page`). Only for a browser carrying the `banji_student` cookie, which
//! `oauth` sets in the browser that went through WeChat's authorisation; without it, or
//! when the notice cannot be shown (not theirs, not bound, gone), the plain shell goes
//! out and the bundle says why, as it always did.

use poem::Request;

use super::oauth::STUDENT_COOKIE;
use crate::state::AppState;

/// The first view of the student page at `path`, when there is one for this browser.
pub async fn for_page(state: &AppState, req: &Request, path: &str) -> Option<String> {
    let id = path.strip_prefix("/s/notices/")?.trim_end_matches('/').parse::<i64>().ok()?;
    let token = crate::http::cookie(req, STUDENT_COOKIE)?;
    let openid = state.jwt.verify_student(token).ok()?;
    match crate::receipts::page::notice(state, id, &openid).await {
        Ok(html) => Some(html),
        Err(err) => {
            tracing::debug!(error = ?err, notice = id, "no first view for this notice page");
            None
        }
    }
}
