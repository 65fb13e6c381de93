//! The composer's optional vote (发起投票): a question, 2 to 10 choices added and removed
//! in place, single or multiple choice (with an optional most), anonymous or not, and
//! who sees the results when.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::receipts::MAX_VOTE_OPTIONS;
use shared::{VoteResults, VoteSpec};

use crate::i18n::t;

/// The vote as the form holds it; `spec()` is what is sent.
#[derive(Clone, Copy)]
pub struct VoteDraft {
    pub enabled: RwSignal<bool>,
    question: RwSignal<String>,
    /// Choices with a key that stays with them while others are removed.
    options: RwSignal<Vec<(u32, String)>>,
    next_key: StoredValue<u32>,
    multiple: RwSignal<bool>,
    max_choices: RwSignal<String>,
    anonymous: RwSignal<bool>,
    results: RwSignal<VoteResults>,
    /// The saved notice had a vote: turning it off must remove it.
    pub had_vote: bool,
}

impl VoteDraft {
    pub fn new(spec: Option<&VoteSpec>) -> VoteDraft {
        let options: Vec<(u32, String)> = match spec {
            Some(s) => s.options.iter().cloned().enumerate().map(|(i, o)| (i as u32, o)).collect(),
            None => vec![(0, String::new()), (1, String::new())],
        };
        VoteDraft {
            enabled: RwSignal::new(spec.is_some()),
            question: RwSignal::new(spec.map(|s| s.question.clone()).unwrap_or_default()),
            next_key: StoredValue::new(options.len() as u32),
            options: RwSignal::new(options),
            multiple: RwSignal::new(spec.is_some_and(|s| s.multiple)),
            max_choices: RwSignal::new(spec.and_then(|s| s.max_choices).map(|m| m.to_string()).unwrap_or_default()),
            anonymous: RwSignal::new(spec.is_some_and(|s| s.anonymous)),
            results: RwSignal::new(spec.map(|s| s.results).unwrap_or_default()),
            had_vote: spec.is_some(),
        }
    }

    /// The vote to send, when there is one (read without tracking).
    pub fn spec(&self) -> Option<VoteSpec> {
        if !self.enabled.get_untracked() {
            return None;
        }
        let multiple = self.multiple.get_untracked();
        Some(VoteSpec {
            question: self.question.get_untracked().trim().to_string(),
            options: self.options.get_untracked().into_iter().map(|(_, o)| o.trim().to_string()).collect(),
            multiple,
            max_choices: if multiple { self.max_choices.get_untracked().trim().parse().ok() } else { None },
            anonymous: self.anonymous.get_untracked(),
            results: self.results.get_untracked(),
        })
    }

    fn add(&self) {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        self.options.update(|o| o.push((key, String::new())));
    }

    fn remove(&self, key: u32) {
        self.options.update(|o| o.retain(|(k, _)| *k != key));
    }

    fn set(&self, key: u32, text: String) {
        self.options.update(|o| {
            if let Some(option) = o.iter_mut().find(|(k, _)| *k == key) {
                option.1 = text;
            }
        });
    }
}

#[component]
pub fn VoteEditor(draft: VoteDraft, errors: RwSignal<BTreeMap<String, String>>) -> impl IntoView {
    let problem = move |field: &'static str| {
        move || errors.with(|e| e.get(field).cloned()).map(|p| view! { <small class="problem">{p}</small> })
    };
    let count = Memo::new(move |_| draft.options.with(Vec::len));
    let option_keys = move || draft.options.with(|o| o.iter().map(|(k, _)| *k).collect::<Vec<_>>());
    let option_text = move |key: u32| {
        draft.options.with_untracked(|o| o.iter().find(|(k, _)| *k == key).map(|(_, t)| t.clone()).unwrap_or_default())
    };
    view! {
        <fieldset class="vote-editor" id="vote-editor">
            <label class="switch">
                <input type="checkbox" id="vote-enabled" prop:checked=move || draft.enabled.get()
                    on:change=move |ev| draft.enabled.set(event_target_checked(&ev)) />
                <span>{t::ADD_VOTE}</span>
            </label>
            <Show when=move || draft.enabled.get()>
                <div class="field" class:invalid=move || errors.with(|e| e.contains_key("vote.question"))>
                    <label for="vote-question">{t::VOTE_QUESTION}</label>
                    <input type="text" id="vote-question" placeholder=t::VOTE_QUESTION_PLACEHOLDER bind:value=draft.question />
                    {problem("vote.question")}
                </div>
                <div class="field" class:invalid=move || errors.with(|e| e.contains_key("vote.options"))>
                    <label>{t::VOTE_OPTIONS}</label>
                    <ol class="vote-options" id="vote-options">
                        <For each=option_keys key=|k| *k let:key>
                            <li>
                                <input type="text" class="vote-option" aria-label=t::VOTE_OPTION placeholder=t::VOTE_OPTION
                                    prop:value=option_text(key) on:input=move |ev| draft.set(key, event_target_value(&ev)) />
                                <button type="button" class="link danger" aria-label=t::REMOVE_OPTION
                                    disabled={move || count.get() <= 2} on:click=move |_| draft.remove(key)>"×"</button>
                            </li>
                        </For>
                    </ol>
                    <div>
                        <button type="button" class="secondary" id="vote-add-option"
                            disabled={move || count.get() >= MAX_VOTE_OPTIONS} on:click=move |_| draft.add()>
                            {t::ADD_OPTION}
                        </button>
                        <small class="hint">" "{t::VOTE_OPTIONS_HINT}</small>
                    </div>
                    {problem("vote.options")}
                </div>
                <div class="vote-settings">
                    <label class="switch">
                        <input type="checkbox" id="vote-multiple" prop:checked=move || draft.multiple.get()
                            on:change=move |ev| draft.multiple.set(event_target_checked(&ev)) />
                        <span>{t::VOTE_MULTIPLE}</span>
                    </label>
                    <Show when=move || draft.multiple.get()>
                        <span class="inline-label" class:invalid=move || errors.with(|e| e.contains_key("vote.max_choices"))>
                            <label for="vote-max">{t::VOTE_MAX_CHOICES}</label>
                            <input type="number" id="vote-max" class="short" min="1" max=move || count.get().to_string()
                                placeholder=t::VOTE_NO_LIMIT bind:value=draft.max_choices />
                            {problem("vote.max_choices")}
                        </span>
                    </Show>
                    <label class="switch">
                        <input type="checkbox" id="vote-anonymous" prop:checked=move || draft.anonymous.get()
                            on:change=move |ev| draft.anonymous.set(event_target_checked(&ev)) />
                        <span>{t::VOTE_ANONYMOUS}<small class="hint">" "{t::VOTE_ANONYMOUS_HINT}</small></span>
                    </label>
                    <span class="inline-label">
                        <label for="vote-results">{t::VOTE_RESULTS}</label>
                        <select id="vote-results" on:change=move |ev| {
                            if let Some(r) = t::VOTE_RESULT_SETTINGS.into_iter().find(|r| t::vote_results_key(*r) == event_target_value(&ev)) {
                                draft.results.set(r);
                            }
                        }>
                            {t::VOTE_RESULT_SETTINGS.map(|r| view! {
                                <option value=t::vote_results_key(r) selected=move || draft.results.get() == r>{t::vote_results(r)}</option>
                            })}
                        </select>
                        {problem("vote.results")}
                    </span>
                </div>
            </Show>
        </fieldset>
    }
}
