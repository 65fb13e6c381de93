use leptos::prelude::*;

use crate::i18n::t;

/// A modal with a title, free content and confirm/cancel buttons. It is shown while
/// `open` is true; confirming runs `on_confirm` (which closes it when done).
#[component]
pub fn Dialog(
    open: RwSignal<bool>,
    title: Signal<String>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into, optional)] busy: Signal<bool>,
    #[prop(default = t::CONFIRM)] confirm_label: &'static str,
    #[prop(optional)] danger: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let children = StoredValue::new(children);
    view! {
        <Show when=move || open.get()>
            <div class="backdrop" on:click=move |_| open.set(false)>
                <div class="dialog" role="dialog" aria-modal="true" on:click=|ev| ev.stop_propagation()>
                    <h2>{move || title.get()}</h2>
                    {children.read_value()()}
                    <div class="dialog-actions">
                        <button class="secondary" on:click=move |_| open.set(false)>{t::CANCEL}</button>
                        <button
                            class=if danger { "danger" } else { "primary" }
                            disabled=move || busy.get()
                            on:click=move |_| on_confirm.run(())
                        >
                            {confirm_label}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
