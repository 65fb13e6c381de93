//! Uploading several files at once: dropped on the page or chosen with the picker, then
//! put in a folder for an audience in one dialog; each file becomes a document titled
//! after it, sent one request each so one refused file (its kind, its size) leaves the
//! others uploaded and says why.

use leptos::prelude::*;
use shared::{DocAudience, DocFolder};
use wasm_bindgen::JsCast;

use super::edit::{folder_select, AudienceChoice};
use crate::api::{self, documents::UploadTo};
use crate::components::Dialog;
use crate::i18n::t;

/// The files of a drop or of the picker's change.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The files a drag carries (`event.dataTransfer.files`).
pub fn dropped(ev: &leptos::ev::DragEvent) -> Vec<web_sys::File> {
    let transfer = web_sys::js_sys::Reflect::get(ev.as_ref(), &"dataTransfer".into()).ok();
    let files = transfer.and_then(|t| web_sys::js_sys::Reflect::get(&t, &"files".into()).ok());
    files_of(files.and_then(|f| f.dyn_into::<web_sys::FileList>().ok()))
}

/// Where each file stands: waiting, uploaded, or refused with the reason.
#[derive(Clone, PartialEq)]
enum State {
    Waiting,
    Done,
    Failed(String),
}

#[component]
pub fn UploadDialog(
    pending: RwSignal<Vec<web_sys::File>, LocalStorage>,
    open: RwSignal<bool>,
    #[prop(into)] folders: Signal<Vec<DocFolder>>,
    /// The folder shown when the files came: where they go unless changed.
    #[prop(into)]
    shown: Signal<Option<i64>>,
    #[prop(into)] done: Callback<usize>,
) -> impl IntoView {
    let folder = RwSignal::new(None::<i64>);
    let audience = RwSignal::new(DocAudience::default());
    let states = RwSignal::new(Vec::<(String, State)>::new());
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        if open.get() {
            folder.set(shown.get_untracked().filter(|f| *f > 0));
            states.set(pending.with_untracked(|p| p.iter().map(|f| (f.name(), State::Waiting)).collect()));
        }
    });
    let upload = move |_| {
        let to = UploadTo {
            folder_id: folder.get_untracked(),
            audience: audience.with_untracked(|a| a.kind),
            classes: audience.with_untracked(|a| a.classes.clone()),
            groups: audience.with_untracked(|a| a.groups.clone()),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let files = pending.get_untracked();
            let mut left = Vec::new();
            let mut uploaded = 0;
            for (i, file) in files.into_iter().enumerate() {
                let state = match api::documents::upload(&file, &to).await {
                    Ok(_) => {
                        uploaded += 1;
                        State::Done
                    }
                    Err(err) => {
                        left.push(file);
                        State::Failed(t::error(&err))
                    }
                };
                states.update(|s| {
                    if let Some(entry) = s.get_mut(i) {
                        entry.1 = state;
                    }
                });
            }
            let all = left.is_empty();
            pending.set(left);
            busy.set(false);
            if all {
                open.set(false);
            }
            done.run(uploaded);
        });
    };
    let title = Signal::derive(move || t::UPLOAD_TITLE.to_string());
    view! {
        <Dialog open=open title=title on_confirm=upload busy=busy confirm_label=t::UPLOAD_FILES>
            <div class="doc-upload">
                <ul class="upload-files" id="upload-files">
                    {move || states.get().into_iter().map(|(name, state)| {
                        let (class, mark) = match &state {
                            State::Waiting => ("", String::new()),
                            State::Done => ("done", format!("✓ {}", t::UPLOADED)),
                            State::Failed(why) => ("failed", why.clone()),
                        };
                        view! { <li class=class><span class="file-name">{name}</span><small>{mark}</small></li> }
                    }).collect_view()}
                </ul>
                <p class="hint">{move || t::upload_button(pending.with(Vec::len))}</p>
                <label class="field">
                    <span>{t::UPLOAD_INTO}</span>
                    {folder_select("upload-folder", folders, folder)}
                </label>
                <AudienceChoice audience=audience name="upload-audience" />
            </div>
        </Dialog>
    }
}
