//! Every attempt at a session, accepted or refused, newest first: where it came from
//! (scan, message, page, 补签), the refusal's reason in words, the position and distance
//! from the fence's centre, and the flags; narrowed to the refused or the flagged.

use leptos::prelude::*;
use shared::CheckinAttempt;

use super::roll::flag_badges;
use crate::api::{self, checkin::AttemptFilter};
use crate::components::PagedTable;
use crate::format::short_datetime;
use crate::i18n::t;

#[component]
pub fn AttemptList(id: i64, version: RwSignal<u32>) -> impl IntoView {
    let filter = RwSignal::new(AttemptFilter::All);
    let page = RwSignal::new(1u32);
    let list = LocalResource::new(move || {
        version.track();
        api::checkin::attempts(id, filter.get(), page.get())
    });
    let button = move |which: AttemptFilter, button_id: &'static str, label: &'static str| {
        view! {
            <button type="button" id=button_id class:chosen=move || filter.get() == which
                aria-pressed=move || (filter.get() == which).to_string()
                on:click=move |_| { page.set(1); filter.set(which); }>{label}</button>
        }
    };
    let row = |a: CheckinAttempt| {
        let position = match (a.latitude, a.longitude) {
            (Some(lat), Some(lng)) => t::position(lat, lng, a.accuracy_m),
            _ => t::NONE_YET.to_string(),
        };
        view! {
            <tr class:refused=!a.accepted>
                <td class="nowrap">{short_datetime(&Some(a.at), t::NONE_YET)}</td>
                <td class="nowrap">{a.student_name.clone().unwrap_or_else(|| t::UNKNOWN_STUDENT.into())}</td>
                <td class="nowrap">{t::via(&a.via)}</td>
                <td>
                    {if a.accepted {
                        view! { <span class="badge on">{t::ACCEPTED}</span> }.into_any()
                    } else {
                        view! { <span class="badge off" title=a.reason.clone().unwrap_or_default()>{t::refusal(a.reason.as_deref().unwrap_or(""))}</span> }.into_any()
                    }}
                </td>
                <td class="nowrap">{a.distance_m.map(t::metres).unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td class="nowrap small-text">{position}</td>
                <td class="flags">{flag_badges(&a.flags)}</td>
            </tr>
        }
    };
    view! {
        <section class="card receipt-list" id="attempts">
            <div class="page-head">
                <h3>{t::ATTEMPTS_TITLE}</h3>
            </div>
            <div class="toolbar">
                <div class="segmented" role="group" aria-label=t::ATTEMPTS_TITLE>
                    {button(AttemptFilter::All, "attempts-all", t::ALL)}
                    {button(AttemptFilter::Refused, "attempts-refused", t::REFUSED)}
                    {button(AttemptFilter::Flagged, "attempts-flagged", t::FLAGGED)}
                </div>
            </div>
            <PagedTable list=list page=page
                headers=&[t::TIME, t::DELIVERY_STUDENT, t::VIA, t::RESULT, t::DISTANCE, t::POSITION, t::FLAGS]
                empty=t::NO_ATTEMPTS row=row retry=move |_| version.update(|v| *v += 1) />
        </section>
    }
}
