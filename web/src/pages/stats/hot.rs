//! 热度排行: the notices most read, commented on and downloaded in the last day, week or
//! month (score = reads + 3 × comments + 2 × downloads, the server's).

use leptos::prelude::*;
use leptos_router::components::A;
use shared::HotNotice;

use crate::api;
use crate::components::{Empty, ErrorNotice, Loading, MiniBar};
use crate::i18n::t;

const WINDOWS: [u32; 3] = [1, 7, 30];
const LIMIT: u32 = 10;

#[component]
pub fn HotPanel() -> impl IntoView {
    let days = RwSignal::new(7u32);
    let version = RwSignal::new(0u32);
    let hot = LocalResource::new(move || {
        version.track();
        api::stats::hot(days.get(), LIMIT)
    });
    let show = |list: Vec<HotNotice>| {
        let top = list.iter().map(|h| h.score).max().unwrap_or(0).max(1) as f64;
        view! {
            <ol class="hot-list" id="hot-list">
                {list.into_iter().map(|h| view! {
                    <li>
                        <div class="hot-title">
                            <A href=format!("/notices/{}", h.id)>{h.title.clone()}</A>
                            {h.category.clone().map(|c| view! { <span class="badge">{c}</span> })}
                        </div>
                        <div class="hot-score">
                            <MiniBar read=h.score as f64 / top confirmed=None />
                            <strong>{h.score}</strong>
                        </div>
                        <small class="hint">{t::hot_counts(h.reads, h.comments, h.downloads)}</small>
                    </li>
                }).collect_view()}
            </ol>
        }
    };
    view! {
        <aside class="card hot" id="hot-panel">
            <div class="page-head">
                <h2>{t::HOT_TITLE}</h2>
            </div>
            <div class="segmented" role="group" aria-label=t::HOT_WINDOW>
                {WINDOWS.map(|d| view! {
                    <button type="button" id=format!("hot-{d}") class:chosen=move || days.get() == d
                        aria-pressed=move || (days.get() == d).to_string() on:click=move |_| days.set(d)>
                        {t::hot_window(d)}
                    </button>
                })}
            </div>
            <p class="hint">{t::HOT_HINT}</p>
            <Transition fallback=Loading>
                {move || hot.get().map(|r| match r {
                    Err(err) => view! { <ErrorNotice error=err retry=move |_| version.update(|v| *v += 1) /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <Empty text=t::NO_HOT /> }.into_any(),
                    Ok(list) => show(list).into_any(),
                })}
            </Transition>
        </aside>
    }
}
