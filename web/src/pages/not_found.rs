use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

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

/// The routes' fallback in every bundle: a path of another bundle (a console link on a
/// phone page, a `/s/…` link in the console) is loaded whole, so the server answers it
/// with that bundle's shell; anything else is not found.
#[component]
pub fn Elsewhere(
    /// The bundle this is.
    bundle: crate::Bundle,
) -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    let ours = crate::Bundle::of(&path) == bundle;
    if !ours {
        if let Some(window) = web_sys::window() {
            let full =
                path + &window.location().search().unwrap_or_default() + &window.location().hash().unwrap_or_default();
            crate::load_page(&full);
            return view! { <div class="fullpage state loading"><span class="spinner" aria-hidden="true"></span></div> }.into_any();
        }
    }
    view! { <NotFound /> }.into_any()
}
