//! One activity (`/activities/:id`): what, when and where, its places and waiting list,
//! the sign-ups (with the waiting order and, once there is a check-in, how each attended),
//! attendance and no-shows; making its check-in session from the sign-ups, exporting the
//! sign-ups, and cancelling it.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::{ActivityCheckin, ActivityReport, Signup, SignupStatus};

use super::{stage, stage_badge, Stage};
use crate::api;
use crate::components::{Dialog, Empty, ErrorNotice, Loading, Notice as Flash};
use crate::format::{datetime, parse_datetime_input, short_datetime, time_range};
use crate::i18n::t;
use crate::pages::checkins::{MethodsDraft, MethodsFields};

#[component]
pub fn ActivityDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    move || match id.get() {
        Some(id) => view! { <ActivityDetail id=id /> }.into_any(),
        None => view! { <crate::pages::NotFound /> }.into_any(),
    }
}

pub fn signup_badge(s: &Signup) -> impl IntoView {
    match s.status {
        SignupStatus::SignedUp => view! { <span class="badge on">{t::SIGNED_UP}</span> }.into_any(),
        SignupStatus::Waitlisted => {
            view! { <span class="badge warn">{t::waitlisted_at(s.waitlist_position)}</span> }.into_any()
        }
        SignupStatus::Cancelled => view! { <span class="badge">{t::SIGNUP_CANCELLED}</span> }.into_any(),
    }
}

#[component]
fn ActivityDetail(id: i64) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let report = LocalResource::new(move || {
        version.track();
        api::activities::report(id)
    });
    let reload = move || version.update(|v| *v += 1);
    let message = RwSignal::new(None::<(bool, String)>);
    let cancel_open = RwSignal::new(false);
    let checkin_open = RwSignal::new(false);
    let current = Signal::derive(move || report.get().and_then(|r| r.ok()));
    let title = move || current.with(|r| r.as_ref().map(|r| r.activity.title.clone()).unwrap_or_default());

    let cancel = move |_| {
        cancel_open.set(false);
        leptos::task::spawn_local(async move {
            match api::activities::cancel(id).await {
                Ok(_) => message.set(Some((true, t::ACTIVITY_CANCELLED_DONE.into()))),
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
            reload();
        });
    };
    let export = move |format: &'static str| {
        let name = t::signups_file_name(&title(), format);
        leptos::task::spawn_local(async move {
            if let Err(err) = api::activities::export(id, format, &name).await {
                message.set(Some((false, t::error(&err))));
            }
        });
    };

    let show = move |r: ActivityReport| {
        let a = r.activity.clone();
        let s = stage(&a);
        let checkin = a.checkin_session_id.map(|c| format!("/checkins/{c}"));
        let can_checkin = a.checkin_session_id.is_none() && s != Stage::Cancelled && s != Stage::Over;
        let can_cancel = s != Stage::Cancelled && s != Stage::Over;
        let tile = |id: &'static str, label: &'static str, value: String, class: &'static str| {
            view! { <li class=format!("tile big {class}") id=id><strong>{value}</strong><small>{label}</small></li> }
        };
        view! {
            <div class="page-head">
                <div class="title-line">
                    <h1 id="activity-title">{a.title.clone()}</h1>
                    {stage_badge(s)}
                </div>
                <div class="head-actions">
                    {checkin.map(|href| view! { <A href=href attr:class="button primary" attr:id="activity-checkin-link">{t::VIEW_CHECKIN}</A> })}
                    {can_checkin.then(|| view! {
                        <button class="primary" id="activity-checkin" on:click=move |_| checkin_open.update(|o| *o = !*o)>{t::CREATE_CHECKIN}</button>
                    })}
                    <button class="secondary" id="export-signups-csv" on:click=move |_| export("csv")>{t::EXPORT_CSV}</button>
                    <button class="secondary" id="export-signups-xlsx" on:click=move |_| export("xlsx")>{t::EXPORT_XLSX}</button>
                    {can_cancel.then(|| view! {
                        <button class="danger" id="cancel-activity" on:click=move |_| cancel_open.set(true)>{t::CANCEL_ACTIVITY}</button>
                    })}
                </div>
            </div>
            <Show when=move || checkin_open.get()>
                <ActivityCheckinForm id=id on_done=move |_| { checkin_open.set(false); reload(); } />
            </Show>
            <div class="notice-layout">
                <article class="card">
                    <ul class="tiles big-tiles activity-tiles">
                        {tile("activity-signed", t::PLACES_TAKEN, format!("{} / {}", a.signed_up, a.capacity), "good")}
                        {tile("activity-waitlisted", t::WAITLISTED, a.waitlisted.to_string(), "warn")}
                        {tile("activity-cancelled", t::SIGNUPS_CANCELLED, r.cancelled.to_string(), "")}
                        {tile("activity-attended", t::ATTENDED, r.attended.to_string(), "good")}
                        {tile("activity-no-shows", t::NO_SHOWS, r.no_shows.to_string(), "bad")}
                    </ul>
                    {(!a.description.is_empty()).then(|| view! { <p class="activity-description">{a.description.clone()}</p> })}
                </article>
                <aside class="card">
                    <dl class="detail">
                        <dt>{t::TIME}</dt><dd>{time_range(&a.starts_at, &a.ends_at)}</dd>
                        <dt>{t::PLACE}</dt><dd>{a.place.clone()}</dd>
                        <dt>{t::CAPACITY}</dt><dd>{a.capacity}</dd>
                        <dt>{t::SIGNUP_UNTIL}</dt><dd>{datetime(&a.signup_until)}</dd>
                        <dt>{t::SIGNUP_CODE}</dt><dd><code>{a.code.clone()}</code>" "<small class="hint">{t::signup_code_hint(&a.code)}</small></dd>
                        <dt>{t::ACTIVITY_AUDIENCE}</dt><dd>{t::audience_summary(&a.audience)}</dd>
                        <dt>{t::AUTHOR}</dt><dd>{a.created_by_name.clone()}</dd>
                        {a.cancelled_at.map(|at| view! { <dt>{t::CANCELLED_AT}</dt><dd>{datetime(&at)}</dd> })}
                    </dl>
                </aside>
            </div>
            <SignupList signups=r.signups />
        }
    };

    view! {
        <section class="page">
            <A href="/activities" attr:class="back">{"‹ "}{t::BACK_TO_ACTIVITIES}</A>
            <Flash message=message />
            <Transition fallback=Loading>
                {move || report.get().map(|result| match result {
                    Ok(r) => show(r).into_any(),
                    Err(err) => view! { <ErrorNotice error=err retry=move |_| reload() /> }.into_any(),
                })}
            </Transition>
            <Dialog open=cancel_open title=Signal::derive(|| t::CANCEL_ACTIVITY.to_string()) on_confirm=cancel confirm_label=t::CANCEL_ACTIVITY danger=true>
                <p>{move || t::confirm_cancel_activity(&title())}</p>
            </Dialog>
        </section>
    }
}

#[component]
fn SignupList(signups: Vec<Signup>) -> impl IntoView {
    let filter = RwSignal::new(None::<SignupStatus>);
    let signups = StoredValue::new(signups);
    let count = move |s: SignupStatus| signups.with_value(|l| l.iter().filter(|x| x.status == s).count());
    let button = move |which: Option<SignupStatus>, id: &'static str, label: String| {
        view! {
            <button type="button" id=id class:chosen=move || filter.get() == which
                aria-pressed=move || (filter.get() == which).to_string() on:click=move |_| filter.set(which)>{label}</button>
        }
    };
    let rows = move || {
        let chosen = filter.get();
        let list: Vec<Signup> =
            signups.with_value(|l| l.iter().filter(|s| chosen.is_none_or(|c| s.status == c)).cloned().collect());
        if list.is_empty() {
            return view! { <Empty text=t::NO_SIGNUPS /> }.into_any();
        }
        view! {
            <div class="table-wrap flat">
                <table id="signups">
                    <thead><tr>
                        <th>{t::DELIVERY_STUDENT}</th><th>{t::CLASS}</th><th>{t::STATUS}</th><th>{t::SIGNED_UP_AT}</th>
                        <th>{t::PROMOTED_AT}</th><th>{t::ATTENDANCE}</th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|s| view! {
                            <tr>
                                <td class="nowrap">{s.name.clone()}" "<small class="hint">{s.student_no.clone()}</small></td>
                                <td class="nowrap">{s.class_name.clone().unwrap_or_else(|| t::NONE_YET.into())}</td>
                                <td>{signup_badge(&s)}</td>
                                <td class="nowrap">{short_datetime(&Some(s.signed_up_at), t::NONE_YET)}</td>
                                <td class="nowrap">{short_datetime(&s.promoted_at, t::NONE_YET)}</td>
                                <td>{s.attendance.map(|a| crate::pages::checkins::attendance_badge(a).into_any())
                                    .unwrap_or_else(|| view! { <span class="hint">{t::NONE_YET}</span> }.into_any())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card receipt-list">
            <div class="page-head"><h3>{t::SIGNUPS_TITLE}</h3></div>
            <div class="toolbar">
                <div class="segmented" role="group" aria-label=t::STATUS>
                    {button(None, "signups-all", t::ALL.to_string())}
                    {button(Some(SignupStatus::SignedUp), "signups-in", format!("{} {}", t::SIGNED_UP, count(SignupStatus::SignedUp)))}
                    {button(Some(SignupStatus::Waitlisted), "signups-waiting", format!("{} {}", t::WAITLISTED, count(SignupStatus::Waitlisted)))}
                    {button(Some(SignupStatus::Cancelled), "signups-cancelled", format!("{} {}", t::SIGNUP_CANCELLED, count(SignupStatus::Cancelled)))}
                </div>
            </div>
            {rows}
        </section>
    }
}

/// The activity's check-in session: the methods, and times that default to the
/// activity's (open 15 minutes before, late after the start, closed at the end).
#[component]
fn ActivityCheckinForm(id: i64, #[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let navigate = use_navigate();
    let draft = MethodsDraft::new();
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let late = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |_| {
        let spec = ActivityCheckin {
            methods: draft.methods(),
            rotate_seconds: draft.rotate_seconds(),
            geofence: draft.geofence(),
            starts_at: parse_datetime_input(&starts.get_untracked()),
            ends_at: parse_datetime_input(&ends.get_untracked()),
            late_after: parse_datetime_input(&late.get_untracked()),
        };
        let mut found = BTreeMap::new();
        if spec.methods.is_empty() {
            found.insert("methods".to_string(), t::problem(shared::Problem::Required));
        }
        if let Some(fence) = &spec.geofence {
            let mut e = shared::validate::FieldErrors::default();
            fence.validate(&mut e);
            found.extend(e.0.into_iter().map(|(f, p)| (f.clone(), t::checkin_field_problem(&f, p))));
        }
        if let Some(s) = spec.rotate_seconds.filter(|s| !(5..=300).contains(s)) {
            found.insert("rotate_seconds".to_string(), t::rotate_problem(s));
        }
        errors.set(found);
        if !errors.with_untracked(BTreeMap::is_empty) {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = api::activities::create_checkin(id, &spec).await;
            busy.set(false);
            match result {
                Ok(s) => {
                    on_done.run(());
                    navigate(&format!("/checkins/{}", s.id), Default::default());
                }
                Err(err) => problem.set(Some(t::error(&err))),
            }
        });
    };
    let time = |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="datetime-local" bind:value=value />
            </div>
        }
    };
    view! {
        <div class="card form-card">
            <h3>{t::CREATE_CHECKIN}</h3>
            <p class="hint">{t::ACTIVITY_CHECKIN_HINT}</p>
            {move || problem.get().map(|p| view! { <p class="alert error" role="alert">{p}</p> })}
            <MethodsFields draft=draft errors=errors />
            <div class="grid3">
                {time("activity-checkin-starts", t::STARTS_AT_OPTIONAL, starts)}
                {time("activity-checkin-ends", t::ENDS_AT_OPTIONAL, ends)}
                {time("activity-checkin-late", t::LATE_AFTER_OPTIONAL, late)}
            </div>
            <div class="form-actions">
                <button type="button" class="primary" id="create-activity-checkin" disabled=move || busy.get() on:click=submit>{t::CREATE_CHECKIN}</button>
            </div>
        </div>
    }
}
