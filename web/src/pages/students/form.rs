//! Adding or editing a student, checked with the server's own rules first.

use std::collections::BTreeMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{Class, Gender, NewStudent, Student, StudentPatch, StudentStatus};

use crate::api::{self, ApiResult, ClientError};
use crate::components::Field;
use crate::i18n::t;

#[component]
pub fn StudentForm(
    student: Option<Student>,
    classes: LocalResource<ApiResult<Vec<Class>>>,
    #[prop(into)] on_done: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let id = student.as_ref().map(|s| s.id);
    let get = |f: fn(&Student) -> String| student.as_ref().map(f).unwrap_or_default();
    let number = RwSignal::new(get(|s| s.student_no.clone()));
    let name = RwSignal::new(get(|s| s.name.clone()));
    // A list masks the phone: editing leaves it alone unless a new one is typed.
    let phone = RwSignal::new(String::new());
    let email = RwSignal::new(get(|s| s.email.clone()));
    let dormitory = RwSignal::new(get(|s| s.dormitory.clone()));
    let notes = RwSignal::new(get(|s| s.notes.clone()));
    let gender = RwSignal::new(student.as_ref().map(|s| s.gender).unwrap_or_default());
    let status = RwSignal::new(student.as_ref().map(|s| s.status).unwrap_or_default());
    let class_id = RwSignal::new(student.as_ref().and_then(|s| s.class_id));
    let masked_phone = get(|s| s.phone.clone());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let form_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let new = NewStudent {
            student_no: number.get_untracked(),
            name: name.get_untracked(),
            gender: gender.get_untracked(),
            class_id: class_id.get_untracked(),
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            dormitory: dormitory.get_untracked(),
            status: status.get_untracked(),
            notes: notes.get_untracked(),
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
                None => api::people::create_student(&new).await.map(drop),
                Some(id) => {
                    let patch = StudentPatch {
                        student_no: Some(new.student_no),
                        name: Some(new.name),
                        gender: Some(new.gender),
                        class_id: new.class_id,
                        clear_class: None,
                        phone: (!new.phone.is_empty()).then_some(new.phone),
                        email: Some(new.email),
                        dormitory: Some(new.dormitory),
                        status: Some(new.status),
                        notes: Some(new.notes),
                    };
                    api::people::update_student(id, &patch).await.map(drop)
                }
            };
            busy.set(false);
            match result {
                Ok(()) => on_done.run(()),
                Err(err @ ClientError::Validation(_)) => {
                    let fields = ["student_no", "name", "phone", "email", "dormitory", "notes", "class_id"];
                    errors.set(
                        fields.iter().filter_map(|f| Some((f.to_string(), t::field_message(&err.field(f)?)))).collect(),
                    );
                    form_error.set(Some(t::error(&err)));
                }
                Err(err) => form_error.set(Some(t::error(&err))),
            }
        });
    };

    view! {
        <form class="card form-card" on:submit=submit novalidate>
            <h2>{if id.is_some() { t::EDIT_STUDENT } else { t::NEW_STUDENT }}</h2>
            <div class="grid2">
                <Field label=t::STUDENT_NO name="student-no" value=number error=error_of("student_no") />
                <Field label=t::NAME name="student-name" value=name error=error_of("name") />
                <div class="field">
                    <label for="student-class">{t::CLASS}</label>
                    <select id="student-class" on:change=move |ev| class_id.set(event_target_value(&ev).parse().ok())>
                        <option value="">{t::NO_CLASS}</option>
                        {move || classes.get().map(|list| list.unwrap_or_default().into_iter().map(|c| {
                            let selected = class_id.get_untracked() == Some(c.id);
                            view! { <option value=c.id.to_string() selected=selected>{c.name}</option> }
                        }).collect_view())}
                    </select>
                    {move || errors.with(|e| e.get("class_id").cloned()).map(|p| view! { <small class="problem">{p}</small> })}
                </div>
                <div class="field">
                    <label for="student-gender">{t::GENDER}</label>
                    <select id="student-gender" on:change=move |ev| gender.set(Gender::parse(&event_target_value(&ev)).unwrap_or_default())>
                        {[Gender::Unknown, Gender::Male, Gender::Female].map(|g| view! {
                            <option value=g.as_str() selected=move || gender.get() == g>{t::gender(g)}</option>
                        })}
                    </select>
                </div>
                <div class="field" class:invalid=move || errors.with(|e| e.contains_key("phone"))>
                    <label for="f-student-phone">{t::PHONE}</label>
                    <input id="f-student-phone" type="tel" placeholder=masked_phone bind:value=phone />
                    {move || errors.with(|e| e.get("phone").cloned()).map(|p| view! { <small class="problem">{p}</small> })}
                </div>
                <Field label=t::EMAIL name="student-email" kind="email" value=email error=error_of("email") />
                <Field label=t::DORMITORY name="student-dormitory" value=dormitory error=error_of("dormitory") />
                <div class="field">
                    <label for="student-status">{t::STUDENT_STATUS}</label>
                    <select id="student-status" on:change=move |ev| status.set(StudentStatus::parse(&event_target_value(&ev)).unwrap_or_default())>
                        {[StudentStatus::Enrolled, StudentStatus::Suspended, StudentStatus::Graduated].map(|s| view! {
                            <option value=s.as_str() selected=move || status.get() == s>{t::status(s)}</option>
                        })}
                    </select>
                </div>
            </div>
            <Field label=t::NOTES name="student-notes" value=notes error=error_of("notes") />
            {move || form_error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <div class="form-actions">
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{t::CANCEL}</button>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || if busy.get() { t::SAVING } else { t::SAVE }}</button>
            </div>
        </form>
    }
}
