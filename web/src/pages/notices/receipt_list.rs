//! Who has not read (or not confirmed) a notice, or every recipient: by class, searched,
//! paged, with each one's class, WeChat binding and following, and how often they were
//! reminded; exported as CSV or Excel; and the reminder to those still owing it, after
//! a confirmation that says how many it reaches and how many reminders are left.

use chrono::Utc;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{Missing, NoticeReport, Receipt, RemindRequest, ReminderReach};

use crate::api::{self, receipts::ReceiptFilter};
use crate::components::{Dialog, Notice as Flash, PagedTable};
use crate::format::{datetime, short_datetime};
use crate::i18n::t;

/// How many still owe `missing` in the filter's class, by the report's counts.
fn owing(r: &NoticeReport, missing: Missing, class_id: Option<i64>) -> i64 {
    let (recipients, read, confirmed) = match class_id {
        None => (r.funnel.recipients, r.funnel.read, r.funnel.confirmed),
        Some(id) => {
            r.classes.iter().find(|c| c.class_id == Some(id)).map_or((0, 0, 0), |c| (c.recipients, c.read, c.confirmed))
        }
    };
    recipients - if missing == Missing::Read { read } else { confirmed }
}

/// Why reminding is not possible now, if it is not.
fn blocked(r: &NoticeReport, missing: Missing, class_id: Option<i64>) -> Option<String> {
    let p = &r.reminder_policy;
    if p.remaining <= 0 {
        return Some(t::remind_used_up(p.max_reminders));
    }
    if let Some(at) = p.next_allowed_at.filter(|at| *at > Utc::now()) {
        return Some(t::next_reminder_at(&datetime(&at)));
    }
    (owing(r, missing, class_id) <= 0).then(|| t::NOBODY_TO_REMIND.to_string())
}

#[component]
pub fn ReceiptList(
    id: i64,
    title: Signal<String>,
    report: Signal<Option<NoticeReport>>,
    filter: RwSignal<ReceiptFilter>,
    version: RwSignal<u32>,
    #[prop(into)] on_reminded: Callback<()>,
) -> impl IntoView {
    let page = RwSignal::new(1u32);
    let search = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let remind_open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // Asked afresh each time the dialog opens: how many owe it, how many can be reached.
    let reach = RwSignal::new(None::<ReminderReach>);
    Effect::watch(
        move || remind_open.get(),
        move |open, _, _| {
            reach.set(None);
            let Some(missing) = filter.get_untracked().missing.filter(|_| *open) else { return };
            let request = RemindRequest { missing, class_id: filter.get_untracked().class_id };
            leptos::task::spawn_local(async move {
                if let Ok(r) = api::receipts::reach(id, &request).await {
                    reach.set(Some(r));
                }
            });
        },
        false,
    );
    let list = LocalResource::new(move || {
        version.track();
        api::receipts::receipts(id, filter.get(), page.get())
    });
    Effect::watch(move || filter.get(), move |_, _, _| page.set(1), false);
    // A memo: the table is drawn again only if this changes, not at every report update.
    let confirming = Memo::new(move |_| report.with(|r| r.as_ref().is_some_and(|r| r.requires_confirmation)));
    let missing = move || filter.with(|f| f.missing);
    let choose = move |m: Option<Missing>| filter.update(|f| f.missing = m);
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = search.get_untracked().trim().to_string();
        filter.update(|f| f.search = text);
    };
    let export = move |format: &'static str| {
        let f = filter.get_untracked();
        let name = t::export_file_name(&title.get_untracked(), f.missing, format);
        leptos::task::spawn_local(async move {
            if let Err(err) = api::receipts::export(id, &f, format, &name).await {
                message.set(Some((false, t::error(&err))));
            }
        });
    };
    // 复制名单: the names as text, copied where the browser allows it and shown to copy by hand.
    let names = RwSignal::new(None::<String>);
    let copy_names = move |_| {
        let f = filter.get_untracked();
        leptos::task::spawn_local(async move {
            match api::receipts::receipt_names(id, &f).await {
                Ok(list) => {
                    let text = t::names_text(f.missing, &list);
                    if let Some(w) = web_sys::window() {
                        let _ = w.navigator().clipboard().write_text(&text);
                    }
                    message.set(Some((true, t::names_copied(list.len()))));
                    names.set(Some(text));
                }
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
        });
    };
    let remind = move |_| {
        let Some(missing) = filter.get_untracked().missing else { return };
        let request = RemindRequest { missing, class_id: filter.get_untracked().class_id };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::receipts::remind(id, &request).await;
            busy.set(false);
            remind_open.set(false);
            match result {
                Ok(r) => {
                    message.set(Some((true, t::reminded(r.recipients))));
                    on_reminded.run(());
                }
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
        });
    };
    let tab = move |m: Option<Missing>, tab_id: &'static str, label: &'static str| {
        view! {
            <button type="button" id=tab_id class:chosen=move || missing() == m aria-pressed=move || (missing() == m).to_string()
                on:click=move |_| choose(m)>{label}</button>
        }
    };
    let remind_button = move || {
        let m = missing()?;
        let r = report.get()?;
        let why = blocked(&r, m, filter.with(|f| f.class_id));
        Some(view! {
            <button type="button" class="primary" id="remind" disabled=why.is_some() on:click=move |_| remind_open.set(true)>
                {t::remind_label(m)}
            </button>
            {why.map(|w| view! { <small class="hint" id="remind-blocked">{w}</small> })}
        })
    };
    let dialog_text = move || {
        let (Some(m), Some(r)) = (missing(), report.get()) else { return String::new() };
        let class_id = filter.with(|f| f.class_id);
        let scope =
            class_id.and_then(|c| r.classes.iter().find(|x| x.class_id == Some(c)).map(|x| x.class_name.clone()));
        match reach.get() {
            Some(reach) => t::remind_confirm(m, &reach, scope.as_deref(), &r.reminder_policy),
            None => t::REMIND_COUNTING.to_string(),
        }
    };
    let row = move |r: Receipt| {
        view! {
            <tr>
                <td class="nowrap">{r.name.clone()}" "<small class="hint">{r.student_no.clone().unwrap_or_default()}</small></td>
                <td class="nowrap">{r.class_name.clone().unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td class="nowrap">
                    <span class=if r.bound { "badge on" } else { "badge off" }>{if r.bound { t::BOUND } else { t::UNBOUND }}</span>
                    {r.bound.then(|| view! {
                        " "<span class=if r.following { "badge on" } else { "badge off" }>{if r.following { t::FOLLOWS } else { t::NOT_FOLLOWS }}</span>
                    })}
                </td>
                <td><span class=t::delivery_badge(&r.status)>{t::delivery_status(&r.status)}</span></td>
                <td class="nowrap">{short_datetime(&r.read_at, t::NOT_READ)}</td>
                {confirming.get().then(|| view! { <td class="nowrap">{short_datetime(&r.confirmed_at, t::NOT_CONFIRMED)}</td> })}
                <td>{r.reminded}</td>
            </tr>
        }
    };
    let headers = move || -> &'static [&'static str] {
        if confirming.get() {
            &[t::DELIVERY_STUDENT, t::CLASS, t::WECHAT, t::DELIVERY_STATUS, t::READ_AT, t::CONFIRMED_AT, t::REMINDED]
        } else {
            &[t::DELIVERY_STUDENT, t::CLASS, t::WECHAT, t::DELIVERY_STATUS, t::READ_AT, t::REMINDED]
        }
    };

    view! {
        <section class="card receipt-list" id="receipt-list">
            <div class="page-head">
                <h3>{t::RECEIPT_LIST_TITLE}</h3>
                <div class="head-actions">
                    <button type="button" class="secondary" id="copy-names" on:click=copy_names>{t::COPY_NAMES}</button>
                    <button type="button" class="secondary" id="export-csv" on:click=move |_| export("csv")>{t::EXPORT_CSV}</button>
                    <button type="button" class="secondary" id="export-xlsx" on:click=move |_| export("xlsx")>{t::EXPORT_XLSX}</button>
                </div>
            </div>
            <Flash message=message />
            {move || names.get().map(|text| view! {
                <textarea id="names-text" class="names-text" readonly rows="2" aria-label=t::COPY_NAMES>{text}</textarea>
            })}
            <div class="toolbar">
                <div class="segmented" role="group" aria-label=t::RECEIPT_LIST_TITLE>
                    {tab(Some(Missing::Read), "missing-read", t::NOT_READ)}
                    <Show when=move || confirming.get()>{tab(Some(Missing::Confirmation), "missing-confirmation", t::NOT_CONFIRMED)}</Show>
                    {tab(None, "missing-all", t::ALL_RECIPIENTS)}
                </div>
                <select id="receipt-class" aria-label=t::CLASS on:change=move |ev| {
                    let class_id = event_target_value(&ev).parse().ok();
                    filter.update(|f| f.class_id = class_id);
                }>
                    <option value="">{t::ALL_CLASSES}</option>
                    {move || report.get().map(|r| r.classes.into_iter().filter_map(|c| {
                        let id = c.class_id?;
                        let chosen = filter.with_untracked(|f| f.class_id == Some(id));
                        Some(view! { <option value=id.to_string() selected=chosen>{c.class_name}</option> })
                    }).collect_view())}
                </select>
                <form class="inline-form grow" on:submit=on_search>
                    <input type="search" class="grow" placeholder=t::DELIVERY_SEARCH aria-label=t::SEARCH bind:value=search />
                    <button type="submit" class="secondary">{t::SEARCH}</button>
                </form>
                <span class="remind-action">{remind_button}</span>
            </div>
            {move || {
                let headers = headers();
                view! {
                    <PagedTable list=list page=page headers=headers empty=t::NOBODY_MISSING row=row
                        retry=move |_| version.update(|v| *v += 1) />
                }
            }}
            <Dialog open=remind_open title=Signal::derive(move || missing().map(t::remind_label).unwrap_or_default().to_string())
                on_confirm=remind busy=busy confirm_label=t::SEND_REMINDER>
                <p id="remind-confirm">{dialog_text}</p>
            </Dialog>
        </section>
    }
}
