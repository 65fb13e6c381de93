//! 忘记密码 (public): a teacher with WeChat bound gets a 6-digit code in WeChat — pushed
//! when they ask here, or in the reply when they send 「重置密码」 to the account — and
//! sets a new password with it. Everyone else is told to ask an admin. The page says the
//! same whatever name is typed: it never tells whether an account exists.

use std::collections::BTreeMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::PasswordResetRequest;

use crate::api::{self, ClientError};
use crate::components::Field;
use crate::i18n::t;

#[component]
pub fn ForgotPage() -> impl IntoView {
    let username = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let asked = RwSignal::new(false);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let form_error = RwSignal::new(None::<String>);
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));

    let ask = move |ev: SubmitEvent| {
        ev.prevent_default();
        let name = username.get_untracked().trim().to_string();
        if name.is_empty() {
            errors.set(BTreeMap::from([("username".into(), t::problem(shared::Problem::Required))]));
            return;
        }
        errors.set(BTreeMap::new());
        form_error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::auth::ask_reset_code(name).await {
                Ok(()) => asked.set(true),
                Err(err) => form_error.set(Some(t::error(&err))),
            }
            busy.set(false);
        });
    };
    let reset = move |ev: SubmitEvent| {
        ev.prevent_default();
        let form = PasswordResetRequest {
            username: username.get_untracked().trim().to_string(),
            code: code.get_untracked().trim().to_string(),
            new_password: password.get_untracked(),
        };
        let mut problems: BTreeMap<String, String> = match form.validate() {
            Ok(()) => BTreeMap::new(),
            Err(p) => p.0.into_iter().map(|(f, p)| (f, t::problem(p))).collect(),
        };
        if confirm.get_untracked() != form.new_password {
            problems.entry("confirm".into()).or_insert_with(|| t::PASSWORDS_DIFFER.to_string());
        }
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        errors.set(BTreeMap::new());
        form_error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::auth::reset_password(&form).await {
                Ok(()) => done.set(true),
                Err(err @ ClientError::Validation(_)) => {
                    errors.set(
                        ["code", "new_password"]
                            .iter()
                            .filter_map(|f| Some((f.to_string(), t::field_message(&err.field(f)?))))
                            .collect(),
                    );
                    if err.field("code").is_some() {
                        errors.update(|e| {
                            e.insert("code".into(), t::RESET_CODE_WRONG.into());
                        });
                    }
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
                <h1>{t::FORGOT_TITLE}</h1>
                {move || if done.get() {
                    view! {
                        <p class="alert success" role="status" id="reset-done">{t::RESET_DONE}</p>
                        <a class="button primary wide" href="/login">{t::TO_LOGIN}</a>
                    }.into_any()
                } else if asked.get() {
                    view! {
                        <form on:submit=reset novalidate>
                            <p class="hint" id="reset-sent">{t::RESET_CODE_SENT}</p>
                            <Field label=t::RESET_CODE name="reset-code" value=code error=error_of("code") autocomplete="one-time-code" />
                            <Field label=t::NEW_PASSWORD name="reset-new-password" kind="password" value=password error=error_of("new_password") autocomplete="new-password" hint=t::PASSWORD_HINT />
                            <Field label=t::CONFIRM_PASSWORD name="reset-confirm" kind="password" value=confirm error=error_of("confirm") autocomplete="new-password" />
                            {move || form_error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
                            <button type="submit" class="primary wide" disabled=move || busy.get()>{t::RESET_PASSWORD_SUBMIT}</button>
                            <p class="center login-extra"><a href="/login">{t::SIGN_IN}</a></p>
                        </form>
                    }.into_any()
                } else {
                    view! {
                        <form on:submit=ask novalidate>
                            <p class="hint">{t::FORGOT_INTRO}</p>
                            <Field label=t::USERNAME name="forgot-username" value=username error=error_of("username") autocomplete="username" />
                            {move || form_error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
                            <button type="submit" class="primary wide" disabled=move || busy.get()>{t::SEND_RESET_CODE}</button>
                            <p class="center login-extra"><a href="/login">{t::SIGN_IN}</a></p>
                        </form>
                    }.into_any()
                }}
            </div>
        </main>
    }
}
