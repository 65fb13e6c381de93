//! 课堂签到 on the phone, for a classroom without a projector: start a session for one of
//! the teacher's classes (code and QR, a preset duration), show the rotating code and QR
//! full-screen on the phone, count who has checked in as it happens, close it, and 补签 a
//! student with a reason.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::{AttendanceStatus, Audience, CheckinMethod, ManualCheckin, NewCheckinSession, SessionState};

use super::{PhoneHead, TeacherGate};
use crate::api::checkin::{self, RollFilter};
use crate::api::notices;
use crate::components::{ErrorNotice, Loading};
use crate::i18n::t;

/// The durations offered, in minutes (the first is the default).
const MINUTES: [i64; 4] = [10, 5, 15, 30];
/// The code changes every half minute: long enough to read out in a classroom.
const ROTATE_SECONDS: i64 = 30;

#[component]
pub fn TeacherCheckinNew() -> impl IntoView {
    view! { <TeacherGate><Start /></TeacherGate> }
}

#[component]
fn Start() -> impl IntoView {
    let classes = LocalResource::new(notices::audience_classes);
    let class = RwSignal::new(None::<(i64, String)>);
    let minutes = RwSignal::new(MINUTES[0]);
    let problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let start = move |_| {
        let Some((id, name)) = class.get() else {
            problem.set(Some(t::TP_CHOOSE_AUDIENCE.into()));
            return;
        };
        let now = Utc::now();
        let new = NewCheckinSession {
            title: format!("{name} {}", t::TP_CHECKIN_TITLE),
            audience: Audience { classes: vec![id], ..Default::default() },
            starts_at: now,
            ends_at: now + Duration::minutes(minutes.get()),
            late_after: None,
            methods: vec![CheckinMethod::Code, CheckinMethod::Qr],
            rotate_seconds: Some(ROTATE_SECONDS),
            geofence: None,
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match checkin::create(&new).await {
                Ok(session) => navigate(&format!("/t/checkin/{}", session.id), Default::default()),
                Err(err) => problem.set(Some(t::tp_error(&err))),
            }
        });
    };
    view! {
        <PhoneHead title=t::TP_CHECKIN back="/t/" />
        {move || problem.get().map(|p| view! { <p class="alert error">{p}</p> })}
        <Transition fallback=Loading>
            {move || classes.get().map(|r| match r {
                Ok(cs) if cs.is_empty() => view! { <p class="muted">{t::TP_NO_CLASSES}</p> }.into_any(),
                Ok(cs) => {
                    let options = cs.clone();
                    view! {
                        <div class="field">
                            <label for="tp-checkin-class">{t::TP_CHECKIN_CLASS}</label>
                            <select id="tp-checkin-class" on:change=move |ev| {
                                let id: i64 = event_target_value(&ev).parse().unwrap_or_default();
                                class.set(options.iter().find(|c| c.id == id).map(|c| (c.id, c.name.clone())));
                            }>
                                <option value="">"—"</option>
                                {cs.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="tp-checkin-minutes">{t::TP_CHECKIN_MINUTES}</label>
                            <select id="tp-checkin-minutes" on:change=move |ev| minutes.set(event_target_value(&ev).parse().unwrap_or(MINUTES[0]))>
                                {MINUTES.iter().map(|m| view! { <option value=m.to_string()>{t::tp_minutes(*m)}</option> }).collect_view()}
                            </select>
                        </div>
                        <button class="primary wide" id="tp-start-checkin" on:click=start.clone()>{t::TP_START_CHECKIN}</button>
                    }.into_any()
                }
                Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
pub fn TeacherCheckin() -> impl IntoView {
    view! { <TeacherGate><Display /></TeacherGate> }
}

/// The code, the QR and the count, refreshed every two seconds.
#[component]
fn Display() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or_default();
    let tick = RwSignal::new(0u32);
    let display = LocalResource::new(move || {
        tick.track();
        checkin::display(id())
    });
    let timer = set_interval_with_handle(move || tick.update(|n| *n += 1), std::time::Duration::from_secs(2)).ok();
    on_cleanup(move || {
        if let Some(t) = timer {
            t.clear();
        }
    });
    let full = RwSignal::new(false);
    let close = move |_| {
        leptos::task::spawn_local(async move {
            let _ = checkin::close(id()).await;
            tick.update(|n| *n += 1);
        });
    };
    view! {
        <PhoneHead title=t::TP_CHECKIN back="/t/checkin" />
        <Transition fallback=Loading>
            {move || display.get().map(|r| match r {
                Ok(d) => {
                    let open = d.state == SessionState::Open;
                    view! {
                        <section class="checkin-phone" class:full=move || full.get() id="tp-display" on:click=move |_| if full.get() { full.set(false) }>
                            <h2>{d.title.clone()}</h2>
                            {if open {
                                view! {
                                    <p class="big-code" id="tp-code">{d.code.clone().unwrap_or_default()}</p>
                                    {d.qr_image_url.clone().map(|src| view! { <img class="qr" src=src alt=t::TP_CODE /> })}
                                }.into_any()
                            } else {
                                view! { <p class="big-code closed" id="tp-closed">{t::TP_CLOSED}</p> }.into_any()
                            }}
                            <p class="count" id="tp-count">{t::tp_count(d.counts.checked_in, d.counts.expected)}</p>
                        </section>
                        <h3 class="muted small">{t::TP_RECENT_CHECKINS}</h3>
                        <ul class="portal-list" id="tp-latest">
                            {d.latest.into_iter().map(|c| view! {
                                <li><span>{c.student_name}</span><small>{crate::format::clock(&c.checked_at)}</small></li>
                            }).collect_view()}
                        </ul>
                        {open.then(|| view! {
                            <div class="portal-pair">
                                <button class="secondary" id="tp-full" on:click=move |_| full.set(true)>{t::TP_FULL_SCREEN}</button>
                                <button class="danger" id="tp-close" on:click=close>{t::TP_CLOSE_CHECKIN}</button>
                            </div>
                        })}
                    }.into_any()
                }
                Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
            })}
        </Transition>
        <MakeUp id=Signal::derive(id) changed=tick />
    }
}

/// 补签: one of the absent, with a reason.
#[component]
fn MakeUp(id: Signal<i64>, changed: RwSignal<u32>) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let absent = LocalResource::new(move || {
        version.track();
        checkin::roll(id.get(), RollFilter { status: Some(AttendanceStatus::Absent), ..Default::default() }, 1)
    });
    let student = RwSignal::new(None::<i64>);
    let reason = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let save = move |_| {
        let Some(student_id) = student.get() else { return };
        let change = ManualCheckin { student_id, present: true, reason: reason.get().trim().to_string(), late: false };
        leptos::task::spawn_local(async move {
            match checkin::manual(id.get_untracked(), &change).await {
                Ok(entry) => {
                    message.set(Some((true, format!("{} {}", entry.name, t::TP_MAKE_UP_DONE))));
                    reason.set(String::new());
                    student.set(None);
                    version.update(|v| *v += 1);
                    changed.update(|v| *v += 1);
                }
                Err(err) => message.set(Some((false, t::tp_error(&err)))),
            }
        });
    };
    view! {
        <section class="card" id="tp-make-up">
            <h3>{t::TP_MAKE_UP}</h3>
            {move || message.get().map(|(ok, m)| view! { <p class="alert" class:success=ok class:error=!ok>{m}</p> })}
            <Transition fallback=Loading>
                {move || absent.get().map(|r| match r {
                    Ok(page) => view! {
                        <select id="tp-make-up-student" on:change=move |ev| student.set(event_target_value(&ev).parse().ok())>
                            <option value="">{t::TP_ABSENT}</option>
                            {page.items.into_iter().map(|e| view! { <option value=e.student_id.to_string()>{e.name}</option> }).collect_view()}
                        </select>
                    }.into_any(),
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                })}
            </Transition>
            <input id="tp-make-up-reason" type="text" placeholder=t::TP_MAKE_UP_REASON prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            <button class="secondary wide" id="tp-make-up-save" on:click=save>{t::TP_MAKE_UP}</button>
        </section>
    }
}
