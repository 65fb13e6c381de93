//! The student pages inside WeChat (`/s/…`): phone width, no console login. Who the
//! student is comes from WeChat's web authorisation; without a token the page goes
//! through it first and comes back.

mod activities;
mod bind;
mod broadcast;
mod cadre;
mod checkin;
mod comments;
mod consent;
mod documents;
mod guide;
mod guides;
mod home;
mod messages;
mod notice;
mod notices;
mod search;
mod subscriptions;
mod teachers;
mod topics;
mod vote;
mod wx_subscribe;

pub use activities::PortalActivities;
pub use bind::PortalBind;
pub use broadcast::PortalBroadcastDay;
pub use checkin::{PortalCheckin, PortalCheckins};
pub use documents::PortalDocuments;
pub use guide::{GuideView, PortalGuidePage};
pub use guides::PortalGuides;
pub use home::PortalHome;
pub use messages::PortalMessages;
pub use notice::PortalNotice;
pub use notices::PortalNotices;
pub use search::PortalSearch;
pub use subscriptions::PortalSubscriptions;
pub use teachers::PortalTeachers;
pub use topics::{pictures, PortalTopic, PortalTopics};

use leptos::prelude::*;

use crate::api::portal;
use crate::i18n::t;

/// Shows the page once the student token is there; otherwise fetches one from WeChat,
/// or says why it could not.
#[component]
pub fn PortalGate(children: ChildrenFn) -> impl IntoView {
    let error = portal::oauth_error();
    let token = portal::token();
    if error.is_none() && token.is_none() {
        portal::authorise();
    }
    let children = StoredValue::new(children);
    view! {
        <main class="portal">
            <header class="portal-head">
                <span class="logo" aria-hidden="true">"班"</span>
                <strong>{t::PORTAL_TITLE}</strong>
            </header>
            {match (error, token) {
                (Some(code), _) => {
                    crate::drop_first_view();
                    view! {
                    <div class="state error">
                        <p>{t::portal_oauth_error(&code)}</p>
                        <button class="primary" on:click=|_| portal::authorise()>{t::PORTAL_RETRY}</button>
                    </div>
                }.into_any()
                }
                (None, Some(_)) => children.read_value()().into_any(),
                (None, None) => view! { <div class="state loading"><span class="spinner"></span>{t::PORTAL_SIGNING_IN}</div> }.into_any(),
            }}
        </main>
    }
}
