//! Classes: search, create and staff (admins), describe and mirror as a WeChat tag
//! (their teachers too), delete (admins), and each class's cadres; each class's own
//! page (`page`) and printable binding poster (`poster`).

mod cadres;
mod form;
mod page;
mod poster;

pub use page::ClassPage;
pub use poster::ClassPosterPage;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::{Class, Role};

use crate::api;
use crate::components::{Dialog, Notice, PagedTable};
use crate::i18n::t;
use crate::session;

#[component]
pub fn ClassesPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(bool, String)>);
    let editing = RwSignal::new(None::<Option<Class>>);
    let cadres_of = RwSignal::new(None::<Class>);
    let deleting = RwSignal::new(None::<Class>);
    let delete_open = RwSignal::new(false);
    let is_admin = move || session::user().is_some_and(|u| u.role == Role::Admin);

    let classes = LocalResource::new(move || {
        version.track();
        api::people::classes(applied.get(), page.get(), 20)
    });
    let reload = move || version.update(|v| *v += 1);
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(search.get_untracked().trim().to_string());
    };
    let confirm_delete = move |_| {
        delete_open.set(false);
        let Some(class) = deleting.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match api::people::delete_class(class.id).await {
                Ok(()) => {
                    notice.set(Some((true, t::CLASS_DELETED.into())));
                    reload();
                }
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
        });
    };

    let row = move |class: Class| {
        let teachers = class.teachers.iter().map(|t| t.display_name.clone()).collect::<Vec<_>>().join("、");
        let (for_edit, for_cadres, for_delete) = (class.clone(), class.clone(), class.clone());
        let about = [class.department.clone(), class.major.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        view! {
            <tr>
                <td><A href=format!("/classes/{}", class.id)><strong>{class.name.clone()}</strong></A></td>
                <td>{class.grade.clone()}</td>
                <td>{about}</td>
                <td>{if teachers.is_empty() { t::NONE_YET.to_string() } else { teachers }}</td>
                <td>{t::bound_of(class.bound_count, class.student_count)}</td>
                <td>
                    <span class=if class.mirror_tag { "badge on" } else { "badge" }>
                        {if class.mirror_tag { t::MIRRORED } else { t::NOT_MIRRORED }}
                    </span>
                </td>
                <td class="row-actions">
                    <button class="link" on:click=move |_| editing.set(Some(Some(for_edit.clone())))>{t::EDIT}</button>
                    <button class="link" on:click=move |_| cadres_of.set(Some(for_cadres.clone()))>{t::CADRES}</button>
                    <Show when=is_admin>
                        {
                            let for_delete = for_delete.clone();
                            view! {
                                <button class="link danger" on:click=move |_| {
                                    deleting.set(Some(for_delete.clone()));
                                    delete_open.set(true);
                                }>{t::DELETE}</button>
                            }
                        }
                    </Show>
                </td>
            </tr>
        }
    };

    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::CLASSES_TITLE}</h1>
                <Show when=is_admin>
                    <button class="primary" on:click=move |_| editing.set(Some(None))>{t::NEW_CLASS}</button>
                </Show>
            </div>
            <Notice message=notice />
            {move || editing.get().map(|class| view! {
                <form::ClassForm
                    class=class
                    on_done=move |_| {
                        editing.set(None);
                        notice.set(Some((true, t::CLASS_SAVED.into())));
                        reload();
                    }
                    on_cancel=move |_| editing.set(None)
                />
            })}
            {move || cadres_of.get().map(|class| view! {
                <cadres::CadresPanel class=class on_close=move |_| cadres_of.set(None) />
            })}
            <form class="toolbar" on:submit=on_search>
                <input type="search" placeholder=t::CLASSES_SEARCH_PLACEHOLDER aria-label=t::SEARCH bind:value=search />
                <button type="submit" class="secondary">{t::SEARCH}</button>
            </form>
            <PagedTable
                list=classes
                page=page
                headers=&[t::CLASS_NAME, t::GRADE, t::MAJOR, t::CLASS_TEACHERS, t::STUDENT_COUNT, t::MIRROR_TAG, t::ACTIONS]
                empty=if is_admin() { t::NO_CLASSES } else { t::NO_CLASSES_TEACHER }
                row=row
                retry=move |_| reload()
            />
            <Dialog open=delete_open title=Signal::derive(|| t::DELETE.to_string()) on_confirm=confirm_delete confirm_label=t::DELETE danger=true>
                <p>{move || deleting.get().map(|c| t::confirm_delete_class(&c.name)).unwrap_or_default()}</p>
            </Dialog>
        </section>
    }
}
