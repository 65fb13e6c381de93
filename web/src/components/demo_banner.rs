//! The 演示模式 strip of a public demonstration (`BANJI_DEMO=1`): on every page, the
//! console's and the students', so nobody takes the simulated WeChat and its made-up
//! students for a real school's. The server says whether it is one (`GET /about`).

use leptos::prelude::*;

use crate::i18n::t;

#[component]
pub fn DemoBanner() -> impl IntoView {
    let about = LocalResource::new(crate::api::wechat::about);
    let demo = move || about.get().is_some_and(|a| a.is_ok_and(|a| a.demo));
    view! {
        <Show when=demo>
            <div class="demo-banner" id="demo-banner" role="note" aria-label=t::DEMO_MODE>
                <strong>{t::DEMO_MODE}</strong>
                <span>{t::DEMO_MODE_NOTE}</span>
            </div>
        </Show>
    }
}
