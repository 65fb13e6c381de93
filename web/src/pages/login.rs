use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::{LoginRequest, Problem};

use crate::api;
use crate::i18n::t;
use crate::session::{self, Auth};

/// Where to go after logging in: the `next` page if it is one of ours.
fn next_page(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//")).unwrap_or_else(|| "/".into())
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let query = use_query_map();
    let navigate = use_navigate();

    // Already signed in (or just signed in): go on.
    Effect::new(move |_| {
        if matches!(session::auth().get(), Auth::SignedIn(_)) {
            navigate(&next_page(query.get_untracked().get("next")), Default::default());
        }
    });

    let login = Action::new_local(|request: &LoginRequest| {
        let request = request.clone();
        async move { api::auth::login(&request).await }
    });
    Effect::new(move |_| match login.value().get() {
        Some(Ok(response)) => session::sign_in(response),
        Some(Err(err)) => error.set(Some(t::error(&err))),
        None => {}
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = LoginRequest { username: username.get_untracked(), password: password.get_untracked() };
        match request.validate() {
            Ok(()) => {
                error.set(None);
                login.dispatch(request);
            }
            Err(problems) => {
                let which = if problems.get("username").is_some() { t::USERNAME } else { t::PASSWORD };
                error.set(Some(format!("{which}{}", t::problem(Problem::Required))));
            }
        }
    };

    view! {
        <main class="login">
            <form class="card login-card" on:submit=submit novalidate>
                <div class="brand big">
                    <span class="logo" aria-hidden="true">"班"</span>
                    <span>
                        <strong>{t::APP_NAME}</strong>
                        <small>{t::APP_SUBTITLE}</small>
                    </span>
                </div>
                <h1>{t::LOGIN_TITLE}</h1>
                <div class="field">
                    <label for="username">{t::USERNAME}</label>
                    <input id="username" name="username" type="text" autocomplete="username" autofocus bind:value=username />
                </div>
                <div class="field">
                    <label for="password">{t::PASSWORD}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" bind:value=password />
                </div>
                {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
                <button type="submit" class="primary wide" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { t::SIGNING_IN } else { t::SIGN_IN }}
                </button>
                <p class="center login-extra">
                    <a href="/forgot" id="forgot-link">{t::FORGOT_PASSWORD}</a>
                    " · "
                    <a href="/register">{t::HAVE_NO_ACCOUNT}</a>
                </p>
            </form>
        </main>
    }
}
