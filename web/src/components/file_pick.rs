//! The file chooser of an answer in 消息 and of a mass message (群发助手): the browser's own
//! button speaks its own language, so ours says 选择文件 and shows the chosen name. The
//! file goes up through the inbox's one upload path (`api::inbox::upload`, checked by the
//! server against what WeChat takes) when the message is sent.

use leptos::html::Input;
use leptos::prelude::*;

use crate::i18n::t;

/// The file chosen in `input`, if any.
pub fn chosen_file(input: NodeRef<Input>) -> Option<web_sys::File> {
    input.get_untracked().and_then(|i| i.files()).and_then(|files| files.get(0))
}

/// Clears the chooser after a send.
pub fn clear_file(input: NodeRef<Input>, picked: RwSignal<Option<String>>) {
    if let Some(input) = input.get_untracked() {
        input.set_value("");
    }
    picked.set(None);
}

#[component]
pub fn FilePick(
    /// The `id` of the file input (browser tests find it by it).
    id: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into)] accept: Signal<&'static str>,
    input: NodeRef<Input>,
    picked: RwSignal<Option<String>>,
    #[prop(into, optional)] hidden: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="file-field" class:hidden=move || hidden.get()>
            <span>{move || label.get()}</span>
            <label class="file-pick">
                <span class="button secondary">{t::CHOOSE_FILE}</span>
                <input type="file" id=id node_ref=input accept=move || accept.get()
                    on:change=move |_| picked.set(chosen_file(input).map(|f| f.name())) />
                <span class="hint">{move || picked.get().unwrap_or_else(|| t::NO_FILE_CHOSEN.to_string())}</span>
            </label>
        </div>
    }
}
