//! Students: search and filter (phones masked), add and edit, the full record (whose
//! view is audited), unbind, delete, and the roster import and export.

mod attendance;
mod detail;
mod form;
mod import;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{Role, Student, StudentStatus};

use crate::api::{self, people::StudentFilter};
use crate::components::{Notice, PagedTable};
use crate::i18n::t;
use crate::session;

#[component]
pub fn StudentsPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let filter = RwSignal::new(StudentFilter::default());
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(bool, String)>);
    let editing = RwSignal::new(None::<Option<Student>>);
    let viewing = RwSignal::new(None::<i64>);
    let importing = RwSignal::new(false);

    let students = LocalResource::new(move || {
        version.track();
        api::people::students(filter.get(), page.get())
    });
    // Fetched again after an import too: it may have made classes.
    let classes = LocalResource::new(move || {
        version.track();
        async { api::people::classes(String::new(), 1, 100).await.map(|p| p.items) }
    });
    // A teacher responsible for no class can neither add nor import students: say what to do.
    let is_admin = session::user().is_some_and(|u| u.role == Role::Admin);
    let no_class = move || !is_admin && classes.get().is_some_and(|r| r.as_ref().is_ok_and(|c| c.is_empty()));
    let reload = move || version.update(|v| *v += 1);
    let set_filter = move |change: &dyn Fn(&mut StudentFilter)| {
        page.set(1);
        filter.update(|f| change(f));
    };
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = search.get_untracked().trim().to_string();
        set_filter(&|f| f.search = text.clone());
    };
    let export = move |format: &'static str| {
        let current = filter.get_untracked();
        leptos::task::spawn_local(async move {
            if let Err(err) = api::people::export(&current, format).await {
                notice.set(Some((false, t::error(&err))));
            }
        });
    };

    let row = move |student: Student| {
        let id = student.id;
        let limited = student.limited;
        let for_edit = student.clone();
        let wechat = match (student.wechat.bound, student.wechat.following) {
            (true, true) => view! { <span class="badge on">{t::BOUND}</span> }.into_any(),
            (true, false) => view! { <span class="badge off">{t::NOT_FOLLOWING}</span> }.into_any(),
            _ => view! { <span class="badge">{t::UNBOUND}</span> }.into_any(),
        };
        view! {
            <tr>
                <td>{student.student_no.clone()}</td>
                <td><button class="link" on:click=move |_| viewing.set(Some(id))>{student.name.clone()}</button></td>
                <td>{t::gender(student.gender)}</td>
                <td>{student.class_name.clone().unwrap_or_else(|| t::NO_CLASS.into())}</td>
                <td class="nowrap">
                    {if limited {
                        view! { <span class="badge" title=t::MEMBER_ONLY_HINT>{t::MEMBER_ONLY}</span> }.into_any()
                    } else {
                        student.phone.clone().into_any()
                    }}
                </td>
                <td>{t::status(student.status)}</td>
                <td>{wechat}</td>
                <td class="row-actions">
                    <button class="link" on:click=move |_| viewing.set(Some(id))>{t::DETAILS}</button>
                    <Show when=move || !limited>
                        <button class="link" on:click={
                            let for_edit = for_edit.clone();
                            move |_| editing.set(Some(Some(for_edit.clone())))
                        }>{t::EDIT}</button>
                    </Show>
                </td>
            </tr>
        }
    };

    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::STUDENTS_TITLE}</h1>
                <div class="head-actions">
                    <button class="secondary" on:click=move |_| export("xlsx")>{t::EXPORT_XLSX}</button>
                    <button class="secondary" on:click=move |_| export("csv")>{t::EXPORT_CSV}</button>
                    <button class="secondary" id="open-import" disabled=no_class on:click=move |_| importing.update(|i| *i = !*i)>{t::IMPORT}</button>
                    <button class="primary" id="new-student" disabled=no_class on:click=move |_| editing.set(Some(None))>{t::NEW_STUDENT}</button>
                </div>
            </div>
            <Show when=no_class>
                <p class="alert info" id="no-class-hint">{t::NO_CLASS_YET}</p>
            </Show>
            <Notice message=notice />
            <Show when=move || importing.get()>
                <import::ImportPanel on_done=move |_| reload() on_close=move |_| importing.set(false) />
            </Show>
            {move || editing.get().map(|student| view! {
                <form::StudentForm
                    student=student
                    classes=classes
                    on_done=move |_| {
                        editing.set(None);
                        notice.set(Some((true, t::STUDENT_SAVED.into())));
                        reload();
                    }
                    on_cancel=move |_| editing.set(None)
                />
            })}
            {move || viewing.get().map(|id| view! {
                <detail::StudentDetailCard
                    id=id
                    on_close=move |_| viewing.set(None)
                    on_changed=move |message: String| {
                        notice.set(Some((true, message)));
                        reload();
                    }
                />
            })}
            <form class="toolbar" on:submit=on_search>
                <input type="search" placeholder=t::STUDENTS_SEARCH_PLACEHOLDER aria-label=t::SEARCH bind:value=search />
                <select aria-label=t::CLASS on:change=move |ev| {
                    let value = event_target_value(&ev).parse().ok();
                    set_filter(&|f| f.class_id = value);
                }>
                    <option value="">{t::ALL_CLASSES}</option>
                    {move || classes.get().map(|list| list.unwrap_or_default().into_iter().map(|c| view! {
                        <option value=c.id.to_string()>{c.name}</option>
                    }).collect_view())}
                </select>
                <select aria-label=t::STUDENT_STATUS on:change=move |ev| {
                    let value = StudentStatus::parse(&event_target_value(&ev)).filter(|_| !event_target_value(&ev).is_empty());
                    set_filter(&|f| f.status = value);
                }>
                    <option value="">{t::ALL_STATUSES}</option>
                    {[StudentStatus::Enrolled, StudentStatus::Suspended, StudentStatus::Graduated].map(|s| view! {
                        <option value=s.as_str()>{t::status(s)}</option>
                    })}
                </select>
                <select aria-label=t::BIND_STATE on:change=move |ev| {
                    let value = match event_target_value(&ev).as_str() { "true" => Some(true), "false" => Some(false), _ => None };
                    set_filter(&|f| f.bound = value);
                }>
                    <option value="">{t::BIND_STATE}</option>
                    <option value="true">{t::BOUND}</option>
                    <option value="false">{t::UNBOUND}</option>
                </select>
                <button type="submit" class="secondary">{t::SEARCH}</button>
            </form>
            <PagedTable
                list=students
                page=page
                headers=&[t::STUDENT_NO, t::NAME, t::GENDER, t::CLASS, t::PHONE, t::STUDENT_STATUS, t::WECHAT, t::ACTIONS]
                empty=t::NO_STUDENTS
                row=row
                retry=move |_| reload()
            />
        </section>
    }
}
