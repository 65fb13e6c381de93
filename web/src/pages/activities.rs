//! Activities and lectures (活动): the list (places taken, the waiting list, the deadline,
//! where each stands), the students with most no-shows, and through the sub-modules
//! publishing one and its page of sign-ups and attendance.

mod detail;
mod form;

pub use detail::ActivityDetailPage;
pub use form::ActivityNewPage;

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::{Activity, NoShowCount};

use crate::api;
use crate::components::{Empty, ErrorNotice, Loading, PagedTable};
use crate::format::{datetime, time_range};
use crate::i18n::t;
use crate::pages::stats::{range, Period};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Open,
    SignupClosed,
    Over,
    Cancelled,
}

pub fn stage(a: &Activity) -> Stage {
    let now = Utc::now();
    if a.cancelled_at.is_some() {
        Stage::Cancelled
    } else if a.ends_at <= now {
        Stage::Over
    } else if a.signup_until <= now {
        Stage::SignupClosed
    } else {
        Stage::Open
    }
}

pub fn stage_badge(s: Stage) -> impl IntoView {
    let class = match s {
        Stage::Open => "badge on",
        Stage::SignupClosed => "badge warn",
        Stage::Over => "badge",
        Stage::Cancelled => "badge off",
    };
    view! { <span class=class>{t::activity_stage(s)}</span> }
}

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let activities = LocalResource::new(move || {
        version.track();
        api::activities::list(page.get())
    });
    let row = |a: Activity| {
        let href = format!("/activities/{}", a.id);
        let s = stage(&a);
        view! {
            <tr>
                <td><A href=href.clone()><strong>{a.title.clone()}</strong></A></td>
                <td>{stage_badge(s)}</td>
                <td class="nowrap">{time_range(&a.starts_at, &a.ends_at)}</td>
                <td>{a.place.clone()}</td>
                <td class="nowrap"><strong>{a.signed_up}</strong>" / "{a.capacity}</td>
                <td>{a.waitlisted}</td>
                <td class="nowrap">{datetime(&a.signup_until)}</td>
                <td><code>{a.code.clone()}</code></td>
                <td class="row-actions"><A href=href>{t::VIEW}</A></td>
            </tr>
        }
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::ACTIVITIES_TITLE}</h1>
                <A href="/activities/new" attr:class="button primary" attr:id="new-activity">{t::NEW_ACTIVITY}</A>
            </div>
            <p class="lead">{t::ACTIVITIES_INTRO}</p>
            <PagedTable
                list=activities
                page=page
                headers=&[t::ACTIVITY_TITLE, t::STATUS, t::TIME, t::PLACE, t::PLACES_TAKEN, t::WAITLISTED, t::SIGNUP_UNTIL, t::SIGNUP_CODE, t::ACTIONS]
                empty=t::NO_ACTIVITIES
                row=row
                retry=move |_| version.update(|v| *v += 1)
            />
            <NoShows />
        </section>
    }
}

/// Students ranked by no-shows, this term or all time.
#[component]
fn NoShows() -> impl IntoView {
    let term = RwSignal::new(true);
    // Without a period the server counts the last 30 days.
    let list = LocalResource::new(move || {
        let period = if term.get() { range(Period::Term, "", "") } else { None };
        api::activities::no_shows(period)
    });
    let show = |list: Vec<NoShowCount>| {
        if list.is_empty() {
            return view! { <Empty text=t::NO_NO_SHOWS /> }.into_any();
        }
        view! {
            <div class="table-wrap flat">
                <table id="no-shows">
                    <thead><tr><th>{t::NAME}</th><th>{t::STUDENT_NO}</th><th>{t::CLASS}</th><th>{t::SIGNED_UP_COUNT}</th><th>{t::NO_SHOWS}</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|n| view! {
                            <tr>
                                <td>{n.name}</td>
                                <td>{n.student_no}</td>
                                <td>{n.class_name.unwrap_or_else(|| t::NONE_YET.into())}</td>
                                <td>{n.signed_up}</td>
                                <td><strong class="problem">{n.no_shows}</strong></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card no-show-card">
            <div class="page-head">
                <h3>{t::NO_SHOW_RANKING}</h3>
                <div class="segmented" role="group" aria-label=t::PERIOD>
                    <button type="button" class:chosen=move || term.get() on:click=move |_| term.set(true)>{t::period(Period::Term)}</button>
                    <button type="button" class:chosen=move || !term.get() on:click=move |_| term.set(false)>{t::LAST_30_DAYS}</button>
                </div>
            </div>
            <Transition fallback=Loading>
                {move || list.get().map(|r| match r {
                    Ok(list) => show(list),
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
