//! The live numbers of a session, from one `CheckinReport`: tiles for the expected, the
//! checked in, the late, the missing and the flagged; each class with its share checked
//! in as a bar; and the latest names, newest first.

use leptos::prelude::*;
use shared::{CheckinReport, ClassAttendance, RecentCheckin};

use crate::components::{percent, rate, Empty, MiniBar};
use crate::format::clock;
use crate::i18n::t;

pub fn summary(r: CheckinReport) -> impl IntoView {
    let c = r.session.counts;
    let tile = |id: &'static str, class: &'static str, label: &'static str, value: i64| {
        view! { <li class=format!("tile big {class}") id=id><strong>{value}</strong><small>{label}</small></li> }
    };
    view! {
        <ul class="tiles big-tiles checkin-tiles" id="checkin-tiles">
            {tile("tile-expected", "", t::EXPECTED, c.expected)}
            {tile("tile-checked", "good", t::CHECKED_IN, c.checked_in)}
            {tile("tile-late", "warn", t::LATE, c.late)}
            {tile("tile-missing", "bad", t::MISSING, c.missing)}
            {tile("tile-flagged", "flag", t::FLAGGED, c.flagged)}
        </ul>
        <p class="hint checkin-rate" id="checkin-rate">{t::checked_rate(&percent(rate(c.checked_in, c.expected)))}</p>
        <div class="report-grid">
            <section class="card" id="checkin-classes">
                <h3>{t::BY_CLASS}</h3>
                {classes(r.classes)}
            </section>
            <section class="card" id="checkin-latest">
                <h3>{t::LATEST_CHECKINS}</h3>
                {latest(r.latest)}
            </section>
        </div>
    }
}

fn classes(list: Vec<ClassAttendance>) -> AnyView {
    if list.is_empty() {
        return view! { <Empty text=t::NO_CLASSES_IN_REPORT /> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|c| {
            let share = rate(c.counts.checked_in, c.counts.expected);
            view! {
                <tr>
                    <td class="nowrap">{c.class_name}</td>
                    <td>{c.counts.expected}</td>
                    <td>{c.counts.checked_in}</td>
                    <td>{c.counts.late}</td>
                    <td class:problem={c.counts.missing > 0}>{c.counts.missing}</td>
                    <td class="rate-cell">{percent(share)}<MiniBar read=share confirmed=None /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap flat">
            <table>
                <thead><tr>
                    <th>{t::CLASS}</th><th>{t::EXPECTED}</th><th>{t::CHECKED_IN}</th><th>{t::LATE}</th>
                    <th>{t::MISSING}</th><th>{t::CHECKIN_RATE}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

pub fn latest(list: Vec<RecentCheckin>) -> AnyView {
    if list.is_empty() {
        return view! { <Empty text=t::NOBODY_CHECKED_IN /> }.into_any();
    }
    view! {
        <ul class="latest-list" id="latest-list">
            {list.into_iter().map(|c| view! {
                <li>
                    <strong>{c.student_name}</strong>
                    <small class="hint">{c.class_name.unwrap_or_default()}</small>
                    {c.late.then(|| view! { <span class="badge warn">{t::LATE}</span> })}
                    <time>{clock(&c.checked_at)}</time>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
