//! 文档: the document library in the console. Folders on the left (`folders`), the
//! documents the caller sees on the right with their audience, current version, size and
//! downloads; files dropped anywhere on the page (or picked) are uploaded together
//! (`upload`); a document is edited or moved (`edit`), given a new file, its versions
//! listed (`versions`), or deleted. A teacher's read-only rows (others' documents) offer
//! only the versions.

mod edit;
mod folders;
mod upload;
mod versions;

use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use shared::{DocAudienceKind, Document};

use crate::api;
use crate::components::{Dialog, Notice, PagedTable};
use crate::format::datetime;
use crate::i18n::t;
use edit::EditDialog;
use folders::FolderList;
use upload::{dropped, files_of, UploadDialog};
use versions::VersionsDialog;

fn audience_text(d: &Document) -> String {
    match d.audience.kind {
        DocAudienceKind::Listed if !d.audience_names.is_empty() => d.audience_names.join("、"),
        kind => t::audience_kind(kind).to_string(),
    }
}

#[component]
pub fn DocumentsPage() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let shown = RwSignal::new(None::<i64>);
    // `?q=` (the console's search links a document so) opens the library searched.
    let asked = leptos_router::hooks::use_query_map().get_untracked().get("q").unwrap_or_default();
    let search = RwSignal::new(asked.clone());
    let applied = RwSignal::new(asked);
    let notice = RwSignal::new(None::<(bool, String)>);
    let documents = LocalResource::new(move || {
        version.track();
        api::documents::list(shown.get(), applied.get(), page.get())
    });
    let folders = LocalResource::new(move || {
        version.track();
        api::documents::folders()
    });
    let folder_list = Signal::derive(move || folders.get().and_then(Result::ok).unwrap_or_default());
    let reload = move || version.update(|v| *v += 1);
    Effect::new(move |_| {
        shown.track();
        page.set(1);
    });
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(search.get_untracked().trim().to_string());
    };

    // Uploading: files dropped on the page or picked, then the dialog.
    let pending = RwSignal::new_local(Vec::<web_sys::File>::new());
    let upload_open = RwSignal::new(false);
    let dragging = RwSignal::new(false);
    let picker = NodeRef::<Input>::new();
    let take = move |files: Vec<web_sys::File>| {
        if !files.is_empty() {
            pending.set(files);
            upload_open.set(true);
        }
    };
    let uploaded = Callback::new(move |n: usize| {
        if n > 0 {
            notice.set(Some((true, t::uploaded_count(n, n + pending.with_untracked(Vec::len)))));
        }
        reload();
    });

    // A new file for one document, through a hidden picker.
    let replacing = RwSignal::new(None::<Document>);
    let replace_picker = NodeRef::<Input>::new();
    let replace_with = move |_| {
        let (Some(doc), Some(input)) = (replacing.get_untracked(), replace_picker.get_untracked()) else { return };
        let Some(file) = files_of(input.files()).into_iter().next() else { return };
        input.set_value("");
        leptos::task::spawn_local(async move {
            match api::documents::replace(doc.id, &file).await {
                Ok(d) => notice.set(Some((true, t::replaced(&d.title, d.version)))),
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
            reload();
        });
    };

    let editing = RwSignal::new(None::<Document>);
    let edit_open = RwSignal::new(false);
    let saved = Callback::new(move |_: Document| {
        notice.set(Some((true, t::DOCUMENT_SAVED.into())));
        reload();
    });
    let showing = RwSignal::new(None::<Document>);
    let versions_open = RwSignal::new(false);
    let deleting = RwSignal::new(None::<Document>);
    let delete_open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let confirm_delete = move |_| {
        let Some(doc) = deleting.get_untracked() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::documents::delete(doc.id).await {
                Ok(()) => notice.set(Some((true, t::DOCUMENT_DELETED.into()))),
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
            busy.set(false);
            delete_open.set(false);
            reload();
        });
    };

    let row = move |d: Document| {
        let (for_edit, for_replace, for_versions, for_delete) = (d.clone(), d.clone(), d.clone(), d.clone());
        let actions = if d.editable {
            view! {
                <button class="link doc-edit" on:click=move |_| { editing.set(Some(for_edit.clone())); edit_open.set(true); }>{t::EDIT}</button>
                <button class="link doc-replace" on:click=move |_| {
                    replacing.set(Some(for_replace.clone()));
                    if let Some(input) = replace_picker.get_untracked() { input.click(); }
                }>{t::REPLACE_FILE}</button>
                <button class="link doc-versions" on:click=move |_| { showing.set(Some(for_versions.clone())); versions_open.set(true); }>{t::VERSIONS}</button>
                <button class="link danger doc-delete" on:click=move |_| { deleting.set(Some(for_delete.clone())); delete_open.set(true); }>{t::DELETE}</button>
            }
            .into_any()
        } else {
            view! {
                <span class="badge">{t::READ_ONLY}</span>
                <button class="link doc-versions" on:click=move |_| { showing.set(Some(for_versions.clone())); versions_open.set(true); }>{t::VERSIONS}</button>
            }
            .into_any()
        };
        view! {
            <tr data-document=d.id>
                <td><div class="doc-title-cell">
                    <strong>{d.title.clone()}</strong>
                    <small>{d.file_name.clone()}</small>
                    {(!d.tags.is_empty()).then(|| view! {
                        <span class="doc-tags">{d.tags.iter().map(|tag| view! { <span class="badge">{tag.clone()}</span> }).collect_view()}</span>
                    })}
                </div></td>
                <td class="nowrap">{d.folder.clone().unwrap_or_else(|| t::UNFILED.to_string())}</td>
                <td>{audience_text(&d)}</td>
                <td class="nowrap">{t::version_number(d.version)}</td>
                <td class="nowrap">{t::file_size(d.size)}</td>
                <td class="doc-downloads"><strong>{d.downloads}</strong></td>
                <td class="nowrap"><small>{datetime(&d.updated_at)}</small></td>
                <td><div class="doc-actions">{actions}</div></td>
            </tr>
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        take(dropped(&ev));
    };
    let delete_title = Signal::derive(|| t::DELETE_DOCUMENT.to_string());
    view! {
        <section class="page documents-page" class:dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop>
            <div class="page-head">
                <h1>{t::DOCUMENTS_TITLE}</h1>
                <label class="button primary" id="upload-documents">
                    {t::UPLOAD_FILES}
                    <input type="file" multiple class="hidden-input" id="document-files" node_ref=picker
                        on:change=move |_| {
                            let files = files_of(picker.get_untracked().and_then(|i| i.files()));
                            if let Some(input) = picker.get_untracked() { input.set_value(""); }
                            take(files);
                        } />
                </label>
                <input type="file" class="hidden-input" id="replace-file" node_ref=replace_picker on:change=replace_with />
            </div>
            <p class="lead">{t::DOCUMENTS_INTRO}</p>
            <Notice message=notice />
            <div class="doc-layout">
                <FolderList folders=folders shown=shown notice=notice changed=move |_| reload() />
                <div class="doc-main">
                    <form class="toolbar" on:submit=on_search>
                        <input type="search" id="document-search" placeholder=t::SEARCH_DOCUMENTS aria-label=t::SEARCH bind:value=search />
                        <button type="submit" class="secondary">{t::SEARCH}</button>
                    </form>
                    <div class="drop-zone" id="drop-zone">
                        {move || if dragging.get() { t::DROP_HERE } else { t::DROP_HINT }}
                    </div>
                    {move || {
                        let narrowed = shown.get().is_some() || !applied.with(String::is_empty);
                        let empty = if narrowed { t::NO_MATCHING_DOCUMENTS } else { t::NO_DOCUMENTS };
                        view! {
                            <PagedTable
                                list=documents
                                page=page
                                headers=&[t::DOC_TITLE, t::DOC_FOLDER, t::DOC_AUDIENCE, t::DOC_VERSION, t::DOC_SIZE, t::DOC_DOWNLOADS, t::DOC_UPDATED, t::ACTIONS]
                                empty=empty
                                row=row
                                retry=move |_| reload()
                            />
                        }
                    }}
                </div>
            </div>
            <UploadDialog pending=pending open=upload_open folders=folder_list shown=shown done=uploaded />
            <EditDialog editing=editing open=edit_open folders=folder_list saved=saved />
            <VersionsDialog showing=showing open=versions_open />
            <Dialog open=delete_open title=delete_title on_confirm=confirm_delete busy=busy confirm_label=t::DELETE danger=true>
                <p>{move || deleting.get().map(|d| t::confirm_delete_document(&d.title, d.version)).unwrap_or_default()}</p>
            </Dialog>
        </section>
    }
}
