//! 自动回复: the fixed commands, then the rules in the order a message meets them (drag a
//! row, or use 上移/下移, to reorder the caller's own or — for editors — the account's),
//! the caller's switch, the editor with its try-it box (`editor`), what a rule answered and
//! what nothing answered (`insights`), and rules as a spreadsheet.

mod editor;
mod insights;
mod reply_item;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{AutoRule, AutoRuleList};

use crate::api;
use crate::components::{Empty, ErrorNotice, Loading, Notice};
use crate::format::datetime;
use crate::i18n::t;
use editor::{Editing, Editor};
use insights::{HitsDialog, Unanswered};

/// The order scope of a rule the caller may move: `mine` or `account`.
fn scope_of(rule: &AutoRule, me: Option<i64>, may_edit_account: bool) -> Option<&'static str> {
    match rule.owner_id {
        None if may_edit_account => Some("account"),
        Some(owner) if Some(owner) == me => Some("mine"),
        _ => None,
    }
}

/// The ids of `scope`'s rules with `moved` put at `to`'s place.
fn moved(list: &AutoRuleList, scope: &str, me: Option<i64>, moved: i64, to: i64) -> Vec<i64> {
    let mut ids: Vec<i64> =
        list.rules.iter().filter(|r| scope_of(r, me, list.may_edit_account) == Some(scope)).map(|r| r.id).collect();
    let (Some(from), Some(at)) = (ids.iter().position(|i| *i == moved), ids.iter().position(|i| *i == to)) else {
        return ids;
    };
    let id = ids.remove(from);
    ids.insert(at, id);
    ids
}

fn summary(rule: &AutoRule) -> String {
    let first = rule.rule.replies.first().map(|r| match r.kind.as_str() {
        "text" => r.text.clone().unwrap_or_default(),
        "news" => format!(
            "[{}] {}",
            t::auto_reply_kind("news"),
            r.articles.first().map(|a| a.title.clone()).unwrap_or_default()
        ),
        other => format!("[{}] {}", t::auto_reply_kind(other), r.title.clone().unwrap_or_default()),
    });
    let text: String = first.unwrap_or_default().chars().take(40).collect();
    match rule.rule.replies.len() {
        0 | 1 => text,
        n => format!("{text}（共 {n} 条{}）", if rule.rule.reply_mode == "random" { "，随机" } else { "" }),
    }
}

#[component]
pub fn AutoRepliesPage() -> impl IntoView {
    let tab = RwSignal::new("rules");
    let filter = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(bool, String)>);
    let editing = RwSignal::new(None::<Editing>);
    let hits_of = RwSignal::new(None::<AutoRule>);
    let dragging = RwSignal::new(None::<i64>);
    let me = crate::session::user().map(|u| u.id);
    let list = LocalResource::new(move || {
        version.track();
        api::autoreply::list(filter.get(), applied.get())
    });
    let reload = move || version.update(|v| *v += 1);
    let said = move |result: Result<String, String>| {
        notice.set(Some(match result {
            Ok(text) => (true, text),
            Err(text) => (false, text),
        }));
        reload();
    };
    let reorder = move |scope: &'static str, ids: Vec<i64>| {
        leptos::task::spawn_local(async move {
            said(api::autoreply::reorder(scope, ids).await.map(|_| t::AR_REORDERED.into()).map_err(|e| t::error(&e)));
        });
    };
    let remove = move |id: i64| {
        if !web_sys::window().and_then(|w| w.confirm_with_message(t::AR_DELETE_CONFIRM).ok()).unwrap_or(false) {
            return;
        }
        leptos::task::spawn_local(async move {
            said(api::autoreply::delete(id).await.map(|_| t::AR_DELETED.into()).map_err(|e| t::error(&e)));
        });
    };
    let switch = move |on: bool| {
        leptos::task::spawn_local(async move {
            let label = if on { t::AR_MY_SWITCH_ON } else { t::AR_MY_SWITCH_OFF };
            said(api::autoreply::set_switch(on).await.map(|_| label.into()).map_err(|e| t::error(&e)));
        });
    };
    let import = move |ev: leptos::ev::Event, scope: &'static str| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        leptos::task::spawn_local(async move {
            said(match api::autoreply::import(scope, &file).await {
                Ok(r) => {
                    Ok(format!("{}{}", t::imported(r.created, r.updated, r.problems.len()), r.problems.join("；")))
                }
                Err(e) => Err(e.field("file").unwrap_or_else(|| t::error(&e))),
            });
        });
    };
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        applied.set(search.get_untracked().trim().to_string());
    };
    let closed = Callback::new(move |message: Option<String>| {
        editing.set(None);
        if let Some(m) = message {
            said(Ok(m));
        }
    });
    let row = move |rule: AutoRule, list: &AutoRuleList, position: usize, count: usize| {
        let scope = scope_of(&rule, me, list.may_edit_account).filter(|_| applied.get_untracked().is_empty());
        let ids_up = if position > 0 { Some(list.rules[position - 1].id) } else { None };
        let ids_down = list.rules.get(position + 1).map(|r| r.id);
        let (up, down) = (
            ids_up.map(|to| moved(list, scope.unwrap_or(""), me, rule.id, to)),
            ids_down.map(|to| moved(list, scope.unwrap_or(""), me, rule.id, to)),
        );
        let same_scope = |other: Option<i64>| {
            other
                .and_then(|o| list.rules.iter().find(|r| r.id == o))
                .and_then(|r| scope_of(r, me, list.may_edit_account))
                == scope
        };
        let (up, down) = (up.filter(|_| same_scope(ids_up)), down.filter(|_| same_scope(ids_down)));
        let snapshot = list.clone();
        let id = rule.id;
        let for_edit = rule.clone();
        let for_hits = rule.clone();
        let window = match (&rule.rule.window_start, &rule.rule.window_end) {
            (Some(s), Some(e)) => format!(" · {s}–{e}"),
            _ => String::new(),
        };
        let _ = count;
        view! {
            <tr class="ar-rule" class:disabled=!rule.rule.enabled class:dragging=move || dragging.get() == Some(id)
                draggable=scope.map(|_| "true").unwrap_or("false") title=scope.map(|_| t::AR_DRAG).unwrap_or_default()
                on:dragstart=move |_| dragging.set(Some(id))
                on:dragend=move |_| dragging.set(None)
                on:dragover=move |ev| { if scope.is_some() { ev.prevent_default(); } }
                on:drop=move |ev| {
                    ev.prevent_default();
                    if let (Some(from), Some(scope)) = (dragging.get_untracked(), scope) {
                        if from != id && snapshot.rules.iter().find(|r| r.id == from).and_then(|r| scope_of(r, me, snapshot.may_edit_account)) == Some(scope) {
                            reorder(scope, moved(&snapshot, scope, me, from, id));
                        }
                    }
                    dragging.set(None);
                }>
                <td class="ar-handle" aria-hidden="true">{scope.map(|_| "⠿")}</td>
                <td><strong>{rule.rule.name.clone()}</strong></td>
                <td>
                    <span class="badge">{t::match_kind(&rule.rule.match_kind)}</span>" "
                    <span class="ar-words">{rule.rule.keywords.join(" / ")}</span>
                </td>
                <td class="ar-summary">{summary(&rule)}</td>
                <td class="ar-owner">{rule.owner_name.clone().unwrap_or_else(|| t::AR_ACCOUNT_WIDE.into())}</td>
                <td>
                    <span class=if rule.rule.enabled { "badge on" } else { "badge" }>{if rule.rule.enabled { t::AR_ON } else { t::AR_OFF }}</span>
                    <small class="hint">{t::audience(&rule.rule.audience)}{window}</small>
                    {(!rule.conflicts.is_empty()).then(|| view! { <span class="badge warn">"!"</span> })}
                </td>
                <td class="ar-hits">
                    <span>{t::hits(rule.hits)}</span>
                    <small class="hint">{rule.last_hit_at.as_ref().map(datetime).unwrap_or_else(|| t::AR_NEVER_HIT.into())}</small>
                </td>
                <td class="actions">
                    {up.map(|ids| view! { <button class="link" title=t::AR_MOVE_UP aria-label=t::AR_MOVE_UP on:click=move |_| reorder(scope.unwrap_or("mine"), ids.clone())>"↑"</button> })}
                    {down.map(|ids| view! { <button class="link" title=t::AR_MOVE_DOWN aria-label=t::AR_MOVE_DOWN on:click=move |_| reorder(scope.unwrap_or("mine"), ids.clone())>"↓"</button> })}
                    <button class="link" on:click=move |_| hits_of.set(Some(for_hits.clone()))>{t::AR_DATA}</button>
                    {if rule.editable {
                        view! {
                            <button class="link" on:click=move |_| editing.set(Some(Editing::Saved(Box::new(for_edit.clone()))))>{t::AR_EDIT}</button>
                            <button class="link danger" on:click=move |_| remove(id)>{t::AR_DELETE}</button>
                        }.into_any()
                    } else {
                        view! { <small class="hint">{t::AR_READ_ONLY}</small> }.into_any()
                    }}
                </td>
            </tr>
        }
    };
    view! {
        <section class="page auto-replies">
            <div class="page-head">
                <h1>{t::AR_TITLE}</h1>
                <div class="actions">
                    {move || list.get().and_then(Result::ok).map(|l| {
                        let on = l.switch_on;
                        view! {
                            <span class="badge" class:on=on id="my-switch">{if on { t::AR_MY_SWITCH_ON } else { t::AR_MY_SWITCH_OFF }}</span>
                            <button class="secondary small" on:click=move |_| switch(!on)>{if on { t::AR_TURN_OFF } else { t::AR_TURN_ON }}</button>
                        }
                    })}
                    <button class="secondary" on:click=move |_| { leptos::task::spawn_local(async move { if let Err(e) = api::autoreply::export().await { said(Err(t::error(&e))); } }); }>{t::AR_EXPORT}</button>
                    <label class="file-pick"><span class="button secondary">{t::AR_IMPORT_MINE}</span><input type="file" accept=".csv,.xlsx" on:change=move |ev| import(ev, "mine") /></label>
                    {move || list.get().and_then(Result::ok).filter(|l| l.may_edit_account).map(|_| view! {
                        <label class="file-pick"><span class="button secondary">{t::AR_IMPORT_ACCOUNT}</span><input type="file" accept=".csv,.xlsx" on:change=move |ev| import(ev, "account") /></label>
                    })}
                    <button class="primary" id="new-rule" on:click=move |_| { tab.set("rules"); editing.set(Some(Editing::New(None))); }>{t::AR_NEW}</button>
                </div>
            </div>
            <p class="hint">{t::AR_INTRO}</p>
            <Notice message=notice />
            {move || editing.get().map(|e| {
                let may = list.get_untracked().and_then(Result::ok).is_some_and(|l| l.may_edit_account);
                view! { <Editor editing=e may_edit_account=may done=closed /> }
            })}
            <div class="segmented" role="group">
                <button class:chosen=move || tab.get() == "rules" on:click=move |_| tab.set("rules")>{t::AR_TAB_RULES}</button>
                <button class:chosen=move || tab.get() == "unanswered" id="tab-unanswered" on:click=move |_| tab.set("unanswered")>{t::AR_TAB_UNANSWERED}</button>
            </div>
            <Show when=move || tab.get() == "unanswered">
                <Unanswered make_rule=Callback::new(move |keyword: String| {
                    tab.set("rules");
                    editing.set(Some(Editing::New(Some(keyword))));
                }) />
            </Show>
            <Show when=move || tab.get() == "rules">
                <form class="toolbar" on:submit=on_search>
                    <input type="search" placeholder=t::AR_SEARCH aria-label=t::SEARCH bind:value=search />
                    <select aria-label=t::AR_FILTER_ALL on:change=move |ev| filter.set(event_target_value(&ev))>
                        <option value="">{t::AR_FILTER_ALL}</option>
                        <option value="mine">{t::AR_FILTER_MINE}</option>
                        <option value="account">{t::AR_FILTER_ACCOUNT}</option>
                        <option value="disabled">{t::AR_FILTER_DISABLED}</option>
                    </select>
                    <button type="submit" class="secondary">{t::SEARCH}</button>
                </form>
                {move || match list.get() {
                    None => view! { <Loading /> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNotice error=error retry=move |_| reload() /> }.into_any(),
                    Some(Ok(l)) => {
                        let count = l.rules.len();
                        view! {
                            <details class="card ar-builtins">
                                <summary>{t::AR_BUILTINS}</summary>
                                <table class="table"><tbody>
                                    {l.builtins.iter().map(|b| view! { <tr><td><code>{b.trigger.clone()}</code></td><td>{b.description.clone()}</td></tr> }).collect_view()}
                                </tbody></table>
                            </details>
                            {if l.rules.is_empty() {
                                view! { <Empty text=t::AR_NO_RULES /> }.into_any()
                            } else {
                                view! {
                                    <div class="card table-wrap"><table class="table" id="rules">
                                        <thead><tr><th></th><th>{t::AR_COL_NAME}</th><th>{t::AR_COL_MATCH}</th><th>{t::AR_COL_REPLY}</th>
                                            <th>{t::AR_COL_OWNER}</th><th>{t::AR_COL_STATE}</th><th>{t::AR_COL_HITS}</th><th></th></tr></thead>
                                        <tbody>{l.rules.iter().cloned().enumerate().map(|(i, r)| row(r, &l, i, count)).collect_view()}</tbody>
                                    </table></div>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }}
            </Show>
            <HitsDialog rule=hits_of />
        </section>
    }
}
