//! Who a notice is for: classes and groups picked from lists, single students found by
//! name or 学号, and (admins) every follower — with the live count of recipients and of
//! those a push will not reach, asked again a moment after each change.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use leptos::prelude::*;
use shared::{Audience, AudienceCount, Role, Student, Urgency};

use crate::api::{self, people::StudentFilter};
use crate::i18n::t;
use crate::session;

/// How long the picker waits after a change before counting or searching again.
const DEBOUNCE_MS: u32 = 350;

#[component]
pub fn AudiencePicker(
    audience: RwSignal<Audience>,
    #[prop(into)] category_id: Signal<Option<i64>>,
    #[prop(into)] urgency: Signal<Urgency>,
    #[prop(into)] error: Signal<Option<String>>,
    /// Leave out "every follower" (a check-in's audience is never everyone).
    #[prop(optional)]
    no_public: bool,
    /// The fieldset's legend, when not a notice's 接收对象.
    #[prop(optional)]
    legend: Option<&'static str>,
    /// What "everyone" means here and its hint, when not every follower of a notice.
    #[prop(optional)]
    public_text: Option<(&'static str, &'static str)>,
    /// What the count means for who is reached, when not a notice's pushes.
    #[prop(optional)]
    count_hint: Option<&'static str>,
) -> impl IntoView {
    let count_hint = count_hint.unwrap_or(t::COUNT_HINT);
    let (public_label, public_hint) = public_text.unwrap_or((t::PUBLIC_AUDIENCE, t::PUBLIC_HINT));
    let classes = LocalResource::new(api::notices::audience_classes);
    let groups = LocalResource::new(api::notices::audience_groups);
    let is_admin = !no_public && session::user().is_some_and(|u| u.role == Role::Admin);
    // Students picked in this page, by id; a saved draft's students show their id only.
    let student_names = RwSignal::new(BTreeMap::<i64, String>::new());
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<Student>>);
    let count = RwSignal::new(None::<AudienceCount>);
    let counting = RwSignal::new(false);
    let generation = StoredValue::new(0u32);
    let mounted = crate::pages::mounted();

    // The live count: the latest change wins, earlier answers are dropped.
    let alive = mounted.clone();
    Effect::new(move |_| {
        let alive = alive.clone();
        let (a, category, urgency) = (audience.get(), category_id.get(), urgency.get());
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        if a.is_empty() {
            count.set(None);
            counting.set(false);
            return;
        }
        counting.set(true);
        leptos::task::spawn_local(async move {
            crate::pages::pause(DEBOUNCE_MS).await;
            if !alive.load(Ordering::Relaxed) || generation.get_value() != mine {
                return;
            }
            let result = api::notices::audience_count(&a, category, urgency).await;
            if alive.load(Ordering::Relaxed) && generation.get_value() == mine {
                count.set(result.ok());
                counting.set(false);
            }
        });
    });
    // Student search, also debounced.
    let search_gen = StoredValue::new(0u32);
    let alive = mounted;
    Effect::new(move |_| {
        let alive = alive.clone();
        let text = query.get().trim().to_string();
        search_gen.update_value(|g| *g += 1);
        let mine = search_gen.get_value();
        if text.is_empty() {
            found.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            crate::pages::pause(DEBOUNCE_MS).await;
            if !alive.load(Ordering::Relaxed) || search_gen.get_value() != mine {
                return;
            }
            let filter = StudentFilter { search: text, ..StudentFilter::default() };
            let result = api::people::students(filter, 1).await;
            if alive.load(Ordering::Relaxed) && search_gen.get_value() == mine {
                found.set(Some(result.map(|p| p.items.into_iter().take(8).collect()).unwrap_or_default()));
            }
        });
    });

    let add_student = move |s: Student| {
        let label = format!("{} {}", s.name, s.student_no);
        student_names.update(|m| {
            m.insert(s.id, label);
        });
        audience.update(|a| {
            if !a.students.contains(&s.id) {
                a.students.push(s.id);
            }
        });
        query.set(String::new());
    };
    let class_name = move |id: i64| {
        classes.get().and_then(|r| r.ok()).and_then(|l| l.into_iter().find(|c| c.id == id)).map(|c| c.name)
    };
    let group_name = move |id: i64| {
        groups.get().and_then(|r| r.ok()).and_then(|l| l.into_iter().find(|g| g.id == id)).map(|g| g.name)
    };

    let chips = move || {
        let a = audience.get();
        let chip = |kind: &'static str, label: String, remove: Box<dyn Fn(&mut Audience) + Send + Sync>| {
            view! {
                <li class="chip">
                    {(!kind.is_empty()).then(|| view! { <small>{kind}</small> })}
                    <span>{label.clone()}</span>
                    <button type="button" class="link" aria-label=format!("{} {label}", t::REMOVE) on:click=move |_| audience.update(|a| remove(a))>"×"</button>
                </li>
            }
        };
        let mut views = Vec::new();
        for id in a.classes.clone() {
            let label = class_name(id).unwrap_or_else(|| format!("#{id}"));
            views.push(chip(t::CHIP_CLASS, label, Box::new(move |a| a.classes.retain(|c| *c != id))));
        }
        for id in a.groups.clone() {
            let label = group_name(id).unwrap_or_else(|| format!("#{id}"));
            views.push(chip(t::CHIP_GROUP, label, Box::new(move |a| a.groups.retain(|g| *g != id))));
        }
        for id in a.students.clone() {
            let label = student_names.with(|m| m.get(&id).cloned()).unwrap_or_else(|| t::student_chip(id));
            views.push(chip("", label, Box::new(move |a| a.students.retain(|s| *s != id))));
        }
        if a.public {
            views.push(chip("", public_label.to_string(), Box::new(|a| a.public = false)));
        }
        if views.is_empty() {
            view! { <p class="hint">{t::NO_AUDIENCE}</p> }.into_any()
        } else {
            view! { <ul class="chips" id="audience-chips">{views}</ul> }.into_any()
        }
    };

    view! {
        <fieldset class="audience" class:invalid=move || error.get().is_some()>
            <legend>{legend.unwrap_or(t::AUDIENCE)}</legend>
            {chips}
            <div class="inline-form">
                <select id="audience-class" aria-label=t::ADD_CLASS on:change=move |ev| {
                    if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                        audience.update(|a| if !a.classes.contains(&id) { a.classes.push(id) });
                    }
                    reset_select(&ev);
                }>
                    <option value="">{t::ADD_CLASS}</option>
                    {move || classes.get().map(|r| r.unwrap_or_default().into_iter().map(|c| view! {
                        <option value=c.id.to_string()>{c.name}</option>
                    }).collect_view())}
                </select>
                <select id="audience-group" aria-label=t::ADD_GROUP on:change=move |ev| {
                    if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                        audience.update(|a| if !a.groups.contains(&id) { a.groups.push(id) });
                    }
                    reset_select(&ev);
                }>
                    <option value="">{t::ADD_GROUP}</option>
                    {move || groups.get().map(|r| r.unwrap_or_default().into_iter().map(|g| view! {
                        <option value=g.id.to_string()>{g.name}</option>
                    }).collect_view())}
                </select>
                <div class="picker grow">
                    <input type="search" id="audience-student" placeholder=t::STUDENT_SEARCH aria-label=t::STUDENT_SEARCH bind:value=query />
                    {move || found.get().map(|list| view! {
                        <ul class="picker-results" role="listbox">
                            {if list.is_empty() {
                                view! { <li class="hint">{t::NO_STUDENT_MATCH}</li> }.into_any()
                            } else {
                                list.into_iter().map(|s| {
                                    let label = format!("{} {} {}", s.name, s.student_no, s.class_name.clone().unwrap_or_default());
                                    view! {
                                        <li><button type="button" role="option" on:click=move |_| add_student(s.clone())>{label}</button></li>
                                    }
                                }).collect_view().into_any()
                            }}
                        </ul>
                    })}
                </div>
            </div>
            <Show when=move || is_admin>
                <label class="switch">
                    <input type="checkbox" id="audience-public" prop:checked=move || audience.get().public
                        on:change=move |ev| { let on = event_target_checked(&ev); audience.update(|a| a.public = on) } />
                    <span>{public_label}<small class="hint">" — "{public_hint}</small></span>
                </label>
            </Show>
            {move || error.get().map(|e| view! { <small class="problem">{e}</small> })}
            <div class="audience-count" id="audience-count" aria-live="polite">
                {move || match (count.get(), counting.get()) {
                    (_, true) => view! { <span class="hint">{t::COUNTING}</span> }.into_any(),
                    (Some(c), false) => {
                        let problems = t::audience_problems(&c);
                        view! {
                            <strong>{t::recipients(c.recipients)}</strong>
                            <span class="hint">{t::audience_breakdown(&c)}</span>
                            {problems.into_iter().map(|p| view! { <span class="badge off">{p}</span> }).collect_view()}
                            <p class="hint">{count_hint}</p>
                        }
                        .into_any()
                    }
                    (None, false) => ().into_any(),
                }}
            </div>
        </fieldset>
    }
}

/// Puts a "pick one to add" select back on its prompt.
pub fn reset_select(ev: &leptos::ev::Event) {
    let select: web_sys::HtmlSelectElement = event_target(ev);
    select.set_value("");
}
