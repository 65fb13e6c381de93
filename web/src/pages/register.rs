//! Teacher self-registration (public): the account they want and the 6-digit code the
//! WeChat account sent when they wrote `注册`. With approval on, they wait for an admin.

use std::collections::BTreeMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::Registration;

use crate::api::{self, ClientError};
use crate::components::Field;
use crate::i18n::t;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let form_error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<bool>);
    let busy = RwSignal::new(false);
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let form = Registration {
            username: username.get_untracked(),
            display_name: display_name.get_untracked(),
            password: password.get_untracked(),
            code: code.get_untracked(),
        };
        if let Err(problems) = form.validate() {
            errors.set(problems.0.into_iter().map(|(f, p)| (f, t::problem(p))).collect());
            return;
        }
        errors.set(BTreeMap::new());
        form_error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::people::register(&form).await {
                Ok(registered) => done.set(Some(registered.pending)),
                Err(err @ ClientError::Validation(_)) => {
                    errors.set(
                        ["username", "display_name", "password", "code"]
                            .iter()
                            .filter_map(|f| Some((f.to_string(), t::field_message(&err.field(f)?))))
                            .collect(),
                    );
                    form_error.set(Some(t::error(&err)));
                }
                Err(err) => form_error.set(Some(t::error(&err))),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login">
            <div class="card login-card">
                <div class="brand big">
                    <span class="logo" aria-hidden="true">"班"</span>
                    <span><strong>{t::APP_NAME}</strong><small>{t::APP_SUBTITLE}</small></span>
                </div>
                <h1>{t::REGISTER_TITLE}</h1>
                {move || match done.get() {
                    Some(pending) => view! {
                        <p class="alert success" role="status">{if pending { t::REGISTERED_PENDING } else { t::REGISTERED_DONE }}</p>
                        <a class="button primary wide" href="/login">{t::TO_LOGIN}</a>
                    }.into_any(),
                    None => view! {
                        <form on:submit=submit novalidate>
                            <p class="hint">{t::REGISTER_INTRO}</p>
                            <Field label=t::REGISTRATION_CODE name="register-code" value=code error=error_of("code") autocomplete="one-time-code" />
                            <Field label=t::USERNAME name="register-username" value=username error=error_of("username") autocomplete="username" />
                            <Field label=t::DISPLAY_NAME name="register-name" value=display_name error=error_of("display_name") />
                            <Field label=t::PASSWORD name="register-password" kind="password" value=password error=error_of("password") autocomplete="new-password" hint=t::PASSWORD_HINT />
                            {move || form_error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
                            <button type="submit" class="primary wide" disabled=move || busy.get()>{t::REGISTER}</button>
                            <p class="center login-extra"><a href="/login">{t::SIGN_IN}</a></p>
                        </form>
                    }.into_any(),
                }}
            </div>
        </main>
    }
}
