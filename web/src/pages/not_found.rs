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
    let location = use_location();
    let path = location.pathname.get_untracked();
    if crate::Bundle::of(&path) != bundle {
        // The router's address, not the window's: after a link's click the window may
        // still show the page being left (its query lost, `/s/bind?next=…` → `/s/bind`).
        let (search, hash) = (location.search.get_untracked(), location.hash.get_untracked());
        let question = if search.is_empty() { "" } else { "?" };
        let sharp = if hash.is_empty() || hash.starts_with('#') { "" } else { "#" };
        crate::load_page(&format!("{path}{question}{search}{sharp}{hash}"));
        return view! { <div class="fullpage state loading"><span class="spinner" aria-hidden="true"></span></div> }
            .into_any();
    }
    view! { <NotFound /> }.into_any()
}
