//! One notice (`/notices/:id`): its body as students see it, files and facts; edit,
//! send or delete it while it is a draft or scheduled, withdraw it once sent; and below,
//! the receipt report, the comments and the live delivery panel, in tabs.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::{Notice, NoticeStatus};

use super::attachments::Attachments;
use super::report::NoticeTabs;
use super::send::{sent_message, SendDialog};
use super::{status_badge, urgency_badge};
use crate::api;
use crate::components::{Dialog, ErrorNotice, Loading, Notice as Flash};
use crate::format::{datetime, maybe_datetime};
use crate::i18n::t;

#[component]
pub fn NoticeDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    // A new id is a new page: its poll stops with the old one.
    move || match id.get() {
        Some(id) => view! { <NoticeDetail id=id /> }.into_any(),
        None => view! { <crate::pages::NotFound /> }.into_any(),
    }
}

#[component]
fn NoticeDetail(id: i64) -> impl IntoView {
    let navigate = use_navigate();
    let version = RwSignal::new(0u32);
    let notice = LocalResource::new(move || {
        version.track();
        api::notices::get(id)
    });
    let reload = move || version.update(|v| *v += 1);
    let current = Signal::derive(move || notice.get().and_then(|r| r.ok()));
    let status = Memo::new(move |_| current.get().map(|n| n.status));
    let message = RwSignal::new(None::<(bool, String)>);
    let send_open = RwSignal::new(false);
    let withdraw_open = RwSignal::new(false);
    let correct_open = RwSignal::new(false);
    let delete_open = RwSignal::new(false);
    let title = move || current.get().map(|n| n.title).unwrap_or_default();
    let downloads = RwSignal::new(None::<i64>);

    let withdraw = move |_| {
        withdraw_open.set(false);
        leptos::task::spawn_local(async move {
            match api::notices::withdraw(id).await {
                Ok(_) => {
                    message.set(Some((true, t::WITHDRAWN_DONE.into())));
                    reload();
                }
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
        });
    };
    let delete = move |_| {
        delete_open.set(false);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::notices::delete(id).await {
                Ok(()) => navigate("/notices", Default::default()),
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
        });
    };
    let on_sent = move |n: Notice| {
        message.set(Some((true, sent_message(&n))));
        reload();
    };
    // The panel tells when the notice moved on (scheduled → sending → sent).
    let on_status = move |s: String| {
        if status.get_untracked().is_some_and(|known| known.as_str() != s) {
            reload();
        }
    };

    let show = move |n: Notice| {
        let editable = matches!(n.status, NoticeStatus::Draft | NoticeStatus::Scheduled);
        let sent = matches!(n.status, NoticeStatus::Sending | NoticeStatus::Sent);
        let files = RwSignal::new(n.attachments.clone());
        // The file card's counts follow the live report (a download publishes a change).
        Effect::new(move |_| {
            let Some(total) = downloads.get() else { return };
            let shown: i64 = files.with_untracked(|f| f.iter().map(|a| a.downloads).sum());
            if total != shown {
                leptos::task::spawn_local(async move {
                    if let Ok(n) = api::notices::get(id).await {
                        files.set(n.attachments);
                    }
                });
            }
        });
        let edit = format!("/notices/{id}/edit");
        let fact = |label: &'static str, value: String| view! { <dt>{label}</dt><dd>{value}</dd> };
        let when = |label: &'static str, time: Option<chrono::DateTime<chrono::Utc>>| {
            time.map(|at| view! { <dt>{label}</dt><dd>{datetime(&at)}</dd> })
        };
        view! {
            <div class="page-head">
                <div class="title-line">
                    <h1 id="notice-title">{n.title.clone()}</h1>
                    <span class=status_badge(n.status) id="notice-status">{t::notice_status(n.status)}</span>
                    {urgency_badge(n.urgency)}
                </div>
                <div class="head-actions">
                    {editable.then(|| view! {
                        <A href=edit attr:class="button secondary">{t::EDIT}</A>
                        <button class="primary" id="send-notice" on:click=move |_| send_open.set(true)>{t::SEND}</button>
                        <button class="danger" on:click=move |_| delete_open.set(true)>{t::DELETE_DRAFT}</button>
                    })}
                    {sent.then(|| view! {
                        <button class="secondary" id="correct-notice" on:click=move |_| correct_open.set(true)>{t::CORRECT}</button>
                        <button class="danger" id="withdraw-notice" on:click=move |_| withdraw_open.set(true)>{t::WITHDRAW}</button>
                    })}
                </div>
            </div>
            <div class="notice-layout">
                <article class="card">
                    <div class="notice-body" id="notice-body" inner_html=n.body_html.clone()></div>
                    <hr />
                    <Attachments notice_id=Signal::derive(move || Some(id)) files=files />
                </article>
                <aside class="card">
                    <dl class="detail">
                        {fact(t::CATEGORY, n.category.as_ref().map(|c| c.name.clone()).unwrap_or_else(|| t::NO_CATEGORY.into()))}
                        {fact(t::URGENCY, t::urgency(n.urgency).into())}
                        {fact(t::CONFIRMATION, if n.requires_confirmation { t::NEEDED } else { t::NOT_NEEDED }.into())}
                        {fact(t::DEADLINE_AT, maybe_datetime(&n.deadline, t::NONE_YET))}
                        {fact(t::AUTHOR, n.author.as_ref().map(|a| a.display_name.clone()).unwrap_or_else(|| t::NONE_YET.into()))}
                        {fact(t::AUDIENCE, t::audience_summary(&n.audience))}
                        {(!editable).then(|| fact(t::RECIPIENTS, n.recipient_count.to_string()))}
                        {fact(t::CREATED_AT, datetime(&n.created_at))}
                        {when(t::SCHEDULED_AT, n.scheduled_at)}
                        {when(t::SENT_AT, n.sent_at)}
                        {when(t::FINISHED_AT, n.finished_at)}
                        {when(t::WITHDRAWN_AT, n.withdrawn_at)}
                        {when(t::CORRECTED_AT, n.corrected_at)}
                    </dl>
                </aside>
            </div>
        }
    };

    view! {
        <section class="page">
            <A href="/notices" attr:class="back">{"‹ "}{t::BACK_TO_NOTICES}</A>
            <Flash message=message />
            <Transition fallback=Loading>
                {move || notice.get().map(|result| match result {
                    Ok(n) => show(n).into_any(),
                    Err(err) => view! { <ErrorNotice error=err retry=move |_| reload() /> }.into_any(),
                })}
            </Transition>
            <Show when=move || status.get().is_some_and(|s| s != NoticeStatus::Draft)>
                <NoticeTabs id=id status=status title=Signal::derive(title) on_status=on_status downloads=downloads />
            </Show>
            <SendDialog open=send_open notice=current on_sent=on_sent />
            <super::correction::CorrectionDialog
                open=correct_open
                notice=current
                on_done=move |done: String| {
                    message.set(Some((true, done)));
                    reload();
                }
            />
            <Dialog open=withdraw_open title=Signal::derive(|| t::WITHDRAW.to_string()) on_confirm=withdraw confirm_label=t::WITHDRAW danger=true>
                <p>{move || t::confirm_withdraw(&title())}</p>
            </Dialog>
            <Dialog open=delete_open title=Signal::derive(|| t::DELETE.to_string()) on_confirm=delete confirm_label=t::DELETE danger=true>
                <p>{move || t::confirm_delete_notice(&title())}</p>
            </Dialog>
        </section>
    }
}
