//! What a document is, apart from its file: title, description, tags, folder (moving it)
//! and who may see it. The audience choice is shared with the upload dialog.

use leptos::prelude::*;
use shared::documents::split_tags;
use shared::{DocAudience, DocAudienceKind, DocFolder, Document, DocumentEdit};

use crate::api;
use crate::components::Dialog;
use crate::i18n::t;

const KINDS: [DocAudienceKind; 4] =
    [DocAudienceKind::All, DocAudienceKind::Students, DocAudienceKind::Teachers, DocAudienceKind::Listed];

/// Everyone, students, teachers, or listed classes and groups (those the caller has).
#[component]
pub fn AudienceChoice(audience: RwSignal<DocAudience>, name: &'static str) -> impl IntoView {
    let classes = LocalResource::new(api::notices::audience_classes);
    let groups = LocalResource::new(api::notices::audience_groups);
    let kind = move || audience.with(|a| a.kind);
    let toggle = move |class: bool, id: i64, on: bool| {
        audience.update(|a| {
            let list = if class { &mut a.classes } else { &mut a.groups };
            list.retain(|x| *x != id);
            if on {
                list.push(id);
            }
        })
    };
    let options = move || {
        let classes = classes.get().and_then(Result::ok).unwrap_or_default();
        let groups = groups.get().and_then(Result::ok).unwrap_or_default();
        if classes.is_empty() && groups.is_empty() {
            return view! { <p class="hint">{t::NO_CLASSES_OR_GROUPS}</p> }.into_any();
        }
        let boxes = classes
            .into_iter()
            .map(|c| (true, c.id, c.name))
            .chain(groups.into_iter().map(|g| (false, g.id, g.name)))
            .map(|(class, id, label)| {
                let checked =
                    move || audience.with(|a| if class { a.classes.contains(&id) } else { a.groups.contains(&id) });
                view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=checked
                            on:change=move |ev| toggle(class, id, event_target_checked(&ev)) />
                        <small>{if class { t::CHIP_CLASS } else { t::CHIP_GROUP }}</small>
                        {label}
                    </label>
                }
            })
            .collect_view();
        view! { <div class="doc-listed">{boxes}</div> }.into_any()
    };
    view! {
        <fieldset class="doc-audience">
            <legend>{t::DOC_AUDIENCE}</legend>
            <div class="radio-row">
                {KINDS.into_iter().map(|k| view! {
                    <label class="check">
                        <input type="radio" name=name value=k.as_str() prop:checked=move || kind() == k
                            on:change=move |_| audience.update(|a| a.kind = k) />
                        {t::audience_kind(k)}
                    </label>
                }).collect_view()}
            </div>
            <p class="hint">{move || t::audience_hint(kind())}</p>
            <Show when=move || kind() == DocAudienceKind::Listed>
                <p class="hint">{t::AUDIENCE_LISTED_HINT}</p>
                {options}
            </Show>
        </fieldset>
    }
}

/// A folder select: none (未分类) or one of the folders.
pub fn folder_select(id: &'static str, folders: Signal<Vec<DocFolder>>, value: RwSignal<Option<i64>>) -> impl IntoView {
    view! {
        <select id=id on:change=move |ev| value.set(event_target_value(&ev).parse().ok())>
            <option value="" selected=move || value.get().is_none()>{t::UNFILED}</option>
            {move || folders.get().into_iter().map(|f| view! {
                <option value=f.id.to_string() selected=move || value.get() == Some(f.id)>{f.name}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
pub fn EditDialog(
    editing: RwSignal<Option<Document>>,
    open: RwSignal<bool>,
    #[prop(into)] folders: Signal<Vec<DocFolder>>,
    #[prop(into)] saved: Callback<Document>,
) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let tags = RwSignal::new(String::new());
    let folder = RwSignal::new(None::<i64>);
    let audience = RwSignal::new(DocAudience::default());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(d) = editing.get() {
            title.set(d.title.clone());
            description.set(d.description.clone());
            tags.set(d.tags.join(" "));
            folder.set(d.folder_id);
            audience.set(d.audience.clone());
            error.set(None);
        }
    });
    let save = move |_| {
        let Some(doc) = editing.get_untracked() else { return };
        let edit = DocumentEdit {
            title: title.get_untracked().trim().to_string(),
            description: description.get_untracked().trim().to_string(),
            tags: split_tags(&tags.get_untracked()),
            folder_id: folder.get_untracked(),
            audience: audience.get_untracked(),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::documents::edit(doc.id, &edit).await {
                Ok(d) => {
                    open.set(false);
                    saved.run(d);
                }
                Err(err) => error.set(Some(t::error(&err))),
            }
            busy.set(false);
        });
    };
    view! {
        <Dialog open=open title=Signal::derive(|| t::EDIT_DOCUMENT.to_string()) on_confirm=save busy=busy confirm_label=t::SAVE>
            <div class="doc-edit">
                {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
                <label class="field">
                    <span>{t::DOC_TITLE}</span>
                    <input type="text" id="doc-title" maxlength="80" bind:value=title />
                </label>
                <label class="field">
                    <span>{t::DOC_DESCRIPTION}</span>
                    <textarea id="doc-description" rows="3" maxlength="1000" placeholder=t::DOC_DESCRIPTION_PLACEHOLDER bind:value=description></textarea>
                </label>
                <label class="field">
                    <span>{t::DOC_TAGS}</span>
                    <input type="text" id="doc-tags" placeholder=t::DOC_TAGS_HINT bind:value=tags />
                </label>
                <label class="field">
                    <span>{t::DOC_FOLDER}</span>
                    {folder_select("doc-folder", folders, folder)}
                </label>
                <AudienceChoice audience=audience name="edit-audience" />
            </div>
        </Dialog>
    }
}
