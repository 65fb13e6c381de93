//! `/s/notices` and `/s/notices/:id`: a student's own notices (unread, urgent, withdrawn
//! and muted ones marked), and one notice with its body and files. Opening a notice
//! marks it read; a withdrawn one shows only that it was withdrawn.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::{StudentNotice, StudentNoticeDetail, Urgency};

use super::PortalGate;
use crate::api::{self, portal, ClientError};
use crate::components::{Empty, Loading, Pager};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn PortalNotices() -> impl IntoView {
    view! { <PortalGate><NoticeList /></PortalGate> }
}

#[component]
pub fn PortalNotice() -> impl IntoView {
    view! { <PortalGate><NoticePage /></PortalGate> }
}

/// A failed student request: back through WeChat when the token is gone.
fn failed(err: ClientError) -> AnyView {
    if err == ClientError::Unauthorized {
        portal::authorise();
        return view! { <Loading /> }.into_any();
    }
    if err.code() == Some("not_bound") {
        return view! {
            <div class="card">
                <p>{t::PORTAL_NOT_BOUND}</p>
                <A href="/s/bind" attr:class="button primary wide">{t::PORTAL_GO_BIND}</A>
            </div>
        }
        .into_any();
    }
    view! { <div class="state error">{t::portal_error(&err)}</div> }.into_any()
}

fn marks(urgency: Urgency, withdrawn: bool, muted: bool, unread: bool) -> impl IntoView {
    view! {
        {unread.then(|| view! { <span class="badge info">{t::PORTAL_UNREAD}</span> })}
        {(urgency == Urgency::Urgent).then(|| view! { <span class="badge off">{t::urgency(urgency)}</span> })}
        {(urgency == Urgency::Important).then(|| view! { <span class="badge warn">{t::urgency(urgency)}</span> })}
        {withdrawn.then(|| view! { <span class="badge">{t::PORTAL_WITHDRAWN}</span> })}
        {muted.then(|| view! { <span class="badge">{t::PORTAL_MUTED}</span> })}
    }
}

#[component]
fn NoticeList() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let list = LocalResource::new(move || api::notices::my_notices(page.get()));
    let item = |n: StudentNotice| {
        let href = format!("/s/notices/{}", n.id);
        let when = n.sent_at.as_ref().map(datetime).unwrap_or_default();
        view! {
            <li class:unread=!n.read class:withdrawn=n.withdrawn>
                <A href=href>
                    <span class="notice-line">
                        <strong>{n.title.clone()}</strong>
                        {marks(n.urgency, n.withdrawn, n.muted, !n.read)}
                    </span>
                    <small>
                        {n.category.clone().map(|c| format!("{c} · ")).unwrap_or_default()}
                        {t::portal_sent(n.author.as_deref(), &when)}
                    </small>
                </A>
            </li>
        }
    };
    view! {
        <div class="portal-nav">
            <A href="/s/" attr:class="link">{"‹ "}{t::PORTAL_BACK}</A>
            <A href="/s/subscriptions" attr:class="link">{t::PORTAL_SUBSCRIPTIONS}</A>
        </div>
        <h2>{t::PORTAL_NOTICES}</h2>
        <Transition fallback=Loading>
            {move || list.get().map(|r| match r {
                Ok(p) if p.items.is_empty() => view! { <Empty text=t::PORTAL_NO_NOTICES /> }.into_any(),
                Ok(p) => view! {
                    <ul class="card portal-notices" id="portal-notices">{p.items.into_iter().map(item).collect_view()}</ul>
                    <Pager page=page total=p.total per_page=p.per_page />
                }
                .into_any(),
                Err(err) => failed(err),
            })}
        </Transition>
    }
}

#[component]
fn NoticePage() -> impl IntoView {
    let params = use_params_map();
    let notice = LocalResource::new(move || {
        let id = params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        api::notices::my_notice(id)
    });
    let error = RwSignal::new(None::<String>);
    let show = move |n: StudentNoticeDetail| {
        let id = n.id;
        let when = n.sent_at.as_ref().map(datetime).unwrap_or_default();
        view! {
            <article class="card portal-notice" id="portal-notice">
                <h2>{n.title.clone()}</h2>
                <p class="notice-line">{marks(n.urgency, n.withdrawn, false, false)}</p>
                <p class="hint">
                    {n.category.clone().map(|c| format!("{c} · ")).unwrap_or_default()}
                    {t::portal_sent(n.author.as_deref(), &when)}
                </p>
                {if n.withdrawn {
                    view! { <p class="withdrawn-note" id="portal-withdrawn">{t::PORTAL_WITHDRAWN_BODY}</p> }.into_any()
                } else {
                    view! {
                        <div class="notice-body" inner_html=n.body_html.clone()></div>
                        {n.deadline.map(|d| view! { <p><strong>{t::PORTAL_DEADLINE}</strong>"："{datetime(&d)}</p> })}
                        {n.requires_confirmation.then(|| view! { <p class="alert warn">{t::PORTAL_NEEDS_CONFIRM}</p> })}
                        {(!n.attachments.is_empty()).then(|| view! {
                            <h3>{t::PORTAL_ATTACHMENTS}</h3>
                            <ul class="portal-list">
                                {n.attachments.clone().into_iter().map(|a| {
                                    let file = a.clone();
                                    let download = move |_| {
                                        let file = file.clone();
                                        leptos::task::spawn_local(async move {
                                            if let Err(err) = api::notices::my_attachment(id, &file).await {
                                                error.set(Some(t::portal_error(&err)));
                                            }
                                        });
                                    };
                                    view! {
                                        <li>
                                            <button class="link" on:click=download>{a.file_name.clone()}</button>
                                            <small>{t::file_size(a.size)}</small>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })}
                    }
                    .into_any()
                }}
            </article>
        }
    };
    view! {
        <div class="portal-nav">
            <A href="/s/notices" attr:class="link">{"‹ "}{t::PORTAL_NOTICES}</A>
        </div>
        {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
        <Transition fallback=Loading>
            {move || notice.get().map(|r| match r {
                Ok(n) => show(n).into_any(),
                Err(err) => failed(err),
            })}
        </Transition>
    }
}
