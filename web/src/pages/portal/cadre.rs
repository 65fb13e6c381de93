//! 班级回执 on a notice's page, for a class cadre of a class it went to: how many of the
//! class have read (and confirmed) it, who has not, and a reminder to them — limited
//! like a teacher's (an interval and a number of times for the notice).

use chrono::Utc;
use leptos::prelude::*;
use shared::{ClassProgress, Missing};

use crate::api;
use crate::components::{percent, rate, Dialog};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn ClassReceipts(id: i64, progress: ClassProgress, asks_confirmation: bool) -> impl IntoView {
    let class_id = progress.class_id;
    let missing = RwSignal::new(Missing::Read);
    let version = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        version.track();
        api::receipts::class_missing(id, class_id, missing.get())
    });
    let policy = RwSignal::new(progress.reminder_policy.clone());
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let owing = move || list.get().and_then(Result::ok).map_or(0, |l| l.len());
    let blocked = move || {
        let p = policy.get();
        if p.remaining <= 0 {
            Some(t::remind_used_up(p.max_reminders))
        } else if let Some(at) = p.next_allowed_at.filter(|at| *at > Utc::now()) {
            Some(t::next_reminder_at(&datetime(&at)))
        } else {
            (owing() == 0).then(|| t::NOBODY_TO_REMIND.to_string())
        }
    };
    let remind = move |_| {
        busy.set(true);
        let m = missing.get_untracked();
        leptos::task::spawn_local(async move {
            let result = api::receipts::class_remind(id, class_id, m).await;
            busy.set(false);
            open.set(false);
            match result {
                Ok(r) => {
                    policy.update(|p| {
                        p.remaining -= 1;
                        p.next_allowed_at = Some(r.created_at + chrono::Duration::minutes(p.interval_minutes));
                    });
                    message.set(Some((true, t::reminded(r.recipients))));
                    version.update(|v| *v += 1);
                }
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
        });
    };
    let stat = |label: &'static str, n: i64, of: i64| {
        view! {
            <div class="class-stat">
                <span>{label}</span>
                <strong>{format!("{n}/{of}")}</strong>
                <span class="vote-bar"><span style:width=format!("{:.1}%", rate(n, of) * 100.0)></span></span>
                <small>{percent(rate(n, of))}</small>
            </div>
        }
    };
    let tab = move |m: Missing, tab_id: &'static str| {
        view! {
            <button type="button" id=tab_id class:chosen=move || missing.get() == m
                aria-pressed=move || (missing.get() == m).to_string() on:click=move |_| missing.set(m)>
                {t::missing_label(m)}
            </button>
        }
    };
    view! {
        <section class="card class-receipts" id=format!("class-receipts-{class_id}")>
            <h3>{t::portal_class_receipts(&progress.class_name)}</h3>
            {stat(t::FUNNEL_READ, progress.read, progress.recipients)}
            {asks_confirmation.then(|| stat(t::FUNNEL_CONFIRMED, progress.confirmed, progress.recipients))}
            {asks_confirmation.then(|| view! {
                <div class="segmented" role="group">
                    {tab(Missing::Read, "class-missing-read")}
                    {tab(Missing::Confirmation, "class-missing-confirmation")}
                </div>
            })}
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "alert success" } else { "alert error" } role="status">{m}</p> })}
            {move || list.get().map(|r| match r {
                Ok(mates) if mates.is_empty() => view! { <p class="hint">{t::PORTAL_ALL_DONE}</p> }.into_any(),
                Ok(mates) => view! {
                    <ul class="portal-list class-missing">
                        {mates.into_iter().map(|m| view! {
                            <li>
                                <span>{m.name}" "<small>{m.student_no}</small></span>
                                {(!m.bound).then(|| view! { <span class="badge">{t::PORTAL_UNBOUND_MARK}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(err) => view! { <p class="problem">{t::portal_error(&err)}</p> }.into_any(),
            })}
            <button class="primary wide" id=format!("class-remind-{class_id}") disabled=move || blocked().is_some()
                on:click=move |_| open.set(true)>
                {move || t::remind_label(missing.get())}
            </button>
            {move || blocked().map(|w| view! { <p class="hint">{w}</p> })}
            <Dialog open=open title=Signal::derive(move || t::remind_label(missing.get()).to_string()) on_confirm=remind
                busy=busy confirm_label=t::SEND_REMINDER>
                <p>{move || t::portal_remind_confirm(owing(), &policy.get())}</p>
            </Dialog>
        </section>
    }
}
