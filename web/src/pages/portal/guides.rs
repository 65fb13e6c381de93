//! `/s/guides`: the published procedures, searchable by words and narrowed by a tag;
//! each card shows its title, the office responsible and its summary. One procedure is
//! `guide`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::PortalGuideSummary;

use super::notices::failed;
use super::PortalGate;
use crate::api;
use crate::components::{Empty, Loading};
use crate::i18n::t;

#[component]
pub fn PortalGuides() -> impl IntoView {
    view! { <PortalGate><GuideList /></PortalGate> }
}

#[component]
fn GuideList() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let list = LocalResource::new(move || api::guides::portal_list(applied.get(), tag.get()));
    // The tags to choose from: those of every published procedure.
    let all = LocalResource::new(|| api::guides::portal_list(String::new(), String::new()));
    let tags = move || {
        let mut tags: Vec<String> = Vec::new();
        if let Some(Ok(page)) = all.get() {
            for name in page.items.into_iter().flat_map(|g| g.tags) {
                if !tags.contains(&name) {
                    tags.push(name);
                }
            }
        }
        tags
    };
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        applied.set(search.get_untracked().trim().to_string());
    };
    let filtered = move || !applied.with(String::is_empty) || !tag.with(String::is_empty);
    let item = |g: PortalGuideSummary| {
        view! {
            <li>
                <A href=format!("/s/guides/{}", g.id)>
                    <strong>{g.title}</strong>
                    {g.office_name.map(|o| view! { <small class="guide-office">{o}</small> })}
                    {(!g.summary.is_empty()).then(|| view! { <span class="guide-summary">{g.summary.clone()}</span> })}
                </A>
            </li>
        }
    };
    view! {
        <div class="portal-nav">
            <A href="/s/" attr:class="link">{"‹ "}{t::PORTAL_BACK}</A>
            <A href="/s/teachers" attr:class="link">{t::PORTAL_CONTACTS}</A>
        </div>
        <h2>{t::PORTAL_GUIDES}</h2>
        <form class="portal-search" on:submit=on_search>
            <input type="search" id="guide-search" placeholder=t::PORTAL_GUIDES_SEARCH aria-label=t::SEARCH bind:value=search />
            <button type="submit" class="secondary">{t::SEARCH}</button>
        </form>
        {move || {
            let tags = tags();
            (!tags.is_empty()).then(|| view! {
                <div class="guide-tag-filter" role="group" aria-label=t::GUIDE_TAGS>
                    <button type="button" class="tag-choice" class:chosen=move || tag.with(String::is_empty) on:click=move |_| tag.set(String::new())>{t::PORTAL_ALL_TAGS}</button>
                    {tags.into_iter().map(|name| {
                        let chosen = name.clone();
                        let pick = name.clone();
                        view! {
                            <button type="button" class="tag-choice" class:chosen=move || tag.with(|current| *current == chosen) on:click=move |_| tag.set(pick.clone())>{name}</button>
                        }
                    }).collect_view()}
                </div>
            })
        }}
        <Transition fallback=Loading>
            {move || list.get().map(|r| match r {
                Ok(p) if p.items.is_empty() && filtered() => view! { <Empty text=t::PORTAL_GUIDES_NO_MATCH /> }.into_any(),
                Ok(p) if p.items.is_empty() => view! { <Empty text=t::PORTAL_NO_GUIDES /> }.into_any(),
                Ok(p) => view! {
                    <ul class="card portal-notices portal-guides" id="portal-guides">{p.items.into_iter().map(item).collect_view()}</ul>
                }
                .into_any(),
                Err(err) => failed(err),
            })}
        </Transition>
    }
}
