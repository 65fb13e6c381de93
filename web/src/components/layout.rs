//! The shell around every signed-in page: a sidebar of the pages that exist (admin
//! pages only for admins, 消息 with how many threads wait), the user and a logout button in
//! the header.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;
use shared::Role;

use crate::i18n::t;
use crate::session;

/// Bumped by 消息 when a thread was answered or handled: the sidebar's count is asked again.
#[derive(Clone, Copy)]
pub struct InboxChanged(pub RwSignal<u32>);

#[component]
pub fn Shell() -> impl IntoView {
    let signing_out = RwSignal::new(false);
    let sign_out = move |_| {
        signing_out.set(true);
        leptos::task::spawn_local(async move {
            session::sign_out().await;
            crate::load_page("/login");
        });
    };
    let is_admin = move || session::user().is_some_and(|u| u.role == Role::Admin);
    // The simulator exists only while the built-in mock stands in for WeChat.
    let wechat = LocalResource::new(crate::api::wechat::status);
    let mock_mode = move || wechat.get().is_some_and(|s| s.is_ok_and(|s| s.mock));
    // How many threads wait for the teacher, asked again on every change of page.
    let location = use_location();
    let answered = InboxChanged(RwSignal::new(0));
    provide_context(answered);
    let waiting = LocalResource::new(move || {
        location.pathname.track();
        answered.0.track();
        crate::api::inbox::waiting_count()
    });
    let waiting = move || waiting.get().and_then(Result::ok).filter(|n| *n > 0);
    view! {
        <div class="shell">
            <aside class="sidebar">
                <A href="/" attr:class="brand">
                    <span class="logo" aria-hidden="true">"班"</span>
                    <span>
                        <strong>{t::APP_NAME}</strong>
                        <small>{t::APP_SUBTITLE}</small>
                    </span>
                </A>
                <nav class="nav">
                    <A href="/" exact=true>{t::NAV_HOME}</A>
                    // The count is not part of the link's name (aria-label), only of its looks.
                    <A href="/inbox" attr:aria-label=t::NAV_INBOX attr:id="nav-inbox">
                        {t::NAV_INBOX}
                        {move || waiting().map(|n| view! { <span class="nav-count" aria-hidden="true">{n}</span> })}
                    </A>
                    <A href="/auto-replies">{t::NAV_AUTO_REPLIES}</A>
                    <A href="/classes">{t::NAV_CLASSES}</A>
                    <A href="/students">{t::NAV_STUDENTS}</A>
                    <A href="/groups">{t::NAV_GROUPS}</A>
                    <A href="/notices">{t::NAV_NOTICES}</A>
                    <A href="/mass">{t::NAV_MASS}</A>
                    <A href="/broadcast">{t::NAV_BROADCAST}</A>
                    <A href="/topics">{t::NAV_TOPICS}</A>
                    <A href="/documents">{t::NAV_DOCUMENTS}</A>
                    <A href="/checkins">{t::NAV_CHECKINS}</A>
                    <A href="/activities">{t::NAV_ACTIVITIES}</A>
                    <A href="/qrcodes">{t::NAV_QRCODES}</A>
                    <A href="/guides">{t::NAV_GUIDES}</A>
                    <A href="/stats">{t::NAV_STATS}</A>
                    <Show when=is_admin>
                        <A href="/categories">{t::NAV_CATEGORIES}</A>
                        <A href="/templates">{t::NAV_TEMPLATES}</A>
                        <A href="/followers">{t::NAV_FOLLOWERS}</A>
                        <A href="/menus">{t::NAV_MENUS}</A>
                        <A href="/users">{t::NAV_USERS}</A>
                        <A href="/settings">{t::NAV_SETTINGS}</A>
                    </Show>
                    <A href="/tokens">{t::NAV_TOKENS}</A>
                    <A href="/account">{t::NAV_ACCOUNT}</A>
                    <Show when=is_admin>
                        <A href="/audit">{t::NAV_AUDIT}</A>
                    </Show>
                    <Show when=mock_mode>
                        <A href="/simulator">{t::NAV_SIMULATOR}</A>
                    </Show>
                    <a href="/docs" target="_blank" rel="noopener">{t::NAV_API_DOCS}" ↗"</a>
                </nav>
            </aside>
            <div class="main">
                <header class="topbar">
                    <crate::pages::SearchBox />
                    <span class="who">
                        {move || session::user().map(|u| u.display_name).unwrap_or_default()}
                        <span class="badge">{move || session::user().map(|u| t::role(u.role)).unwrap_or_default()}</span>
                    </span>
                    <button class="secondary" id="sign-out" disabled=move || signing_out.get() on:click=sign_out>
                        {t::SIGN_OUT}
                    </button>
                </header>
                <main class="content">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

/// Renders its children for admins, a clear notice for everyone else.
#[component]
pub fn RequireAdmin(children: ChildrenFn) -> impl IntoView {
    let children = StoredValue::new(children);
    move || {
        if session::user().is_some_and(|u| u.role == Role::Admin) {
            children.read_value()().into_any()
        } else {
            view! { <div class="state error">{t::ADMIN_ONLY}</div> }.into_any()
        }
    }
}
