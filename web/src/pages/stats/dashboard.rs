//! One period's dashboard: big numbers first (notices, pushes, read and confirm rates,
//! time to read), then what was sent by category, urgency and day, the classes ranked
//! by read rate and the students with most unread.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, FixedOffset, Utc};
use leptos::prelude::*;
use shared::{CountBy, Dashboard, StudentUnread};

use crate::components::{percent, Bar, ColumnChart, Empty, Gauge, HBarChart};
use crate::i18n::t;

/// The server counts days in China time (`2026-11-22`), whatever the browser's zone.
fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// A column for every day of the period up to today, empty days included, so the
/// chart's spacing is time.
fn days(by_day: &[CountBy], from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<(String, f64)> {
    let counts: BTreeMap<&str, i64> = by_day.iter().map(|c| (c.key.as_str(), c.count)).collect();
    let last = until.min(Utc::now()).with_timezone(&china()).date_naive();
    let mut day = from.with_timezone(&china()).date_naive();
    let mut columns = Vec::new();
    while day <= last && columns.len() < 400 {
        let key = day.format("%Y-%m-%d").to_string();
        columns.push((day.format("%m-%d").to_string(), counts.get(key.as_str()).copied().unwrap_or(0) as f64));
        let Some(next) = day.checked_add_days(Days::new(1)) else { break };
        day = next;
    }
    columns
}

fn count_bars(list: &[CountBy], tone: fn(&str) -> &'static str) -> Vec<Bar> {
    list.iter()
        .map(|c| Bar::new(c.label.clone(), c.count as f64, t::notices_count(c.count)).tone(tone(&c.key)))
        .collect()
}

pub fn view(d: Dashboard) -> impl IntoView {
    let tile = |id: &'static str, label: &'static str, value: String| {
        view! { <li class="tile big" id=id><strong>{value}</strong><small>{label}</small></li> }
    };
    let classes = d
        .classes
        .iter()
        .map(|c| {
            Bar::new(c.class_name.clone(), c.read_rate, t::class_rate(&percent(c.read_rate), c.read, c.recipients))
        })
        .collect::<Vec<_>>();
    let columns = days(&d.by_day, d.from, d.until);
    let empty = d.notices == 0;
    view! {
        <div class="stats-numbers">
            <ul class="tiles big-tiles">
                {tile("stat-notices", t::STAT_NOTICES, d.notices.to_string())}
                {tile("stat-deliveries", t::STAT_DELIVERIES, d.deliveries.to_string())}
                {tile("stat-median", t::STAT_MEDIAN_READ, d.median_read_seconds.map(t::duration).unwrap_or_else(|| t::NONE_YET.into()))}
            </ul>
            <div class="gauges">
                <figure><Gauge rate=d.read_rate tone="read" id="gauge-read" /><figcaption>{t::STAT_READ_RATE}</figcaption></figure>
                <figure><Gauge rate=d.confirm_rate tone="confirm" id="gauge-confirm" /><figcaption>{t::STAT_CONFIRM_RATE}</figcaption></figure>
            </div>
        </div>
        {if empty {
            view! { <Empty text=t::NO_NOTICES_IN_PERIOD /> }.into_any()
        } else {
            view! {
                <div class="report-grid">
                    <section class="card" id="stats-categories">
                        <h3>{t::BY_CATEGORY}</h3>
                        <HBarChart bars=count_bars(&d.by_category, |_| "") />
                    </section>
                    <section class="card" id="stats-urgency">
                        <h3>{t::BY_URGENCY}</h3>
                        <HBarChart bars=count_bars(&d.by_urgency, t::urgency_tone) />
                    </section>
                    <section class="card wide-card" id="stats-days">
                        <h3>{t::BY_DAY}</h3>
                        <ColumnChart columns=columns />
                    </section>
                    <section class="card" id="stats-classes">
                        <h3>{t::CLASS_RANKING}</h3>
                        {if classes.is_empty() {
                            view! { <p class="hint">{t::NONE_YET}</p> }.into_any()
                        } else {
                            view! { <HBarChart bars=classes max=1.0 /> }.into_any()
                        }}
                    </section>
                    <section class="card" id="stats-unread">
                        <h3>{t::MOST_UNREAD}</h3>
                        {most_unread(d.most_unread)}
                    </section>
                </div>
            }
            .into_any()
        }}
    }
}

fn most_unread(list: Vec<StudentUnread>) -> AnyView {
    if list.is_empty() {
        return view! { <p class="hint">{t::NOBODY_UNREAD}</p> }.into_any();
    }
    view! {
        <div class="table-wrap flat">
            <table>
                <thead><tr><th>{t::NAME}</th><th>{t::STUDENT_NO}</th><th>{t::CLASS}</th><th>{t::UNREAD_COUNT}</th></tr></thead>
                <tbody>
                    {list.into_iter().map(|s| view! {
                        <tr>
                            <td class="nowrap">{s.name}</td>
                            <td class="nowrap">{s.student_no}</td>
                            <td class="nowrap">{s.class_name.unwrap_or_else(|| t::NONE_YET.into())}</td>
                            <td><strong class="problem">{s.unread}</strong></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
