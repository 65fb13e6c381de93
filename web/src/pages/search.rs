//! `/search?q=`: the console's search over notices, documents, procedures and contacts, as
//! the signed-in teacher sees them (their own notices; documents of their classes). The
//! top bar's box opens it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::SearchKind;

use crate::api::{encode, search};
use crate::components::{Empty, ErrorNotice, Loading};
use crate::format::short_datetime;
use crate::i18n::t;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let kind = RwSignal::new(None::<SearchKind>);
    let results = LocalResource::new(move || {
        let q = query.get().get("q").unwrap_or_default();
        let kind = kind.get();
        async move {
            if q.trim().is_empty() {
                return Ok(None);
            }
            search::console(&q, kind).await.map(Some)
        }
    });
    view! {
        <div class="page-head">
            <h1>{t::SEARCH_TITLE}</h1>
        </div>
        <div class="search-kinds" role="group">
            {t::SEARCH_FILTERS.iter().map(|(value, label)| {
                let value = SearchKind::parse(value);
                view! {
                    <button type="button" class=move || if kind.get() == value { "chip on" } else { "chip" }
                        on:click=move |_| kind.set(value)>{*label}</button>
                }
            }).collect_view()}
        </div>
        <Transition fallback=Loading>
            {move || results.get().map(|r| match r {
                Ok(None) => view! { <p class="hint">{t::SEARCH_HINT}</p> }.into_any(),
                Ok(Some(found)) if found.hits.is_empty() => view! { <Empty text=t::SEARCH_NOTHING /> }.into_any(),
                Ok(Some(found)) => view! {
                    <p class="hint">{found.hits.len()}" "{t::SEARCH_RESULTS}</p>
                    <ul class="card search-hits console-search-hits">
                        {found.hits.into_iter().map(|hit| view! {
                            <li>
                                <A href=hit.url.clone()>
                                    <span class="search-hit-head">
                                        <span class="badge kind">{t::search_kind(hit.kind)}</span>
                                        <strong>{hit.title.clone()}</strong>
                                    </span>
                                    {(!hit.summary.is_empty()).then(|| view! { <small>{hit.summary.clone()}</small> })}
                                    <small>{short_datetime(&Some(hit.at), "")}</small>
                                </A>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
            })}
        </Transition>
    }
}

/// The top bar's search box.
#[component]
pub fn SearchBox() -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let navigate = use_navigate();
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let q = typed.get_untracked().trim().to_string();
        if !q.is_empty() {
            navigate(&format!("/search?q={}", encode(&q)), Default::default());
        }
    };
    view! {
        <form class="topbar-search" role="search" on:submit=on_search>
            <input type="search" id="console-search" placeholder=t::SEARCH_CONSOLE_PLACEHOLDER aria-label=t::SEARCH_CONSOLE_LABEL bind:value=typed />
        </form>
    }
}
