//! 签到统计 (`/checkins/stats`): attendance over a period (this week, month, term or chosen
//! dates), optionally one class — the overall rate, classes ranked by rate, the rate week
//! by week, every session with its rate, and the class rates as a file.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use shared::{AttendanceStats, ClassAttendanceRate, SessionRate};

use crate::api;
use crate::components::{
    percent, rate, Bar, ColumnChart, Empty, ErrorNotice, Gauge, HBarChart, Loading, MiniBar, Notice,
};
use crate::format::datetime;
use crate::i18n::t;
use crate::pages::stats::{range, Period, PERIODS};

#[component]
pub fn CheckinStatsPage() -> impl IntoView {
    let period = RwSignal::new(Period::Month);
    let custom_from = RwSignal::new(String::new());
    let custom_until = RwSignal::new(String::new());
    let class_id = RwSignal::new(None::<i64>);
    let version = RwSignal::new(0u32);
    let message = RwSignal::new(None::<(bool, String)>);
    let chosen = Memo::new(move |_| range(period.get(), &custom_from.get(), &custom_until.get()));
    let classes = LocalResource::new(api::notices::audience_classes);
    let stats = LocalResource::new(move || {
        version.track();
        let (chosen, class_id) = (chosen.get(), class_id.get());
        async move {
            match chosen {
                Some((from, until)) => Some(api::checkin::stats(from, until, class_id).await),
                None => None,
            }
        }
    });
    let export = move |format: &'static str| {
        let Some((from, until)) = chosen.get_untracked() else { return };
        let name = t::stats_file_name(&from, &until, format);
        leptos::task::spawn_local(async move {
            if let Err(err) = api::checkin::stats_export(from, until, format, &name).await {
                message.set(Some((false, t::error(&err))));
            }
        });
    };
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
            <A href="/checkins" attr:class="back">{"‹ "}{t::BACK_TO_CHECKINS}</A>
            <div class="page-head">
                <h1>{t::CHECKIN_STATS_TITLE}</h1>
                <div class="head-actions">
                    <button class="secondary" id="export-stats-csv" on:click=move |_| export("csv")>{t::EXPORT_CSV}</button>
                    <button class="secondary" id="export-stats-xlsx" on:click=move |_| export("xlsx")>{t::EXPORT_XLSX}</button>
                </div>
            </div>
            <p class="lead">{t::CHECKIN_STATS_INTRO}</p>
            <Notice message=message />
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
                <select id="stats-class" aria-label=t::CLASS on:change=move |ev| class_id.set(event_target_value(&ev).parse().ok())>
                    <option value="">{t::ALL_CLASSES}</option>
                    {move || classes.get().map(|r| r.unwrap_or_default().into_iter().map(|c| view! {
                        <option value=c.id.to_string()>{c.name}</option>
                    }).collect_view())}
                </select>
                <span class="hint" id="period-range">{move || chosen.get().map(|(from, until)| t::period_range(from, until))}</span>
            </div>
            <Transition fallback=Loading>
                {move || stats.get().map(|s| match s {
                    None => view! { <p class="state">{t::PICK_DATES}</p> }.into_any(),
                    Some(Err(err)) => view! { <ErrorNotice error=err retry=move |_| version.update(|v| *v += 1) /> }.into_any(),
                    Some(Ok(s)) => dashboard(s).into_any(),
                })}
            </Transition>
        </section>
    }
}

fn dashboard(s: AttendanceStats) -> impl IntoView {
    let expected: i64 = s.sessions.iter().map(|x| x.counts.expected).sum();
    let checked: i64 = s.sessions.iter().map(|x| x.counts.checked_in).sum();
    let late: i64 = s.sessions.iter().map(|x| x.counts.late).sum();
    let overall = (expected > 0).then(|| rate(checked, expected));
    let tile = |id: &'static str, label: &'static str, value: String| {
        view! { <li class="tile big" id=id><strong>{value}</strong><small>{label}</small></li> }
    };
    let empty = s.sessions.is_empty();
    view! {
        <div class="stats-numbers">
            <ul class="tiles big-tiles">
                {tile("stat-sessions", t::STAT_SESSIONS, s.sessions.len().to_string())}
                {tile("stat-expected", t::STAT_EXPECTED, expected.to_string())}
                {tile("stat-checked", t::STAT_CHECKED, checked.to_string())}
                {tile("stat-late", t::STAT_LATE, late.to_string())}
            </ul>
            <div class="gauges">
                <figure><Gauge rate=overall tone="read" id="gauge-attendance" /><figcaption>{t::ATTENDANCE_RATE}</figcaption></figure>
            </div>
        </div>
        {if empty {
            view! { <Empty text=t::NO_SESSIONS_IN_PERIOD /> }.into_any()
        } else {
            view! {
                <div class="report-grid">
                    <section class="card" id="stats-class-ranking">
                        <h3>{t::CLASS_ATTENDANCE_RANKING}</h3>
                        {ranking(&s.classes)}
                    </section>
                    <section class="card" id="stats-trend">
                        <h3>{t::WEEKLY_TREND}</h3>
                        {trend(&s)}
                    </section>
                    <section class="card wide-card" id="stats-sessions">
                        <h3>{t::SESSIONS_IN_PERIOD}</h3>
                        {sessions(s.sessions)}
                    </section>
                </div>
            }
            .into_any()
        }}
    }
}

fn ranking(classes: &[ClassAttendanceRate]) -> AnyView {
    if classes.is_empty() {
        return view! { <p class="hint">{t::NONE_YET}</p> }.into_any();
    }
    let bars = classes
        .iter()
        .map(|c| {
            let tone = if c.rate < 0.8 { "urgent" } else { "" };
            Bar::new(c.class_name.clone(), c.rate, t::class_rate(&percent(c.rate), c.present + c.late, c.expected))
                .tone(tone)
        })
        .collect::<Vec<_>>();
    view! { <HBarChart bars=bars max=1.0 id="class-ranking" /> }.into_any()
}

/// A column per week: its attendance rate in percent; weeks without a session stay empty.
fn trend(s: &AttendanceStats) -> AnyView {
    if s.trend.iter().all(|p| p.expected == 0) {
        return view! { <p class="hint">{t::NONE_YET}</p> }.into_any();
    }
    let columns = s
        .trend
        .iter()
        .map(|p| {
            let value = if p.expected > 0 { (p.rate * 100.0).round() } else { 0.0 };
            (p.week_start.format("%m-%d").to_string(), value)
        })
        .collect::<Vec<_>>();
    view! {
        <ColumnChart columns=columns id="weekly-trend" />
        <p class="hint">{t::TREND_HINT}</p>
    }
    .into_any()
}

fn sessions(list: Vec<SessionRate>) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|s| {
            let at: DateTime<Utc> = s.starts_at;
            view! {
                <tr>
                    <td><A href=format!("/checkins/{}", s.session_id)>{s.title}</A></td>
                    <td class="nowrap">{datetime(&at)}</td>
                    <td>{s.counts.expected}</td>
                    <td>{s.counts.checked_in}</td>
                    <td>{s.counts.late}</td>
                    <td class:problem={s.counts.missing > 0}>{s.counts.missing}</td>
                    <td class="nowrap">{if s.counts.expected == 0 { t::NO_RATE.to_string() } else { percent(s.rate) }}</td>
                    <td>{(s.counts.expected > 0).then(|| view! { <MiniBar read=s.rate confirmed=None /> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap flat">
            <table>
                <thead><tr>
                    <th>{t::CHECKIN_TITLE}</th><th>{t::TIME}</th><th>{t::EXPECTED}</th><th>{t::CHECKED_IN}</th>
                    <th>{t::LATE}</th><th>{t::MISSING}</th><th>{t::ATTENDANCE_RATE}</th><th>{t::RATE_BAR}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
