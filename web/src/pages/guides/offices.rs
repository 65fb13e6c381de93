//! 部门联系方式: the offices students call or visit (name, phone, place, hours, a note,
//! the order they are listed in). Every teacher sees them; admins add, change and delete.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::{NewOffice, Office, Role};

use crate::api;
use crate::components::{Dialog, Empty, ErrorNotice, Field, Loading, Notice};
use crate::i18n::t;
use crate::session;

#[component]
pub fn OfficesTab() -> impl IntoView {
    let is_admin = session::user().is_some_and(|u| u.role == Role::Admin);
    let version = RwSignal::new(0u32);
    let offices = LocalResource::new(move || {
        version.track();
        api::guides::offices()
    });
    let notice = RwSignal::new(None::<(bool, String)>);
    // The office being edited: None for none, Some(None) for a new one.
    let editing = RwSignal::new(None::<Option<Office>>);
    let reload = move || version.update(|v| *v += 1);
    let done = Callback::new(move |_: ()| {
        editing.set(None);
        notice.set(Some((true, t::OFFICE_SAVED.into())));
        reload();
    });

    let deleting = RwSignal::new(None::<Office>);
    let dialog_open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let confirm_delete = move |_| {
        let Some(office) = deleting.get_untracked() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::guides::delete_office(office.id).await {
                Ok(()) => notice.set(Some((true, t::OFFICE_DELETED.into()))),
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
            busy.set(false);
            dialog_open.set(false);
            reload();
        });
    };
    let row = move |o: Office| {
        let (edit, remove) = (o.clone(), o.clone());
        view! {
            <tr data-office=o.id>
                <td><strong>{o.name.clone()}</strong>{(!o.description.is_empty()).then(|| view! { <br /><small class="hint">{o.description.clone()}</small> })}</td>
                <td class="nowrap">{o.phone.clone()}</td>
                <td>{o.place.clone()}</td>
                <td>{o.hours.clone()}</td>
                <td>{o.position}</td>
                {is_admin.then(|| view! {
                    <td class="row-actions nowrap">
                        <button class="link" on:click=move |_| editing.set(Some(Some(edit.clone())))>{t::EDIT}</button>
                        <button class="link danger" on:click=move |_| { deleting.set(Some(remove.clone())); dialog_open.set(true); }>{t::DELETE}</button>
                    </td>
                })}
            </tr>
        }
    };
    let dialog_title = Signal::derive(move || deleting.get().map(|o| o.name).unwrap_or_default());
    view! {
        <p class="lead">{t::OFFICES_INTRO}</p>
        {if is_admin {
            view! { <button class="primary" id="new-office" on:click=move |_| editing.set(Some(None))>{t::NEW_OFFICE}</button> }.into_any()
        } else {
            view! { <p class="hint">{t::OFFICES_ADMIN_ONLY}</p> }.into_any()
        }}
        <Notice message=notice />
        {move || editing.get().map(|office| view! {
            <OfficeForm office=office on_done=done on_cancel=Callback::new(move |_| editing.set(None)) />
        })}
        <Transition fallback=Loading>
            {move || offices.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <Empty text=t::NO_OFFICES /> }.into_any(),
                Ok(list) => view! {
                    <div class="table-wrap">
                        <table id="offices">
                            <thead><tr>
                                <th>{t::OFFICE_NAME}</th><th>{t::OFFICE_PHONE}</th><th>{t::OFFICE_PLACE}</th>
                                <th>{t::OFFICE_HOURS}</th><th>{t::OFFICE_POSITION}</th>
                                {is_admin.then(|| view! { <th>{t::ACTIONS}</th> })}
                            </tr></thead>
                            <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                }
                .into_any(),
                Err(err) => view! { <ErrorNotice error=err retry=Callback::new(move |_| reload()) /> }.into_any(),
            })}
        </Transition>
        <Dialog open=dialog_open title=dialog_title on_confirm=confirm_delete busy=busy confirm_label=t::DELETE danger=true>
            <p>{move || t::confirm_delete_office(&dialog_title.get())}</p>
        </Dialog>
    }
}

#[component]
fn OfficeForm(office: Option<Office>, on_done: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    let id = office.as_ref().map(|o| o.id);
    let text = |f: fn(&Office) -> String| RwSignal::new(office.as_ref().map(f).unwrap_or_default());
    let name = text(|o| o.name.clone());
    let phone = text(|o| o.phone.clone());
    let place = text(|o| o.place.clone());
    let hours = text(|o| o.hours.clone());
    let description = text(|o| o.description.clone());
    let position = text(|o| o.position.to_string());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));
    let submit = move |_| {
        let new = NewOffice {
            name: name.get_untracked().trim().to_string(),
            phone: phone.get_untracked().trim().to_string(),
            place: place.get_untracked().trim().to_string(),
            hours: hours.get_untracked().trim().to_string(),
            description: description.get_untracked().trim().to_string(),
            position: position.get_untracked().trim().parse().ok(),
        };
        if let Err(found) = new.validate() {
            errors.set(found.0.into_iter().map(|(f, p)| (f, t::problem(p))).collect());
            return;
        }
        errors.set(BTreeMap::new());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match id {
                Some(id) => api::guides::replace_office(id, &new).await,
                None => api::guides::create_office(&new).await,
            };
            match result {
                Ok(_) => on_done.run(()),
                Err(err) => {
                    let fields = ["name", "phone", "place", "hours", "description"];
                    errors.set(
                        fields.iter().filter_map(|f| Some((f.to_string(), t::field_message(&err.field(f)?)))).collect(),
                    );
                    message.set(Some((false, t::error(&err))));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card form-card" id="office-form" novalidate on:submit=|ev| ev.prevent_default()>
            <h2>{if id.is_some() { t::EDIT_OFFICE } else { t::NEW_OFFICE }}</h2>
            <Notice message=message />
            <div class="grid2">
                <Field label=t::OFFICE_NAME name="office-name" value=name error=error_of("name") placeholder=t::OFFICE_NAME_PLACEHOLDER />
                <Field label=t::OFFICE_PHONE name="office-phone" kind="tel" value=phone error=error_of("phone") placeholder="020-8411 2345" />
                <Field label=t::OFFICE_PLACE name="office-place" value=place error=error_of("place") placeholder=t::OFFICE_PLACE_PLACEHOLDER />
                <Field label=t::OFFICE_HOURS name="office-hours" value=hours error=error_of("hours") placeholder=t::OFFICE_HOURS_PLACEHOLDER />
            </div>
            <Field label=t::OFFICE_DESCRIPTION name="office-description" value=description error=error_of("description") />
            <Field label=t::OFFICE_POSITION name="office-position" kind="number" value=position error=error_of("position") hint=t::OFFICE_POSITION_HINT />
            <div class="form-actions">
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{t::CANCEL}</button>
                <button type="submit" class="primary" id="office-save" disabled=move || busy.get() on:click=submit>{t::SAVE}</button>
            </div>
        </form>
    }
}
