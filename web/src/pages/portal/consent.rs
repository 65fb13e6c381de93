//! The switch on the student's own page that lets Banji keep the position WeChat reports
//! (for check-ins that need one): only the latest position is kept, and turning the switch
//! off deletes it.

use leptos::prelude::*;
use shared::LocationConsent;

use crate::api;
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn ConsentSwitch() -> impl IntoView {
    let consent = RwSignal::new(None::<LocationConsent>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        match api::checkin::consent().await {
            Ok(c) => consent.set(Some(c)),
            Err(err) => problem.set(Some(t::portal_error(&err))),
        }
    });
    let change = move |on: bool| {
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::checkin::set_consent(on).await {
                Ok(c) => consent.set(Some(c)),
                Err(err) => problem.set(Some(t::portal_error(&err))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="card consent" id="location-consent">
            <label class="switch">
                <input type="checkbox" id="consent-switch" disabled=move || busy.get() || consent.with(Option::is_none)
                    prop:checked=move || consent.with(|c| c.as_ref().is_some_and(|c| c.consented))
                    on:change=move |ev| change(event_target_checked(&ev)) />
                <span>
                    <strong>{t::CONSENT_LABEL}</strong>
                    <small class="hint">{t::CONSENT_HINT}</small>
                    {move || consent.get().and_then(|c| c.since.filter(|_| c.consented)).map(|at| view! {
                        <small class="hint" id="consent-since">{t::consent_since(&datetime(&at))}</small>
                    })}
                </span>
            </label>
            {move || problem.get().map(|p| view! { <p class="problem">{p}</p> })}
        </div>
    }
}
