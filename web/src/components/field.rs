use leptos::prelude::*;

/// A labelled input bound to a signal, with its problem shown underneath.
#[component]
pub fn Field(
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] name: &'static str,
) -> impl IntoView {
    let id = format!("f-{}", if name.is_empty() { label } else { name });
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                placeholder=placeholder
                autocomplete=autocomplete
                aria-invalid=move || error.get().is_some().to_string()
                bind:value=value
            />
            {move || match error.get() {
                Some(problem) => view! { <small class="problem">{problem}</small> }.into_any(),
                None if !hint.is_empty() => view! { <small class="hint">{hint}</small> }.into_any(),
                None => ().into_any(),
            }}
        </div>
    }
}
