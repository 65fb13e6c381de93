//! Writing a notice (`/notices/new`) or changing a draft or scheduled one
//! (`/notices/:id/edit`): title, Markdown body with the server's preview, category,
//! urgency, confirmation, deadline, an optional vote, audience with its live count, files
//! (the first saves the draft); then save it, or send it now or later after confirming
//! the count. What is typed is kept in the browser until saved (`autosave`).

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::{NewNotice, Notice, NoticePatch, NoticeStatus};

use super::attachments::Attachments;
use super::audience::AudiencePicker;
use super::autosave;
use super::send::SendDialog;
use super::toolbar::MarkdownToolbar;
use super::vote_editor::{VoteDraft, VoteEditor};
use crate::api::{self, ApiResult, ClientError};
use crate::components::{ErrorNotice, Field, Loading, TemplateWarning};
use crate::format::{datetime, datetime_input, parse_datetime_input};
use crate::i18n::t;

#[component]
pub fn NoticeComposePage() -> impl IntoView {
    view! { <NoticeForm notice=None /> }
}

#[component]
pub fn NoticeEditPage() -> impl IntoView {
    let params = use_params_map();
    let notice = LocalResource::new(move || {
        let id = params.read().get("id").and_then(|s| s.parse::<i64>().ok());
        async move {
            match id {
                Some(id) => api::notices::get(id).await,
                None => Err(ClientError::NotFound(shared::ErrorBody::new("not_found", "notice"))),
            }
        }
    });
    view! {
        <Transition fallback=Loading>
            {move || notice.get().map(|result| match result {
                Ok(n) if matches!(n.status, NoticeStatus::Draft | NoticeStatus::Scheduled) => {
                    view! { <NoticeForm notice=Some(n) /> }.into_any()
                }
                Ok(n) => view! {
                    <section class="page">
                        <p class="alert error">{t::NOT_EDITABLE}</p>
                        <A href=format!("/notices/{}", n.id)>{n.title}</A>
                    </section>
                }
                .into_any(),
                Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
            })}
        </Transition>
    }
}

/// The whole notice as a patch: every field the form shows. A vote switched off is
/// removed when the saved notice had one.
fn patch_of(new: &NewNotice, had_vote: bool) -> NoticePatch {
    NoticePatch {
        title: Some(new.title.clone()),
        body: Some(new.body.clone()),
        category_id: new.category_id,
        urgency: Some(new.urgency),
        requires_confirmation: Some(new.requires_confirmation),
        deadline: new.deadline,
        audience: Some(new.audience.clone()),
        vote: new.vote.clone(),
        remove_vote: (new.vote.is_none() && had_vote).then_some(true),
    }
}

/// Shows `/notices/{id}/edit` in the address bar without leaving the page, so a reload
/// finds the saved draft (and the page keeps what it knows, such as student names).
fn show_edit_address(id: i64) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("/notices/{id}/edit")));
    }
}

#[component]
fn NoticeForm(notice: Option<Notice>) -> impl IntoView {
    let navigate = use_navigate();
    let n = notice.as_ref();
    let saved = RwSignal::new(notice.clone());
    let title = RwSignal::new(n.map(|n| n.title.clone()).unwrap_or_default());
    let body = RwSignal::new(n.map(|n| n.body.clone()).unwrap_or_default());
    let category_id = RwSignal::new(n.and_then(|n| n.category.as_ref().map(|c| c.id)));
    let urgency = RwSignal::new(n.map(|n| n.urgency).unwrap_or_default());
    let confirmation = RwSignal::new(n.is_some_and(|n| n.requires_confirmation));
    let deadline = RwSignal::new(n.and_then(|n| n.deadline.as_ref().map(datetime_input)).unwrap_or_default());
    let audience = RwSignal::new(n.map(|n| n.audience.clone()).unwrap_or_default());
    let files = RwSignal::new(n.map(|n| n.attachments.clone()).unwrap_or_default());
    let vote = VoteDraft::new(n.and_then(|n| n.vote.as_ref()));
    let had_vote = StoredValue::new(vote.had_vote);
    let previewing = RwSignal::new(false);
    let preview = RwSignal::new(None::<Result<String, String>>);
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let send_open = RwSignal::new(false);
    let categories = LocalResource::new(api::notices::categories);
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));

    // The preview is the server's rendering, asked for when the tab opens.
    Effect::new(move |_| {
        if !previewing.get() {
            return;
        }
        let text = body.get_untracked();
        preview.set(None);
        leptos::task::spawn_local(async move {
            let result = api::notices::preview(&text).await.map_err(|e| t::error(&e));
            preview.set(Some(result));
        });
    });

    let form = move || NewNotice {
        title: title.get_untracked().trim().to_string(),
        body: body.get_untracked(),
        category_id: category_id.get_untracked(),
        urgency: urgency.get_untracked(),
        requires_confirmation: confirmation.get_untracked(),
        deadline: parse_datetime_input(&deadline.get_untracked()),
        audience: audience.get_untracked(),
        vote: vote.spec(),
    };
    // What was last loaded or saved: the form differs from it when there is unsaved text.
    let baseline = StoredValue::new(form());
    let dirty = move || form() != baseline.get_value();
    let restorable = RwSignal::new(autosave::load(n.map(|n| n.id)).filter(|k| k.notice != baseline.get_value()));
    Effect::watch(
        move || {
            (
                title.get(),
                body.get(),
                category_id.get(),
                urgency.get(),
                confirmation.get(),
                deadline.get(),
                audience.get(),
            )
        },
        move |_, _, _| {
            let id = saved.get_untracked().map(|n| n.id);
            if dirty() {
                autosave::keep(id, &form());
            } else {
                autosave::forget(id);
            }
        },
        false,
    );
    let leaving = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if dirty() {
            ev.prevent_default();
            ev.set_return_value("");
        }
    });
    on_cleanup(move || leaving.remove());
    let restore = move |_| {
        let Some(kept) = restorable.get_untracked() else { return };
        let k = kept.notice;
        title.set(k.title);
        body.set(k.body);
        category_id.set(k.category_id);
        urgency.set(k.urgency);
        confirmation.set(k.requires_confirmation);
        deadline.set(k.deadline.as_ref().map(datetime_input).unwrap_or_default());
        audience.set(k.audience);
        restorable.set(None);
    };
    let discard = move |_| {
        autosave::forget(saved.get_untracked().map(|n| n.id));
        restorable.set(None);
    };
    // A field's problem goes as soon as the field changes.
    let clear = move |field: &'static str| {
        if errors.with_untracked(|e| e.contains_key(field)) {
            errors.update(|e| {
                e.remove(field);
            });
        }
    };
    Effect::watch(move || title.get(), move |_, _, _| clear("title"), false);
    Effect::watch(move || body.get(), move |_, _, _| clear("body"), false);
    Effect::watch(move || deadline.get(), move |_, _, _| clear("deadline"), false);
    Effect::watch(move || audience.get(), move |_, _, _| clear("audience"), false);

    // Checks with the shared rules, then creates or updates the draft.
    let save = move || -> Option<std::pin::Pin<Box<dyn std::future::Future<Output = ApiResult<Notice>>>>> {
        let new = form();
        if let Err(problems) = new.validate(chrono::Utc::now()) {
            errors.set(problems.0.into_iter().map(|(f, p)| (f.clone(), t::field_problem(&f, p))).collect());
            message.set(None);
            return None;
        }
        errors.set(BTreeMap::new());
        let id = saved.get_untracked().map(|n| n.id);
        Some(Box::pin(async move {
            match id {
                None => api::notices::create(&new).await,
                Some(id) => api::notices::update(id, &patch_of(&new, had_vote.get_value())).await,
            }
        }))
    };
    let after_save = move |result: ApiResult<Notice>| -> Option<Notice> {
        busy.set(false);
        match result {
            Ok(n) => {
                if saved.get_untracked().is_none() {
                    show_edit_address(n.id);
                    autosave::forget(None);
                }
                autosave::forget(Some(n.id));
                baseline.set_value(form());
                had_vote.set_value(n.vote.is_some());
                saved.set(Some(n.clone()));
                Some(n)
            }
            Err(err) => {
                let fields = [
                    "title",
                    "body",
                    "deadline",
                    "category_id",
                    "vote.question",
                    "vote.options",
                    "vote.max_choices",
                    "vote.results",
                ];
                errors.set(
                    fields.iter().filter_map(|f| Some((f.to_string(), t::field_message(&err.field(f)?)))).collect(),
                );
                message.set(Some((false, t::error(&err))));
                None
            }
        }
    };
    let save_draft = move |_| {
        let Some(saving) = save() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            if after_save(saving.await).is_some() {
                message.set(Some((true, t::DRAFT_SAVED.into())));
            }
        });
    };
    let send = move |_| {
        let Some(saving) = save() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            if after_save(saving.await).is_some() {
                message.set(None);
                send_open.set(true);
            }
        });
    };
    // A file picked before the first save saves the draft quietly (its problems, if any,
    // show on the fields as for 保存草稿).
    let save_quietly = Callback::new(move |_: ()| {
        let Some(saving) = save() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            if after_save(saving.await).is_some() {
                message.set(None);
            }
        });
    });
    let area = NodeRef::<leptos::html::Textarea>::new();
    let on_sent = move |n: Notice| navigate(&format!("/notices/{}", n.id), Default::default());
    let back = move || match saved.get() {
        Some(n) => format!("/notices/{}", n.id),
        None => "/notices".to_string(),
    };
    let audience_error = Signal::derive(move || errors.with(|e| e.get("audience").cloned()));

    view! {
        <section class="page">
            <div class="page-head">
                <h1 id="compose-heading">{move || if saved.get().is_some() { t::EDIT_NOTICE } else { t::NEW_NOTICE }}</h1>
                <A href=back attr:class="button secondary">{t::CANCEL}</A>
            </div>
            <TemplateWarning />
            {move || restorable.get().map(|k| view! {
                <div class="alert warn restore" id="restore-draft" role="status">
                    <span>{t::unsaved_copy(&datetime(&k.at))}</span>
                    <button type="button" class="secondary" id="restore-yes" on:click=restore>{t::RESTORE}</button>
                    <button type="button" class="link" id="restore-no" on:click=discard>{t::DISCARD}</button>
                </div>
            })}
            <crate::components::Notice message=message />
            <form class="card form-card compose" novalidate on:submit=|ev| ev.prevent_default()>
                <Field label=t::NOTICE_TITLE name="notice-title" value=title error=error_of("title") placeholder=t::TITLE_PLACEHOLDER />
                <div class="field" class:invalid=move || errors.with(|e| e.contains_key("body"))>
                    <div class="tabs" role="tablist">
                        <label for="notice-body">{t::BODY}</label>
                        <button type="button" role="tab" id="tab-write" class:chosen=move || !previewing.get()
                            aria-selected=move || (!previewing.get()).to_string() on:click=move |_| previewing.set(false)>{t::WRITE}</button>
                        <button type="button" role="tab" id="tab-preview" class:chosen=move || previewing.get()
                            aria-selected=move || previewing.get().to_string() on:click=move |_| previewing.set(true)>{t::PREVIEW}</button>
                    </div>
                    <Show
                        when=move || previewing.get()
                        fallback=move || view! {
                            <MarkdownToolbar area=area body=body />
                            <textarea id="notice-body" rows="12" node_ref=area bind:value=body></textarea>
                            <small class="hint">{t::MARKDOWN_HINT}</small>
                        }
                    >
                        {move || match preview.get() {
                            None => view! { <Loading /> }.into_any(),
                            Some(Ok(html)) if html.trim().is_empty() => view! { <p class="hint preview-pane">{t::PREVIEW_EMPTY}</p> }.into_any(),
                            Some(Ok(html)) => view! { <div class="notice-body preview-pane" id="notice-preview" inner_html=html></div> }.into_any(),
                            Some(Err(e)) => view! { <p class="alert error">{e}</p> }.into_any(),
                        }}
                    </Show>
                    {move || errors.with(|e| e.get("body").cloned()).map(|p| view! { <small class="problem">{p}</small> })}
                </div>
                <div class="grid2">
                    <div class="field">
                        <label for="notice-category">{t::CATEGORY}</label>
                        <select id="notice-category" on:change=move |ev| category_id.set(event_target_value(&ev).parse().ok())>
                            <option value="">{t::NO_CATEGORY}</option>
                            {move || categories.get().map(|r| r.unwrap_or_default().into_iter().map(|c| {
                                let chosen = category_id.get_untracked() == Some(c.id);
                                view! { <option value=c.id.to_string() selected=chosen>{c.name}</option> }
                            }).collect_view())}
                        </select>
                    </div>
                    <div class="field" class:invalid=move || errors.with(|e| e.contains_key("deadline"))>
                        <label for="notice-deadline">{t::DEADLINE}</label>
                        <input id="notice-deadline" type="datetime-local" bind:value=deadline />
                        {move || errors.with(|e| e.get("deadline").cloned()).map(|p| view! { <small class="problem">{p}</small> })}
                    </div>
                </div>
                <fieldset class="checks">
                    <legend>{t::URGENCY}</legend>
                    {t::URGENCIES.map(|u| view! {
                        <label>
                            <input type="radio" name="urgency" value=u.as_str() prop:checked=move || urgency.get() == u
                                on:change=move |_| urgency.set(u) />
                            {t::urgency(u)}
                        </label>
                    })}
                </fieldset>
                <label class="switch">
                    <input type="checkbox" id="notice-confirmation" prop:checked=move || confirmation.get()
                        on:change=move |ev| confirmation.set(event_target_checked(&ev)) />
                    <span>{t::REQUIRES_CONFIRMATION}</span>
                </label>
                <VoteEditor draft=vote errors=errors />
                <AudiencePicker audience=audience category_id=category_id urgency=urgency error=audience_error />
                <Attachments notice_id=Signal::derive(move || saved.get().map(|n| n.id)) files=files editable=true save_first=save_quietly />
                <div class="form-actions">
                    <button type="button" class="secondary" id="save-draft" disabled=move || busy.get() on:click=save_draft>
                        {move || if busy.get() { t::SAVING } else { t::SAVE_DRAFT }}
                    </button>
                    <button type="button" class="primary" id="send-notice" disabled=move || busy.get() on:click=send>{t::SEND_ELLIPSIS}</button>
                </div>
            </form>
            <SendDialog open=send_open notice=Signal::derive(move || saved.get()) on_sent=on_sent />
        </section>
    }
}
