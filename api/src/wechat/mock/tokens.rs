//! Access tokens and the jsapi ticket, with the platform's two behaviours: the legacy
//! `/cgi-bin/token` issues a new token on every call (the previous one keeps working for
//! 5 minutes), while `stable_token` returns the same token until it expires, and only a
//! `force_refresh` (at most every 30 s, 20 a day) replaces it. In its last 5 minutes a
//! stable token is replaced by a new one (the old one keeps working until it expires),
//! as the platform renews it early.

use std::sync::Arc;
use std::time::{Duration, Instant};

use poem::handler;
use poem::web::{Data, Query};
use poem::Response;
use serde_json::json;

use super::api::{authed, Params};
use super::state::{random_id, Failure, MockState, OVERLAP, TOKEN_LIFETIME};
use super::{json_body, wx, MockPlatform};

fn credentials(mock: &MockPlatform, appid: Option<&str>, secret: Option<&str>) -> Result<(), Failure> {
    if appid != Some(mock.settings.appid.as_str()) {
        return Err((40013, "invalid appid"));
    }
    if secret != Some(mock.settings.secret.as_str()) {
        return Err((40125, "invalid appsecret"));
    }
    Ok(())
}

fn issue(state: &mut MockState) -> String {
    let token = format!("MOCK_{}", random_id(48));
    state.tokens.insert(token.clone(), Instant::now() + TOKEN_LIFETIME);
    token
}

fn remaining(expires: Instant) -> u64 {
    expires.saturating_duration_since(Instant::now()).as_secs()
}

#[handler]
pub fn legacy_token(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        if q.get("grant_type").map(String::as_str) != Some("client_credential") {
            return Err((40002, "invalid grant_type"));
        }
        credentials(&mock, q.get("appid").map(String::as_str), q.get("secret").map(String::as_str))?;
        let mut state = mock.state();
        state.token_requests += 1;
        // Every earlier token now lives at most 5 more minutes.
        let cutoff = Instant::now() + OVERLAP;
        for expires in state.tokens.values_mut() {
            *expires = (*expires).min(cutoff);
        }
        let token = issue(&mut state);
        Ok(json!({ "access_token": token, "expires_in": TOKEN_LIFETIME.as_secs() }))
    })())
}

#[handler]
pub fn stable_token(mock: Data<&Arc<MockPlatform>>, body: String) -> Response {
    wx((|| {
        let body = json_body(&body)?;
        if body["grant_type"].as_str() != Some("client_credential") {
            return Err((40002, "invalid grant_type"));
        }
        credentials(&mock, body["appid"].as_str(), body["secret"].as_str())?;
        let force = body["force_refresh"].as_bool().unwrap_or(false);
        let mut state = mock.state();
        // Every request counts, whether it is answered from the current token or not.
        state.token_requests += 1;
        let current = state.stable.clone().and_then(|t| state.tokens.get(&t).map(|e| (t, *e)));
        if let (false, Some((token, expires))) = (force, current.clone()) {
            if expires > Instant::now() + OVERLAP {
                return Ok(json!({ "access_token": token, "expires_in": remaining(expires) }));
            }
        }
        if force {
            state.forced.retain(|t| t.elapsed() < Duration::from_secs(86_400));
            if state.forced.last().is_some_and(|t| t.elapsed() < Duration::from_secs(30)) {
                return Err((45011, "api minute-quota reach limit, force refresh at most every 30s"));
            }
            if state.forced.len() >= 20 {
                return Err((45009, "reach max api daily quota limit"));
            }
            state.forced.push(Instant::now());
            // A forced refresh ends the previous stable token at once.
            if let Some((old, _)) = current {
                state.tokens.remove(&old);
            }
        }
        let token = issue(&mut state);
        state.stable = Some(token.clone());
        Ok(json!({ "access_token": token, "expires_in": TOKEN_LIFETIME.as_secs() }))
    })())
}

#[handler]
pub fn jsapi_ticket(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        if q.get("type").map(String::as_str) != Some("jsapi") {
            return Err((40097, "invalid args"));
        }
        let ticket = match &state.ticket {
            Some((ticket, expires)) if *expires > Instant::now() => ticket.clone(),
            _ => {
                let ticket = random_id(86);
                state.ticket = Some((ticket.clone(), Instant::now() + TOKEN_LIFETIME));
                ticket
            }
        };
        Ok(json!({ "ticket": ticket, "expires_in": TOKEN_LIFETIME.as_secs() }))
    })())
}
