//! The rule editor: what it matches, its replies, when and whom it answers — beside the
//! try-it box, which asks the server which command or rule would answer a message with
//! the rule as it stands in the form (saved or not), and shows the exact replies.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{AutoReplyItem, AutoRule, NewAutoRule, TryMessage, TryOutcome};

use super::reply_item::ReplyItem;
use crate::api;
use crate::format::{datetime_input, parse_datetime_input};
use crate::i18n::t;

const MATCH_KINDS: [&str; 7] = ["contains", "exact", "prefix", "regex", "click", "follow", "default"];
const AUDIENCES: [&str; 6] = ["everyone", "students", "teachers", "unbound", "classes", "groups"];

/// What the editor opens on: a saved rule, or a new one (maybe with a keyword to start from).
#[derive(Clone)]
pub enum Editing {
    New(Option<String>),
    Saved(Box<AutoRule>),
}

#[component]
pub fn Editor(editing: Editing, may_edit_account: bool, done: Callback<Option<String>>) -> impl IntoView {
    let (id, start, conflicts) = match editing {
        Editing::Saved(rule) => (Some(rule.id), rule.rule.clone(), rule.conflicts.clone()),
        Editing::New(keyword) => {
            let text = AutoReplyItem { kind: "text".into(), text: Some(String::new()), ..AutoReplyItem::default() };
            let rule = NewAutoRule {
                name: keyword.clone().unwrap_or_default(),
                scope: "mine".into(),
                match_kind: "contains".into(),
                keywords: keyword.into_iter().collect(),
                replies: vec![text],
                reply_mode: "all".into(),
                enabled: true,
                window_start: None,
                window_end: None,
                weekdays: vec![],
                audience: "everyone".into(),
                class_ids: vec![],
                group_ids: vec![],
                valid_from: None,
                valid_until: None,
            };
            (None, rule, vec![])
        }
    };
    let name = RwSignal::new(start.name.clone());
    let scope = RwSignal::new(start.scope.clone());
    let kind = RwSignal::new(start.match_kind.clone());
    let words = RwSignal::new(start.keywords.join("\n"));
    let replies = RwSignal::new(start.replies.clone());
    let random = RwSignal::new(start.reply_mode == "random");
    let enabled = RwSignal::new(start.enabled);
    let window_start = RwSignal::new(start.window_start.clone().unwrap_or_default());
    let window_end = RwSignal::new(start.window_end.clone().unwrap_or_default());
    let weekdays = RwSignal::new(start.weekdays.clone());
    let audience = RwSignal::new(start.audience.clone());
    let chosen_ids =
        RwSignal::new(if start.audience == "groups" { start.group_ids.clone() } else { start.class_ids.clone() });
    let valid_from = RwSignal::new(start.valid_from.as_ref().map(datetime_input).unwrap_or_default());
    let valid_until = RwSignal::new(start.valid_until.as_ref().map(datetime_input).unwrap_or_default());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let classes = LocalResource::new(|| async { api::people::classes(String::new(), 1, 100).await.map(|p| p.items) });
    let groups = LocalResource::new(|| async { api::people::groups(String::new(), 1).await.map(|p| p.items) });
    let kinds = Memo::new(move |_| replies.with(|r| r.iter().map(|i| i.kind.clone()).collect::<Vec<_>>()));

    // The rule as the form holds it.
    let current = move || {
        let opt = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        let ids = chosen_ids.get_untracked();
        let audience = audience.get_untracked();
        NewAutoRule {
            name: name.get_untracked(),
            scope: scope.get_untracked(),
            match_kind: kind.get_untracked(),
            keywords: words.get_untracked().lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect(),
            replies: replies.get_untracked(),
            reply_mode: if random.get_untracked() { "random" } else { "all" }.into(),
            enabled: enabled.get_untracked(),
            window_start: opt(window_start),
            window_end: opt(window_end),
            weekdays: weekdays.get_untracked(),
            class_ids: if audience == "classes" { ids.clone() } else { vec![] },
            group_ids: if audience == "groups" { ids } else { vec![] },
            audience,
            valid_from: parse_datetime_input(&valid_from.get_untracked()),
            valid_until: parse_datetime_input(&valid_until.get_untracked()),
        }
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        problem.set(None);
        let rule = current();
        leptos::task::spawn_local(async move {
            let saved = match id {
                Some(id) => api::autoreply::update(id, &rule).await,
                None => api::autoreply::create(&rule).await,
            };
            busy.set(false);
            match saved {
                Ok(_) => done.run(Some(t::AR_SAVED.into())),
                Err(err) => problem.set(Some(field_problem(&err))),
            }
        });
    };
    let needs_words = move || !matches!(kind.get().as_str(), "follow" | "default");
    let words_label = move || match kind.get().as_str() {
        "regex" => t::AR_PATTERNS,
        "click" => t::AR_CLICK_KEY,
        _ => t::AR_KEYWORDS,
    };
    view! {
        <div class="card ar-editor" id="rule-editor">
            <h2>{if id.is_some() { t::AR_EDITOR_EDIT } else { t::AR_EDITOR_NEW }}</h2>
            {(!conflicts.is_empty()).then(|| view! {
                <div class="state warn ar-conflicts">
                    <p>{t::AR_CONFLICTS}</p>
                    <ul>{conflicts.iter().map(|c| view! { <li>{t::conflict(&c.owner_name, &c.rule_name, &c.keyword)}</li> }).collect_view()}</ul>
                </div>
            })}
            <div class="ar-editor-layout">
                <form class="ar-form" on:submit=save>
                    <label class="field"><span>{t::AR_NAME}</span><input id="ar-name" type="text" bind:value=name /></label>
                    {(id.is_none() && may_edit_account).then(|| view! {
                        <label class="field"><span>{t::AR_SCOPE}</span>
                            <select id="ar-scope" on:change=move |ev| scope.set(event_target_value(&ev))>
                                <option value="mine">{t::AR_SCOPE_MINE}</option>
                                <option value="account">{t::AR_SCOPE_ACCOUNT}</option>
                            </select>
                        </label>
                    })}
                    <label class="field"><span>{t::AR_MATCH_KIND}</span>
                        <select id="ar-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                            {MATCH_KINDS.map(|k| view! { <option value=k selected=k == start.match_kind>{t::match_kind(k)}</option> })}
                        </select>
                    </label>
                    <Show when=needs_words>
                        <label class="field"><span>{words_label}</span><textarea id="ar-words" rows="3" bind:value=words /></label>
                    </Show>
                    <fieldset class="ar-replies">
                        <legend>{t::AR_REPLIES}</legend>
                        <p class="hint">{t::AR_REPLY_HINT}</p>
                        {move || kinds.get().into_iter().enumerate().map(|(i, _)| view! { <ReplyItem index=i replies=replies /> }).collect_view()}
                        <button type="button" class="secondary small" id="ar-add-reply" disabled=move || { kinds.get().len() >= 5 }
                            on:click=move |_| replies.update(|r| r.push(AutoReplyItem { kind: "text".into(), ..AutoReplyItem::default() }))>
                            {t::AR_ADD_REPLY}
                        </button>
                        <label class="field"><span>{t::AR_REPLY_MODE}</span>
                            <select on:change=move |ev| random.set(event_target_value(&ev) == "random")>
                                <option value="all" selected=!start.reply_mode.eq("random")>{t::AR_MODE_ALL}</option>
                                <option value="random" selected=start.reply_mode == "random">{t::AR_MODE_RANDOM}</option>
                            </select>
                        </label>
                    </fieldset>
                    <details class="ar-conditions" open=start.window_start.is_some() || start.audience != "everyone">
                        <summary>{t::AR_AUDIENCE}" · "{t::AR_WINDOW}</summary>
                        <label class="field"><span>{t::AR_AUDIENCE}</span>
                            <select id="ar-audience" on:change=move |ev| { chosen_ids.set(vec![]); audience.set(event_target_value(&ev)); }>
                                {AUDIENCES.map(|a| view! { <option value=a selected=a == start.audience>{t::audience(a)}</option> })}
                            </select>
                        </label>
                        {move || {
                            let which = audience.get();
                            let options: Vec<(i64, String)> = match which.as_str() {
                                "classes" => classes.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|c| (c.id, c.name)).collect(),
                                "groups" => groups.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|g| (g.id, g.name)).collect(),
                                _ => vec![],
                            };
                            view! { <div class="chips">{options.into_iter().map(|(oid, label)| view! {
                                <label class="chip">
                                    <input type="checkbox" prop:checked=move || chosen_ids.with(|c| c.contains(&oid))
                                        on:change=move |ev| chosen_ids.update(|c| if event_target_checked(&ev) { c.push(oid) } else { c.retain(|x| *x != oid) }) />
                                    {label}
                                </label>
                            }).collect_view()}</div> }
                        }}
                        <div class="field"><span>{t::AR_WINDOW}</span>
                            <div class="row">
                                <input type="time" id="ar-window-start" bind:value=window_start />" – "
                                <input type="time" id="ar-window-end" bind:value=window_end />
                            </div>
                        </div>
                        <div class="field"><span>{t::AR_WEEKDAYS}</span>
                            <div class="chips">{(1u8..=7).map(|d| view! {
                                <label class="chip">
                                    <input type="checkbox" prop:checked=move || weekdays.with(|w| w.contains(&d))
                                        on:change=move |ev| weekdays.update(|w| if event_target_checked(&ev) { w.push(d) } else { w.retain(|x| *x != d) }) />
                                    {t::WEEKDAYS[d as usize - 1]}
                                </label>
                            }).collect_view()}</div>
                        </div>
                        <div class="field"><span>{t::AR_VALID}</span>
                            <div class="row">
                                <input type="datetime-local" aria-label=t::AR_VALID_FROM bind:value=valid_from />" – "
                                <input type="datetime-local" aria-label=t::AR_VALID_UNTIL bind:value=valid_until />
                            </div>
                        </div>
                    </details>
                    <label class="switch"><input type="checkbox" bind:checked=enabled /><span>{t::AR_ENABLED}</span></label>
                    {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
                    <div class="form-actions">
                        <button type="button" class="secondary" on:click=move |_| done.run(None)>{t::CANCEL}</button>
                        <button type="submit" class="primary" id="ar-save" disabled=move || busy.get()>{t::SAVE}</button>
                    </div>
                </form>
                <TryBox draft=Callback::new(move |_| current()) draft_id=id />
            </div>
        </div>
    }
}

/// The field problems of a refused save, in one line (the server says which and why).
fn field_problem(err: &api::ClientError) -> String {
    for field in [
        "keywords",
        "name",
        "replies[0]",
        "replies[1]",
        "replies[2]",
        "replies[3]",
        "replies[4]",
        "class_ids",
        "group_ids",
        "window_start",
        "valid_until",
        "match_kind",
    ] {
        if let Some(why) = err.field(field) {
            return format!("{field}: {why}");
        }
    }
    t::error(err)
}

#[component]
fn TryBox(draft: Callback<(), NewAutoRule>, draft_id: Option<i64>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let event = RwSignal::new("text".to_string());
    let sender = RwSignal::new("student".to_string());
    let student_no = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<TryOutcome, String>>);
    let run = move |ev: SubmitEvent| {
        ev.prevent_default();
        let message = TryMessage {
            event: event.get_untracked(),
            text: text.get_untracked(),
            sender: sender.get_untracked(),
            student_no: Some(student_no.get_untracked()).filter(|s| !s.trim().is_empty()),
            draft: Some(draft.run(())),
            draft_id,
        };
        leptos::task::spawn_local(async move {
            outcome.set(Some(api::autoreply::try_message(&message).await.map_err(|e| field_problem(&e))));
        });
    };
    view! {
        <form class="ar-try card-inset" id="try-box" on:submit=run>
            <h3>{t::AR_TRY}</h3>
            <p class="hint">{t::AR_TRY_HINT}</p>
            <div class="row">
                <select aria-label=t::AR_MATCH_KIND on:change=move |ev| event.set(event_target_value(&ev))>
                    <option value="text">{t::message_type("text")}</option>
                    <option value="click">{t::match_kind("click")}</option>
                    <option value="follow">{t::match_kind("follow")}</option>
                </select>
                <select aria-label=t::AR_TRY_SENDER id="try-sender" on:change=move |ev| sender.set(event_target_value(&ev))>
                    {["student", "teacher", "unbound"].map(|s| view! { <option value=s>{t::sender(s)}</option> })}
                </select>
            </div>
            <input type="text" id="try-text" aria-label=t::AR_TRY_TEXT placeholder=t::AR_TRY_TEXT bind:value=text />
            <Show when=move || sender.get() == "student">
                <input type="text" aria-label=t::AR_TRY_STUDENT_NO placeholder=t::AR_TRY_STUDENT_NO bind:value=student_no />
            </Show>
            <button type="submit" class="primary" id="try-run">{t::AR_TRY}</button>
            {move || outcome.get().map(|o| match o {
                Err(why) => view! { <p class="problem" role="alert">{why}</p> }.into_any(),
                Ok(o) => view! { <TryResult outcome=o /> }.into_any(),
            })}
        </form>
    }
}

#[component]
fn TryResult(outcome: TryOutcome) -> impl IntoView {
    let who = match outcome.answered_by.as_str() {
        "builtin" => t::answered_by_builtin(outcome.builtin.as_deref().unwrap_or_default()),
        "rule" | "draft" => {
            t::answered_by_rule(outcome.rule_name.as_deref().unwrap_or_default(), outcome.answered_by == "draft")
        }
        _ => t::AR_TRY_NONE.to_string(),
    };
    view! {
        <div class="ar-try-result" id="try-result">
            <p><strong>{who}</strong></p>
            <p class="hint">{t::as_sender(&outcome.sender)}</p>
            {outcome.random.then(|| view! { <p class="hint">{t::AR_RANDOM_ONE}</p> })}
            <ul class="bubbles">
                {outcome.replies.into_iter().map(|r| view! {
                    <li class="bubble out">
                        <small class="hint">{t::auto_reply_kind(&r.kind)}" · "{if r.channel == "passive" { t::AR_PASSIVE } else { t::AR_CUSTOMER_SERVICE }}</small>
                        {r.title.map(|title| view! { <strong>{title}</strong> })}
                        {r.text.map(|text| view! { <p class="try-text">{text}</p> })}
                        {r.description.map(|d| view! { <p class="hint">{d}</p> })}
                        {r.url.map(|u| view! { <small class="url">{u}</small> })}
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}
