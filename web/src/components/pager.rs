use leptos::prelude::*;

use crate::i18n::t;

/// Previous/next with "page x of y, n items"; the buttons are hidden when everything fits
/// on one page.
#[component]
pub fn Pager(page: RwSignal<u32>, total: i64, per_page: u32) -> impl IntoView {
    let per = i64::from(per_page.max(1));
    let pages = ((total + per - 1) / per).max(1) as u32;
    let several = pages > 1;
    // Computed outside `view!`: a `>` inside an attribute closure ends the tag there.
    let at_first = move || page.get() <= 1;
    let at_last = move || page.get() >= pages;
    view! {
        <nav class="pager" aria-label="pagination">
            <span>{move || t::page_of(page.get(), pages, total)}</span>
            <Show when=move || several>
                <button class="secondary" disabled=at_first on:click=move |_| page.update(|p| *p -= 1)>
                    {t::PREV_PAGE}
                </button>
                <button class="secondary" disabled=at_last on:click=move |_| page.update(|p| *p += 1)>
                    {t::NEXT_PAGE}
                </button>
            </Show>
        </nav>
    }
}
