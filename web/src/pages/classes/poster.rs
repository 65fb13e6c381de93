//! The printable binding poster of a class (`/classes/:id/poster`, no console around
//! it): the follow QR code that names the class, the class's name in large type, and the
//! steps a student takes, on one A4 page. 打印 prints it; the buttons do not print.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::BindPoster;

use crate::api;
use crate::components::{ErrorNotice, Loading};
use crate::i18n::t;

#[component]
pub fn ClassPosterPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let poster = LocalResource::new(move || api::people::poster(id()));
    view! {
        <div class="poster-page">
            {move || match poster.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error=error /> }.into_any(),
                Some(Ok(poster)) => view! { <Poster poster=poster /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Poster(poster: BindPoster) -> impl IntoView {
    let print = |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <div class="poster-actions no-print">
            <A href=format!("/classes/{}", poster.class_id) attr:class="button secondary">{t::BACK_TO_CLASS}</A>
            <button class="primary" on:click=print>{t::PRINT}</button>
        </div>
        <article class="poster" id="bind-poster">
            <p class="poster-kicker">{t::POSTER_KICKER}</p>
            <h1>{poster.class_name.clone()}</h1>
            <img class="poster-qr" src=poster.qr_image_url.clone() alt=t::POSTER_QR_ALT />
            <ol class="poster-steps">
                {t::POSTER_STEPS.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}
            </ol>
            <p class="poster-foot">{t::POSTER_FOOT}</p>
        </article>
    }
}
