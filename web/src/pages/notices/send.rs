//! The last step before a notice goes out: now or at a chosen time, with the number of
//! recipients (and how many of them a push cannot reach) stated in the dialog, so
//! nobody sends to 3 000 students by accident.

use leptos::prelude::*;
use shared::Notice;

use crate::api;
use crate::components::Dialog;
use crate::format::{datetime, parse_datetime_input};
use crate::i18n::t;

/// Shown while `open`; `notice` is the saved notice to send. `on_sent` gets the notice
/// as the server returns it (sending, or scheduled).
#[component]
pub fn SendDialog(
    open: RwSignal<bool>,
    #[prop(into)] notice: Signal<Option<Notice>>,
    #[prop(into)] on_sent: Callback<Notice>,
) -> impl IntoView {
    let later = RwSignal::new(false);
    let at = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Counted afresh each time the dialog opens: the classes may have changed since.
    let count = LocalResource::new(move || {
        let wanted = open.get().then(|| notice.get()).flatten();
        async move {
            match wanted {
                Some(n) => Some(api::notices::audience_count(&n.audience, n.category.map(|c| c.id), n.urgency).await),
                None => None,
            }
        }
    });
    Effect::new(move |_| {
        if open.get() {
            error.set(None);
        }
    });
    let confirm = move |_| {
        let Some(n) = notice.get_untracked() else { return };
        let when = if later.get_untracked() {
            match parse_datetime_input(&at.get_untracked()).filter(|t| *t > chrono::Utc::now()) {
                Some(when) => Some(when),
                None => {
                    error.set(Some(t::SEND_AT_REQUIRED.into()));
                    return;
                }
            }
        } else {
            None
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::notices::send(n.id, when).await {
                Ok(sent) => {
                    open.set(false);
                    on_sent.run(sent);
                }
                Err(err) => error.set(Some(t::error(&err))),
            }
            busy.set(false);
        });
    };
    let summary = move || {
        count.get().flatten().map(|result| match result {
            Ok(c) if c.recipients == 0 => view! { <p class="alert error">{t::NO_RECIPIENTS}</p> }.into_any(),
            Ok(c) => view! {
                <p id="send-count"><strong>{t::send_summary(c.recipients)}</strong></p>
                {(c.unbound + c.not_following > 0).then(|| view! {
                    <p class="hint">{t::send_unreachable(c.unbound, c.not_following)}</p>
                })}
                {(c.muted > 0).then(|| view! { <p class="hint">{t::send_muted(c.muted)}</p> })}
            }
            .into_any(),
            Err(err) => view! { <p class="alert error">{t::error(&err)}</p> }.into_any(),
        })
    };
    view! {
        <Dialog
            open=open
            title=Signal::derive(|| t::SEND_TITLE.to_string())
            on_confirm=confirm
            busy=busy
            confirm_label=t::CONFIRM_SEND
        >
            <p><strong>{move || notice.get().map(|n| n.title).unwrap_or_default()}</strong></p>
            {summary}
            <fieldset class="checks">
                <label>
                    <input type="radio" name="send-when" prop:checked=move || !later.get() on:change=move |_| later.set(false) />
                    {t::SEND_NOW}
                </label>
                <label>
                    <input type="radio" name="send-when" id="send-later" prop:checked=move || later.get() on:change=move |_| later.set(true) />
                    {t::SEND_LATER}
                </label>
            </fieldset>
            <Show when=move || later.get()>
                <div class="field">
                    <label for="send-at">{t::SEND_AT}</label>
                    <input id="send-at" type="datetime-local" bind:value=at />
                </div>
            </Show>
            {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
        </Dialog>
    }
}

/// What to say once a notice was sent or scheduled.
pub fn sent_message(notice: &Notice) -> String {
    match notice.scheduled_at.filter(|_| notice.status == shared::NoticeStatus::Scheduled) {
        Some(at) => t::scheduled_done(&datetime(&at)),
        None => t::SENDING_STARTED.to_string(),
    }
}
