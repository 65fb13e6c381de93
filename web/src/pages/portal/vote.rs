//! The vote on a student's notice page: one choice (radio buttons) or several (check
//! boxes, up to the vote's most), sent as a ballot and changeable while the vote is
//! open; the results as bars when the vote's setting shows them to this reader.

use leptos::prelude::*;
use shared::{StudentVote, VoteTally};

use crate::api;
use crate::components::{percent, rate};
use crate::i18n::t;

#[component]
pub fn VoteBox(id: i64, vote: StudentVote, recipient: bool) -> impl IntoView {
    let editing = RwSignal::new(vote.open && vote.mine.is_empty());
    let picked = RwSignal::new(vote.mine.clone());
    let current = RwSignal::new(vote);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let spec = move || current.with(|v| v.spec.clone());
    let most = move || {
        current
            .with(|v| if v.spec.multiple { v.spec.max_choices.map_or(v.spec.options.len(), |m| m as usize) } else { 1 })
    };
    let toggle = move |i: u32, on: bool| {
        let multiple = current.with_untracked(|v| v.spec.multiple);
        picked.update(|p| {
            if !multiple {
                *p = vec![i];
            } else if on && !p.contains(&i) {
                p.push(i);
                p.sort_unstable();
            } else if !on {
                p.retain(|c| *c != i);
            }
        });
    };
    let submit = move |_| {
        let choices = picked.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::receipts::vote(id, choices).await {
                Ok(v) => {
                    picked.set(v.mine.clone());
                    current.set(v);
                    editing.set(false);
                    message.set(Some((true, t::PORTAL_VOTED.into())));
                }
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
            busy.set(false);
        });
    };
    let ballot = move || {
        let s = spec();
        let kind = if s.multiple { "checkbox" } else { "radio" };
        s.options
            .into_iter()
            .enumerate()
            .map(|(i, label)| {
                let i = i as u32;
                let checked = move || picked.with(|p| p.contains(&i));
                // Check boxes beyond the most allowed stay unavailable until one is unticked.
                let full = move || kind == "checkbox" && !checked() && picked.with(Vec::len) >= most();
                view! {
                    <label class="vote-choice" class:chosen=checked>
                        <input type=kind name="vote" value=i.to_string() prop:checked=checked disabled=full
                            on:change=move |ev| toggle(i, event_target_checked(&ev)) />
                        <span>{label}</span>
                    </label>
                }
            })
            .collect_view()
    };
    let results = move || {
        let v = current.get();
        match v.tally {
            Some(tally) => results_bars(tally, &v.mine).into_any(),
            None if !v.mine.is_empty() => {
                view! { <p class="hint">{t::portal_results_later(v.spec.results)}</p> }.into_any()
            }
            None => ().into_any(),
        }
    };
    view! {
        <section class="card portal-vote" id="portal-vote">
            <h3>{t::PORTAL_VOTE}</h3>
            <p class="vote-question"><strong>{move || spec().question}</strong></p>
            <p class="hint">{move || t::portal_vote_rules(spec().multiple, most(), spec().anonymous)}</p>
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "alert success" } else { "alert error" } role="status">{m}</p> })}
            <Show when=move || editing.get() fallback=move || view! {
                {move || current.with(|v| (!v.mine.is_empty()).then(|| {
                    let mine = v.mine.iter().filter_map(|i| v.spec.options.get(*i as usize).cloned()).collect::<Vec<_>>();
                    view! { <p id="my-vote">{t::PORTAL_MY_VOTE}{mine.join("、")}</p> }
                }))}
                {results}
                {move || current.with(|v| match (v.open, v.mine.is_empty()) {
                    (true, false) => view! {
                        <button class="secondary wide" id="change-vote" on:click=move |_| editing.set(true)>{t::PORTAL_CHANGE_VOTE}</button>
                    }.into_any(),
                    (false, true) if !recipient => view! { <p class="hint">{t::PORTAL_VOTE_RECIPIENTS_ONLY}</p> }.into_any(),
                    (false, true) => view! { <p class="hint">{t::PORTAL_VOTE_CLOSED}</p> }.into_any(),
                    _ => ().into_any(),
                })}
            }>
                <div class="vote-ballot" role="group" aria-label=t::PORTAL_VOTE>{ballot}</div>
                <button class="primary wide" id="submit-vote" disabled=move || busy.get() || picked.with(Vec::is_empty)
                    on:click=submit>{t::PORTAL_SUBMIT_VOTE}</button>
            </Show>
        </section>
    }
}

/// Each choice's share of the voters as a bar; the reader's own choices marked.
fn results_bars(tally: VoteTally, mine: &[u32]) -> impl IntoView {
    let voters = tally.voters;
    view! {
        <ul class="vote-results" id="vote-results">
            {tally.options.into_iter().enumerate().map(|(i, o)| {
                let share = rate(o.count, voters);
                let own = mine.contains(&(i as u32));
                view! {
                    <li class:mine=own>
                        <span class="vote-label">{o.label}{own.then(|| view! { <small>" ✓"</small> })}</span>
                        <span class="vote-count">{t::votes_of(o.count, &percent(share))}</span>
                        <span class="vote-bar"><span style:width=format!("{:.1}%", share * 100.0)></span></span>
                    </li>
                }
            }).collect_view()}
        </ul>
        <p class="hint">{t::voters(voters)}</p>
    }
}
