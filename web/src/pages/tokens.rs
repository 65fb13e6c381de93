//! API tokens: create (the secret is shown once, with a copy button), list, revoke.

use chrono::{Duration, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{ApiToken, CreatedApiToken, NewApiToken, Scope};

use crate::api::{self, ClientError};
use crate::components::{Dialog, Field, Notice, PagedTable};
use crate::format::{datetime, maybe_datetime};
use crate::i18n::t;

fn status(token: &ApiToken) -> (&'static str, &'static str) {
    if token.revoked_at.is_some() {
        ("badge off", t::REVOKED)
    } else if token.expires_at.is_some_and(|at| at <= Utc::now()) {
        ("badge off", t::EXPIRED)
    } else {
        ("badge on", t::ACTIVE)
    }
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(bool, String)>);
    let created = RwSignal::new(None::<CreatedApiToken>);
    let tokens = LocalResource::new(move || {
        version.track();
        api::tokens::list(page.get())
    });
    let reload = move || version.update(|v| *v += 1);

    let revoking = RwSignal::new(None::<i64>);
    let revoke_open = RwSignal::new(false);
    let confirm_revoke = move |_| {
        revoke_open.set(false);
        if let Some(id) = revoking.get_untracked() {
            leptos::task::spawn_local(async move {
                match api::tokens::revoke(id).await {
                    Ok(()) => reload(),
                    Err(err) => notice.set(Some((false, t::error(&err)))),
                }
            });
        }
    };

    let row = move |token: ApiToken| {
        let (class, label) = status(&token);
        let live = label == t::ACTIVE;
        let scopes = token.scopes.iter().map(|s| t::scope(*s)).collect::<Vec<_>>().join("、");
        let id = token.id;
        view! {
            <tr class:muted=!live>
                <td>{token.name.clone()}</td>
                <td>{scopes}</td>
                <td><code>{format!("{}…", token.prefix)}</code></td>
                <td>{datetime(&token.created_at)}</td>
                <td>{maybe_datetime(&token.expires_at, t::EXPIRY_NEVER)}</td>
                <td>{maybe_datetime(&token.last_used_at, t::NEVER)}</td>
                <td><span class=class>{label}</span></td>
                <td>
                    <Show when=move || live>
                        <button class="link danger" on:click=move |_| {
                            revoking.set(Some(id));
                            revoke_open.set(true);
                        }>{t::REVOKE}</button>
                    </Show>
                </td>
            </tr>
        }
    };

    view! {
        <section class="page">
            <h1>{t::TOKENS_TITLE}</h1>
            <p class="lead">{t::TOKENS_INTRO}</p>
            <Notice message=notice />
            <NewTokenForm on_created=move |token: CreatedApiToken| {
                created.set(Some(token));
                reload();
            } />
            {move || created.get().map(|token| view! { <SecretOnce token=token on_close=move |_| created.set(None) /> })}
            <PagedTable
                list=tokens
                page=page
                headers=&[t::TOKEN_NAME, t::SCOPES, t::PREFIX, t::CREATED_AT, t::EXPIRES_AT, t::LAST_USED, t::STATUS, t::ACTIONS]
                empty=t::NO_TOKENS
                row=row
                retry=move |_| reload()
            />
            <Dialog
                open=revoke_open
                title=Signal::derive(|| t::REVOKE.to_string())
                on_confirm=confirm_revoke
                confirm_label=t::REVOKE
                danger=true
            >
                <p>{t::CONFIRM_REVOKE}</p>
            </Dialog>
        </section>
    }
}

#[component]
fn NewTokenForm(#[prop(into)] on_created: Callback<CreatedApiToken>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let read = RwSignal::new(true);
    let write = RwSignal::new(false);
    let days = RwSignal::new(90i64);
    let name_error = RwSignal::new(None::<String>);
    let form_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let scopes: Vec<Scope> = [(read.get_untracked(), Scope::Read), (write.get_untracked(), Scope::Write)]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, s)| s)
            .collect();
        let days = days.get_untracked();
        let token = NewApiToken {
            name: name.get_untracked(),
            scopes,
            expires_at: (days > 0).then(|| Utc::now() + Duration::days(days)),
        };
        form_error.set(None);
        if let Err(problems) = token.validate(Utc::now()) {
            name_error.set(problems.get("name").map(t::problem));
            form_error.set(problems.get("scopes").map(|p| format!("{}{}", t::SCOPES, t::problem(p))));
            return;
        }
        name_error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::tokens::create(&token).await {
                Ok(created) => {
                    name.set(String::new());
                    on_created.run(created);
                }
                Err(err @ ClientError::Validation(_)) => {
                    name_error.set(err.field("name").map(|m| t::field_message(&m)));
                    form_error.set(Some(t::error(&err)));
                }
                Err(err) => form_error.set(Some(t::error(&err))),
            }
            busy.set(false);
        });
    };

    view! {
        <form class="card form-card" on:submit=submit novalidate>
            <h2>{t::NEW_TOKEN}</h2>
            <div class="grid2">
                <Field label=t::TOKEN_NAME name="token-name" placeholder=t::TOKEN_NAME_PLACEHOLDER value=name error=name_error />
                <div class="field">
                    <label for="token-expiry">{t::EXPIRY}</label>
                    <select id="token-expiry" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(0))>
                        <option value="30">{t::EXPIRY_30}</option>
                        <option value="90" selected=true>{t::EXPIRY_90}</option>
                        <option value="365">{t::EXPIRY_365}</option>
                        <option value="0">{t::EXPIRY_NEVER}</option>
                    </select>
                </div>
            </div>
            <fieldset class="checks">
                <legend>{t::SCOPES}</legend>
                <label><input type="checkbox" bind:checked=read />{t::SCOPE_READ}</label>
                <label><input type="checkbox" name="scope-write" bind:checked=write />{t::SCOPE_WRITE}</label>
            </fieldset>
            {move || form_error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { t::SAVING } else { t::CREATE_TOKEN }}
                </button>
            </div>
        </form>
    }
}

/// The new secret, shown this once.
#[component]
fn SecretOnce(token: CreatedApiToken, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let secret = token.secret.clone();
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&secret);
            copied.set(true);
        }
    };
    view! {
        <div class="card secret" role="status">
            <p>{t::SECRET_ONCE}</p>
            <code class="secret-value" id="new-token-secret">{token.secret.clone()}</code>
            <div class="form-actions">
                <button class="secondary" on:click=copy>{move || if copied.get() { t::COPIED } else { t::COPY }}</button>
                <button class="primary" on:click=move |_| on_close.run(())>{t::CLOSE}</button>
            </div>
        </div>
    }
}
