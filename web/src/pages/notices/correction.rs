//! Correcting a sent notice (a typo): its title and body change in place, the student page
//! marks it 已修改, and nothing is pushed again — the dialog says so, and points to the
//! reminder for telling students.

use leptos::prelude::*;
use shared::{Notice, NoticeCorrection};

use crate::api;
use crate::components::Dialog;
use crate::i18n::t;

#[component]
pub fn CorrectionDialog(
    open: RwSignal<bool>,
    notice: Signal<Option<Notice>>,
    #[prop(into)] on_done: Callback<String>,
) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Each opening starts from the notice as it is now.
    Effect::new(move |_| {
        if open.get() {
            if let Some(n) = notice.get_untracked() {
                title.set(n.title);
                body.set(n.body);
                error.set(None);
            }
        }
    });
    let save = move |_| {
        let Some(n) = notice.get_untracked() else { return };
        let correction = NoticeCorrection { title: Some(title.get_untracked()), body: Some(body.get_untracked()) };
        if let Err(errors) = correction.validate() {
            let first = errors.0.into_iter().next().map(|(field, problem)| {
                format!("{}：{}", if field == "title" { t::NOTICE_TITLE } else { t::BODY }, t::problem(problem))
            });
            error.set(first);
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::notices::correct(n.id, &correction).await {
                Ok(_) => {
                    open.set(false);
                    on_done.run(t::CORRECTED.to_string());
                }
                Err(err) => error.set(Some(t::error(&err))),
            }
            busy.set(false);
        });
    };
    view! {
        <Dialog open=open title=Signal::derive(|| t::CORRECT.to_string()) on_confirm=save busy=busy confirm_label=t::SAVE>
            <p class="hint">{t::CORRECT_HINT}</p>
            <label class="field">
                <span>{t::NOTICE_TITLE}</span>
                <input id="correct-title" bind:value=title />
            </label>
            <label class="field">
                <span>{t::BODY}</span>
                <textarea id="correct-body" rows="10" bind:value=body></textarea>
            </label>
            {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
        </Dialog>
    }
}
