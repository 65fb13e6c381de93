//! What the receipt report shows of a notice, drawn from one `NoticeReport`: the funnel
//! from recipients to confirmations, the counts around it, reads and confirmations over
//! time, each class's share, the vote's results and the reminders sent so far.

use chrono::{DateTime, Local, Utc};
use leptos::prelude::*;
use shared::{ClassReceipts, Missing, NoticeReport, Reminder, TimelinePoint, VoteTally};

use crate::api::receipts::ReceiptFilter;
use crate::components::{percent, rate, Bar, Empty, Funnel, HBarChart, LineChart, MiniBar, Series};
use crate::format::{datetime, short_datetime};
use crate::i18n::t;

/// The report's charts and tables. `open_comments` switches to the comments tab.
pub fn summary(r: NoticeReport, filter: RwSignal<ReceiptFilter>, open_comments: impl Fn() + 'static) -> impl IntoView {
    let f = &r.funnel;
    let of = |n: i64| format!("{n} · {}", percent(rate(n, f.recipients)));
    let mut stages = vec![Bar::new(t::FUNNEL_RECIPIENTS, f.recipients as f64, f.recipients.to_string()).tone("base")];
    // Students with no WeChat cannot be reached: said apart, not shown as lost on the way.
    if f.unbound > 0 {
        let reachable = f.recipients - f.unbound;
        stages.push(Bar::new(t::FUNNEL_REACHABLE, reachable as f64, of(reachable)).tone("base"));
    }
    stages.extend([
        Bar::new(t::FUNNEL_SENT, f.sent as f64, of(f.sent)).tone("sent"),
        Bar::new(t::FUNNEL_DELIVERED, f.delivered as f64, of(f.delivered)).tone("delivered"),
        Bar::new(t::FUNNEL_READ, f.read as f64, of(f.read)).tone("read"),
    ]);
    if r.requires_confirmation {
        stages.push(Bar::new(t::FUNNEL_CONFIRMED, f.confirmed as f64, of(f.confirmed)).tone("confirm"));
    }
    let stat = |id: &'static str, label: &'static str, value: i64| {
        view! { <li class="tile" id=id><strong>{value}</strong><small>{label}</small></li> }
    };
    let confirming = r.requires_confirmation;
    view! {
        <div class="report-grid">
            <section class="card" id="report-funnel">
                <h3>{t::FUNNEL_TITLE}</h3>
                <Funnel stages=stages max=f.recipients as f64 />
                <ul class="tiles">
                    {stat("report-read", t::FUNNEL_READ, f.read)}
                    {(f.unbound > 0).then(|| stat("report-unbound", t::FUNNEL_UNBOUND, f.unbound))}
                    {confirming.then(|| stat("report-confirmed", t::FUNNEL_CONFIRMED, f.confirmed))}
                    {stat("report-views", t::VIEWS, f.views)}
                    {stat("report-downloads", t::DOWNLOADS, r.attachment_downloads)}
                    {stat("report-reminded", t::REMINDER_DELIVERIES, r.reminder_deliveries)}
                    <li class="tile link-tile" id="report-comments" on:click=move |_| open_comments()>
                        <strong>{r.comments}</strong>
                        <small>{t::COMMENTS_COUNT}{(r.open_questions > 0).then(|| view! {
                            " · "<span class="problem">{t::open_questions(r.open_questions)}</span>
                        })}</small>
                    </li>
                </ul>
            </section>
            <section class="card" id="report-timeline">
                <h3>{t::TIMELINE_TITLE}</h3>
                {timeline(&r.timeline, r.bucket_seconds, f.recipients, confirming)}
            </section>
            <section class="card wide-card" id="report-classes">
                <h3>{t::BY_CLASS}</h3>
                {classes(r.classes.clone(), confirming, filter)}
            </section>
            {r.vote.clone().map(|v| view! {
                <section class="card" id="report-vote">
                    <h3>{t::VOTE_RESULTS_TITLE}</h3>
                    {vote(v)}
                </section>
            })}
        </div>
    }
}

/// Running totals of reads (and confirmations) up to the recipients. A bucket's count is
/// reached at its end, so the lines start from nothing at the first bucket's start and
/// even one busy bucket draws a rise.
fn timeline(points: &[TimelinePoint], bucket: i64, recipients: i64, confirming: bool) -> AnyView {
    let Some(first) = points.first().filter(|_| points.iter().any(|p| p.reads > 0 || p.confirms > 0)) else {
        return view! { <Empty text=t::NO_READS_YET /> }.into_any();
    };
    let step = chrono::Duration::seconds(bucket.max(1));
    let times: Vec<DateTime<Utc>> = std::iter::once(first.at).chain(points.iter().map(|p| p.at + step)).collect();
    let days = (times[times.len() - 1] - times[0]).num_hours() >= 24;
    let label = |at: &DateTime<Utc>| {
        let local = at.with_timezone(&Local);
        if bucket >= 86_400 {
            local.format("%m-%d").to_string()
        } else if days {
            local.format("%m-%d %H:%M").to_string()
        } else {
            local.format("%H:%M").to_string()
        }
    };
    let running = |pick: fn(&TimelinePoint) -> i64| {
        std::iter::once(0.0)
            .chain(points.iter().scan(0i64, |sum, p| {
                *sum += pick(p);
                Some(*sum as f64)
            }))
            .collect::<Vec<_>>()
    };
    let mut series = vec![Series { name: t::FUNNEL_READ.into(), tone: "read", values: running(|p| p.reads) }];
    if confirming {
        series.push(Series { name: t::FUNNEL_CONFIRMED.into(), tone: "confirm", values: running(|p| p.confirms) });
    }
    view! {
        <LineChart labels=times.iter().map(label).collect() series=series max=recipients as f64 />
        <p class="hint">{t::timeline_hint(bucket)}</p>
    }
    .into_any()
}

fn classes(list: Vec<ClassReceipts>, confirming: bool, filter: RwSignal<ReceiptFilter>) -> AnyView {
    if list.is_empty() {
        return view! { <Empty text=t::NO_CLASSES_IN_REPORT /> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|c| {
            let read = rate(c.read, c.recipients);
            let confirmed = rate(c.confirmed, c.recipients);
            let class_id = c.class_id;
            let show_missing = move |_| {
                let missing = if confirming && c.read == c.recipients { Missing::Confirmation } else { Missing::Read };
                filter.set(ReceiptFilter { missing: Some(missing), class_id, search: String::new() });
                scroll_to("receipt-list");
            };
            view! {
                <tr>
                    <td class="nowrap">{c.class_name.clone()}</td>
                    <td>{c.recipients}</td>
                    <td>{c.read}</td>
                    {confirming.then(|| view! { <td>{c.confirmed}</td> })}
                    <td>{percent(read)}</td>
                    {confirming.then(|| view! { <td>{percent(confirmed)}</td> })}
                    <td><MiniBar read=read confirmed=confirming.then_some(confirmed) /></td>
                    <td class="row-actions">
                        {class_id.is_some().then(|| view! { <button class="link" on:click=show_missing>{t::SHOW_MISSING}</button> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap flat">
            <table>
                <thead><tr>
                    <th>{t::CLASS}</th><th>{t::HEADCOUNT}</th><th>{t::FUNNEL_READ}</th>
                    {confirming.then(|| view! { <th>{t::FUNNEL_CONFIRMED}</th> })}
                    <th>{t::READ_RATE}</th>
                    {confirming.then(|| view! { <th>{t::CONFIRM_RATE}</th> })}
                    <th>{t::RATE_BAR}</th><th></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn vote(tally: VoteTally) -> impl IntoView {
    let voters = tally.voters;
    let bars = tally
        .options
        .iter()
        .map(|o| Bar::new(o.label.clone(), o.count as f64, t::votes_of(o.count, &percent(rate(o.count, voters)))))
        .collect::<Vec<_>>();
    let names = tally.options.into_iter().filter(|o| !o.voters.is_empty()).collect::<Vec<_>>();
    view! {
        <p class="hint" id="vote-voters">{t::voters(voters)}</p>
        <HBarChart bars=bars max=voters as f64 id="vote-chart" />
        {(!names.is_empty()).then(|| view! {
            <dl class="voter-names">
                {names.into_iter().map(|o| view! { <dt>{o.label}</dt><dd>{o.voters.join("、")}</dd> }).collect_view()}
            </dl>
        })}
    }
}

pub fn scroll_to(id: &str) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
        el.scroll_into_view();
    }
}

/// The reminder rules in force and the reminders sent so far.
#[component]
pub fn ReminderCard(report: Signal<Option<NoticeReport>>) -> impl IntoView {
    move || {
        report.get().map(|r| {
            let p = &r.reminder_policy;
            let class_name = |id: Option<i64>| match id {
                None => t::ALL_CLASSES.to_string(),
                Some(id) => r.classes.iter().find(|c| c.class_id == Some(id)).map(|c| c.class_name.clone())
                    .unwrap_or_else(|| t::class_number(id)),
            };
            let rows = r.reminders.iter().map(|m: &Reminder| view! {
                <tr>
                    <td>{t::round(m.round)}</td>
                    <td>{t::missing_label(m.missing)}</td>
                    <td>{class_name(m.class_id)}</td>
                    <td>{m.recipients}</td>
                    <td>{m.sent}</td>
                    <td>{m.by.clone()}</td>
                    <td class="nowrap">{short_datetime(&Some(m.created_at), t::NONE_YET)}</td>
                </tr>
            }).collect_view();
            view! {
                <section class="card" id="report-reminders">
                    <h3>{t::REMINDERS_TITLE}</h3>
                    <p class="hint" id="reminder-policy">
                        {t::reminder_policy(p.interval_minutes, p.max_reminders, p.remaining)}
                        {p.next_allowed_at.filter(|at| *at > Utc::now()).map(|at| format!(" {}", t::next_reminder_at(&datetime(&at))))}
                    </p>
                    {if r.reminders.is_empty() {
                        view! { <p class="hint">{t::NO_REMINDERS}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap flat">
                                <table>
                                    <thead><tr>
                                        <th>{t::ROUND}</th><th>{t::REMIND_WHAT}</th><th>{t::REMIND_SCOPE}</th>
                                        <th>{t::REMIND_RECIPIENTS}</th><th>{t::REMIND_SENT}</th><th>{t::REMIND_BY}</th><th>{t::TIME}</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                </section>
            }
        })
    }
}
