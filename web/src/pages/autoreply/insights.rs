//! What students ask: a rule's hits per day with its latest messages, and the questions no
//! rule answered, grouped by similar wording, each with 据此新建规则.

use leptos::prelude::*;
use shared::AutoRule;

use crate::api;
use crate::components::{ColumnChart, Empty, ErrorNotice, Loading};
use crate::format::datetime;
use crate::i18n::t;

/// A rule's numbers, while `rule` holds one.
#[component]
pub fn HitsDialog(rule: RwSignal<Option<AutoRule>>) -> impl IntoView {
    let hits = LocalResource::new(move || {
        let id = rule.get().map(|r| r.id);
        async move {
            match id {
                Some(id) => api::autoreply::hits(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <Show when=move || rule.get().is_some()>
            <div class="backdrop" on:click=move |_| rule.set(None)>
                <div class="dialog wide" role="dialog" aria-modal="true" id="hits-dialog" on:click=|ev| ev.stop_propagation()>
                    <h2>{move || rule.get().map(|r| r.rule.name).unwrap_or_default()}" · "{t::AR_HITS_TITLE}</h2>
                    {move || match hits.get() {
                        None => view! { <Loading /> }.into_any(),
                        Some(Err(error)) => view! { <ErrorNotice error=error /> }.into_any(),
                        Some(Ok(None)) => ().into_any(),
                        Some(Ok(Some(h))) if h.days.is_empty() => view! { <Empty text=t::AR_NO_HITS /> }.into_any(),
                        Some(Ok(Some(h))) => view! {
                            <ColumnChart columns=h.days.iter().map(|d| (d.day[5..].to_string(), d.count as f64)).collect() id="hits-chart" />
                            <h3>{t::AR_RECENT}</h3>
                            <ul class="ar-messages">
                                {h.messages.into_iter().map(|m| view! {
                                    <li><time>{datetime(&m.at)}</time>" "<strong>{m.name.unwrap_or_else(|| t::UNKNOWN_FOLLOWER.into())}</strong>" "{m.text}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }}
                    <div class="dialog-actions">
                        <button class="secondary" on:click=move |_| rule.set(None)>{t::CLOSE}</button>
                    </div>
                </div>
            </div>
        </Show>
    }
}

/// The questions nothing answered.
#[component]
pub fn Unanswered(make_rule: Callback<String>) -> impl IntoView {
    let groups = LocalResource::new(api::autoreply::unanswered);
    view! {
        <div class="card" id="unanswered">
            <p class="hint">{t::AR_UNANSWERED_HINT}</p>
            {move || match groups.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error=error /> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <Empty text=t::AR_NO_UNANSWERED /> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="ar-unanswered">
                        {list.into_iter().map(|g| {
                            let keyword = g.suggested_keyword.clone();
                            view! {
                                <li>
                                    <div>
                                        <strong class="ar-question">{g.text.clone()}</strong>" "
                                        <span class="badge warn">{t::asked(g.count)}</span>
                                        {(!g.examples.is_empty()).then(|| view! { <p class="hint">{t::AR_ALSO_ASKED}{g.examples.join("；")}</p> })}
                                        <small class="hint">{datetime(&g.last_at)}</small>
                                    </div>
                                    <button class="secondary small" on:click=move |_| make_rule.run(keyword.clone())>{t::AR_MAKE_RULE}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </div>
    }
}
