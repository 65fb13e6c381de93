//! `/s/notices`: a student's own notices, unread first (the server's order), marked
//! unread, 待确认, urgent, withdrawn or muted; narrowed by category or searched by words;
//! with the way to the subscription settings. One notice is `notice`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::{StudentNotice, Urgency};

use super::PortalGate;
use crate::api::{self, portal, ClientError};
use crate::components::{Empty, Loading, Pager};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn PortalNotices() -> impl IntoView {
    view! { <PortalGate><NoticeList /></PortalGate> }
}

/// A failed student request: back through WeChat when the token is gone.
pub fn failed(err: ClientError) -> AnyView {
    if err == ClientError::Unauthorized {
        portal::authorise();
        return view! { <Loading /> }.into_any();
    }
    if err.code() == Some("not_bound") {
        // Back to this page once bound (a forwarded notice link, say).
        let here = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
        let bind = if here.starts_with("/s/") && here != "/s/bind" {
            // A pathname holds no `?`, `&` or `#`: it goes into the query as it is.
            format!("/s/bind?next={here}")
        } else {
            "/s/bind".to_string()
        };
        return view! {
            <div class="card" id="portal-not-bound">
                <p>{t::PORTAL_NOT_BOUND}</p>
                <A href=bind attr:class="button primary wide">{t::PORTAL_GO_BIND}</A>
            </div>
        }
        .into_any();
    }
    view! { <div class="state error">{t::portal_error(&err)}</div> }.into_any()
}

pub fn marks(urgency: Urgency, withdrawn: bool, muted: bool, unread: bool) -> impl IntoView {
    view! {
        // A withdrawn notice asks nothing of its reader any more: no 未读 on it.
        {(unread && !withdrawn).then(|| view! { <span class="badge info">{t::PORTAL_UNREAD}</span> })}
        {shared::notice_page::urgency_badge(urgency).map(|class| view! { <span class=class>{t::urgency(urgency)}</span> })}
        {withdrawn.then(|| view! { <span class="badge">{t::PORTAL_WITHDRAWN}</span> })}
        {muted.then(|| view! { <span class="badge">{t::PORTAL_MUTED}</span> })}
    }
}

#[component]
fn NoticeList() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let category = RwSignal::new(None::<i64>);
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let list = LocalResource::new(move || api::notices::my_notices(category.get(), applied.get(), page.get()));
    // The categories come with the subscription settings (a student cannot list them otherwise).
    let categories = LocalResource::new(api::notices::subscriptions);
    let filtered = move || category.get().is_some() || !applied.with(String::is_empty);
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(search.get_untracked().trim().to_string());
    };
    let item = |n: StudentNotice| {
        let href = format!("/s/notices/{}", n.id);
        let when = n.sent_at.as_ref().map(datetime).unwrap_or_default();
        let to_confirm = n.requires_confirmation && !n.confirmed && !n.withdrawn;
        view! {
            <li class:unread=!n.read class:withdrawn=n.withdrawn>
                <A href=href>
                    <span class="notice-line">
                        {(!n.read).then(|| view! { <span class="unread-dot" aria-hidden="true"></span> })}
                        <strong>{n.title.clone()}</strong>
                        {marks(n.urgency, n.withdrawn, n.muted, !n.read)}
                        {to_confirm.then(|| view! { <span class="badge warn to-confirm">{t::PORTAL_TO_CONFIRM}</span> })}
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
        <super::wx_subscribe::SubscribeButton />
        <form class="portal-search" on:submit=on_search>
            <input type="search" id="portal-search" placeholder=t::PORTAL_SEARCH aria-label=t::SEARCH bind:value=search />
            <button type="submit" class="secondary">{t::SEARCH}</button>
        </form>
        <select id="portal-category" aria-label=t::CATEGORY on:change=move |ev| {
            page.set(1);
            category.set(event_target_value(&ev).parse().ok());
        }>
            <option value="">{t::ALL_CATEGORIES}</option>
            {move || categories.get().and_then(Result::ok).map(|list| list.into_iter().map(|c| view! {
                <option value=c.category_id.to_string()>{c.name}</option>
            }).collect_view())}
        </select>
        <Transition fallback=Loading>
            {move || list.get().map(|r| match r {
                Ok(p) if p.items.is_empty() && filtered() => view! { <Empty text=t::PORTAL_NO_MATCH /> }.into_any(),
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
