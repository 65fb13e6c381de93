//! A session's roll: everyone expected with their status (on time, late, absent), when and
//! how they checked in, the suspicion flags and a 补签's reason; filtered by status and
//! class, searched, paged, exported; and the teacher's fixes — 补签 for the absent (on
//! time or late) and 撤销签到 for a check-in that should not count — each with a reason.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{AttendanceEntry, AttendanceStatus, CheckinReport, ManualCheckin};

use crate::api::{self, checkin::RollFilter};
use crate::components::{Dialog, Notice as Flash, PagedTable};
use crate::format::short_datetime;
use crate::i18n::t;

pub fn status_badge(status: AttendanceStatus) -> impl IntoView {
    let class = match status {
        AttendanceStatus::Present => "badge on",
        AttendanceStatus::Late => "badge warn",
        AttendanceStatus::Absent => "badge off",
    };
    view! { <span class=class>{t::attendance_status(status)}</span> }
}

pub fn flag_badges(flags: &[String]) -> impl IntoView {
    flags.iter().map(|f| view! { <span class="badge flag" title=t::flag_hint(f)>{t::flag(f)}</span> }).collect_view()
}

#[component]
pub fn RollList(
    id: i64,
    report: RwSignal<Option<CheckinReport>>,
    version: RwSignal<u32>,
    #[prop(into)] on_changed: Callback<()>,
    title: Signal<String>,
) -> impl IntoView {
    let filter = RwSignal::new(RollFilter::default());
    let page = RwSignal::new(1u32);
    let search = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let list = LocalResource::new(move || {
        version.track();
        api::checkin::roll(id, filter.get(), page.get())
    });
    Effect::watch(move || filter.get(), move |_, _, _| page.set(1), false);
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = search.get_untracked().trim().to_string();
        filter.update(|f| f.search = text);
    };
    let export = move |format: &'static str| {
        let name = t::roll_file_name(&title.get_untracked(), format);
        leptos::task::spawn_local(async move {
            if let Err(err) = api::checkin::export(id, format, &name).await {
                message.set(Some((false, t::error(&err))));
            }
        });
    };

    // The fix being made: the student, and whether they are being marked present.
    let fixing = RwSignal::new(None::<(AttendanceEntry, bool)>);
    let dialog_open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let late = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let start_fix = move |entry: AttendanceEntry, present: bool| {
        reason.set(String::new());
        late.set(false);
        problem.set(None);
        fixing.set(Some((entry, present)));
        dialog_open.set(true);
    };
    let apply = move |_| {
        let Some((entry, present)) = fixing.get_untracked() else { return };
        let change = ManualCheckin {
            student_id: entry.student_id,
            present,
            reason: reason.get_untracked().trim().to_string(),
            late: present && late.get_untracked(),
        };
        if let Err(found) = change.validate() {
            problem.set(found.get("reason").map(t::problem));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::checkin::manual(id, &change).await;
            busy.set(false);
            match result {
                Ok(e) => {
                    dialog_open.set(false);
                    let text = if present { t::manual_done(&e.name) } else { t::removal_done(&e.name) };
                    message.set(Some((true, text)));
                    on_changed.run(());
                }
                Err(err) => problem
                    .set(Some(err.field("reason").map(|m| t::field_message(&m)).unwrap_or_else(|| t::error(&err)))),
            }
        });
    };

    let status_button = move |status: Option<AttendanceStatus>, button_id: &'static str, label: &'static str| {
        let chosen = move || filter.with(|f| f.status == status);
        view! {
            <button type="button" id=button_id class:chosen=chosen aria-pressed=move || chosen().to_string()
                on:click=move |_| filter.update(|f| f.status = status)>{label}</button>
        }
    };
    let row = move |e: AttendanceEntry| {
        let absent = e.status == AttendanceStatus::Absent;
        let for_fix = e.clone();
        view! {
            <tr data-student=e.student_id.to_string()>
                <td class="nowrap">{e.name.clone()}" "<small class="hint">{e.student_no.clone()}</small></td>
                <td class="nowrap">{e.class_name.clone().unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td>{status_badge(e.status)}</td>
                <td class="nowrap">{short_datetime(&e.checked_at, t::NONE_YET)}</td>
                <td class="nowrap">{e.method.as_deref().map(t::method_used).unwrap_or_default()}</td>
                <td class="flags">
                    {flag_badges(&e.flags)}
                    {e.manual_reason.clone().map(|r| view! { <small class="hint manual-reason">{t::reason_note(&r)}</small> })}
                </td>
                <td class="row-actions">
                    {if absent {
                        view! { <button class="link" on:click=move |_| start_fix(for_fix.clone(), true)>{t::MANUAL_CHECKIN}</button> }.into_any()
                    } else {
                        view! { <button class="link danger-link" on:click=move |_| start_fix(for_fix.clone(), false)>{t::REMOVE_CHECKIN}</button> }.into_any()
                    }}
                </td>
            </tr>
        }
    };
    let dialog_title = Signal::derive(move || {
        fixing.with(|f| match f {
            Some((e, true)) => t::manual_title(&e.name),
            Some((e, false)) => t::removal_title(&e.name),
            None => String::new(),
        })
    });
    let marking_present = move || fixing.with(|f| f.as_ref().is_some_and(|(_, p)| *p));

    view! {
        <section class="card receipt-list" id="roll">
            <div class="page-head">
                <h3>{t::ROLL_TITLE}</h3>
                <div class="head-actions">
                    <button type="button" class="secondary" id="export-roll-csv" on:click=move |_| export("csv")>{t::EXPORT_CSV}</button>
                    <button type="button" class="secondary" id="export-roll-xlsx" on:click=move |_| export("xlsx")>{t::EXPORT_XLSX}</button>
                </div>
            </div>
            <Flash message=message />
            <div class="toolbar">
                <div class="segmented" role="group" aria-label=t::STATUS>
                    {status_button(None, "roll-all", t::ALL)}
                    {status_button(Some(AttendanceStatus::Present), "roll-present", t::ON_TIME)}
                    {status_button(Some(AttendanceStatus::Late), "roll-late", t::LATE)}
                    {status_button(Some(AttendanceStatus::Absent), "roll-absent", t::MISSING)}
                </div>
                <select id="roll-class" aria-label=t::CLASS on:change=move |ev| {
                    let class_id = event_target_value(&ev).parse().ok();
                    filter.update(|f| f.class_id = class_id);
                }>
                    <option value="">{t::ALL_CLASSES}</option>
                    {move || report.with(|r| r.as_ref().map(|r| r.classes.iter().filter_map(|c| {
                        let class_id = c.class_id?;
                        let chosen = filter.with_untracked(|f| f.class_id == Some(class_id));
                        Some(view! { <option value=class_id.to_string() selected=chosen>{c.class_name.clone()}</option> })
                    }).collect_view()))}
                </select>
                <form class="inline-form grow" on:submit=on_search>
                    <input type="search" class="grow" id="roll-search" placeholder=t::ROLL_SEARCH aria-label=t::SEARCH bind:value=search />
                    <button type="submit" class="secondary">{t::SEARCH}</button>
                </form>
            </div>
            <PagedTable list=list page=page
                headers=&[t::DELIVERY_STUDENT, t::CLASS, t::STATUS, t::CHECKED_AT, t::CHECKIN_METHOD, t::FLAGS, t::ACTIONS]
                empty=t::NOBODY_IN_ROLL row=row retry=move |_| version.update(|v| *v += 1) />
            <Dialog open=dialog_open title=dialog_title on_confirm=apply busy=busy confirm_label=t::CONFIRM>
                <p class="hint">{move || if marking_present() { t::MANUAL_HINT } else { t::REMOVAL_HINT }}</p>
                <div class="field" class:invalid=move || problem.get().is_some()>
                    <label for="manual-reason">{t::REASON}</label>
                    <textarea id="manual-reason" class="short" rows="3" placeholder=t::REASON_PLACEHOLDER bind:value=reason
                        on:input=move |_| problem.set(None)></textarea>
                    {move || problem.get().map(|p| view! { <small class="problem">{p}</small> })}
                </div>
                <Show when=marking_present>
                    <label class="switch">
                        <input type="checkbox" id="manual-late" prop:checked=move || late.get() on:change=move |ev| late.set(event_target_checked(&ev)) />
                        <span>{t::COUNT_AS_LATE}</span>
                    </label>
                </Show>
            </Dialog>
        </section>
    }
}
