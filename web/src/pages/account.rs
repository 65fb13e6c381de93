//! My account: who I am, my teacher profile, my WeChat, and changing my password
//! (which ends my other logins).

mod profile;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::ChangePasswordRequest;

use crate::api::{self, ClientError};
use crate::components::{AccountSummary, Field, Notice};
use crate::i18n::t;

#[component]
pub fn AccountPage() -> impl IntoView {
    let old_password = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let old_error = RwSignal::new(None::<String>);
    let new_error = RwSignal::new(None::<String>);
    let confirm_error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        let request = ChangePasswordRequest {
            old_password: old_password.get_untracked(),
            new_password: new_password.get_untracked(),
        };
        let problems = request.validate().err().unwrap_or_default();
        old_error.set(problems.get("old_password").map(t::problem));
        new_error.set(problems.get("new_password").map(t::problem));
        let differs = confirm.get_untracked() != request.new_password;
        confirm_error.set(differs.then(|| t::PASSWORDS_DIFFER.to_string()));
        if !problems.0.is_empty() || differs {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::auth::change_password(&request).await {
                Ok(()) => {
                    for field in [old_password, new_password, confirm] {
                        field.set(String::new());
                    }
                    notice.set(Some((true, t::PASSWORD_CHANGED.to_string())));
                }
                Err(err @ ClientError::Validation(_)) => {
                    old_error.set(err.field("old_password").map(|m| t::field_message(&m)));
                    new_error.set(err.field("new_password").map(|m| t::field_message(&m)));
                }
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
            busy.set(false);
        });
    };

    view! {
        <section class="page">
            <h1>{t::ACCOUNT_TITLE}</h1>
            <div class="cards">
                <div class="card">
                    <h2>{t::MY_ACCOUNT}</h2>
                    <AccountSummary />
                </div>
                <profile::WechatCard />
                <profile::ProfileCard />
                <form class="card" on:submit=submit novalidate>
                    <h2>{t::CHANGE_PASSWORD}</h2>
                    <Notice message=notice />
                    <Field label=t::OLD_PASSWORD name="old-password" kind="password" autocomplete="current-password" value=old_password error=old_error />
                    <Field
                        label=t::NEW_PASSWORD
                        name="new-password"
                        kind="password"
                        autocomplete="new-password"
                        hint=t::PASSWORD_HINT
                        value=new_password
                        error=new_error
                    />
                    <Field label=t::CONFIRM_PASSWORD name="confirm-password" kind="password" autocomplete="new-password" value=confirm error=confirm_error />
                    <div class="form-actions">
                        <button type="submit" class="primary" disabled=move || busy.get()>
                            {move || if busy.get() { t::SAVING } else { t::SAVE }}
                        </button>
                    </div>
                </form>
            </div>
        </section>
    }
}
