//! `/s/documents` (and `/s/documents/{id}`, opened on that document): the library as a student has it — folders as chips, a search box, the
//! documents they may have; tapping one opens a sheet to download it (a real link WeChat's
//! browser follows), preview a PDF or an image in place, or send it to their WeChat chat
//! (发送到微信) when the in-app browser cannot open it (Word, Excel …).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::StudentDocument;

use super::notices::failed;
use super::PortalGate;
use crate::api;
use crate::components::{Empty, Loading, Pager};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn PortalDocuments() -> impl IntoView {
    view! { <PortalGate><Library /></PortalGate> }
}

fn open_url(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(url);
    }
}

#[component]
fn Library() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let folder = RwSignal::new(None::<i64>);
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let list = LocalResource::new(move || api::documents::my_documents(folder.get(), applied.get(), page.get()));
    let folders = LocalResource::new(api::documents::my_folders);
    let chosen = RwSignal::new(None::<StudentDocument>);
    // `/s/documents/{id}` (from a search, a procedure's materials, WeChat) opens its sheet.
    if let Some(id) = use_params_map().get_untracked().get("id").and_then(|id| id.parse::<i64>().ok()) {
        leptos::task::spawn_local(async move {
            if let Ok(document) = api::documents::my_document(id).await {
                chosen.set(Some(document));
            }
        });
    }
    let filtered = move || folder.get().is_some() || !applied.with(String::is_empty);
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(search.get_untracked().trim().to_string());
    };
    let chip = move |label: String, value: Option<i64>| {
        view! {
            <button class="doc-chip" class:active=move || folder.get() == value
                on:click=move |_| { page.set(1); folder.set(value); }>{label}</button>
        }
    };
    let item = move |d: StudentDocument| {
        let meta = format!("{} · {}", t::file_kind(&d.content_type, &d.file_name), t::file_size(d.size));
        let picked = d.clone();
        view! {
            <li data-document=d.id>
                <button class="doc-item" on:click=move |_| chosen.set(Some(picked.clone()))>
                    <strong>{d.title.clone()}</strong>
                    {(!d.description.is_empty()).then(|| view! { <span class="doc-desc">{d.description.clone()}</span> })}
                    <small>{meta}</small>
                </button>
            </li>
        }
    };
    view! {
        <div class="portal-nav">
            <A href="/s/" attr:class="link">{"‹ "}{t::PORTAL_BACK}</A>
        </div>
        <h2>{t::PORTAL_DOCUMENTS}</h2>
        <form class="portal-search" on:submit=on_search>
            <input type="search" id="documents-search" placeholder=t::PORTAL_DOCUMENTS_SEARCH aria-label=t::SEARCH bind:value=search />
            <button type="submit" class="secondary">{t::SEARCH}</button>
        </form>
        <div class="doc-chips" id="doc-chips" role="group" aria-label=t::FOLDERS>
            {chip(t::PORTAL_ALL_FOLDERS.to_string(), None)}
            {move || folders.get().and_then(Result::ok).unwrap_or_default().into_iter()
                .map(|f| chip(f.name, Some(f.id))).collect_view()}
        </div>
        <Transition fallback=Loading>
            {move || list.get().map(|r| match r {
                Ok(p) if p.items.is_empty() && filtered() => view! { <Empty text=t::PORTAL_NO_MATCHING_DOCUMENTS /> }.into_any(),
                Ok(p) if p.items.is_empty() => view! { <Empty text=t::PORTAL_NO_DOCUMENTS /> }.into_any(),
                Ok(p) => view! {
                    <ul class="card portal-docs" id="portal-documents">{p.items.into_iter().map(item).collect_view()}</ul>
                    <Pager page=page total=p.total per_page=p.per_page />
                }.into_any(),
                Err(err) => failed(err),
            })}
        </Transition>
        {move || chosen.get().map(|d| view! { <Sheet doc=d chosen=chosen /> })}
    }
}

/// One document's sheet: what it is, and 下载 / 预览 / 发送到微信.
#[component]
fn Sheet(doc: StudentDocument, chosen: RwSignal<Option<StudentDocument>>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let id = doc.id;
    let open = move |preview: bool| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::documents::my_link(id, preview).await {
                Ok(link) => open_url(&link.url),
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
            busy.set(false);
        });
    };
    let name = doc.file_name.clone();
    let send = move |_| {
        busy.set(true);
        let name = name.clone();
        leptos::task::spawn_local(async move {
            match api::documents::send_to_wechat(id).await {
                Ok(_) => message.set(Some((true, t::portal_file_sent(&name)))),
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
            busy.set(false);
        });
    };
    let meta = format!(
        "{} · {} · {}",
        t::file_kind(&doc.content_type, &doc.file_name),
        t::file_size(doc.size),
        datetime(&doc.updated_at)
    );
    view! {
        <div class="sheet-backdrop" on:click=move |_| chosen.set(None)>
            <div class="sheet" id="doc-sheet" role="dialog" aria-modal="true" on:click=|ev| ev.stop_propagation()>
                <div class="sheet-head">
                    <h3>{doc.title.clone()}</h3>
                    <button class="link close" aria-label=t::CLOSE on:click=move |_| chosen.set(None)>"×"</button>
                </div>
                {(!doc.description.is_empty()).then(|| view! { <p class="doc-sheet-desc">{doc.description.clone()}</p> })}
                <p class="doc-file"><span>{doc.file_name.clone()}</span><small>{meta}</small></p>
                <div class="sheet-actions">
                    <button class="primary wide" id="doc-download" disabled=move || busy.get() on:click=move |_| open(false)>{t::PORTAL_DOWNLOAD}</button>
                    {doc.previewable.then(|| view! {
                        <button class="secondary wide" id="doc-preview" disabled=move || busy.get() on:click=move |_| open(true)>{t::PORTAL_PREVIEW}</button>
                    })}
                    <button class="secondary wide" id="doc-send" disabled=move || busy.get() on:click=send>{t::PORTAL_SEND_TO_WECHAT}</button>
                </div>
                {move || message.get().map(|(ok, text)| view! {
                    <p class=if ok { "alert success" } else { "alert error" } role="status" id="doc-message">{text}</p>
                })}
                <p class="hint">{t::PORTAL_DOC_HINT}</p>
            </div>
        </div>
    }
}
