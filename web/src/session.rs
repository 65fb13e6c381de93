//! The signed-in session: tokens in localStorage (so a reload keeps the login) and the
//! current user in a signal the whole app reads.
//!
//! Access tokens live 15 minutes. Before each request the helper refreshes one that is
//! about to expire, and after a 401 it refreshes once and retries; concurrent requests
//! share a single refresh, because a refresh token works once and a second exchange
//! would look like theft and end the login.

use std::cell::RefCell;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::{LoginResponse, User};

const STORAGE_KEY: &str = "banji.session";
/// Refresh when the access token has less than this left.
const REFRESH_MARGIN_MS: f64 = 30_000.0;

#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// Tokens were found at start and are being checked.
    Checking,
    SignedOut,
    SignedIn(User),
}

#[derive(Serialize, Deserialize, Clone)]
struct Tokens {
    access_token: String,
    refresh_token: String,
    /// Milliseconds since the epoch (JS clock).
    expires_at: f64,
}

thread_local! {
    static AUTH: RefCell<Option<RwSignal<Auth>>> = const { RefCell::new(None) };
    static REFRESHING: RefCell<Option<Shared<LocalBoxFuture<'static, bool>>>> = const { RefCell::new(None) };
}

fn now_ms() -> f64 {
    web_sys::js_sys::Date::now()
}

fn tokens() -> Option<Tokens> {
    LocalStorage::get(STORAGE_KEY).ok()
}

fn save(login: &LoginResponse) {
    let tokens = Tokens {
        access_token: login.access_token.clone(),
        refresh_token: login.refresh_token.clone(),
        expires_at: now_ms() + login.expires_in as f64 * 1000.0,
    };
    let _ = LocalStorage::set(STORAGE_KEY, tokens);
}

fn set_auth(auth: Auth) {
    AUTH.with(|a| {
        if let Some(signal) = *a.borrow() {
            signal.set(auth);
        }
    });
}

/// Creates the app-wide auth signal and checks stored tokens against `/me`.
pub fn init() -> RwSignal<Auth> {
    let initial = if tokens().is_some() { Auth::Checking } else { Auth::SignedOut };
    let auth = RwSignal::new(initial.clone());
    AUTH.with(|a| *a.borrow_mut() = Some(auth));
    if initial == Auth::Checking {
        leptos::task::spawn_local(async {
            match crate::api::auth::me().await {
                Ok(user) => set_auth(Auth::SignedIn(user)),
                Err(_) => expire(),
            }
        });
    }
    auth
}

pub fn auth() -> RwSignal<Auth> {
    AUTH.with(|a| a.borrow().expect("session::init ran"))
}

pub fn user() -> Option<User> {
    match auth().get() {
        Auth::SignedIn(user) => Some(user),
        _ => None,
    }
}

pub fn sign_in(login: LoginResponse) {
    save(&login);
    set_auth(Auth::SignedIn(login.user));
}

/// Forgets the login locally (after the server refused it).
pub fn expire() {
    LocalStorage::delete(STORAGE_KEY);
    set_auth(Auth::SignedOut);
}

/// Ends the login on the server too.
pub async fn sign_out() {
    if let Some(tokens) = tokens() {
        let _ = crate::api::auth::logout(tokens.refresh_token).await;
    }
    expire();
}

pub fn access_token() -> Option<String> {
    tokens().map(|t| t.access_token)
}

pub async fn ensure_fresh() {
    if tokens().is_some_and(|t| t.expires_at - now_ms() < REFRESH_MARGIN_MS) {
        refresh().await;
    }
}

/// Exchanges the refresh token once, however many requests ask at the same moment.
pub async fn refresh() -> bool {
    let running = REFRESHING.with(|r| r.borrow().clone());
    let shared = match running {
        Some(shared) => shared,
        None => {
            let fut: LocalBoxFuture<'static, bool> = async {
                let Some(tokens) = tokens() else { return false };
                let ok = match crate::api::auth::refresh(tokens.refresh_token).await {
                    Ok(login) => {
                        save(&login);
                        true
                    }
                    Err(_) => false,
                };
                REFRESHING.with(|r| *r.borrow_mut() = None);
                ok
            }
            .boxed_local();
            let shared = fut.shared();
            REFRESHING.with(|r| *r.borrow_mut() = Some(shared.clone()));
            shared
        }
    };
    shared.await
}
