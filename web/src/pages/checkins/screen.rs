//! The projector page (`/checkins/:id/screen`): no console around it, the session's title,
//! the current QR code and six-digit code side by side in type big enough for the back
//! row, a countdown to the next code (fetched when it comes), the count checked in
//! against the count expected, and the latest names sliding in along the bottom — all following the
//! session's event stream. Sized in viewport units for 1920×1080 and 1280×720 alike.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::{CheckinDisplay, RecentCheckin, SessionState};

use crate::api::{self, ClientError};
use crate::components::{percent, rate};
use crate::format::clock;
use crate::i18n::t;
use crate::pages::live::{follow, refresher, Live, Stream};
use crate::pages::{mounted, pause};

/// How often the countdown moves.
const TICK_MS: u32 = 250;
/// Ask again this often while the server still shows a code that should have changed,
/// or while the session has not started.
const RETRY_MS: i64 = 1_500;
const WAITING_MS: i64 = 5_000;

#[component]
pub fn CheckinScreenPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    move || match id.get() {
        Some(id) => view! { <Screen id=id /> }.into_any(),
        None => view! { <crate::pages::NotFound /> }.into_any(),
    }
}

fn fullscreen() {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let root: wasm_bindgen::JsValue = root.into();
    if let Ok(f) = web_sys::js_sys::Reflect::get(&root, &"requestFullscreen".into()) {
        if let Ok(f) = wasm_bindgen::JsCast::dyn_into::<web_sys::js_sys::Function>(f) {
            let _ = f.call0(&root);
        }
    }
}

#[component]
fn Screen(id: i64) -> impl IntoView {
    let display = RwSignal::new(None::<CheckinDisplay>);
    let error = RwSignal::new(None::<ClientError>);
    let live = RwSignal::new(Live::Connecting);
    let now = RwSignal::new(Utc::now());
    let refresh = refresher(move || api::checkin::display(id), display, error);
    refresh.run(());
    follow(Stream::Checkin(id), live, refresh);

    // The clock: moves the countdown, and fetches the next code once this one is due.
    let alive = mounted();
    let last_ask = StoredValue::new(Utc::now());
    leptos::task::spawn_local(async move {
        loop {
            pause(TICK_MS).await;
            if !alive.load(std::sync::atomic::Ordering::Relaxed) {
                return;
            }
            let at = Utc::now();
            now.set(at);
            let (due, waiting) = display.with_untracked(|d| match d {
                Some(d) => (d.rotates_at.is_some_and(|r| r <= at), d.state == SessionState::Scheduled),
                None => (false, false),
            });
            let since = (at - last_ask.get_value()).num_milliseconds();
            if (due && since >= RETRY_MS) || (waiting && since >= WAITING_MS) {
                last_ask.set_value(at);
                refresh.run(());
            }
        }
    });
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(t::SCREEN_PAGE_TITLE);
    }

    // Memos: each part is drawn again only when what it shows changes.
    let loaded = Memo::new(move |_| display.with(Option::is_some));
    let counts = Memo::new(move |_| display.with(|d| d.as_ref().map(|d| d.counts)));
    let state = Memo::new(move |_| display.with(|d| d.as_ref().map(|d| d.state)));
    let title = Memo::new(move |_| display.with(|d| d.as_ref().map(|d| d.title.clone()).unwrap_or_default()));
    let code = Memo::new(move |_| display.with(|d| d.as_ref().and_then(|d| d.code.clone())));
    let qr = Memo::new(move |_| display.with(|d| d.as_ref().and_then(|d| d.qr_image_url.clone())));
    let rotation = Memo::new(move |_| display.with(|d| d.as_ref().map(|d| (d.rotates_at, d.rotate_seconds))));
    let latest = Memo::new(move |_| display.with(|d| d.as_ref().map(|d| d.latest.clone()).unwrap_or_default()));

    let countdown = move || {
        let (Some(at), seconds) = rotation.get()? else { return None };
        let left_ms = (at - now.get()).num_milliseconds().max(0);
        let share = (left_ms as f64 / (seconds.max(1) * 1000) as f64).clamp(0.0, 1.0);
        let left = (left_ms + 999) / 1000;
        Some(view! {
            <div class="countdown" id="screen-countdown">
                <div class="countdown-track"><div class="countdown-fill" style:width=format!("{:.1}%", share * 100.0)></div></div>
                <span>{t::next_code_in(left)}</span>
            </div>
        })
    };
    let digits = move || {
        code.get().map(|c| {
            let shown = c.chars().map(|d| view! { <span class="digit">{d.to_string()}</span> }).collect_view();
            view! {
                <section class="screen-code">
                    <p class="screen-label">{t::SCREEN_CODE_LABEL}</p>
                    <div class="digits" id="screen-code" data-code=c.clone() aria-label=c.clone()>{shown}</div>
                    <p class="screen-help">{t::screen_code_help(&c)}</p>
                    {countdown}
                </section>
            }
        })
    };
    let qr_panel = move || {
        qr.get().map(|url| {
            view! {
                <section class="screen-qr">
                    <div class="qr-frame"><img id="screen-qr" src=url alt=t::SCREEN_QR_ALT /></div>
                    <p class="screen-help">{t::SCREEN_QR_HELP}</p>
                </section>
            }
        })
    };
    let waiting = move || {
        let state = state.get()?;
        let text = match state {
            SessionState::Scheduled => t::SCREEN_NOT_STARTED,
            SessionState::Closed => t::SCREEN_CLOSED,
            SessionState::Open if code.with(Option::is_none) && qr.with(Option::is_none) => t::SCREEN_GEO_ONLY,
            SessionState::Open => return None,
        };
        Some(view! { <section class="screen-message" id="screen-message"><p>{text}</p></section> })
    };
    // Keyed, so a new name slides in and the others stay put.
    let anyone = Memo::new(move |_| latest.with(|l| !l.is_empty()));
    let names = move || {
        if !anyone.get() {
            return view! { <p class="screen-empty">{t::SCREEN_NOBODY_YET}</p> }.into_any();
        }
        view! {
            <ul class="screen-names" id="screen-names">
                <For each=move || latest.get() key=|c: &RecentCheckin| (c.student_name.clone(), c.checked_at) let:c>
                    <li class:late=c.late>
                        <strong>{c.student_name.clone()}</strong>
                        <small>{c.class_name.clone().unwrap_or_default()}</small>
                        <time>{clock(&c.checked_at)}{c.late.then(|| format!(" · {}", t::LATE))}</time>
                    </li>
                </For>
            </ul>
        }
        .into_any()
    };
    let progress = move || {
        let c = counts.get()?;
        let share = rate(c.checked_in, c.expected);
        Some(view! {
            <div class="screen-progress">
                <div class="screen-progress-fill" style:width=format!("{:.1}%", share * 100.0)></div>
            </div>
            <span class="screen-rate">{percent(share)}</span>
        })
    };
    view! {
        <div class="screen" class:closed=move || state.get() == Some(SessionState::Closed)>
            {move || match (loaded.get(), error.get()) {
                (false, Some(err)) => view! {
                    <div class="screen-message"><p>{t::error(&err)}</p>
                        <button class="secondary" on:click=move |_| refresh.run(())>{t::RETRY}</button></div>
                }.into_any(),
                (false, None) => view! { <div class="screen-message"><p>{t::LOADING}</p></div> }.into_any(),
                (true, _) => view! {
                    <header class="screen-head">
                        <h1 id="screen-title">{move || title.get()}</h1>
                        <div class="screen-count" id="screen-count">
                            <span class="screen-label">{t::CHECKED_IN}</span>
                            <strong id="screen-checked">{move || counts.get().map(|c| c.checked_in)}</strong>
                            <span class="of">" / "{t::EXPECTED}" "<b id="screen-expected">{move || counts.get().map(|c| c.expected)}</b></span>
                        </div>
                    </header>
                    <main class="screen-main">
                        {waiting}
                        {qr_panel}
                        {digits}
                    </main>
                    <section class="screen-latest">
                        <h2>{t::LATEST_CHECKINS}</h2>
                        {names}
                    </section>
                    <footer class="screen-foot">
                        {progress}
                        <span class="screen-late">{move || counts.get().map(|c| t::late_count(c.late))}</span>
                        {move || match live.get() {
                            Live::On => view! { <span class="screen-live on" id="screen-live">{t::LIVE}</span> }.into_any(),
                            _ => view! { <span class="screen-live">{t::LIVE_CONNECTING}</span> }.into_any(),
                        }}
                        <button class="screen-fullscreen" on:click=|_| fullscreen()>{t::FULLSCREEN}</button>
                    </footer>
                }.into_any(),
            }}
        </div>
    }
}
