//! `/s/activities`: activities the student may join and those they joined — time, place,
//! places left, the deadline — with 报名 / 取消报名 while sign-ups are open, and their place
//! on the waiting list when it is full.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::{SignupStatus, StudentActivity};

use super::notices::failed;
use super::PortalGate;
use crate::api;
use crate::components::{Empty, Loading};
use crate::format::{datetime, time_range};
use crate::i18n::t;

#[component]
pub fn PortalActivities() -> impl IntoView {
    view! { <PortalGate><ActivityList /></PortalGate> }
}

#[component]
fn ActivityList() -> impl IntoView {
    let list = LocalResource::new(api::activities::mine);
    view! {
        <div class="portal-nav">
            <A href="/s/" attr:class="link">{"‹ "}{t::PORTAL_BACK}</A>
        </div>
        <h2>{t::PORTAL_ACTIVITIES}</h2>
        <Transition fallback=Loading>
            {move || list.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <Empty text=t::PORTAL_NO_ACTIVITIES /> }.into_any(),
                Ok(list) => view! {
                    <div class="activity-cards" id="portal-activities">
                        {list.into_iter().map(|a| view! { <ActivityCard activity=a /> }).collect_view()}
                    </div>
                }.into_any(),
                Err(err) => failed(err),
            })}
        </Transition>
    }
}

#[component]
fn ActivityCard(activity: StudentActivity) -> impl IntoView {
    let id = activity.id;
    let current = RwSignal::new(activity);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let act = move |join: bool| {
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let result =
                if join { api::activities::sign_up(id).await } else { api::activities::cancel_signup(id).await };
            busy.set(false);
            match result {
                Ok(a) => current.set(a),
                Err(err) => problem.set(Some(t::portal_error(&err))),
            }
        });
    };
    move || {
        let a = current.get();
        let left = (a.capacity - a.signed_up).max(0);
        let joined = matches!(a.my_status, Some(SignupStatus::SignedUp | SignupStatus::Waitlisted));
        let status = match a.my_status {
            Some(SignupStatus::SignedUp) => Some(view! { <span class="badge on">{t::SIGNED_UP}</span> }.into_any()),
            Some(SignupStatus::Waitlisted) => {
                Some(view! { <span class="badge warn">{t::waitlisted_at(a.waitlist_position)}</span> }.into_any())
            }
            Some(SignupStatus::Cancelled) => {
                Some(view! { <span class="badge">{t::SIGNUP_CANCELLED}</span> }.into_any())
            }
            None => None,
        };
        let closed_note =
            (!a.open).then(|| if a.signup_until <= Utc::now() { t::SIGNUP_CLOSED } else { t::SIGNUP_NOT_OPEN });
        view! {
            <article class="card activity-card" id=format!("activity-{id}")>
                <p class="notice-line"><strong class="activity-name">{a.title.clone()}</strong>{status}</p>
                <dl class="activity-facts">
                    <dt>{t::TIME}</dt><dd>{time_range(&a.starts_at, &a.ends_at)}</dd>
                    <dt>{t::PLACE}</dt><dd>{a.place.clone()}</dd>
                    <dt>{t::PLACES_LEFT}</dt>
                    <dd class:problem=left == 0>{t::places_left(left, a.capacity)}</dd>
                    <dt>{t::SIGNUP_UNTIL}</dt><dd>{datetime(&a.signup_until)}</dd>
                </dl>
                {(!a.description.is_empty()).then(|| view! { <p class="activity-description">{a.description.clone()}</p> })}
                {move || problem.get().map(|p| view! { <p class="alert error" role="alert">{p}</p> })}
                {match (a.open, joined) {
                    (true, false) => view! {
                        <button class="primary wide signup" disabled=move || busy.get() on:click=move |_| act(true)>
                            {if left == 0 { t::JOIN_WAITLIST } else { t::SIGN_UP }}
                        </button>
                    }.into_any(),
                    (true, true) => view! {
                        <button class="secondary wide cancel-signup" disabled=move || busy.get() on:click=move |_| act(false)>{t::CANCEL_SIGNUP}</button>
                    }.into_any(),
                    (false, _) => view! { <p class="hint center">{closed_note}</p> }.into_any(),
                }}
                <p class="hint small-text">{t::signup_code_hint(&a.code)}</p>
            </article>
        }
    }
}
