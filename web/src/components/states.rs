use leptos::prelude::*;

use crate::api::ClientError;
use crate::i18n::t;

#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="state loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {t::LOADING}
        </div>
    }
}

/// A failed request, in words, with an optional retry.
#[component]
pub fn ErrorNotice(error: ClientError, #[prop(optional, into)] retry: Option<Callback<()>>) -> impl IntoView {
    view! {
        <div class="state error" role="alert">
            <p>{t::error(&error)}</p>
            {retry.map(|retry| view! { <button class="secondary" on:click=move |_| retry.run(())>{t::RETRY}</button> })}
        </div>
    }
}

#[component]
pub fn Empty(text: &'static str) -> impl IntoView {
    view! { <div class="state empty">{text}</div> }
}

/// A transient success or failure message above a form or list.
#[component]
pub fn Notice(message: RwSignal<Option<(bool, String)>>) -> impl IntoView {
    move || {
        message.get().map(|(ok, text)| {
            let class = if ok { "alert success" } else { "alert error" };
            view! {
                <p class=class role=if ok { "status" } else { "alert" }>
                    {text}
                    <button class="link close" aria-label=t::CLOSE on:click=move |_| message.set(None)>"×"</button>
                </p>
            }
        })
    }
}
