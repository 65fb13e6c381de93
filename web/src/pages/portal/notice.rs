//! `/s/notices/:id`: one notice as the student reads it (opening it records the read):
//! title, urgency, category, author and time, the body, files to download, the big
//! 确认收到 button when the teacher asked for it, the vote, the comments, and for a class
//! cadre their class's receipts. A withdrawn notice shows only that it was withdrawn.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::{ClassProgress, StudentNoticeDetail};

use super::cadre::ClassReceipts;
use super::comments::CommentThread;
use super::notices::{failed, marks};
use super::vote::VoteBox;
use super::PortalGate;
use crate::api;
use crate::components::Loading;
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn PortalNotice() -> impl IntoView {
    view! { <PortalGate><NoticePage /></PortalGate> }
}

#[component]
fn NoticePage() -> impl IntoView {
    let params = use_params_map();
    let notice = LocalResource::new(move || {
        let id = params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        api::notices::my_notice(id)
    });
    let error = RwSignal::new(None::<String>);
    view! {
        <div class="portal-nav">
            <A href="/s/notices" attr:class="link">{"‹ "}{t::PORTAL_NOTICES}</A>
        </div>
        {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
        <Transition fallback=Loading>
            {move || notice.get().map(|r| match r {
                Ok(n) => view! { <NoticeView notice=n error=error /> }.into_any(),
                Err(err) => {
                    crate::drop_first_view();
                    failed(err)
                }
            })}
        </Transition>
    }
}

#[component]
fn NoticeView(notice: StudentNoticeDetail, error: RwSignal<Option<String>>) -> impl IntoView {
    let n = notice;
    let id = n.id;
    let when = n.sent_at.as_ref().map(datetime).unwrap_or_default();
    let confirmed_at = RwSignal::new(n.confirmed_at);
    // A cadre's class counts change with their own confirmation.
    let cadre = RwSignal::new(n.cadre_classes.clone());
    let asks = n.requires_confirmation && n.recipient && !n.withdrawn;
    let live = !n.withdrawn;
    let asks_confirmation = n.requires_confirmation;
    // The server's first view of this notice (if it sent one) gives way once this is drawn.
    Effect::new(|_| crate::drop_first_view());
    view! {
        <article class="card portal-notice" id="portal-notice">
            <h2>{n.title.clone()}</h2>
            <p class="notice-line">{marks(n.urgency, n.withdrawn, false, false)}</p>
            <p class="hint">
                {n.category.clone().map(|c| format!("{c} · ")).unwrap_or_default()}
                {t::portal_sent(n.author.as_deref(), &when)}
            </p>
            {n.corrected_at.filter(|_| !n.withdrawn).map(|at| view! {
                <p class="hint corrected" id="portal-corrected">{t::portal_corrected(&datetime(&at))}</p>
            })}
            {if n.withdrawn {
                view! { <p class="withdrawn-note" id="portal-withdrawn">{t::PORTAL_WITHDRAWN_BODY}</p> }.into_any()
            } else {
                view! {
                    <div class="notice-body" inner_html=n.body_html.clone()></div>
                    {n.deadline.map(|d| view! { <p><strong>{t::PORTAL_DEADLINE}</strong>"："{datetime(&d)}</p> })}
                    {(!n.attachments.is_empty()).then(|| attachments(id, n.attachments.clone(), error))}
                }
                .into_any()
            }}
            {asks.then(|| view! { <Confirm id=id confirmed_at=confirmed_at cadre=cadre error=error /> })}
        </article>
        {live.then(|| n.vote.clone().map(|v| view! { <VoteBox id=id vote=v recipient=n.recipient /> }))}
        {live.then(|| view! { <CommentThread id=id may_write=n.recipient /> })}
        {move || cadre.get().into_iter().map(|c| view! {
            <ClassReceipts id=id progress=c asks_confirmation=asks_confirmation />
        }).collect_view()}
    }
}

/// Each file opens through a real link WeChat's browser can follow; what it cannot show is
/// sent to the student's chat instead (发送到微信).
fn attachments(id: i64, files: Vec<shared::Attachment>, error: RwSignal<Option<String>>) -> impl IntoView {
    let sent = RwSignal::new(None::<String>);
    view! {
        <h3>{t::PORTAL_ATTACHMENTS}</h3>
        <ul class="portal-list portal-files">
            {files.into_iter().map(|a| {
                let file = a.id;
                let busy = RwSignal::new(false);
                let open = move |_| {
                    busy.set(true);
                    leptos::task::spawn_local(async move {
                        match api::notices::my_attachment_link(id, file).await {
                            Ok(link) => {
                                if let Some(w) = web_sys::window() {
                                    let _ = w.location().assign(&link.url);
                                }
                            }
                            Err(err) => error.set(Some(t::portal_error(&err))),
                        }
                        busy.set(false);
                    });
                };
                let name = a.file_name.clone();
                let send = move |_| {
                    busy.set(true);
                    let name = name.clone();
                    leptos::task::spawn_local(async move {
                        match api::notices::send_attachment_to_wechat(id, file).await {
                            Ok(_) => {
                                error.set(None);
                                sent.set(Some(t::portal_file_sent(&name)));
                            }
                            Err(err) => error.set(Some(t::portal_error(&err))),
                        }
                        busy.set(false);
                    });
                };
                view! {
                    <li class="portal-file">
                        <button class="link file-open" disabled=move || busy.get() on:click=open>
                            {a.file_name.clone()}
                        </button>
                        <small>{t::file_size(a.size)}</small>
                        <button class="secondary small file-send" disabled=move || busy.get() on:click=send>
                            {t::PORTAL_SEND_TO_WECHAT}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <p class="hint">{t::PORTAL_FILES_HINT}</p>
        {move || sent.get().map(|s| view! { <p class="alert success" id="file-sent" role="status">{s}</p> })}
    }
}

/// 确认收到: a big button until it is pressed, then when it was.
#[component]
fn Confirm(
    id: i64,
    confirmed_at: RwSignal<Option<DateTime<Utc>>>,
    cadre: RwSignal<Vec<ClassProgress>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let confirm = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::receipts::confirm(id).await {
                Ok(n) => {
                    confirmed_at.set(n.confirmed_at.or_else(|| Some(Utc::now())));
                    if !n.cadre_classes.is_empty() {
                        cadre.set(n.cadre_classes);
                    }
                }
                Err(err) => error.set(Some(t::portal_error(&err))),
            }
            busy.set(false);
        });
    };
    move || match confirmed_at.get() {
        Some(at) => view! {
            <p class="confirmed-note" id="confirmed-note" role="status">
                <span aria-hidden="true">"✓ "</span>{t::PORTAL_CONFIRMED}" · "{datetime(&at)}
            </p>
        }
        .into_any(),
        None => view! {
            <div class="confirm-box">
                <p class="hint">{t::PORTAL_NEEDS_CONFIRM}</p>
                <button class="primary wide big" id="confirm-notice" disabled=move || busy.get() on:click=confirm>
                    {move || if busy.get() { t::PORTAL_CONFIRMING } else { t::PORTAL_CONFIRM }}
                </button>
            </div>
        }
        .into_any(),
    }
}
