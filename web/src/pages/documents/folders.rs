//! The folders beside the documents: all, none (未分类) and each folder with its count;
//! admins add, rename, move up or down and delete them (the documents of a deleted folder
//! go to 未分类, which the confirmation says).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{DocFolder, Role};

use crate::api;
use crate::components::Dialog;
use crate::i18n::t;
use crate::session;

/// Which documents the table shows: every folder, none (0), or one.
pub type Shown = Option<i64>;

#[component]
pub fn FolderList(
    folders: LocalResource<api::ApiResult<Vec<DocFolder>>>,
    shown: RwSignal<Shown>,
    notice: RwSignal<Option<(bool, String)>>,
    #[prop(into)] changed: Callback<()>,
) -> impl IntoView {
    let is_admin = session::user().is_some_and(|u| u.role == Role::Admin);
    let new_name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let report = move |result: api::ApiResult<()>, ok: Option<&'static str>| {
        match result {
            Ok(()) => {
                if let Some(ok) = ok {
                    notice.set(Some((true, ok.to_string())));
                }
            }
            Err(err) => notice.set(Some((false, t::error(&err)))),
        }
        busy.set(false);
        changed.run(());
    };
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let name = new_name.get_untracked().trim().to_string();
        if name.is_empty() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let made = api::documents::create_folder(name).await;
            if made.is_ok() {
                new_name.set(String::new());
            }
            report(made.map(|_| ()), None);
        });
    };
    let list = move || folders.get().and_then(Result::ok).unwrap_or_default();
    let move_by = move |id: i64, step: i64| {
        let mut ids: Vec<i64> = list().iter().map(|f| f.id).collect();
        let Some(at) = ids.iter().position(|i| *i == id) else { return };
        let to = at as i64 + step;
        if to < 0 || to >= ids.len() as i64 {
            return;
        }
        ids.swap(at, to as usize);
        busy.set(true);
        leptos::task::spawn_local(async move {
            report(api::documents::reorder_folders(ids).await.map(|_| ()), None);
        });
    };

    // Renaming and deleting, each in a dialog.
    let renaming = RwSignal::new(None::<DocFolder>);
    let rename_open = RwSignal::new(false);
    let rename_to = RwSignal::new(String::new());
    let confirm_rename = move |_| {
        let Some(folder) = renaming.get_untracked() else { return };
        busy.set(true);
        let name = rename_to.get_untracked().trim().to_string();
        leptos::task::spawn_local(async move {
            let result = api::documents::rename_folder(folder.id, name).await.map(|_| ());
            rename_open.set(false);
            report(result, None);
        });
    };
    let deleting = RwSignal::new(None::<DocFolder>);
    let delete_open = RwSignal::new(false);
    let confirm_delete = move |_| {
        let Some(folder) = deleting.get_untracked() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::documents::delete_folder(folder.id).await;
            if result.is_ok() && shown.get_untracked() == Some(folder.id) {
                shown.set(None);
            }
            delete_open.set(false);
            report(result, Some(t::FOLDER_DELETED));
        });
    };

    let entry = move |label: String, value: Shown, count: Option<i64>| {
        view! {
            <button class="folder-pick" class:active=move || shown.get() == value on:click=move |_| shown.set(value)>
                <span>{label}</span>
                {count.map(|n| view! { <small class="folder-count">{n}</small> })}
            </button>
        }
    };
    let folder_row = move |(i, f): (usize, DocFolder)| {
        let last = list().len().saturating_sub(1);
        let (for_rename, for_delete) = (f.clone(), f.clone());
        view! {
            <li data-folder=f.id>
                {entry(f.name.clone(), Some(f.id), Some(f.documents))}
                {is_admin.then(|| view! {
                    <span class="folder-actions">
                        <button class="link" title=t::MOVE_UP aria-label=t::MOVE_UP disabled=move || busy.get() || i == 0
                            on:click=move |_| move_by(f.id, -1)>"↑"</button>
                        <button class="link" title=t::MOVE_DOWN aria-label=t::MOVE_DOWN disabled=move || busy.get() || i == last
                            on:click=move |_| move_by(f.id, 1)>"↓"</button>
                        <button class="link" on:click=move |_| {
                            rename_to.set(for_rename.name.clone());
                            renaming.set(Some(for_rename.clone()));
                            rename_open.set(true);
                        }>{t::RENAME}</button>
                        <button class="link danger" on:click=move |_| {
                            deleting.set(Some(for_delete.clone()));
                            delete_open.set(true);
                        }>{t::DELETE}</button>
                    </span>
                })}
            </li>
        }
    };
    view! {
        <aside class="card doc-folders" id="doc-folders">
            <h2>{t::FOLDERS}</h2>
            <ul>
                <li>{entry(t::ALL_DOCUMENTS.to_string(), None, None)}</li>
                {move || list().into_iter().enumerate().map(folder_row).collect_view()}
                <li>{entry(t::UNFILED.to_string(), Some(0), None)}</li>
            </ul>
            {if is_admin {
                view! {
                    <form class="folder-add" on:submit=add>
                        <input type="text" id="new-folder" placeholder=t::NEW_FOLDER_PLACEHOLDER aria-label=t::NEW_FOLDER maxlength="20" bind:value=new_name />
                        <button type="submit" class="secondary" disabled=move || busy.get()>{t::ADD_FOLDER}</button>
                    </form>
                }.into_any()
            } else {
                view! { <p class="hint">{t::FOLDERS_ADMIN_HINT}</p> }.into_any()
            }}
            <Dialog open=rename_open title=Signal::derive(|| t::RENAME_FOLDER.to_string()) on_confirm=confirm_rename busy=busy confirm_label=t::SAVE>
                <label class="field">
                    <span>{t::FOLDER_NAME}</span>
                    <input type="text" id="rename-folder" maxlength="20" bind:value=rename_to />
                </label>
            </Dialog>
            <Dialog open=delete_open title=Signal::derive(|| t::DELETE_FOLDER.to_string()) on_confirm=confirm_delete busy=busy confirm_label=t::DELETE danger=true>
                <p>{move || deleting.get().map(|f| t::confirm_delete_folder(&f.name, f.documents)).unwrap_or_default()}</p>
            </Dialog>
        </aside>
    }
}
