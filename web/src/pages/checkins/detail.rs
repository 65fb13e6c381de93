//! One session (`/checkins/:id`): what it is and its actions — project it, close it
//! early or reopen it, notify the absent, delete it — then its live counts (tiles, each
//! class with a bar, the latest names), and in tabs the roll (补签 / 撤销) and every
//! attempt. Everything follows the session's event stream, with a slow poll beside it.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::{AbsentNotice, AbsentNoticeSent, CheckinReport, SessionState};

use super::attempts::AttemptList;
use super::roll::RollList;
use super::state_badge;
use super::summary::summary;
use crate::api::{self, ClientError};
use crate::components::{Dialog, ErrorNotice, Loading, Notice as Flash};
use crate::format::{datetime, datetime_input, parse_datetime_input, time_range};
use crate::i18n::t;
use crate::pages::live::{follow, live_badge, refresher, Live, Stream};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Roll,
    Attempts,
}

#[component]
pub fn CheckinDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    move || match id.get() {
        Some(id) => view! { <CheckinDetail id=id /> }.into_any(),
        None => view! { <crate::pages::NotFound /> }.into_any(),
    }
}

#[component]
fn CheckinDetail(id: i64) -> impl IntoView {
    let navigate = use_navigate();
    let report = RwSignal::new(None::<CheckinReport>);
    let error = RwSignal::new(None::<ClientError>);
    let live = RwSignal::new(Live::Connecting);
    // Bumped at every change, so the roll and the attempts are fetched again too.
    let version = RwSignal::new(0u32);
    let refresh = refresher(move || api::checkin::report(id), report, error);
    let on_change = Callback::new(move |_: ()| {
        version.update(|v| *v += 1);
        refresh.run(());
    });
    refresh.run(());
    follow(Stream::Checkin(id), live, on_change);

    let tab = RwSignal::new(Tab::Roll);
    let message = RwSignal::new(None::<(bool, String)>);
    let sent = RwSignal::new(None::<AbsentNoticeSent>);
    let busy = RwSignal::new(false);
    let close_open = RwSignal::new(false);
    let reopen_open = RwSignal::new(false);
    let notify_open = RwSignal::new(false);
    let delete_open = RwSignal::new(false);
    let new_end = RwSignal::new(String::new());
    let new_end_problem = RwSignal::new(None::<String>);
    let notice_title = RwSignal::new(String::new());

    let loaded = Memo::new(move |_| report.with(Option::is_some));
    let session = Memo::new(move |_| report.with(|r| r.as_ref().map(|r| r.session.clone())));
    let title = move || session.with(|s| s.as_ref().map(|s| s.title.clone()).unwrap_or_default());
    let missing = move || session.with(|s| s.as_ref().map_or(0, |s| s.counts.missing));

    let act = move |work: std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, ClientError>>>>| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = work.await;
            busy.set(false);
            match result {
                Ok(text) => message.set(Some((true, text))),
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
            on_change.run(());
        });
    };
    let close = move |_| {
        close_open.set(false);
        act(Box::pin(async move { api::checkin::close(id).await.map(|_| t::CHECKIN_CLOSED_DONE.to_string()) }));
    };
    let open_reopen = move |_| {
        new_end.set(datetime_input(&(Utc::now() + Duration::minutes(10))));
        new_end_problem.set(None);
        reopen_open.set(true);
    };
    let reopen = move |_| {
        let Some(end) = parse_datetime_input(&new_end.get_untracked()).filter(|e| *e > Utc::now()) else {
            new_end_problem.set(Some(t::problem(shared::Problem::InThePast)));
            return;
        };
        reopen_open.set(false);
        act(Box::pin(
            async move { api::checkin::reopen(id, end).await.map(|s| t::reopened_until(&datetime(&s.ends_at))) },
        ));
    };
    let notify = move |_| {
        notify_open.set(false);
        let text = notice_title.get_untracked().trim().to_string();
        let body = AbsentNotice { title: (!text.is_empty()).then_some(text), body: None };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::checkin::absent_notice(id, &body).await;
            busy.set(false);
            match result {
                Ok(done) => {
                    message.set(None);
                    sent.set(Some(done));
                }
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
        });
    };
    let delete = move |_| {
        delete_open.set(false);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::checkin::delete(id).await {
                Ok(()) => navigate("/checkins", Default::default()),
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
        });
    };

    let head = move || {
        let s = session.get()?;
        let screen = format!("/checkins/{id}/screen");
        let projectable = s.state != SessionState::Closed && s.methods.iter().any(|m| m.as_str() != "geo");
        let activity = s.activity_id.map(|a| format!("/activities/{a}"));
        Some(view! {
            <div class="page-head">
                <div class="title-line">
                    <h1 id="checkin-title">{s.title.clone()}</h1>
                    <span class=state_badge(s.state) id="checkin-state">{t::session_state(s.state)}</span>
                    {live_badge(live, "checkin-live")}
                </div>
                <div class="head-actions">
                    {projectable.then(|| view! {
                        <a href=screen target="_blank" rel="noopener" class="button primary" id="open-screen">{t::PROJECT}</a>
                    })}
                    {(s.state == SessionState::Open).then(|| view! {
                        <button class="secondary" id="close-checkin" disabled=move || busy.get() on:click=move |_| close_open.set(true)>{t::CLOSE_EARLY}</button>
                    })}
                    {(s.state == SessionState::Closed).then(|| view! {
                        <button class="secondary" id="reopen-checkin" disabled=move || busy.get() on:click=open_reopen>{t::REOPEN}</button>
                    })}
                    {(s.state != SessionState::Scheduled && s.counts.missing > 0).then(|| view! {
                        <button class="secondary" id="notify-absent" disabled=move || busy.get() on:click=move |_| notify_open.set(true)>{t::NOTIFY_ABSENT}</button>
                    })}
                    <button class="danger" on:click=move |_| delete_open.set(true)>{t::DELETE}</button>
                </div>
            </div>
            <p class="checkin-facts hint">
                <span>{time_range(&s.starts_at, &s.ends_at)}</span>
                {s.late_after.map(|at| view! { <span>{t::late_after_at(&datetime(&at))}</span> })}
                <span>{t::methods(&s.methods)}</span>
                {s.methods.iter().any(|m| m.as_str() != "geo").then(|| view! { <span>{t::rotates_every(s.rotate_seconds)}</span> })}
                {s.geofence.map(|g| view! { <span>{t::fence(&g)}</span> })}
                {s.closed_early_at.map(|at| view! { <span>{t::closed_early_at(&datetime(&at))}</span> })}
                <span>{t::created_by(&s.created_by_name)}</span>
                {activity.map(|href| view! { <A href=href>{t::FROM_ACTIVITY}</A> })}
            </p>
        })
    };
    let tab_button = move |which: Tab, id: &'static str, label: &'static str| {
        view! {
            <button type="button" role="tab" id=id class:chosen=move || tab.get() == which
                aria-selected=move || (tab.get() == which).to_string() on:click=move |_| tab.set(which)>{label}</button>
        }
    };

    view! {
        <section class="page checkin-detail">
            <A href="/checkins" attr:class="back">{"‹ "}{t::BACK_TO_CHECKINS}</A>
            <Flash message=message />
            {move || sent.get().map(|s| view! {
                <p class="alert success" role="status" id="absent-notice-sent">
                    <span>
                        {t::absent_notice_sent(s.recipients)}" "
                        <A href=format!("/notices/{}", s.notice_id) attr:id="absent-notice-link">{t::VIEW_NOTICE}</A>
                    </span>
                    <button class="link close" aria-label=t::CLOSE on:click=move |_| sent.set(None)>"×"</button>
                </p>
            })}
            {move || match (loaded.get(), error.get()) {
                (false, Some(err)) => view! { <ErrorNotice error=err retry=move |_| refresh.run(()) /> }.into_any(),
                (false, None) => view! { <Loading /> }.into_any(),
                (true, err) => view! {
                    {head}
                    {err.map(|err| view! { <ErrorNotice error=err retry=move |_| refresh.run(()) /> })}
                    {move || report.get().map(summary)}
                }.into_any(),
            }}
            <Show when=move || loaded.get()>
                <div class="tabs notice-tabs" role="tablist">
                    {tab_button(Tab::Roll, "tab-roll", t::ROLL_TAB)}
                    {tab_button(Tab::Attempts, "tab-attempts", t::ATTEMPTS_TAB)}
                </div>
                <div class:tab-hidden=move || tab.get() != Tab::Roll>
                    <RollList id=id report=report version=version on_changed=on_change title=Signal::derive(title) />
                </div>
                {move || (tab.get() == Tab::Attempts).then(|| view! { <AttemptList id=id version=version /> })}
            </Show>
            <Dialog open=close_open title=Signal::derive(|| t::CLOSE_EARLY.to_string()) on_confirm=close busy=busy confirm_label=t::CLOSE_EARLY danger=true>
                <p>{move || t::confirm_close(&title(), missing())}</p>
            </Dialog>
            <Dialog open=reopen_open title=Signal::derive(|| t::REOPEN.to_string()) on_confirm=reopen busy=busy confirm_label=t::REOPEN>
                <div class="field" class:invalid=move || new_end_problem.get().is_some()>
                    <label for="reopen-until">{t::NEW_END}</label>
                    <input id="reopen-until" type="datetime-local" bind:value=new_end />
                    {move || new_end_problem.get().map(|p| view! { <small class="problem">{p}</small> })}
                </div>
            </Dialog>
            <Dialog open=notify_open title=Signal::derive(|| t::NOTIFY_ABSENT.to_string()) on_confirm=notify busy=busy confirm_label=t::SEND_NOTICE>
                <p id="notify-absent-confirm">{move || t::confirm_notify_absent(missing())}</p>
                <div class="field">
                    <label for="absent-title">{t::NOTICE_TITLE_OPTIONAL}</label>
                    <input id="absent-title" type="text" placeholder=move || t::absent_title_default(&title()) bind:value=notice_title />
                </div>
                <p class="hint">{t::NOTIFY_ABSENT_HINT}</p>
            </Dialog>
            <Dialog open=delete_open title=Signal::derive(|| t::DELETE.to_string()) on_confirm=delete confirm_label=t::DELETE danger=true>
                <p>{move || t::confirm_delete_checkin(&title())}</p>
            </Dialog>
        </section>
    }
}
