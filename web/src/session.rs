//! The signed-in session: tokens in localStorage (so a reload keeps the login) and the
//! current user in a signal the whole app reads.
//!
//! The user the login was made for is kept beside the tokens, so a reload draws the page
//! at once while `/me` confirms the login, instead of one round trip later (150 ms and
//! more on a phone's 3G, docs/benchmarks.md "Pages on a phone"); a login `/me` refuses
//! ends as before, and a changed user (a new role) replaces the kept one.
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
    /// Who signed in, as the login (or the last `/me`) said; absent in logins kept by
    /// earlier releases.
    #[serde(default)]
    user: Option<User>,
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
        user: Some(login.user.clone()),
    };
    let _ = LocalStorage::set(STORAGE_KEY, tokens);
}

/// Keeps `user` as the one the stored login is for.
fn remember(user: &User) {
    if let Some(mut tokens) = tokens() {
        tokens.user = Some(user.clone());
        let _ = LocalStorage::set(STORAGE_KEY, tokens);
    }
}

fn set_auth(auth: Auth) {
    AUTH.with(|a| {
        if let Some(signal) = *a.borrow() {
            signal.set(auth);
        }
    });
}

/// Whether two answers about the signed-in user draw the same pages: who, their name,
/// role and state.
fn same_rights(a: &User, b: &User) -> bool {
    (a.id, &a.username, &a.display_name, a.role, a.disabled, a.pending)
        == (b.id, &b.username, &b.display_name, b.role, b.disabled, b.pending)
}

/// Creates the app-wide auth signal and checks stored tokens against `/me`: signed in at
/// once as the kept user when there is one (the page's own calls start beside `/me`),
/// checking otherwise.
pub fn init() -> RwSignal<Auth> {
    let stored = tokens();
    let initial = match &stored {
        None => Auth::SignedOut,
        Some(Tokens { user: Some(user), .. }) => Auth::SignedIn(user.clone()),
        Some(_) => Auth::Checking,
    };
    let auth = RwSignal::new(initial);
    AUTH.with(|a| *a.borrow_mut() = Some(auth));
    if stored.is_some() {
        leptos::task::spawn_local(async move {
            match crate::api::auth::me().await {
                Ok(user) => {
                    remember(&user);
                    // The same user as drawn (a later last login aside): nothing to redraw,
                    // or the page would be made again under the reader's fingers.
                    let drawn = matches!(auth.get_untracked(), Auth::SignedIn(kept) if same_rights(&kept, &user));
                    if !drawn {
                        auth.set(Auth::SignedIn(user));
                    }
                }
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
