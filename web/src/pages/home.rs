//! The home page is the counselor's desk: what needs them now (students' unanswered
//! questions, little-read notices, open check-ins, teachers waiting for approval), their
//! latest notices with read and confirm rates, their classes by binding rate (each leading
//! to who has not bound), and on a fresh install the steps to the first notice, ticked as
//! they are done. Admins also see the system's state and their administration pages.

use leptos::prelude::*;
use leptos_router::components::A;
use serde::Deserialize;
use shared::{Class, Desk, NoticeSummary, Role, SetupSteps, UnansweredQuestions};

use crate::components::{percent, rate, Empty, ErrorNotice, Loading, MiniBar, TemplateWarning};
use crate::format::greeting;
use crate::i18n::t;
use crate::pages::notices::SentNoticesTable;
use crate::{api, session};

#[derive(Clone, Deserialize)]
struct Readiness {
    database: String,
    cache: String,
    cache_kind: String,
}

async fn readiness() -> Option<Readiness> {
    let resp = gloo_net::http::Request::get("/readyz").send().await.ok()?;
    resp.json().await.ok()
}

#[component]
pub fn HomePage() -> impl IntoView {
    let user = move || session::user();
    let is_admin = user().is_some_and(|u| u.role == Role::Admin);
    let version = RwSignal::new(0u32);
    let desk = LocalResource::new(move || {
        version.track();
        api::desk::desk()
    });
    view! {
        <section class="page desk">
            <h1>{move || format!("{}，{}", greeting(), user().map(|u| u.display_name).unwrap_or_default())}</h1>
            <p class="lead">{t::DESK_INTRO}</p>
            <TemplateWarning />
            {move || match desk.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error=error retry=move |_| version.update(|v| *v += 1) /> }.into_any(),
                Some(Ok(desk)) => view! { <DeskCards desk=desk is_admin=is_admin /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn DeskCards(desk: Desk, is_admin: bool) -> impl IntoView {
    let setup = (!desk.setup.all_done()).then(|| view! { <SetupCard steps=desk.setup is_admin=is_admin /> });
    view! {
        {setup}
        <div class="desk-grid">
            <div class="desk-column">
                <TodoCard
                waiting=desk.waiting_messages
                unanswered=desk.unanswered
                low_read=desk.low_read
                open=desk.open_checkins
                pending=desk.pending_teachers
            />
                <RecentCard recent=desk.recent />
            </div>
            <div class="desk-column">
                <ClassesCard classes=desk.classes />
                {is_admin.then(|| view! { <AdminCards /> })}
            </div>
        </div>
    }
}

/// One step of the setup: its number or a tick, its name, and where to do it.
fn step(n: usize, done: bool, name: &'static str, todo: AnyView) -> impl IntoView {
    view! {
        <li class:done=done data-done=done.to_string()>
            <span class="step-mark" aria-hidden="true">{if done { "✓".to_string() } else { n.to_string() }}</span>
            <span class="step-name">{name}</span>
            {if done { view! { <span class="hint">{t::STEP_DONE}</span> }.into_any() } else { todo }}
        </li>
    }
}

fn link(href: &'static str, text: &'static str) -> AnyView {
    view! { <A href=href>{text}</A> }.into_any()
}

fn hint(text: &'static str) -> AnyView {
    view! { <span class="hint">{text}</span> }.into_any()
}

#[component]
fn SetupCard(steps: SetupSteps, is_admin: bool) -> impl IntoView {
    let class_todo = if is_admin { link("/classes", t::STEP_CLASS) } else { hint(t::STEP_CLASS_TEACHER) };
    let template_todo = if is_admin { link("/templates", t::STEP_TEMPLATE) } else { hint(t::STEP_TEMPLATE_TEACHER) };
    view! {
        <div class="card setup" id="setup-steps">
            <h2>{t::SETUP_TITLE}</h2>
            <p class="hint">{t::SETUP_LEAD}</p>
            <ol class="steps">
                {step(1, steps.class_created, t::STEP_CLASS, class_todo)}
                {step(2, steps.students_added, t::STEP_STUDENTS, link("/students", t::STEP_STUDENTS))}
                {step(3, steps.students_bound, t::STEP_BIND, link("/classes", t::STEP_BIND_HOW))}
                {step(4, steps.template_mapped, t::STEP_TEMPLATE, template_todo)}
                {step(5, steps.notice_sent, t::STEP_NOTICE, link("/notices/new", t::WRITE_NOTICE))}
            </ol>
        </div>
    }
}

#[component]
fn TodoCard(
    waiting: i64,
    unanswered: Vec<UnansweredQuestions>,
    low_read: Vec<NoticeSummary>,
    open: Vec<shared::CheckinSession>,
    pending: i64,
) -> impl IntoView {
    let nothing = waiting == 0 && unanswered.is_empty() && low_read.is_empty() && open.is_empty() && pending == 0;
    let waiting = (waiting > 0).then(|| {
        view! {
            <p id="waiting-messages"><A href="/inbox">{t::messages_waiting(waiting)}</A></p>
        }
    });
    let unanswered = (!unanswered.is_empty()).then(|| {
        view! {
            <h3>{t::UNANSWERED}</h3>
            <ul class="desk-list" id="unanswered">
                {unanswered.into_iter().map(|q| view! {
                    <li>
                        <A href=format!("/notices/{}", q.notice_id)>{q.title.clone()}</A>
                        <span class="badge warn">{t::questions_waiting(q.questions)}</span>
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    let low_read = (!low_read.is_empty()).then(|| {
        view! {
            <h3>{t::LOW_READ}</h3>
            <ul class="desk-list" id="low-read">
                {low_read.into_iter().map(|n| view! {
                    <li>
                        <A href=format!("/notices/{}", n.id)>{n.title.clone()}</A>
                        <span class="low">{percent(rate(n.read, n.students))}</span>
                        <small class="hint">{t::read_of(n.read, n.students)}</small>
                        <A href=format!("/notices/{}", n.id) attr:class="button secondary small">{t::REMIND}</A>
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    let open = (!open.is_empty()).then(|| {
        view! {
            <h3>{t::OPEN_CHECKINS}</h3>
            <ul class="desk-list" id="open-checkins">
                {open.into_iter().map(|s| view! {
                    <li>
                        <A href=format!("/checkins/{}", s.id)>{s.title.clone()}</A>
                        <small class="hint">{t::checked_in_of(s.counts.checked_in, s.counts.expected)}</small>
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    let pending = (pending > 0).then(|| {
        view! {
            <p id="pending-teachers"><A href="/settings#pending">{t::pending_teachers(pending)}</A></p>
        }
    });
    view! {
        <div class="card" id="todo">
            <h2>{t::TODO_TITLE}</h2>
            {nothing.then(|| view! { <Empty text=t::TODO_NONE /> })}
            {waiting}
            {unanswered}
            {low_read}
            {open}
            {pending}
        </div>
    }
}

#[component]
fn RecentCard(recent: Vec<NoticeSummary>) -> impl IntoView {
    let body = if recent.is_empty() {
        view! { <Empty text=t::NO_SENT_NOTICES /> <A href="/notices/new">{t::WRITE_NOTICE}</A> }.into_any()
    } else {
        view! { <SentNoticesTable notices=recent id="recent-notices" /> }.into_any()
    };
    view! {
        <div class="card">
            <h2>{t::RECENT_NOTICES}</h2>
            {body}
        </div>
    }
}

#[component]
fn ClassesCard(classes: Vec<Class>) -> impl IntoView {
    let body = if classes.is_empty() {
        view! { <Empty text=t::NO_CLASSES_YET /> }.into_any()
    } else {
        view! {
            <ul class="desk-list" id="class-binding">
                {classes.into_iter().map(|c| {
                    let share = rate(c.bound_count, c.student_count);
                    let all = c.bound_count >= c.student_count;
                    view! {
                        <li class="class-row" data-class=c.id.to_string()>
                            <A href=format!("/classes/{}", c.id) attr:class="class-name">{c.name.clone()}</A>
                            <small class="hint">{t::bound_of(c.bound_count, c.student_count)}</small>
                            <MiniBar read=share confirmed=None />
                            {if all {
                                view! { <span class="hint">{t::ALL_BOUND}</span> }.into_any()
                            } else {
                                view! { <A href=format!("/classes/{}?bound=false", c.id)>{t::WHO_UNBOUND}</A> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div class="card">
            <h2>{t::CLASS_BINDING}</h2>
            {body}
        </div>
    }
}

/// The administration pages and the system's state, for admins.
#[component]
fn AdminCards() -> impl IntoView {
    let status = LocalResource::new(readiness);
    let ok = |part: &str| if part == "ok" { t::STATUS_OK } else { t::STATUS_DOWN };
    view! {
        <div class="card">
            <h2>{t::ADMIN_LINKS}</h2>
            <ul class="links">
                <li><A href="/users">{t::NAV_USERS}</A></li>
                <li><A href="/settings">{t::NAV_SETTINGS}</A></li>
                <li><A href="/audit">{t::NAV_AUDIT}</A></li>
            </ul>
        </div>
        <div class="card">
            <h2>{t::SYSTEM_STATUS}</h2>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || status.get().map(|s| match s {
                    Some(s) => view! {
                        <dl>
                            <dt>{t::DATABASE}</dt>
                            <dd class=format!("dot {}", s.database)>{ok(&s.database)}</dd>
                            <dt>{t::CACHE}</dt>
                            <dd class=format!("dot {}", s.cache)>
                                {ok(&s.cache)}" · "
                                {if s.cache_kind == "redis" { t::CACHE_REDIS } else { t::CACHE_LOCAL }}
                            </dd>
                        </dl>
                    }.into_any(),
                    None => view! { <p class="problem">{t::STATUS_DOWN}</p> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}
