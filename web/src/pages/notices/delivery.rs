//! The live delivery panel of a notice: counts by status and by channel, the rate and
//! time left, the paused-until-tomorrow note, the platform's mass-send reports, and
//! every recipient's row (filtered, paged). It asks for the progress every 2 s while
//! the notice is scheduled or sending, and stops once it is sent or withdrawn, or when
//! the page is left.

use std::sync::atomic::Ordering;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{Delivery, DeliveryProgress, MassJob};

use crate::api::{self, ClientError};
use crate::components::{ErrorNotice, PagedTable};
use crate::format::{datetime, short_datetime};
use crate::i18n::t;

const POLL_MS: u32 = 2000;

/// `on_status` hears the notice's status whenever it is first known or changes (the
/// page reloads the notice then: scheduled → sending → sent).
#[component]
pub fn DeliveryPanel(id: i64, #[prop(into)] on_status: Callback<String>) -> impl IntoView {
    let progress = RwSignal::new(None::<DeliveryProgress>);
    let error = RwSignal::new(None::<ClientError>);
    let polling = RwSignal::new(true);
    let rows_version = RwSignal::new(0u32);
    let status = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let rows = LocalResource::new(move || {
        rows_version.track();
        api::notices::deliveries(id, status.get(), applied.get(), page.get())
    });

    let alive = crate::pages::mounted();
    leptos::task::spawn_local(async move {
        loop {
            let result = api::notices::progress(id).await;
            if !alive.load(Ordering::Relaxed) {
                return;
            }
            match result {
                Ok(p) => {
                    let before = progress.get_untracked();
                    let finished = !matches!(p.status.as_str(), "scheduled" | "sending");
                    let moved = before.as_ref().is_some_and(|b| b.by_status != p.by_status || b.status != p.status);
                    if before.as_ref().is_none_or(|b| b.status != p.status) {
                        on_status.run(p.status.clone());
                    }
                    progress.set(Some(p));
                    error.set(None);
                    // The rows were asked for when the panel opened, maybe just before the
                    // last of them settled: once more when the first answer says it is done.
                    if moved || (before.is_none() && finished) {
                        rows_version.update(|v| *v += 1);
                    }
                    if finished {
                        polling.set(false);
                        return;
                    }
                }
                Err(ClientError::Unauthorized) => return,
                Err(err) => error.set(Some(err)),
            }
            crate::pages::pause(POLL_MS).await;
            if !alive.load(Ordering::Relaxed) {
                return;
            }
        }
    });

    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(search.get_untracked().trim().to_string());
    };
    let row = move |d: Delivery| {
        let (who, number) = match (d.student_name.clone(), d.student_no.clone()) {
            (Some(name), no) => (name, no.unwrap_or_default()),
            (None, _) => (t::FOLLOWER.to_string(), d.openid.clone().unwrap_or_default()),
        };
        let reasons = d.fallback.iter().map(t::fallback).collect::<Vec<_>>();
        let failure = (d.failure.is_some() || d.errcode.is_some()).then(|| t::failure(d.failure.as_deref(), d.errcode));
        view! {
            <tr>
                <td class="nowrap">{who}" "<small class="hint">{number}</small></td>
                <td class="nowrap">{d.class_name.clone().unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td><span class=t::delivery_badge(&d.status)>{t::delivery_status(&d.status)}</span></td>
                <td class="nowrap">{d.channel.as_deref().map(t::channel).unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td class="reasons">
                    {if reasons.is_empty() {
                        t::NONE_YET.into_any()
                    } else {
                        view! { <ul>{reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul> }.into_any()
                    }}
                </td>
                <td class="failure">{failure.unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td class="nowrap">{short_datetime(&d.sent_at, t::NONE_YET)}</td>
                <td class="nowrap">{short_datetime(&d.read_at, t::NONE_YET)}</td>
                <td class="nowrap">{short_datetime(&d.confirmed_at, t::NONE_YET)}</td>
            </tr>
        }
    };

    view! {
        <section class="card delivery" id="delivery-panel">
            <div class="page-head">
                <h2>{t::DELIVERY_TITLE}</h2>
                <Show when=move || polling.get()>
                    <span class="badge info live" role="status"><span class="spinner" aria-hidden="true"></span>{t::LIVE}</span>
                </Show>
            </div>
            {move || error.get().map(|err| view! { <ErrorNotice error=err /> })}
            {move || progress.get().map(summary)}
            // Rows exist once the notice starts sending.
            <Show when=move || progress.get().is_some_and(|p| p.total > 0)>
                <form class="toolbar" on:submit=on_search>
                    <input type="search" placeholder=t::DELIVERY_SEARCH aria-label=t::SEARCH bind:value=search />
                    <select id="delivery-status" aria-label=t::DELIVERY_STATUS on:change=move |ev| {
                        page.set(1);
                        status.set(event_target_value(&ev));
                    }>
                        <option value="">{t::ALL_DELIVERY_STATUSES}</option>
                        {t::DELIVERY_STATUSES.map(|s| view! { <option value=s>{t::delivery_status(s)}</option> })}
                    </select>
                    <button type="submit" class="secondary">{t::SEARCH}</button>
                </form>
                <PagedTable
                    list=rows
                    page=page
                    headers=&[t::DELIVERY_STUDENT, t::CLASS, t::DELIVERY_STATUS, t::CHANNEL, t::FALLBACK, t::FAILURE, t::SENT_AT, t::READ_AT, t::CONFIRMED_AT]
                    empty=t::NO_DELIVERIES
                    row=row
                    retry=move |_| rows_version.update(|v| *v += 1)
                />
            </Show>
        </section>
    }
}

/// Progress bar, tiles by status and channel, rate and time left, and notes.
fn summary(p: DeliveryProgress) -> impl IntoView {
    if p.total == 0 {
        return view! { <p class="hint">{t::NO_ROWS_YET}</p> }.into_any();
    }
    let count = |s: &str| p.by_status.get(s).copied().unwrap_or(0);
    let waiting = count("pending") + count("sending");
    let done = p.total - waiting;
    let percent = done * 100 / p.total.max(1);
    let sending = p.status == "sending";
    let statuses = t::DELIVERY_STATUSES
        .iter()
        .filter(|s| count(s) > 0 || **s == "sent")
        .map(|s| {
            let n = count(s);
            view! { <li id=format!("stat-{s}") class=format!("tile {s}")><strong>{n}</strong><small>{t::delivery_status(s)}</small></li> }
        })
        .collect_view();
    let channels = p
        .by_channel
        .iter()
        .map(|(c, n)| view! { <li id=format!("channel-{c}") class="tile"><strong>{*n}</strong><small>{t::channel(c)}</small></li> })
        .collect_view();
    view! {
        <div class="progress" id="delivery-progress">
            <div class="bar"><div style:width=format!("{percent}%")></div></div>
            <span>{t::progress_of(done, p.total)}</span>
        </div>
        {p.paused_until.map(|until| view! { <p class="alert warn" role="status">{t::paused_until(&datetime(&until))}</p> })}
        {p.template_blocked.clone().map(|note| view! { <p class="alert warn" id="template-blocked" role="status">{note}</p> })}
        <h3>{t::BY_STATUS}</h3>
        <ul class="tiles">{statuses}</ul>
        {(!p.by_channel.is_empty()).then(|| view! {
            <h3>{t::BY_CHANNEL}</h3>
            <ul class="tiles">{channels}</ul>
        })}
        <dl class="inline-stats">
            <dt>{t::DELIVERED}</dt><dd>{p.delivered}</dd>
            {(p.refused_template > 0).then(|| view! {
                <dt title=t::REFUSED_TEMPLATE_HINT>{t::REFUSED_TEMPLATE}</dt><dd id="refused-template">{p.refused_template}</dd>
            })}
            {sending.then(|| view! {
                <dt>{t::RATE}</dt><dd id="delivery-rate">{t::per_minute(p.per_minute)}</dd>
                <dt>{t::ETA}</dt><dd>{p.eta_seconds.map(t::eta).unwrap_or_else(|| t::NONE_YET.into())}</dd>
            })}
        </dl>
        {(!p.mass_jobs.is_empty()).then(|| mass_jobs(p.mass_jobs.clone()))}
    }
    .into_any()
}

fn mass_jobs(jobs: Vec<MassJob>) -> impl IntoView {
    let or_dash = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| t::NONE_YET.into());
    view! {
        <h3>{t::MASS_JOBS}</h3>
        <div class="table-wrap">
            <table>
                <thead><tr>
                    <th>{t::MSG_ID}</th><th>{t::STATUS}</th><th>{t::JOB_ROWS}</th><th>{t::JOB_TOTAL}</th>
                    <th>{t::JOB_FILTERED}</th><th>{t::JOB_SENT}</th><th>{t::JOB_ERRORS}</th>
                </tr></thead>
                <tbody>
                    {jobs.into_iter().map(|j| view! {
                        <tr>
                            <td><code>{j.msg_id}</code></td>
                            <td>{t::job_status(&j.status)}</td>
                            <td>{j.rows}</td>
                            <td>{or_dash(j.total)}</td>
                            <td>{or_dash(j.filtered)}</td>
                            <td>{or_dash(j.sent)}</td>
                            <td>{or_dash(j.errors)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
