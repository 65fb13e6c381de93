//! The account's templates (admins): each with its keywords' types and limits and the
//! kinds of message it carries; add one from the category library (类目模板: its number
//! and the keywords wanted), delete one no kind uses. The account keeps at most 25.

use leptos::prelude::*;
use shared::{AccountTemplate, NewLibraryTemplate};

use crate::api;
use crate::components::Dialog;
use crate::i18n::t;

#[component]
pub fn Library(
    templates: Vec<AccountTemplate>,
    max: i64,
    #[prop(into)] on_changed: Callback<String>,
    #[prop(into)] on_error: Callback<String>,
) -> impl IntoView {
    let used = templates.len();
    let full = used as i64 >= max;
    let short_id = RwSignal::new(String::new());
    let names = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let deleting = RwSignal::new(None::<AccountTemplate>);
    let delete_open = RwSignal::new(false);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewLibraryTemplate {
            template_id_short: short_id.get_untracked().trim().to_string(),
            keyword_names: names
                .get_untracked()
                .split([',', '，', '、'])
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect(),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::notices::add_library_template(&new).await {
                Ok(_) => {
                    short_id.set(String::new());
                    names.set(String::new());
                    on_changed.run(t::LIBRARY_ADDED.into());
                }
                Err(err) => on_error.run(t::error(&err)),
            }
            busy.set(false);
        });
    };
    let confirm_delete = move |_| {
        delete_open.set(false);
        let Some(template) = deleting.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match api::notices::delete_library_template(&template.template_id).await {
                Ok(()) => on_changed.run(t::LIBRARY_DELETED.into()),
                Err(err) => on_error.run(t::error(&err)),
            }
        });
    };
    let rows = templates
        .into_iter()
        .map(|tpl| {
            let in_use = !tpl.used_for.is_empty();
            let keywords = tpl
                .fields
                .iter()
                .map(|k| {
                    view! {
                        <tr>
                            <td><code>{k.keyword.clone()}</code></td>
                            <td>{k.label.clone()}</td>
                            <td>{t::keyword_kind(&k.kind)}</td>
                            <td>{k.rule.clone()}</td>
                        </tr>
                    }
                })
                .collect_view();
            let target = tpl.clone();
            view! {
                <div class="card library-template" id=format!("template-{}", tpl.template_id)>
                    <div class="page-head">
                        <h3>{tpl.title.clone()}" "<small class="hint">{tpl.template_id.clone()}</small></h3>
                        {if in_use {
                            view! { <span class="badge on">{t::LIBRARY_IN_USE}</span> }.into_any()
                        } else {
                            view! {
                                <button class="danger" on:click=move |_| {
                                    deleting.set(Some(target.clone()));
                                    delete_open.set(true);
                                }>{t::DELETE}</button>
                            }
                            .into_any()
                        }}
                    </div>
                    <table class="table compact">
                        <thead><tr><th>{t::KEYWORD}</th><th>{t::KEYWORD_LABEL}</th><th>{t::KEYWORD_KIND}</th><th>{t::KEYWORD_RULE}</th></tr></thead>
                        <tbody>{keywords}</tbody>
                    </table>
                </div>
            }
        })
        .collect_view();
    view! {
        <h2 id="template-library">{t::LIBRARY_TITLE}</h2>
        <p class="hint">{t::LIBRARY_INTRO}" "<strong id="template-count">{t::templates_used(used, max)}</strong></p>
        {if used == 0 { Some(view! { <p class="empty">{t::LIBRARY_EMPTY}</p> }) } else { None }}
        <div class="cards">{rows}</div>
        <form class="card form-card" id="library-add" on:submit=add>
            <h3>{t::LIBRARY_ADD}</h3>
            <div class="field">
                <label for="library-short-id">{t::LIBRARY_SHORT_ID}</label>
                <input id="library-short-id" type="text" required placeholder=t::LIBRARY_SHORT_ID_HINT bind:value=short_id />
            </div>
            <div class="field">
                <label for="library-keywords">{t::LIBRARY_KEYWORDS}</label>
                <input id="library-keywords" type="text" required placeholder=t::LIBRARY_KEYWORDS_HINT bind:value=names />
            </div>
            <div class="form-actions">
                <button class="primary" type="submit" disabled=move || busy.get() || full>{t::LIBRARY_ADD}</button>
            </div>
        </form>
        <Dialog open=delete_open title=Signal::derive(|| t::DELETE.to_string()) on_confirm=confirm_delete confirm_label=t::DELETE danger=true>
            <p>{move || deleting.get().map(|d| t::confirm_delete_template(&d.title)).unwrap_or_default()}</p>
        </Dialog>
    }
}
