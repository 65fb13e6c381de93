//! Notice categories (admins): the list students mute from, added, renamed in place and
//! deleted (a deleted category's notices stay, without a category).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::NoticeCategory;

use crate::api;
use crate::components::{Dialog, Empty, ErrorNotice, Loading, Notice, RequireAdmin};
use crate::i18n::t;

#[component]
pub fn CategoriesPage() -> impl IntoView {
    view! { <RequireAdmin><Categories /></RequireAdmin> }
}

#[component]
fn Categories() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        version.track();
        api::notices::categories()
    });
    let reload = move || version.update(|v| *v += 1);
    let notice = RwSignal::new(None::<(bool, String)>);
    let name = RwSignal::new(String::new());
    let renaming = RwSignal::new(None::<i64>);
    let new_name = RwSignal::new(String::new());
    let deleting = RwSignal::new(None::<NoticeCategory>);
    let delete_open = RwSignal::new(false);
    let done = move |result: Result<String, crate::api::ClientError>| match result {
        Ok(text) => {
            notice.set(Some((true, text)));
            reload();
        }
        Err(err) => notice.set(Some((false, t::error(&err)))),
    };
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = name.get_untracked().trim().to_string();
        if text.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let result = api::notices::create_category(text).await;
            if result.is_ok() {
                name.set(String::new());
            }
            done(result.map(|_| t::CATEGORY_SAVED.into()));
        });
    };
    let rename = move |id: i64| {
        let text = new_name.get_untracked().trim().to_string();
        leptos::task::spawn_local(async move {
            let result = api::notices::rename_category(id, text).await;
            if result.is_ok() {
                renaming.set(None);
            }
            done(result.map(|_| t::CATEGORY_SAVED.into()));
        });
    };
    let confirm_delete = move |_| {
        delete_open.set(false);
        let Some(category) = deleting.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            done(api::notices::delete_category(category.id).await.map(|_| t::CATEGORY_DELETED.into()));
        });
    };
    let row = move |c: NoticeCategory| {
        let (id, for_delete, current) = (c.id, c.clone(), c.name.clone());
        view! {
            <li>
                {move || if renaming.get() == Some(id) {
                    view! {
                        <form class="inline-form" on:submit=move |ev: SubmitEvent| { ev.prevent_default(); rename(id) }>
                            <input type="text" class="grow" aria-label=t::CATEGORY_NAME bind:value=new_name />
                            <button type="submit" class="primary">{t::SAVE}</button>
                            <button type="button" class="secondary" on:click=move |_| renaming.set(None)>{t::CANCEL}</button>
                        </form>
                    }
                    .into_any()
                } else {
                    let current = current.clone();
                    let for_delete = for_delete.clone();
                    view! {
                        <span class="grow">{current.clone()}</span>
                        <span class="row-actions">
                            <button class="link" on:click=move |_| { new_name.set(current.clone()); renaming.set(Some(id)) }>{t::RENAME}</button>
                            <button class="link danger" on:click=move |_| { deleting.set(Some(for_delete.clone())); delete_open.set(true) }>{t::DELETE}</button>
                        </span>
                    }
                    .into_any()
                }}
            </li>
        }
    };
    view! {
        <section class="page">
            <h1>{t::CATEGORIES_TITLE}</h1>
            <p class="lead">{t::CATEGORIES_INTRO}</p>
            <Notice message=notice />
            <div class="card narrow-card">
                <form class="inline-form" on:submit=add>
                    <input type="text" id="category-name" class="grow" placeholder=t::CATEGORY_NAME aria-label=t::CATEGORY_NAME bind:value=name />
                    <button type="submit" class="primary">{t::ADD_CATEGORY}</button>
                </form>
                <Transition fallback=Loading>
                    {move || list.get().map(|r| match r {
                        Ok(items) if items.is_empty() => view! { <Empty text=t::NO_CATEGORIES /> }.into_any(),
                        Ok(items) => view! { <ul class="rows" id="categories">{items.into_iter().map(row).collect_view()}</ul> }.into_any(),
                        Err(err) => view! { <ErrorNotice error=err retry=move |_| reload() /> }.into_any(),
                    })}
                </Transition>
            </div>
            <Dialog open=delete_open title=Signal::derive(|| t::DELETE.to_string()) on_confirm=confirm_delete confirm_label=t::DELETE danger=true>
                <p>{move || deleting.get().map(|c| t::confirm_delete_category(&c.name)).unwrap_or_default()}</p>
            </Dialog>
        </section>
    }
}
