//! 办事指南: the school's procedures (every teacher reads them all and writes their own;
//! admins change any), searchable, with their office, state and author; and, in a second
//! tab, the offices' contacts (部门联系方式) that admins keep. Writing one is `editor`.

mod editor;
mod offices;
mod parts;

pub use editor::{GuideEditPage, GuideNewPage};

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::GuideSummary;

use crate::api;
use crate::components::PagedTable;
use crate::format::datetime;
use crate::i18n::t;
use offices::OfficesTab;

#[component]
pub fn GuidesPage() -> impl IntoView {
    let on_offices = RwSignal::new(false);
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::GUIDES_TITLE}</h1>
                <A href="/guides/new" attr:class="button primary" attr:id="new-guide">{t::NEW_GUIDE}</A>
            </div>
            <div class="tabs guide-tabs" role="tablist">
                <button type="button" role="tab" id="tab-guides" class:chosen=move || !on_offices.get()
                    aria-selected=move || (!on_offices.get()).to_string() on:click=move |_| on_offices.set(false)>{t::GUIDES_TAB}</button>
                <button type="button" role="tab" id="tab-offices" class:chosen=move || on_offices.get()
                    aria-selected=move || on_offices.get().to_string() on:click=move |_| on_offices.set(true)>{t::OFFICES_TAB}</button>
            </div>
            <Show when=move || on_offices.get() fallback=GuideList>
                <OfficesTab />
            </Show>
        </section>
    }
}

#[component]
fn GuideList() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let list = LocalResource::new(move || {
        version.track();
        api::guides::list(applied.get(), page.get())
    });
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(search.get_untracked().trim().to_string());
    };
    let row = move |g: GuideSummary| {
        let state = if g.published {
            view! { <span class="badge on">{t::GUIDE_IS_PUBLISHED}</span> }.into_any()
        } else {
            view! { <span class="badge">{t::GUIDE_DRAFT}</span> }.into_any()
        };
        view! {
            <tr data-guide=g.id>
                <td>
                    <A href=format!("/guides/{}", g.id)><strong>{g.title.clone()}</strong></A>
                    {(!g.summary.is_empty()).then(|| view! { <br /><small class="hint">{g.summary.clone()}</small> })}
                </td>
                <td>{g.office_name.clone().unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td>{g.tags.iter().map(|tag| view! { <span class="badge">{tag.clone()}</span> }).collect_view()}</td>
                <td>{state}</td>
                <td>{g.created_by_name.clone()}</td>
                <td class="nowrap">{g.reviewed_on.clone().unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td class="nowrap">{datetime(&g.updated_at)}</td>
                <td class="row-actions nowrap">
                    <A href=format!("/guides/{}", g.id)>{if g.can_edit { t::EDIT } else { t::VIEW }}</A>
                </td>
            </tr>
        }
    };
    view! {
        <p class="lead">{t::GUIDES_INTRO}</p>
        <form class="toolbar" on:submit=on_search>
            <input type="search" id="guide-search" placeholder=t::GUIDES_SEARCH aria-label=t::SEARCH bind:value=search />
            <button type="submit" class="secondary">{t::SEARCH}</button>
        </form>
        {move || {
            let empty = if applied.with(String::is_empty) { t::NO_GUIDES } else { t::GUIDES_NO_MATCH };
            view! {
                <PagedTable
                    list=list
                    page=page
                    headers=&[t::GUIDE_TITLE, t::GUIDE_OFFICE, t::GUIDE_TAGS, t::GUIDE_STATE, t::GUIDE_AUTHOR, t::GUIDE_REVIEWED_ON, t::GUIDE_UPDATED_AT, t::ACTIONS]
                    empty=empty
                    row=row
                    retry=move |_| version.update(|v| *v += 1)
                />
            }
        }}
    }
}
