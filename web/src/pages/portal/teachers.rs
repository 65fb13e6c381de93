//! `/s/teachers` (联系方式): the school's offices — phone as a `tel:` link, place, hours —
//! above the teachers who made their contact details public (each teacher chooses),
//! one search over both.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::{Office, TeacherProfile};

use super::guide::tel;
use super::notices::failed;
use super::PortalGate;
use crate::api;
use crate::components::{Empty, Loading, Pager};
use crate::i18n::t;

#[component]
pub fn PortalTeachers() -> impl IntoView {
    view! { <PortalGate><Contacts /></PortalGate> }
}

fn office(o: Office) -> impl IntoView {
    view! {
        <div class="card contact office">
            <strong>{o.name}</strong>
            <dl>
                {(!o.phone.is_empty()).then(|| view! { <dt>{t::OFFICE_PHONE}</dt><dd>{tel(&o.phone)}</dd> })}
                {(!o.place.is_empty()).then(|| view! { <dt>{t::OFFICE_PLACE}</dt><dd>{o.place.clone()}</dd> })}
                {(!o.hours.is_empty()).then(|| view! { <dt>{t::GUIDE_HOURS}</dt><dd>{o.hours.clone()}</dd> })}
            </dl>
            {(!o.description.is_empty()).then(|| view! { <p class="hint">{o.description.clone()}</p> })}
        </div>
    }
}

fn teacher(teacher: TeacherProfile) -> impl IntoView {
    view! {
        <div class="card contact">
            <strong>{teacher.display_name}</strong>" "<small>{teacher.title}</small>
            <dl>
                {(!teacher.office.is_empty()).then(|| view! { <dt>{t::OFFICE}</dt><dd>{teacher.office.clone()}</dd> })}
                {(!teacher.phone.is_empty()).then(|| view! { <dt>{t::PHONE}</dt><dd>{tel(&teacher.phone)}</dd> })}
                {(!teacher.email.is_empty()).then(|| {
                    let mail = format!("mailto:{}", teacher.email);
                    view! { <dt>{t::EMAIL}</dt><dd><a href=mail>{teacher.email.clone()}</a></dd> }
                })}
            </dl>
        </div>
    }
}

#[component]
fn Contacts() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let list = LocalResource::new(move || api::guides::contacts(applied.get(), page.get()));
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(search.get_untracked().trim().to_string());
    };
    view! {
        <div class="portal-nav">
            <A href="/s/" attr:class="link">{"‹ "}{t::PORTAL_BACK}</A>
            <A href="/s/guides" attr:class="link">{t::PORTAL_GUIDES}</A>
        </div>
        <h2>{t::PORTAL_CONTACTS}</h2>
        <form class="portal-search" on:submit=on_search>
            <input type="search" id="contact-search" placeholder=t::PORTAL_CONTACTS_SEARCH aria-label=t::SEARCH bind:value=search />
            <button type="submit" class="secondary">{t::SEARCH}</button>
        </form>
        <Transition fallback=Loading>
            {move || list.get().map(|r| match r {
                Ok(c) if c.offices.is_empty() && c.teachers.items.is_empty() => {
                    view! { <Empty text=t::PORTAL_NO_TEACHERS /> }.into_any()
                }
                Ok(c) => {
                    let (total, per_page) = (c.teachers.total, c.teachers.per_page);
                    view! {
                        {(!c.offices.is_empty()).then(|| view! {
                            <h3 class="portal-section">{t::PORTAL_OFFICES}</h3>
                            <div class="contact-list" id="portal-offices">{c.offices.into_iter().map(office).collect_view()}</div>
                        })}
                        <h3 class="portal-section">{t::PORTAL_TEACHERS_HEADING}</h3>
                        {if c.teachers.items.is_empty() {
                            view! { <Empty text=t::PORTAL_NO_TEACHERS /> }.into_any()
                        } else {
                            view! {
                                <div class="contact-list" id="portal-teachers">{c.teachers.items.into_iter().map(teacher).collect_view()}</div>
                                <Pager page=page total=total per_page=per_page />
                            }
                            .into_any()
                        }}
                    }
                    .into_any()
                }
                Err(err) => failed(err),
            })}
        </Transition>
    }
}
