//! The audit log (admins): filter by actor and action, newest first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::AuditEntry;

use crate::api;
use crate::components::{PagedTable, RequireAdmin};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <RequireAdmin>
            <AuditLog />
        </RequireAdmin>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let actor = RwSignal::new(String::new());
    let applied_actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let entries = LocalResource::new(move || {
        version.track();
        api::audit::list(applied_actor.get(), action.get(), page.get())
    });

    let on_filter = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied_actor.set(actor.get_untracked().trim().to_string());
    };
    let row = |entry: AuditEntry| {
        let failed = entry.action.ends_with("failed") || entry.action.ends_with("reused");
        view! {
            <tr>
                <td class="nowrap">{datetime(&entry.at)}</td>
                <td>{t::audit_actor(&entry.actor)}</td>
                <td><span class=if failed { "badge off" } else { "badge" }>{t::audit_action(&entry.action)}</span></td>
                <td>{entry.target.as_deref().map(t::audit_target).unwrap_or_default()}</td>
                <td>{entry.detail.unwrap_or_default()}</td>
                <td>{t::audit_channel(&entry.channel)}</td>
                <td>{entry.ip.unwrap_or_default()}</td>
            </tr>
        }
    };

    view! {
        <section class="page">
            <h1>{t::AUDIT_TITLE}</h1>
            <p class="lead">{t::AUDIT_INTRO}</p>
            <form class="toolbar" on:submit=on_filter>
                <input type="search" placeholder=t::ACTOR_PLACEHOLDER aria-label=t::ACTOR bind:value=actor />
                <select aria-label=t::ACTION on:change=move |ev| {
                    page.set(1);
                    action.set(event_target_value(&ev));
                }>
                    <option value="">{t::ALL}</option>
                    {t::AUDIT_ACTIONS.iter().map(|a| view! { <option value=*a>{t::audit_action(a)}</option> }).collect_view()}
                </select>
                <button type="submit" class="secondary">{t::SEARCH}</button>
            </form>
            <PagedTable
                list=entries
                page=page
                headers=&[t::TIME, t::ACTOR, t::ACTION, t::TARGET, t::DETAIL, t::AUDIT_CHANNEL, t::IP]
                empty=t::NO_AUDIT
                row=row
                retry=move |_| version.update(|v| *v += 1)
            />
        </section>
    }
}
