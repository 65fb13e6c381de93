//! Creating or editing a class. Only admins choose its teachers.

use std::collections::{BTreeMap, BTreeSet};

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{Class, ClassPatch, NewClass, Role};

use crate::api::{self, ClientError};
use crate::components::Field;
use crate::i18n::t;
use crate::session;

#[component]
pub fn ClassForm(
    class: Option<Class>,
    #[prop(into)] on_done: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let id = class.as_ref().map(|c| c.id);
    let name = RwSignal::new(class.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let grade = RwSignal::new(class.as_ref().map(|c| c.grade.clone()).unwrap_or_default());
    let department = RwSignal::new(class.as_ref().map(|c| c.department.clone()).unwrap_or_default());
    let major = RwSignal::new(class.as_ref().map(|c| c.major.clone()).unwrap_or_default());
    let mirror = RwSignal::new(class.as_ref().is_some_and(|c| c.mirror_tag));
    let chosen: RwSignal<BTreeSet<i64>> =
        RwSignal::new(class.as_ref().map(|c| c.teachers.iter().map(|t| t.id).collect()).unwrap_or_default());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let form_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let is_admin = session::user().is_some_and(|u| u.role == Role::Admin);
    let teachers = LocalResource::new(move || async move {
        if is_admin {
            api::people::teachers(String::new(), 1).await.map(|p| p.items)
        } else {
            Ok(Vec::new())
        }
    });
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let new = NewClass {
            name: name.get_untracked(),
            grade: grade.get_untracked(),
            department: department.get_untracked(),
            major: major.get_untracked(),
            teacher_ids: chosen.get_untracked().into_iter().collect(),
            mirror_tag: mirror.get_untracked(),
        };
        if let Err(problems) = new.validate() {
            errors.set(problems.0.into_iter().map(|(f, p)| (f, t::problem(p))).collect());
            return;
        }
        errors.set(BTreeMap::new());
        form_error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match id {
                None => api::people::create_class(&new).await.map(drop),
                Some(id) => {
                    let patch = ClassPatch {
                        name: Some(new.name),
                        grade: Some(new.grade),
                        department: Some(new.department),
                        major: Some(new.major),
                        teacher_ids: is_admin.then_some(new.teacher_ids),
                        mirror_tag: Some(new.mirror_tag),
                    };
                    api::people::update_class(id, &patch).await.map(drop)
                }
            };
            busy.set(false);
            match result {
                Ok(()) => on_done.run(()),
                Err(err @ ClientError::Validation(_)) => {
                    errors.set(
                        ["name", "grade", "department", "major"]
                            .iter()
                            .filter_map(|f| Some((f.to_string(), t::field_message(&err.field(f)?))))
                            .collect(),
                    );
                    form_error.set(Some(t::error(&err)));
                }
                Err(err) => form_error.set(Some(t::error(&err))),
            }
        });
    };

    view! {
        <form class="card form-card" on:submit=submit novalidate>
            <h2>{if id.is_some() { t::EDIT_CLASS } else { t::NEW_CLASS }}</h2>
            <div class="grid2">
                <Field label=t::CLASS_NAME name="class-name" placeholder=t::CLASS_NAME_PLACEHOLDER value=name error=error_of("name") />
                <Field label=t::GRADE name="class-grade" placeholder=t::GRADE_PLACEHOLDER value=grade error=error_of("grade") />
                <Field label=t::DEPARTMENT name="class-department" value=department error=error_of("department") />
                <Field label=t::MAJOR name="class-major" value=major error=error_of("major") />
            </div>
            {is_admin.then(|| view! {
                <fieldset class="checks">
                    <legend>{t::CLASS_TEACHERS}</legend>
                    <Suspense fallback=|| view! { <span class="hint">{t::LOADING}</span> }>
                        {move || teachers.get().map(|list| list.unwrap_or_default().into_iter().map(|teacher| {
                            let tid = teacher.user_id;
                            view! {
                                <label>
                                    <input type="checkbox"
                                        prop:checked=move || chosen.with(|c| c.contains(&tid))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| { if on { c.insert(tid); } else { c.remove(&tid); } });
                                        } />
                                    {teacher.display_name}
                                </label>
                            }
                        }).collect_view())}
                    </Suspense>
                </fieldset>
            })}
            <label class="switch">
                <input type="checkbox" prop:checked=move || mirror.get() on:change=move |ev| mirror.set(event_target_checked(&ev)) />
                <span>{t::MIRROR_TAG}</span>
            </label>
            <p class="hint">{t::MIRROR_TAG_HINT}</p>
            {move || form_error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <div class="form-actions">
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{t::CANCEL}</button>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || if busy.get() { t::SAVING } else { t::SAVE }}</button>
            </div>
        </form>
    }
}
