//! Groups (学生会, 社团, 宿舍 …): create, edit, mirror as a WeChat tag, delete, and
//! their members (added by 学号 from any class).

mod members;

use std::collections::BTreeMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{Group, GroupPatch, NewGroup};

use crate::api::{self, ClientError};
use crate::components::{Dialog, Field, Notice, PagedTable};
use crate::i18n::t;

#[component]
pub fn GroupsPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(bool, String)>);
    let editing = RwSignal::new(None::<Option<Group>>);
    let members_of = RwSignal::new(None::<Group>);
    let deleting = RwSignal::new(None::<Group>);
    let delete_open = RwSignal::new(false);
    let groups = LocalResource::new(move || {
        version.track();
        api::people::groups(applied.get(), page.get())
    });
    let reload = move || version.update(|v| *v += 1);
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(search.get_untracked().trim().to_string());
    };
    let confirm_delete = move |_| {
        delete_open.set(false);
        let Some(group) = deleting.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match api::people::delete_group(group.id).await {
                Ok(()) => {
                    notice.set(Some((true, t::GROUP_DELETED.into())));
                    reload();
                }
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
        });
    };
    let row = move |group: Group| {
        let (for_edit, for_members, for_delete) = (group.clone(), group.clone(), group.clone());
        view! {
            <tr>
                <td><strong>{group.name.clone()}</strong></td>
                <td>{group.kind.clone()}</td>
                <td>{group.owner.as_ref().map(|o| o.display_name.clone()).unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td>{group.member_count}</td>
                <td><span class=if group.mirror_tag { "badge on" } else { "badge" }>{if group.mirror_tag { t::MIRRORED } else { t::NOT_MIRRORED }}</span></td>
                <td class="row-actions">
                    <button class="link" on:click=move |_| members_of.set(Some(for_members.clone()))>{t::MEMBERS}</button>
                    <button class="link" on:click=move |_| editing.set(Some(Some(for_edit.clone())))>{t::EDIT}</button>
                    <button class="link danger" on:click=move |_| {
                        deleting.set(Some(for_delete.clone()));
                        delete_open.set(true);
                    }>{t::DELETE}</button>
                </td>
            </tr>
        }
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::GROUPS_TITLE}</h1>
                <button class="primary" on:click=move |_| editing.set(Some(None))>{t::NEW_GROUP}</button>
            </div>
            <p class="lead">{t::GROUPS_INTRO}</p>
            <Notice message=notice />
            {move || editing.get().map(|group| view! {
                <GroupForm group=group on_done=move |_| { editing.set(None); notice.set(Some((true, t::GROUP_SAVED.into()))); reload(); } on_cancel=move |_| editing.set(None) />
            })}
            {move || members_of.get().map(|group| view! {
                <members::MembersPanel group=group on_close=move |_| members_of.set(None) on_changed=move |_| reload() />
            })}
            <form class="toolbar" on:submit=on_search>
                <input type="search" placeholder=t::SEARCH aria-label=t::SEARCH bind:value=search />
                <button type="submit" class="secondary">{t::SEARCH}</button>
            </form>
            <PagedTable
                list=groups
                page=page
                headers=&[t::GROUP_NAME, t::GROUP_KIND, t::OWNER, t::MEMBERS, t::MIRROR_TAG, t::ACTIONS]
                empty=t::NO_GROUPS
                row=row
                retry=move |_| reload()
            />
            <Dialog open=delete_open title=Signal::derive(|| t::DELETE.to_string()) on_confirm=confirm_delete confirm_label=t::DELETE danger=true>
                <p>{move || deleting.get().map(|g| t::confirm_delete_group(&g.name)).unwrap_or_default()}</p>
            </Dialog>
        </section>
    }
}

#[component]
fn GroupForm(
    group: Option<Group>,
    #[prop(into)] on_done: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let id = group.as_ref().map(|g| g.id);
    let name = RwSignal::new(group.as_ref().map(|g| g.name.clone()).unwrap_or_default());
    let kind = RwSignal::new(group.as_ref().map(|g| g.kind.clone()).unwrap_or_default());
    let description = RwSignal::new(group.as_ref().map(|g| g.description.clone()).unwrap_or_default());
    let mirror = RwSignal::new(group.as_ref().is_some_and(|g| g.mirror_tag));
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let form_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let new = NewGroup {
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            description: description.get_untracked(),
            mirror_tag: mirror.get_untracked(),
            owner_id: None,
        };
        if let Err(problems) = new.validate() {
            errors.set(problems.0.into_iter().map(|(f, p)| (f, t::problem(p))).collect());
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match id {
                None => api::people::create_group(&new).await.map(drop),
                Some(id) => {
                    let patch = GroupPatch {
                        name: Some(new.name),
                        kind: Some(new.kind),
                        description: Some(new.description),
                        mirror_tag: Some(new.mirror_tag),
                        owner_id: None,
                    };
                    api::people::update_group(id, &patch).await.map(drop)
                }
            };
            busy.set(false);
            match result {
                Ok(()) => on_done.run(()),
                Err(err @ ClientError::Validation(_)) => form_error.set(Some(t::error(&err))),
                Err(err) => form_error.set(Some(t::error(&err))),
            }
        });
    };
    view! {
        <form class="card form-card" on:submit=submit novalidate>
            <h2>{if id.is_some() { t::EDIT } else { t::NEW_GROUP }}</h2>
            <div class="grid2">
                <Field label=t::GROUP_NAME name="group-name" value=name error=error_of("name") />
                <div class="field">
                    <label for="group-kind">{t::GROUP_KIND}</label>
                    <input id="group-kind" type="text" list="group-kinds" bind:value=kind />
                    <datalist id="group-kinds">{t::GROUP_KINDS.iter().map(|k| view! { <option value=*k /> }).collect_view()}</datalist>
                </div>
            </div>
            <Field label=t::DESCRIPTION name="group-description" value=description error=error_of("description") />
            <label class="switch">
                <input type="checkbox" prop:checked=move || mirror.get() on:change=move |ev| mirror.set(event_target_checked(&ev)) />
                <span>{t::MIRROR_TAG}</span>
            </label>
            {move || form_error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <div class="form-actions">
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{t::CANCEL}</button>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || if busy.get() { t::SAVING } else { t::SAVE }}</button>
            </div>
        </form>
    }
}
