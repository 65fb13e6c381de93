//! The editor's lists: steps (add, remove, move up and down; a Markdown area each),
//! materials (a name and, optionally, a document of the library) and contacts (an office
//! or a teacher). Each row keeps its own signals and a key, so moving one keeps what is
//! typed in it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use leptos::prelude::*;
use shared::Office;

use crate::i18n::t;

static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

pub fn next_key() -> u64 {
    NEXT_KEY.fetch_add(1, Ordering::Relaxed)
}

#[derive(Clone, Copy)]
pub struct Step {
    pub key: u64,
    pub text: RwSignal<String>,
}

impl Step {
    pub fn new(text: String) -> Step {
        Step { key: next_key(), text: RwSignal::new(text) }
    }
}

#[derive(Clone, Copy)]
pub struct Material {
    pub key: u64,
    pub name: RwSignal<String>,
    /// The document's id as typed or chosen ("" for none).
    pub document: RwSignal<String>,
}

impl Material {
    pub fn new(name: String, document: Option<i64>) -> Material {
        Material {
            key: next_key(),
            name: RwSignal::new(name),
            document: RwSignal::new(document.map(|d| d.to_string()).unwrap_or_default()),
        }
    }
}

#[derive(Clone, Copy)]
pub struct Contact {
    pub key: u64,
    pub teacher: bool,
    /// The office's or teacher's id ("" until chosen).
    pub id: RwSignal<String>,
}

impl Contact {
    pub fn new(teacher: bool, id: Option<i64>) -> Contact {
        Contact { key: next_key(), teacher, id: RwSignal::new(id.map(|d| d.to_string()).unwrap_or_default()) }
    }
}

type Errors = RwSignal<BTreeMap<String, String>>;

fn position<T>(list: &[T], key: impl Fn(&T) -> u64, wanted: u64) -> usize {
    list.iter().position(|x| key(x) == wanted).unwrap_or(0)
}

/// Moves the row with `key` by `by` (−1 up, +1 down), within bounds.
fn shift<T>(list: RwSignal<Vec<T>>, key: impl Fn(&T) -> u64 + Copy, wanted: u64, by: isize)
where
    T: Send + Sync + 'static,
{
    list.update(|v| {
        let at = position(v, key, wanted);
        let to = at as isize + by;
        if to >= 0 && (to as usize) < v.len() {
            v.swap(at, to as usize);
        }
    });
}

fn problem(errors: Errors, field: String) -> impl IntoView {
    move || errors.with(|e| e.get(&field).cloned()).map(|p| view! { <small class="problem">{p}</small> })
}

#[component]
pub fn Steps(steps: RwSignal<Vec<Step>>, errors: Errors, editable: bool) -> impl IntoView {
    let row = move |step: Step| {
        let key = step.key;
        let at = Memo::new(move |_| steps.with(|v| position(v, |s| s.key, key)));
        let last = Memo::new(move |_| steps.with(|v| v.len()));
        let id = format!("guide-step-{key}");
        view! {
            <li class="guide-step-edit">
                <div class="step-head">
                    <label for=id.clone()>{move || t::guide_step(at.get() + 1)}</label>
                    <span class="row-actions">
                        <button type="button" class="link" disabled=move || !editable || at.get() == 0
                            on:click=move |_| shift(steps, |s| s.key, key, -1)>{t::GUIDE_MOVE_UP}</button>
                        <button type="button" class="link" disabled=move || !editable || at.get() + 1 == last.get()
                            on:click=move |_| shift(steps, |s| s.key, key, 1)>{t::GUIDE_MOVE_DOWN}</button>
                        <button type="button" class="link danger" disabled=!editable
                            on:click=move |_| steps.update(|v| v.retain(|s| s.key != key))>{t::GUIDE_REMOVE}</button>
                    </span>
                </div>
                <textarea id=id class="step-text" rows="3" bind:value=step.text readonly=!editable></textarea>
                {move || problem(errors, format!("steps.{}", at.get()))}
            </li>
        }
    };
    view! {
        <div class="field">
            <span class="label">{t::GUIDE_STEPS}</span>
            <ol class="guide-step-list" id="guide-steps-edit">
                <For each=move || steps.get() key=|s| s.key children=row />
            </ol>
            <small class="hint">{t::GUIDE_STEPS_HINT}</small>
            {problem(errors, "steps".into())}
            <button type="button" class="secondary small" id="guide-add-step" disabled=!editable
                on:click=move |_| steps.update(|v| v.push(Step::new(String::new())))>{t::GUIDE_ADD_STEP}</button>
        </div>
    }
}

#[component]
pub fn Materials(
    materials: RwSignal<Vec<Material>>,
    documents: LocalResource<Result<Vec<(i64, String)>, crate::api::ClientError>>,
    errors: Errors,
    editable: bool,
) -> impl IntoView {
    let row = move |m: Material| {
        let key = m.key;
        let at = Memo::new(move |_| materials.with(|v| position(v, |x| x.key, key)));
        // A picker when the library answers; otherwise the document's number.
        let document = move || {
            match documents.get() {
            Some(Ok(list)) if !list.is_empty() => view! {
                <select aria-label=t::GUIDE_DOCUMENT class="material-document" disabled=!editable
                    on:change=move |ev| m.document.set(event_target_value(&ev))>
                    <option value="">{t::GUIDE_NO_DOCUMENT}</option>
                    {list.into_iter().map(|(id, title)| {
                        let chosen = m.document.get_untracked() == id.to_string();
                        view! { <option value=id.to_string() selected=chosen>{title}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any(),
            _ => view! {
                <input type="number" min="1" class="material-document" placeholder=t::GUIDE_DOCUMENT_ID
                    title=t::GUIDE_DOCUMENT_ID_HINT aria-label=t::GUIDE_DOCUMENT_ID bind:value=m.document readonly=!editable />
            }
            .into_any(),
        }
        };
        view! {
            <li class="guide-row">
                <input type="text" class="material-name" placeholder=t::GUIDE_MATERIAL_NAME aria-label=t::GUIDE_MATERIAL_NAME
                    bind:value=m.name readonly=!editable />
                {document}
                <button type="button" class="link danger" disabled=!editable
                    on:click=move |_| materials.update(|v| v.retain(|x| x.key != key))>{t::GUIDE_REMOVE}</button>
                {move || problem(errors, format!("materials.{}", at.get()))}
            </li>
        }
    };
    view! {
        <div class="field">
            <span class="label">{t::GUIDE_MATERIALS}</span>
            <ul class="guide-rows" id="guide-materials-edit">
                <For each=move || materials.get() key=|m| m.key children=row />
            </ul>
            <button type="button" class="secondary small" id="guide-add-material" disabled=!editable
                on:click=move |_| materials.update(|v| v.push(Material::new(String::new(), None)))>{t::GUIDE_ADD_MATERIAL}</button>
        </div>
    }
}

#[component]
pub fn Contacts(
    contacts: RwSignal<Vec<Contact>>,
    offices: Signal<Vec<Office>>,
    teachers: Signal<Vec<(i64, String)>>,
    errors: Errors,
    editable: bool,
) -> impl IntoView {
    let row = move |c: Contact| {
        let key = c.key;
        let at = Memo::new(move |_| contacts.with(|v| position(v, |x| x.key, key)));
        let label = if c.teacher { t::GUIDE_CHOOSE_TEACHER } else { t::GUIDE_CHOOSE_OFFICE };
        let choices = move || {
            if c.teacher {
                teachers.get()
            } else {
                offices.get().into_iter().map(|o| (o.id, o.name)).collect()
            }
        };
        view! {
            <li class="guide-row">
                <span class="badge">{if c.teacher { t::PORTAL_TEACHERS_HEADING } else { t::PORTAL_OFFICES }}</span>
                <select aria-label=label class="contact-choice" disabled=!editable on:change=move |ev| c.id.set(event_target_value(&ev))>
                    <option value="">{label}</option>
                    {move || choices().into_iter().map(|(id, name)| {
                        let chosen = c.id.get_untracked() == id.to_string();
                        view! { <option value=id.to_string() selected=chosen>{name}</option> }
                    }).collect_view()}
                </select>
                <button type="button" class="link danger" disabled=!editable
                    on:click=move |_| contacts.update(|v| v.retain(|x| x.key != key))>{t::GUIDE_REMOVE}</button>
                {move || problem(errors, format!("contacts.{}", at.get()))}
            </li>
        }
    };
    view! {
        <div class="field">
            <span class="label">{t::GUIDE_CONTACTS}</span>
            <ul class="guide-rows" id="guide-contacts-edit">
                <For each=move || contacts.get() key=|c| c.key children=row />
            </ul>
            <small class="hint">{t::GUIDE_CONTACTS_HINT}</small>
            <div class="row-actions">
                <button type="button" class="secondary small" id="guide-add-office" disabled=!editable
                    on:click=move |_| contacts.update(|v| v.push(Contact::new(false, None)))>{t::GUIDE_ADD_OFFICE}</button>
                <button type="button" class="secondary small" id="guide-add-teacher" disabled=!editable
                    on:click=move |_| contacts.update(|v| v.push(Contact::new(true, None)))>{t::GUIDE_ADD_TEACHER}</button>
            </div>
        </div>
    }
}
