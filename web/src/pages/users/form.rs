//! The "new user" form: checked here with the same rules as the server, then created.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{NewUser, Role, User};

use crate::api::{self, ClientError};
use crate::components::Field;
use crate::i18n::t;

#[component]
pub fn NewUserForm(#[prop(into)] on_done: Callback<User>, #[prop(into)] on_cancel: Callback<()>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Teacher);
    let errors = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let form_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let error_of = move |field: &'static str| Signal::derive(move || errors.with(|e| e.get(field).cloned()));

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let new = NewUser {
            username: username.get_untracked(),
            display_name: display_name.get_untracked(),
            password: password.get_untracked(),
            role: role.get_untracked(),
        };
        form_error.set(None);
        if let Err(problems) = new.validate() {
            errors.set(problems.0.into_iter().map(|(f, p)| (f, t::problem(p))).collect());
            return;
        }
        errors.set(Default::default());
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::users::create(&new).await {
                Ok(user) => on_done.run(user),
                Err(ClientError::Conflict(body)) if body.code == "username_taken" => {
                    errors.update(|e| {
                        e.insert("username".into(), t::error(&ClientError::Conflict(body)));
                    });
                }
                Err(err @ ClientError::Validation(_)) => {
                    let fields = ["username", "display_name", "password"];
                    errors.set(
                        fields.iter().filter_map(|f| Some((f.to_string(), t::field_message(&err.field(f)?)))).collect(),
                    );
                    form_error.set(Some(t::error(&err)));
                }
                Err(err) => form_error.set(Some(t::error(&err))),
            }
            busy.set(false);
        });
    };

    view! {
        <form class="card form-card" on:submit=submit novalidate>
            <h2>{t::NEW_USER}</h2>
            <div class="grid2">
                <Field label=t::USERNAME name="new-username" value=username error=error_of("username") autocomplete="off" />
                <Field label=t::DISPLAY_NAME name="new-display-name" value=display_name error=error_of("display_name") />
                <Field
                    label=t::INITIAL_PASSWORD
                    name="new-password"
                    kind="password"
                    autocomplete="new-password"
                    hint=t::PASSWORD_HINT
                    value=password
                    error=error_of("password")
                />
                <div class="field">
                    <label for="new-role">{t::ROLE}</label>
                    <select id="new-role" on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Teacher))>
                        <option value="teacher" selected=true>{t::role(Role::Teacher)}</option>
                        <option value="admin">{t::role(Role::Admin)}</option>
                    </select>
                </div>
            </div>
            {move || form_error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <div class="form-actions">
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{t::CANCEL}</button>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { t::SAVING } else { t::CREATE_USER }}
                </button>
            </div>
        </form>
    }
}
