//! A notice's files: listed with size and download count, downloaded with the session's
//! token, and — while the notice is a draft or scheduled — uploaded and removed. A file
//! picked before the draft was ever saved saves it first, silently, then goes up.

use leptos::prelude::*;
use shared::Attachment;

use crate::api;
use crate::i18n::t;

#[component]
pub fn Attachments(
    /// The saved notice; a file picked before the draft exists waits for `save_first`.
    #[prop(into)]
    notice_id: Signal<Option<i64>>,
    files: RwSignal<Vec<Attachment>>,
    #[prop(optional)] editable: bool,
    /// Saves the draft (silently) so that a file can be attached to it.
    #[prop(optional, into)]
    save_first: Option<Callback<()>>,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    // A file picked while the notice was unsaved, sent once the draft exists.
    let waiting = RwSignal::new(false);
    let send_file = move |id: i64| {
        let Some(file) = input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::notices::attach(id, &file).await {
                Ok(added) => {
                    files.update(|f| f.push(added));
                    message.set(Some((true, t::ATTACHMENT_ADDED.into())));
                    if let Some(i) = input.get() {
                        i.set_value("");
                    }
                }
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
            busy.set(false);
        });
    };
    let upload = move |_| {
        if input.get().and_then(|i| i.files()).and_then(|f| f.get(0)).is_none() {
            message.set(Some((false, t::PICK_A_FILE.into())));
            return;
        }
        match (notice_id.get_untracked(), save_first) {
            (Some(id), _) => send_file(id),
            (None, Some(save)) => {
                waiting.set(true);
                message.set(Some((true, t::SAVING_FOR_ATTACHMENT.into())));
                save.run(());
            }
            (None, None) => {}
        }
    };
    Effect::new(move |_| {
        if let Some(id) = notice_id.get() {
            if waiting.get_untracked() {
                waiting.set(false);
                send_file(id);
            }
        }
    });
    let remove = move |attachment: i64| {
        let Some(id) = notice_id.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match api::notices::remove_attachment(id, attachment).await {
                Ok(()) => {
                    files.update(|f| f.retain(|a| a.id != attachment));
                    message.set(Some((true, t::ATTACHMENT_REMOVED.into())));
                }
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
        });
    };
    let download = move |attachment: Attachment| {
        let Some(id) = notice_id.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            if let Err(err) = api::notices::download_attachment(id, &attachment).await {
                message.set(Some((false, t::error(&err))));
            }
        });
    };
    view! {
        <div class="attachments">
            <h2>{t::ATTACHMENTS}</h2>
            <crate::components::Notice message=message />
            {move || {
                let list = files.get();
                if list.is_empty() {
                    // An unsaved draft says how to attach instead (below).
                    let unsaved = editable && notice_id.get().is_none();
                    return (!unsaved).then(|| view! { <p class="hint">{t::NO_ATTACHMENTS}</p> }).into_any();
                }
                view! {
                    <ul class="file-list">
                        {list.into_iter().map(|a| {
                            let (id, for_download) = (a.id, a.clone());
                            view! {
                                <li>
                                    <button type="button" class="link" on:click=move |_| download(for_download.clone())>{a.file_name.clone()}</button>
                                    <small class="hint">{t::file_size(a.size)}" · "{t::downloads(a.downloads)}</small>
                                    {editable.then(|| view! {
                                        <button type="button" class="link danger" on:click=move |_| remove(id)>{t::DELETE}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {editable.then(|| view! {
                <div class="inline-form">
                    <input type="file" id="attachment-file" node_ref=input aria-label=t::UPLOAD />
                    <button type="button" class="secondary" id="upload-attachment" disabled=move || busy.get() on:click=upload>
                        {move || if busy.get() { t::UPLOADING } else { t::UPLOAD }}
                    </button>
                </div>
                {move || (notice_id.get().is_none()).then(|| view! { <p class="hint">{t::ATTACH_SAVES_DRAFT}</p> })}
            })}
        </div>
    }
}
