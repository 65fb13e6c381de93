//! `/s/checkin`: the student's sessions (open ones first), each marked checked in, late,
//! missed or still to do; and `/s/checkin/:id`, the check-in itself: one big button, the
//! six-digit code when the session needs it (prefilled from `?code=`), the phone's
//! position when it needs one (WeChat's JSSDK inside WeChat, the browser's otherwise),
//! and the answer — a big green tick with the time (and 迟到), or the refusal in red with
//! its reason and, outside the fence, how far away the phone was.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::{CheckinOutcome, CheckinRequest, SessionState, StudentCheckin};

use super::notices::failed;
use super::PortalGate;
use crate::api;
use crate::components::{Empty, Loading};
use crate::format::{clock, datetime, time_range};
use crate::i18n::t;
use crate::pages::checkins::state_badge;
use crate::position;

#[component]
pub fn PortalCheckins() -> impl IntoView {
    view! { <PortalGate><SessionList /></PortalGate> }
}

#[component]
pub fn PortalCheckin() -> impl IntoView {
    view! { <PortalGate><CheckinPage /></PortalGate> }
}

fn order(state: SessionState) -> u8 {
    match state {
        SessionState::Open => 0,
        SessionState::Scheduled => 1,
        SessionState::Closed => 2,
    }
}

/// 已签到 / 迟到 / 未签到 / 待签到 for one of my sessions.
fn my_mark(s: &StudentCheckin) -> AnyView {
    match (s.checked_at.is_some(), s.late, s.state) {
        (true, true, _) => view! { <span class="badge warn">{t::LATE}</span> }.into_any(),
        (true, false, _) => view! { <span class="badge on">{t::CHECKED_IN}</span> }.into_any(),
        (false, _, SessionState::Closed) => view! { <span class="badge off">{t::MISSING}</span> }.into_any(),
        (false, _, SessionState::Open) => view! { <span class="badge info">{t::TO_CHECK_IN}</span> }.into_any(),
        (false, _, SessionState::Scheduled) => ().into_any(),
    }
}

#[component]
fn SessionList() -> impl IntoView {
    let list = LocalResource::new(api::checkin::my_sessions);
    let item = |s: StudentCheckin| {
        let href = format!("/s/checkin/{}", s.id);
        let open = s.state == SessionState::Open;
        let mark = my_mark(&s);
        view! {
            <li class:open=open>
                <A href=href>
                    <span class="notice-line">
                        <strong>{s.title.clone()}</strong>
                        <span class=state_badge(s.state)>{t::session_state(s.state)}</span>
                        {mark}
                    </span>
                    <small>{time_range(&s.starts_at, &s.ends_at)}</small>
                </A>
            </li>
        }
    };
    view! {
        <div class="portal-nav">
            <A href="/s/" attr:class="link">{"‹ "}{t::PORTAL_BACK}</A>
        </div>
        <h2>{t::PORTAL_CHECKINS}</h2>
        <Transition fallback=Loading>
            {move || list.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <Empty text=t::PORTAL_NO_CHECKINS /> }.into_any(),
                Ok(mut list) => {
                    list.sort_by_key(|s| (order(s.state), s.starts_at));
                    view! { <ul class="card portal-notices" id="portal-checkins">{list.into_iter().map(item).collect_view()}</ul> }.into_any()
                }
                Err(err) => failed(err),
            })}
        </Transition>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Ready,
    Locating,
    Sending,
}

#[component]
fn CheckinPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = params.read_untracked().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let version = RwSignal::new(0u32);
    let session = LocalResource::new(move || {
        version.track();
        api::checkin::my_session(id)
    });
    let code = RwSignal::new(query.read_untracked().get("code").unwrap_or_default());
    let outcome = RwSignal::new(None::<CheckinOutcome>);
    let phase = RwSignal::new(Phase::Ready);
    let problem = RwSignal::new(None::<String>);

    let submit = move |s: StudentCheckin| {
        let typed: String = code.get_untracked().chars().filter(char::is_ascii_digit).collect();
        if s.needs_code && typed.len() != 6 {
            problem.set(Some(t::PORTAL_CODE_NEEDED.into()));
            return;
        }
        problem.set(None);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let mut request = CheckinRequest {
                code: (!typed.is_empty()).then_some(typed),
                device: Some(position::device_id()),
                ..CheckinRequest::default()
            };
            if s.needs_position {
                phase.set(Phase::Locating);
                match position::current().await {
                    Ok(fix) => {
                        request.latitude = Some(fix.latitude);
                        request.longitude = Some(fix.longitude);
                        request.accuracy_m = fix.accuracy_m;
                    }
                    Err(e) => {
                        phase.set(Phase::Ready);
                        problem.set(Some(t::position_error(e).to_string()));
                        return;
                    }
                }
            }
            phase.set(Phase::Sending);
            let result = api::checkin::check_in(id, &request).await;
            phase.set(Phase::Ready);
            match result {
                Ok(o) => {
                    let done = o.accepted || o.reason.as_deref() == Some("already_checked_in");
                    outcome.set(Some(o));
                    if done {
                        version.update(|v| *v += 1);
                    }
                }
                Err(err) => problem.set(Some(t::portal_error(&err))),
            }
        });
    };

    let show = move |s: StudentCheckin| {
        let needs = t::needs(s.needs_code, s.needs_position);
        let header = view! {
            <div class="card checkin-head">
                <h2 id="portal-checkin-title">{s.title.clone()}</h2>
                <p class="notice-line">
                    <span class=state_badge(s.state)>{t::session_state(s.state)}</span>
                    <small class="hint">{time_range(&s.starts_at, &s.ends_at)}</small>
                </p>
                {s.late_after.map(|at| view! { <p class="hint">{t::late_after_at(&datetime(&at))}</p> })}
            </div>
        };
        let body = if let Some(at) = s.checked_at {
            done(&at, s.late).into_any()
        } else {
            match s.state {
                SessionState::Scheduled => view! {
                    <div class="card portal-waiting" id="checkin-waiting">
                        <p>{t::starts_at_note(&datetime(&s.starts_at))}</p>
                        <button class="secondary wide" on:click=move |_| version.update(|v| *v += 1)>{t::REFRESH}</button>
                    </div>
                }
                .into_any(),
                SessionState::Closed => view! {
                    <div class="card portal-waiting" id="checkin-closed"><p>{t::PORTAL_CHECKIN_CLOSED}</p></div>
                }
                .into_any(),
                SessionState::Open => {
                    let for_submit = s.clone();
                    view! {
                        {move || outcome.get().filter(|o| !o.accepted).map(refused)}
                        <form class="card checkin-box" on:submit=move |ev| { ev.prevent_default(); submit(for_submit.clone()); }>
                            <p class="hint">{needs}</p>
                            {s.needs_code.then(|| view! {
                                <label for="checkin-code" class="code-label">{t::PORTAL_CODE_LABEL}</label>
                                <input id="checkin-code" class="code-input" type="text" inputmode="numeric" maxlength="6"
                                    autocomplete="one-time-code" placeholder="······" bind:value=code />
                            })}
                            {s.needs_position.then(|| view! { <p class="position-note">{t::PORTAL_POSITION_NOTE}</p> })}
                            {move || problem.get().map(|p| view! { <p class="alert error" role="alert">{p}</p> })}
                            <button type="submit" class="primary checkin-button" id="checkin-button" disabled=move || phase.get() != Phase::Ready>
                                {move || match phase.get() {
                                    Phase::Ready => t::CHECK_IN,
                                    Phase::Locating => t::LOCATING,
                                    Phase::Sending => t::CHECKING_IN,
                                }}
                            </button>
                        </form>
                    }
                    .into_any()
                }
            }
        };
        view! { {header} {body} }
    };

    view! {
        <div class="portal-nav">
            <A href="/s/checkin" attr:class="link">{"‹ "}{t::PORTAL_CHECKINS}</A>
        </div>
        <Transition fallback=Loading>
            {move || session.get().map(|r| match r {
                Ok(s) => show(s).into_any(),
                Err(err) => failed(err),
            })}
        </Transition>
    }
}

fn done(at: &chrono::DateTime<chrono::Utc>, late: bool) -> impl IntoView {
    view! {
        <div class="card checkin-done" id="checkin-done" class:late=late>
            <div class="tick" aria-hidden="true">"✓"</div>
            <p class="done-title">{if late { t::CHECKED_IN_LATE } else { t::CHECKED_IN_OK }}</p>
            <p class="done-time">{t::checked_in_at(&clock(at))}</p>
            {late.then(|| view! { <span class="badge warn">{t::LATE}</span> })}
        </div>
    }
}

fn refused(o: CheckinOutcome) -> impl IntoView {
    let reason = o.reason.clone().unwrap_or_default();
    // The server's sentence usually says how far already.
    let distance = o.distance_m.filter(|d| reason == "outside_fence" && !o.message.contains(&d.to_string()));
    view! {
        <div class="card checkin-refused" id="checkin-refused" role="alert">
            <p class="refused-title">{t::refusal(&reason)}</p>
            <p>{o.message.clone()}</p>
            {distance.map(|d| view! { <p class="refused-distance">{t::distance_from_centre(d)}</p> })}
        </div>
    }
}
