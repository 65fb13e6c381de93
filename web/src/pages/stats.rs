//! 统计 (`/stats`): a period's numbers at a glance — notices sent by category, urgency and
//! day, the average read and confirm rates, how long students take to read, classes
//! ranked by read rate and the students with most unread — and beside them the hot
//! ranking of notices over the last day, week or month. Teachers see their own notices,
//! admins everyone's (the server decides).

mod dashboard;
mod hot;

use chrono::{DateTime, Datelike, Days, Local, Months, NaiveDate, TimeZone, Utc};
use leptos::prelude::*;

use crate::api;
use crate::components::{ErrorNotice, Loading};
use crate::format::parse_date_input;
use crate::i18n::t;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
    Term,
    Custom,
}

pub const PERIODS: [Period; 4] = [Period::Week, Period::Month, Period::Term, Period::Custom];

fn local_midnight(date: NaiveDate) -> Option<DateTime<Utc>> {
    Local.from_local_datetime(&date.and_hms_opt(0, 0, 0)?).earliest().map(|t| t.with_timezone(&Utc))
}

/// The first day of the term `today` is in: terms start on 1 February and 1 August (so
/// the winter and summer holidays fall at the ends of the terms they follow).
fn term_start(today: NaiveDate) -> Option<NaiveDate> {
    match today.month() {
        2..=7 => NaiveDate::from_ymd_opt(today.year(), 2, 1),
        1 => NaiveDate::from_ymd_opt(today.year() - 1, 8, 1),
        _ => NaiveDate::from_ymd_opt(today.year(), 8, 1),
    }
}

/// `[from, until)` of a period in local time; a custom one takes the date inputs (the
/// whole last day counts).
pub fn range(period: Period, from: &str, until: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let today = Local::now().date_naive();
    let (start, end) = match period {
        Period::Week => {
            let start = today.checked_sub_days(Days::new(today.weekday().num_days_from_monday().into()))?;
            (start, start.checked_add_days(Days::new(7))?)
        }
        Period::Month => {
            let start = today.with_day(1)?;
            (start, start.checked_add_months(Months::new(1))?)
        }
        Period::Term => {
            let start = term_start(today)?;
            (start, start.checked_add_months(Months::new(6))?)
        }
        Period::Custom => {
            let (from, until) = (parse_date_input(from, 0)?, parse_date_input(until, 1)?);
            return (from < until).then_some((from, until));
        }
    };
    Some((local_midnight(start)?, local_midnight(end)?))
}

#[component]
pub fn StatsPage() -> impl IntoView {
    let period = RwSignal::new(Period::Week);
    let custom_from = RwSignal::new(String::new());
    let custom_until = RwSignal::new(String::new());
    let version = RwSignal::new(0u32);
    let chosen = Memo::new(move |_| range(period.get(), &custom_from.get(), &custom_until.get()));
    let dashboard = LocalResource::new(move || {
        version.track();
        let chosen = chosen.get();
        async move {
            match chosen {
                Some((from, until)) => Some(api::stats::dashboard(from, until).await),
                None => None,
            }
        }
    });
    let button = move |p: Period| {
        view! {
            <button type="button" id=format!("period-{}", t::period_key(p)) class:chosen=move || period.get() == p
                aria-pressed=move || (period.get() == p).to_string() on:click=move |_| period.set(p)>
                {t::period(p)}
            </button>
        }
    };
    view! {
        <section class="page stats">
            <div class="page-head">
                <h1>{t::STATS_TITLE}</h1>
                <leptos_router::components::A href="/checkins/stats" attr:class="button secondary" attr:id="to-checkin-stats">
                    {t::CHECKIN_STATS_TITLE}" ›"
                </leptos_router::components::A>
            </div>
            <p class="lead">{t::STATS_INTRO}</p>
            <div class="toolbar period-picker">
                <div class="segmented" role="group" aria-label=t::PERIOD>{PERIODS.map(button)}</div>
                <Show when=move || period.get() == Period::Custom>
                    <span class="inline-label">
                        <label for="period-from">{t::PERIOD_FROM}</label>
                        <input type="date" id="period-from" bind:value=custom_from />
                        <label for="period-until">{t::PERIOD_UNTIL}</label>
                        <input type="date" id="period-until" bind:value=custom_until />
                    </span>
                </Show>
                <span class="hint" id="period-range">{move || chosen.get().map(|(from, until)| t::period_range(from, until))}</span>
            </div>
            <div class="stats-layout">
                <div class="stats-main">
                    <Transition fallback=Loading>
                        {move || dashboard.get().map(|d| match d {
                            None => view! { <p class="state">{t::PICK_DATES}</p> }.into_any(),
                            Some(Err(err)) => view! { <ErrorNotice error=err retry=move |_| version.update(|v| *v += 1) /> }.into_any(),
                            Some(Ok(d)) => dashboard::view(d).into_any(),
                        })}
                    </Transition>
                </div>
                <hot::HotPanel />
            </div>
        </section>
    }
}
