//! Users (admins): search and filter, create, change role, disable/enable, reset a
//! password, delete. The server keeps the last admin; its refusal is shown as is.

mod form;

use futures::future::LocalBoxFuture;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{Role, User, UserPatch};

use crate::api::{self, ApiResult};
use crate::components::{Dialog, Notice, PagedTable, RequireAdmin};
use crate::format::maybe_datetime;
use crate::i18n::t;
use crate::session;

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <RequireAdmin>
            <UsersAdmin />
        </RequireAdmin>
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let applied_search = RwSignal::new(String::new());
    let role = RwSignal::new(None::<Role>);
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(bool, String)>);
    let show_form = RwSignal::new(false);

    let users = LocalResource::new(move || {
        let (q, r, p) = (applied_search.get(), role.get(), page.get());
        version.track();
        api::users::list(q, r, p)
    });
    let reload = move || version.update(|v| *v += 1);

    // Runs a change, then reports it and reloads the list.
    let act = move |change: LocalBoxFuture<'static, ApiResult<()>>, done: &'static str| {
        leptos::task::spawn_local(async move {
            match change.await {
                Ok(()) => {
                    notice.set(Some((true, done.to_string())));
                    reload();
                }
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
        });
    };
    let patch = move |id: i64, patch: UserPatch, done: &'static str| {
        act(Box::pin(async move { api::users::update(id, &patch).await.map(|_| ()) }), done)
    };

    // Delete and reset-password dialogs act on one chosen user.
    let chosen = RwSignal::new(None::<User>);
    let delete_open = RwSignal::new(false);
    let reset_open = RwSignal::new(false);
    let new_password = RwSignal::new(String::new());
    let reset_error = RwSignal::new(None::<String>);
    let chosen_name = move || chosen.get().map(|u| u.display_name).unwrap_or_default();

    let confirm_delete = move |_| {
        if let Some(user) = chosen.get_untracked() {
            delete_open.set(false);
            act(Box::pin(api::users::delete(user.id)), t::USER_DELETED);
        }
    };
    let confirm_reset = move |_| {
        let Some(user) = chosen.get_untracked() else { return };
        let password = new_password.get_untracked();
        if let Err(problem) = shared::validate::password(&password) {
            reset_error.set(Some(t::problem(problem)));
            return;
        }
        reset_open.set(false);
        patch(user.id, UserPatch { password: Some(password), ..Default::default() }, t::PASSWORD_RESET_DONE);
    };

    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied_search.set(search.get_untracked().trim().to_string());
    };
    let my_id = move || session::user().map(|u| u.id);

    let row = move |user: User| {
        let id = user.id;
        let (name, disabled, current_role, waiting) =
            (user.display_name.clone(), user.disabled, user.role, user.pending);
        let for_dialog = user.clone();
        let for_reset = user.clone();
        view! {
            <tr class:muted=disabled>
                <td>{user.username.clone()}{(my_id() == Some(id)).then_some(t::YOU)}</td>
                <td>{name}</td>
                <td>
                    <select
                        aria-label=t::ROLE
                        on:change=move |ev| {
                            if let Some(role) = Role::parse(&event_target_value(&ev)) {
                                patch(id, UserPatch { role: Some(role), ..Default::default() }, t::USER_UPDATED);
                            }
                        }
                    >
                        {[Role::Teacher, Role::Admin].map(|r| view! {
                            <option value=r.as_str() selected=r == current_role>{t::role(r)}</option>
                        })}
                    </select>
                </td>
                <td>
                    // A teacher who registered cannot log in before an admin approves them
                    // (in 设置, where the home page's reminder leads).
                    {if waiting {
                        view! { <span class="badge warn">{t::AWAITING_APPROVAL}</span> }.into_any()
                    } else {
                        view! {
                            <span class=if disabled { "badge off" } else { "badge on" }>
                                {if disabled { t::DISABLED } else { t::ENABLED }}
                            </span>
                        }.into_any()
                    }}
                </td>
                <td>{maybe_datetime(&user.last_login_at, t::NEVER)}</td>
                <td class="row-actions">
                    <button class="link" on:click=move |_| {
                        patch(id, UserPatch { disabled: Some(!disabled), ..Default::default() }, t::USER_UPDATED)
                    }>{if disabled { t::ENABLE } else { t::DISABLE }}</button>
                    <button class="link" on:click=move |_| {
                        chosen.set(Some(for_reset.clone()));
                        new_password.set(String::new());
                        reset_error.set(None);
                        reset_open.set(true);
                    }>{t::RESET_PASSWORD}</button>
                    <button class="link danger" on:click=move |_| {
                        chosen.set(Some(for_dialog.clone()));
                        delete_open.set(true);
                    }>{t::DELETE}</button>
                </td>
            </tr>
        }
    };

    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::USERS_TITLE}</h1>
                <button class="primary" on:click=move |_| show_form.update(|s| *s = !*s)>{t::NEW_USER}</button>
            </div>
            <Notice message=notice />
            <Show when=move || show_form.get()>
                <form::NewUserForm
                    on_done=move |user: User| {
                        show_form.set(false);
                        notice.set(Some((true, format!("{}（{}）", t::USER_CREATED, user.username))));
                        reload();
                    }
                    on_cancel=move |_| show_form.set(false)
                />
            </Show>
            <form class="toolbar" on:submit=on_search>
                <input type="search" placeholder=t::USERS_SEARCH_PLACEHOLDER aria-label=t::SEARCH bind:value=search />
                <select aria-label=t::ROLE on:change=move |ev| {
                    page.set(1);
                    role.set(Role::parse(&event_target_value(&ev)));
                }>
                    <option value="">{t::ALL}</option>
                    <option value="admin">{t::role(Role::Admin)}</option>
                    <option value="teacher">{t::role(Role::Teacher)}</option>
                </select>
                <button type="submit" class="secondary">{t::SEARCH}</button>
            </form>
            <PagedTable
                list=users
                page=page
                headers=&[t::USERNAME, t::DISPLAY_NAME, t::ROLE, t::STATUS, t::LAST_LOGIN, t::ACTIONS]
                empty=t::NO_USERS
                row=row
                retry=move |_| reload()
            />
            <Dialog
                open=delete_open
                title=Signal::derive(move || t::DELETE.to_string())
                on_confirm=confirm_delete
                confirm_label=t::DELETE
                danger=true
            >
                <p>{move || t::confirm_delete_user(&chosen_name())}</p>
            </Dialog>
            <Dialog open=reset_open title=Signal::derive(move || t::reset_password_for(&chosen_name())) on_confirm=confirm_reset>
                <crate::components::Field
                    label=t::NEW_PASSWORD
                    name="reset-password"
                    kind="password"
                    autocomplete="new-password"
                    hint=t::PASSWORD_HINT
                    value=new_password
                    error=reset_error
                />
            </Dialog>
        </section>
    }
}
