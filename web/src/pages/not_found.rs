use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::t;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main class="fullpage">
            <div class="card narrow center">
                <h1>"404"</h1>
                <h2>{t::NOT_FOUND_TITLE}</h2>
                <p>{t::NOT_FOUND_BODY}</p>
                <A href="/" attr:class="button primary">{t::BACK_HOME}</A>
            </div>
        </main>
    }
}
