//! Check-in (签到): the list of sessions (by state, searched, paged, with their counts),
//! and through the sub-modules starting one, its live view (counts by class, the latest
//! names, the roll with 补签, every attempt, exports, closing, reopening and the notice
//! to the absent), the projector page and the attendance statistics.

mod attempts;
mod detail;
mod form;
mod roll;
mod screen;
mod stats;
mod summary;

pub use detail::CheckinDetailPage;
pub use form::{CheckinNewPage, MethodsDraft, MethodsFields};
pub use roll::status_badge as attendance_badge;
pub use screen::CheckinScreenPage;
pub use stats::CheckinStatsPage;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::{AttendanceCounts, CheckinSession, SessionState};

use crate::api::{self, checkin::SessionFilter};
use crate::components::{rate, MiniBar, PagedTable};
use crate::format::time_range;
use crate::i18n::t;

pub fn state_badge(state: SessionState) -> &'static str {
    match state {
        SessionState::Scheduled => "badge warn",
        SessionState::Open => "badge on",
        SessionState::Closed => "badge",
    }
}

/// `12 / 30` with a small bar of the share checked in.
pub fn count_cell(counts: &AttendanceCounts) -> impl IntoView {
    let share = rate(counts.checked_in, counts.expected);
    view! {
        <span class="count-cell">
            <strong>{counts.checked_in}</strong>" / "{counts.expected}
            <MiniBar read=share confirmed=None />
        </span>
    }
}

#[component]
pub fn CheckinsPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let filter = RwSignal::new(SessionFilter::default());
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let sessions = LocalResource::new(move || {
        version.track();
        api::checkin::list(filter.get(), page.get())
    });
    let choose = move |state: Option<SessionState>| {
        page.set(1);
        filter.update(|f| f.state = state);
    };
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        let text = search.get_untracked().trim().to_string();
        filter.update(|f| f.search = text);
    };
    let state_button = move |state: Option<SessionState>, id: &'static str| {
        let chosen = move || filter.with(|f| f.state == state);
        view! {
            <button type="button" id=id class:chosen=chosen aria-pressed=move || chosen().to_string()
                on:click=move |_| choose(state)>
                {state.map(t::session_state).unwrap_or(t::ALL)}
            </button>
        }
    };
    let row = move |s: CheckinSession| {
        let href = format!("/checkins/{}", s.id);
        let screen = format!("/checkins/{}/screen", s.id);
        let open = s.state == SessionState::Open;
        view! {
            <tr>
                <td>
                    <A href=href.clone()><strong>{s.title.clone()}</strong></A>
                    {s.activity_id.map(|_| view! { <span class="badge info">{t::FROM_ACTIVITY}</span> })}
                </td>
                <td><span class=state_badge(s.state)>{t::session_state(s.state)}</span></td>
                <td class="nowrap">{time_range(&s.starts_at, &s.ends_at)}</td>
                <td class="nowrap">{t::methods(&s.methods)}</td>
                <td class="nowrap">{count_cell(&s.counts)}</td>
                <td>{s.created_by_name.clone()}</td>
                <td class="row-actions">
                    <A href=href>{t::VIEW}</A>
                    {open.then(|| view! { " " <a href=screen target="_blank" rel="noopener">{t::PROJECT}</a> })}
                </td>
            </tr>
        }
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::CHECKINS_TITLE}</h1>
                <div class="head-actions">
                    <A href="/checkins/stats" attr:class="button secondary" attr:id="checkin-stats-link">{t::CHECKIN_STATS_TITLE}</A>
                    <A href="/checkins/new" attr:class="button primary" attr:id="new-checkin">{t::NEW_CHECKIN}</A>
                </div>
            </div>
            <p class="lead">{t::CHECKINS_INTRO}</p>
            <form class="toolbar" on:submit=on_search>
                <div class="segmented" role="group" aria-label=t::STATUS>
                    {state_button(Some(SessionState::Open), "state-open")}
                    {state_button(Some(SessionState::Scheduled), "state-scheduled")}
                    {state_button(Some(SessionState::Closed), "state-closed")}
                    {state_button(None, "state-all")}
                </div>
                <input type="search" placeholder=t::CHECKIN_SEARCH aria-label=t::SEARCH bind:value=search />
                <button type="submit" class="secondary">{t::SEARCH}</button>
            </form>
            <PagedTable
                list=sessions
                page=page
                headers=&[t::CHECKIN_TITLE, t::STATUS, t::TIME, t::CHECKIN_METHODS, t::CHECKED_OF_EXPECTED, t::CHECKIN_BY, t::ACTIONS]
                empty=t::NO_CHECKINS
                row=row
                retry=move |_| version.update(|v| *v += 1)
            />
        </section>
    }
}
