//! `/s/`: who I am (or an invitation to bind), the way to my notices and their
//! subscriptions, my check-ins and activities, my classmates if I am a class cadre, the
//! procedures (办事指南) and contacts (offices and teachers), the search box and the week's hot
//! list, and the switch that lets Banji keep my position for check-ins.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::PortalMe;

use super::consent::ConsentSwitch;
use super::search::{HotCard, SearchLink};
use super::PortalGate;
use crate::api::{portal, ClientError};
use crate::components::Loading;
use crate::i18n::t;

#[component]
pub fn PortalHome() -> impl IntoView {
    view! { <PortalGate><Home /></PortalGate> }
}

#[component]
fn Home() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let me = LocalResource::new(move || {
        version.track();
        portal::me()
    });
    let message = RwSignal::new(None::<String>);
    let unbind = move |_| {
        leptos::task::spawn_local(async move {
            match portal::unbind().await {
                Ok(()) => message.set(Some(t::PORTAL_UNBOUND.into())),
                Err(err) => message.set(Some(t::portal_error(&err))),
            }
            version.update(|v| *v += 1);
        });
    };
    let show = move |me: PortalMe| {
        match me.student {
        None => view! {
            <div class="card">
                <p>{t::PORTAL_NOT_BOUND}</p>
                <A href="/s/bind" attr:class="button primary wide">{t::PORTAL_GO_BIND}</A>
            </div>
            <SearchLink />
            <div class="portal-pair">
                <A href="/s/documents" attr:class="button secondary wide" attr:id="portal-documents-link">{t::PORTAL_DOCUMENTS}</A>
                <A href="/s/guides" attr:class="button secondary wide" attr:id="portal-guides-link">{t::PORTAL_GUIDES}</A>
            </div>
            <A href="/s/teachers" attr:class="button secondary wide" attr:id="portal-contacts-link">{t::PORTAL_CONTACTS}</A>
            <HotCard />
        }
        .into_any(),
        Some(student) => {
            let cadre = !me.cadre_classes.is_empty();
            let cadre_of = me.cadre_classes.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join("、");
            view! {
                <div class="card">
                    <h2>{t::PORTAL_ME}</h2>
                    <dl>
                        <dt>{t::NAME}</dt><dd id="portal-name">{student.name}</dd>
                        <dt>{t::STUDENT_NO}</dt><dd>{student.student_no}</dd>
                        <dt>{t::CLASS}</dt><dd>{student.class_name.unwrap_or_else(|| t::NO_CLASS.into())}</dd>
                        {cadre.then(|| view! { <dt>{t::PORTAL_CADRE_OF}</dt><dd>{cadre_of}</dd> })}
                    </dl>
                </div>
                <SearchLink />
                <A href="/s/notices" attr:class="button primary wide">{t::PORTAL_NOTICES}</A>
                <div class="portal-pair">
                    <A href="/s/checkin" attr:class="button secondary wide" attr:id="portal-checkin-link">{t::PORTAL_CHECKINS}</A>
                    <A href="/s/activities" attr:class="button secondary wide" attr:id="portal-activities-link">{t::PORTAL_ACTIVITIES}</A>
                </div>
                <A href="/s/subscriptions" attr:class="button secondary wide">{t::PORTAL_SUBSCRIPTIONS}</A>
                {cadre.then(|| view! { <Classmates /> })}
                <A href="/s/messages" attr:class="button secondary wide" attr:id="portal-messages-link">{t::PORTAL_MESSAGES}</A>
                <div class="portal-pair">
                    <A href="/s/documents" attr:class="button secondary wide" attr:id="portal-documents-link">{t::PORTAL_DOCUMENTS}</A>
                    <A href="/s/guides" attr:class="button secondary wide" attr:id="portal-guides-link">{t::PORTAL_GUIDES}</A>
                </div>
                <A href="/s/teachers" attr:class="button secondary wide" attr:id="portal-contacts-link">{t::PORTAL_CONTACTS}</A>
                <HotCard />
                <ConsentSwitch />
                <button class="link danger wide" on:click=unbind>{t::PORTAL_UNBIND}</button>
            }
            .into_any()
        }
    }
    };
    view! {
        {move || message.get().map(|m| view! { <p class="alert success">{m}</p> })}
        <Transition fallback=Loading>
            {move || me.get().map(|r| match r {
                Ok(me) => show(me),
                Err(ClientError::Unauthorized) => {
                    portal::authorise();
                    view! { <Loading /> }.into_any()
                }
                Err(err) => view! { <div class="state error">{t::portal_error(&err)}</div> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Classmates() -> impl IntoView {
    let mates = LocalResource::new(portal::classmates);
    view! {
        <div class="card">
            <h2>{t::PORTAL_CLASSMATES}</h2>
            // Its own boundary, so the home shows without waiting for the list.
            <Suspense fallback=Loading>{move || mates.get().map(|r| match r {
                Ok(list) => view! {
                    <ul class="portal-list">
                        {list.into_iter().map(|m| view! {
                            <li>
                                <span>{m.name}" "<small>{m.student_no}</small></span>
                                <span class=if m.bound { "badge on" } else { "badge" }>{if m.bound { t::PORTAL_BOUND_MARK } else { t::PORTAL_UNBOUND_MARK }}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(err) => view! { <p class="problem">{t::portal_error(&err)}</p> }.into_any(),
            })}</Suspense>
        </div>
    }
}
