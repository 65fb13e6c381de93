//! `/s/teachers`: teachers who made their contact details public, searchable.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use super::PortalGate;
use crate::api::portal;
use crate::components::{Empty, Loading};
use crate::i18n::t;

#[component]
pub fn PortalTeachers() -> impl IntoView {
    view! { <PortalGate><Teachers /></PortalGate> }
}

#[component]
fn Teachers() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let list = LocalResource::new(move || portal::teachers(applied.get(), 1));
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        applied.set(search.get_untracked().trim().to_string());
    };
    view! {
        <A href="/s/" attr:class="link">{"‹ "}{t::PORTAL_BACK}</A>
        <h2>{t::PORTAL_TEACHERS}</h2>
        <form class="toolbar" on:submit=on_search>
            <input type="search" placeholder=t::PORTAL_TEACHERS_SEARCH aria-label=t::SEARCH bind:value=search />
            <button type="submit" class="secondary">{t::SEARCH}</button>
        </form>
        <Transition fallback=Loading>
            {move || list.get().map(|r| match r {
                Ok(page) if page.items.is_empty() => view! { <Empty text=t::PORTAL_NO_TEACHERS /> }.into_any(),
                Ok(page) => page.items.into_iter().map(|teacher| view! {
                    <div class="card contact">
                        <strong>{teacher.display_name}</strong>" "<small>{teacher.title}</small>
                        <dl>
                            {(!teacher.office.is_empty()).then(|| view! { <dt>{t::OFFICE}</dt><dd>{teacher.office.clone()}</dd> })}
                            {(!teacher.phone.is_empty()).then(|| {
                                let tel = format!("tel:{}", teacher.phone);
                                view! { <dt>{t::PHONE}</dt><dd><a href=tel>{teacher.phone.clone()}</a></dd> }
                            })}
                            {(!teacher.email.is_empty()).then(|| {
                                let mail = format!("mailto:{}", teacher.email);
                                view! { <dt>{t::EMAIL}</dt><dd><a href=mail>{teacher.email.clone()}</a></dd> }
                            })}
                        </dl>
                    </div>
                }).collect_view().into_any(),
                Err(err) => view! { <div class="state error">{t::portal_error(&err)}</div> }.into_any(),
            })}
        </Transition>
    }
}
