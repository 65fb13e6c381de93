//! A group's members: listed a page at a time, added by 学号 (from any class), removed.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{Group, GroupMembersChange, Student};

use crate::api::{self, people::StudentFilter};
use crate::components::PagedTable;
use crate::i18n::t;

#[component]
pub fn MembersPanel(
    group: Group,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] on_changed: Callback<()>,
) -> impl IntoView {
    let id = group.id;
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let numbers = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let members = LocalResource::new(move || {
        version.track();
        api::people::students(StudentFilter { group_id: Some(id), ..StudentFilter::default() }, page.get())
    });
    let changed = move || {
        version.update(|v| *v += 1);
        on_changed.run(());
    };
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let student_nos: Vec<String> = numbers
            .get_untracked()
            .split(|c: char| c.is_whitespace() || c == ',' || c == '，')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if student_nos.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match api::people::add_members(id, &GroupMembersChange { student_ids: Vec::new(), student_nos }).await {
                Ok(_) => {
                    numbers.set(String::new());
                    message.set(Some((true, t::MEMBERS_ADDED.into())));
                    changed();
                }
                Err(err) => message.set(Some((false, err.field("student_nos").unwrap_or_else(|| t::error(&err))))),
            }
        });
    };
    let row = move |student: Student| {
        let sid = student.id;
        view! {
            <tr>
                <td>{student.student_no.clone()}</td>
                <td>{student.name.clone()}</td>
                <td>{student.class_name.clone().unwrap_or_else(|| t::NO_CLASS.into())}</td>
                <td><button class="link danger" on:click=move |_| {
                    leptos::task::spawn_local(async move {
                        match api::people::remove_member(id, sid).await {
                            Ok(()) => changed(),
                            Err(err) => message.set(Some((false, t::error(&err)))),
                        }
                    });
                }>{t::REMOVE}</button></td>
            </tr>
        }
    };
    view! {
        <div class="card form-card">
            <div class="page-head">
                <h2>{format!("{} · {}", group.name, t::MEMBERS)}</h2>
                <button class="secondary" on:click=move |_| on_close.run(())>{t::CLOSE}</button>
            </div>
            <crate::components::Notice message=message />
            <form class="inline-form" on:submit=add>
                <input type="text" class="grow" placeholder=t::ADD_BY_NUMBER aria-label=t::ADD_BY_NUMBER bind:value=numbers />
                <button type="submit" class="primary">{t::ADD_MEMBERS}</button>
            </form>
            <PagedTable list=members page=page headers=&[t::STUDENT_NO, t::NAME, t::CLASS, t::ACTIONS] empty=t::NO_MEMBERS row=row retry=move |_| version.update(|v| *v += 1) />
        </div>
    }
}
