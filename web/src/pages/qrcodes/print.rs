//! A QR code's print view (`/qrcodes/:id/print`, no console around it): the school's name
//! (系统设置), the code's name in large type, what scanning it does, WeChat's own image of
//! the code and how long it works, on one A4 page like the class poster. The image is the
//! platform's (`showqrcode`), so what is printed is exactly what WeChat will recognise.
//! 打印 prints it; the buttons and hints do not print.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::QrCode;

use crate::api;
use crate::components::{ErrorNotice, Loading};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn QrPrintPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let code = LocalResource::new(move || api::qrcodes::get(id()));
    // The school's name is a nicety: the print still works without it.
    let school =
        LocalResource::new(|| async { api::people::settings().await.map(|s| s.school_name).unwrap_or_default() });
    view! {
        <div class="poster-page">
            {move || match code.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error=error /> }.into_any(),
                Some(Ok(code)) => view! { <Print code=code school=Signal::derive(move || school.get().unwrap_or_default()) /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Print(code: QrCode, school: Signal<String>) -> impl IntoView {
    let print = |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    let validity = match &code.expires_at {
        Some(until) => t::qr_valid_until(&datetime(until)),
        None => t::QR_NEVER_EXPIRES.to_string(),
    };
    view! {
        <div class="poster-actions no-print">
            <A href="/qrcodes" attr:class="button secondary">{t::BACK_TO_QRCODES}</A>
            <button class="primary" on:click=print>{t::PRINT}</button>
        </div>
        {move || school.get().is_empty().then(|| view! { <p class="hint no-print">{t::QR_PRINT_NO_SCHOOL}</p> })}
        <article class="poster" id="qr-print">
            <p class="poster-kicker" id="qr-print-school">{move || school.get()}</p>
            <h1>{code.name.clone()}</h1>
            <p class="qr-print-purpose">{t::qr_print_line(code.purpose, &code.target)}</p>
            <img class="poster-qr" src=code.image_url.clone() alt=t::QR_IMAGE_ALT />
            <p class="qr-print-scan">{t::QR_SCAN_HINT}</p>
            <p class="poster-foot">{validity}</p>
        </article>
    }
}
