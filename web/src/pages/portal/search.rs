//! `/s/search`: one box over the reader's notices, documents, procedures and contacts,
//! with the kind of each result shown; `?q=` opens it searched (the home page's box).
//! Also the week's hot list (`HotCard`), shown on `/s/`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::{HotItem, SearchKind};

use super::PortalGate;
use crate::api::{portal, search, ClientError};
use crate::components::{Empty, Loading};
use crate::format::short_datetime;
use crate::i18n::t;

#[component]
pub fn PortalSearch() -> impl IntoView {
    view! { <PortalGate><Search /></PortalGate> }
}

#[component]
fn Search() -> impl IntoView {
    let first = use_query_map().get_untracked().get("q").unwrap_or_default();
    let typed = RwSignal::new(first.clone());
    let applied = RwSignal::new(first);
    let kind = RwSignal::new(None::<SearchKind>);
    let results = LocalResource::new(move || {
        let (q, kind) = (applied.get(), kind.get());
        async move {
            if q.trim().is_empty() {
                return Ok(None);
            }
            search::portal(&q, kind).await.map(Some)
        }
    });
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        applied.set(typed.get_untracked().trim().to_string());
    };
    view! {
        <A href="/s/" attr:class="link">{"‹ "}{t::PORTAL_BACK}</A>
        <h2>{t::SEARCH_TITLE}</h2>
        <form class="toolbar search-box" on:submit=on_search>
            <input type="search" id="portal-search" placeholder=t::SEARCH_PLACEHOLDER aria-label=t::SEARCH bind:value=typed />
            <button type="submit" class="primary">{t::SEARCH}</button>
        </form>
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
                    <ul class="card search-hits">
                        {found.hits.into_iter().map(|hit| view! {
                            <li>
                                <A href=hit.url.clone()>
                                    <span class="search-hit-head">
                                        <span class="badge kind">{t::search_kind(hit.kind)}</span>
                                        <strong>{hit.title.clone()}</strong>
                                    </span>
                                    {(!hit.summary.is_empty()).then(|| view! { <small>{hit.summary.clone()}</small> })}
                                    {(hit.kind == SearchKind::Notice).then(|| view! { <small>{short_datetime(&Some(hit.at), "")}</small> })}
                                </A>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(ClientError::Unauthorized) => {
                    portal::authorise();
                    view! { <Loading /> }.into_any()
                }
                Err(err) => view! { <div class="state error">{t::portal_error(&err)}</div> }.into_any(),
            })}
        </Transition>
    }
}

/// The home page's search box: opens `/s/search?q=…`.
#[component]
pub fn SearchLink() -> impl IntoView {
    view! {
        <form class="toolbar search-box" action="/s/search" method="get">
            <input type="search" name="q" id="portal-home-search" placeholder=t::PORTAL_SEARCH_LINK aria-label=t::SEARCH />
            <button type="submit" class="secondary">{t::SEARCH}</button>
        </form>
    }
}

/// 本周热门: the week's most read public notices and most downloaded documents.
#[component]
pub fn HotCard() -> impl IntoView {
    let hot = LocalResource::new(search::hot);
    let list = |items: Vec<HotItem>, unit: &'static str| {
        view! {
            <ol class="hot-list">
                {items.into_iter().map(|item| view! {
                    <li><A href=item.url.clone()>{item.title.clone()}</A><small>{item.count}" "{unit}</small></li>
                }).collect_view()}
            </ol>
        }
    };
    view! {
        <div class="card" id="portal-hot">
            <h2>{t::PORTAL_HOT_TITLE}</h2>
            // Its own boundary, so the page it sits on shows without waiting for it.
            <Suspense fallback=|| ()>{move || hot.get().map(|r| match r {
                Ok(h) if h.notices.is_empty() && h.documents.is_empty() => view! { <p class="hint">{t::PORTAL_HOT_EMPTY}</p> }.into_any(),
                Ok(h) => view! {
                    {(!h.notices.is_empty()).then(|| view! { <h3>{t::PORTAL_HOT_NOTICES}</h3>{list(h.notices.clone(), t::PORTAL_HOT_READS)} })}
                    {(!h.documents.is_empty()).then(|| view! { <h3>{t::PORTAL_HOT_DOCUMENTS}</h3>{list(h.documents.clone(), t::PORTAL_HOT_DOWNLOADS)} })}
                }.into_any(),
                Err(err) => view! { <p class="problem">{t::portal_error(&err)}</p> }.into_any(),
            })}</Suspense>
        </div>
    }
}
