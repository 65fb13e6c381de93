//! `/s/guides/:id`: one procedure as a student reads it — title, office, when and where,
//! numbered steps (the server's sanitised HTML), materials linking to their document
//! (`/s/documents/{id}`), whom to ask with `tel:` links, and the day it was last checked.
//! `GuideView` is also the console editor's preview, so the author sees this very page.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::{ContactCard, PortalGuide};

use super::notices::failed;
use super::PortalGate;
use crate::api;
use crate::components::Loading;
use crate::i18n::t;

#[component]
pub fn PortalGuidePage() -> impl IntoView {
    view! { <PortalGate><GuidePage /></PortalGate> }
}

#[component]
fn GuidePage() -> impl IntoView {
    let params = use_params_map();
    let guide = LocalResource::new(move || {
        let id = params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        api::guides::portal_get(id)
    });
    view! {
        <div class="portal-nav">
            <A href="/s/guides" attr:class="link">{"‹ "}{t::PORTAL_GUIDES}</A>
        </div>
        <Transition fallback=Loading>
            {move || guide.get().map(|r| match r {
                Ok(g) => view! { <GuideView guide=g /> }.into_any(),
                Err(err) => failed(err),
            })}
        </Transition>
    }
}

/// A phone number as a link that dials it.
pub fn tel(phone: &str) -> impl IntoView {
    let href = format!("tel:{}", phone.chars().filter(|c| !c.is_whitespace()).collect::<String>());
    view! { <a href=href class="tel">{phone.to_string()}</a> }
}

/// Someone to ask: name (and title), phone, place, hours — the parts they have.
pub fn contact_card(card: ContactCard) -> impl IntoView {
    view! {
        <div class="guide-contact">
            <strong>{card.name}</strong>
            {(!card.title.is_empty()).then(|| view! { " "<small>{card.title.clone()}</small> })}
            <dl>
                {(!card.phone.is_empty()).then(|| view! { <dt>{t::OFFICE_PHONE}</dt><dd>{tel(&card.phone)}</dd> })}
                {(!card.place.is_empty()).then(|| view! { <dt>{t::OFFICE_PLACE}</dt><dd>{card.place.clone()}</dd> })}
                {(!card.hours.is_empty()).then(|| view! { <dt>{t::GUIDE_HOURS}</dt><dd>{card.hours.clone()}</dd> })}
            </dl>
        </div>
    }
}

#[component]
pub fn GuideView(guide: PortalGuide) -> impl IntoView {
    let g = guide;
    let office = g.office.clone();
    view! {
        <article class="card portal-guide" id="portal-guide">
            <h2>{g.title.clone()}</h2>
            {office.as_ref().map(|o| view! { <p class="hint guide-office">{o.name.clone()}</p> })}
            {(!g.summary.is_empty()).then(|| view! { <p class="guide-summary">{g.summary.clone()}</p> })}
            {(!g.when_where.is_empty()).then(|| view! {
                <p class="guide-when"><strong>{t::GUIDE_WHEN_WHERE_SHORT}</strong>{g.when_where.clone()}</p>
            })}
            {(!g.tags.is_empty()).then(|| view! {
                <p class="guide-tags">{g.tags.iter().map(|tag| view! { <span class="badge">{tag.clone()}</span> }).collect_view()}</p>
            })}
        </article>
        {(!g.steps_html.is_empty()).then(|| view! {
            <section class="card">
                <h3>{t::GUIDE_STEPS_TITLE}</h3>
                <ol class="guide-steps" id="guide-steps">
                    {g.steps_html.iter().map(|html| view! { <li><div class="notice-body" inner_html=html.clone()></div></li> }).collect_view()}
                </ol>
            </section>
        })}
        {(!g.materials.is_empty()).then(|| view! {
            <section class="card">
                <h3>{t::GUIDE_MATERIALS_TITLE}</h3>
                <ul class="portal-list guide-materials" id="guide-materials">
                    {g.materials.iter().map(|m| view! {
                        <li>
                            <span>{m.name.clone()}</span>
                            {m.document_id.map(|id| view! {
                                <A href=format!("/s/documents/{id}") attr:class="link" attr:title=m.document_title.clone().unwrap_or_default()>{t::GUIDE_OPEN_DOCUMENT}</A>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(office.is_some() || !g.contacts.is_empty()).then(|| {
            // The office responsible first, then the others named (not twice).
            let mut cards: Vec<ContactCard> = office.clone().into_iter().collect();
            cards.extend(g.contacts.iter().filter(|c| !cards_has(&office, c)).cloned());
            view! {
                <section class="card" id="guide-contacts">
                    <h3>{t::GUIDE_CONTACTS_TITLE}</h3>
                    {cards.into_iter().map(contact_card).collect_view()}
                </section>
            }
        })}
        {g.reviewed_on.clone().map(|d| view! { <p class="hint guide-reviewed" id="guide-reviewed">{t::guide_reviewed(&d)}</p> })}
    }
}

fn cards_has(office: &Option<ContactCard>, card: &ContactCard) -> bool {
    office.as_ref().is_some_and(|o| o.office_id.is_some() && o.office_id == card.office_id)
}
