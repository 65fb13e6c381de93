//! A student's attendance on their record: the rate and counts over every session they
//! were expected at, the history newest first; and behind a button (the look is written
//! to the audit log) their latest kept position, if they consented to keeping one.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::{StudentAttendance, StudentLocation};

use crate::api::{self, ClientError};
use crate::components::{percent, ErrorNotice, Loading, MiniBar};
use crate::format::datetime;
use crate::i18n::t;
use crate::pages::checkins::attendance_badge;

/// How many sessions of the history the card lists.
const SHOWN: usize = 10;

#[component]
pub fn AttendanceSection(id: i64) -> impl IntoView {
    let attendance = LocalResource::new(move || api::checkin::student_attendance(id));
    let all = RwSignal::new(false);
    let show = move |a: StudentAttendance| {
        let total = a.history.len();
        let rows = move || {
            let take = if all.get() { total } else { SHOWN };
            a.history
                .iter()
                .take(take)
                .map(|h| {
                    let title = h.title.clone();
                    view! {
                        <tr>
                            <td><A href=format!("/checkins/{}", h.session_id)>{title}</A></td>
                            <td class="nowrap">{datetime(&h.starts_at)}</td>
                            <td>{attendance_badge(h.status)}</td>
                        </tr>
                    }
                })
                .collect_view()
        };
        view! {
            <div class="attendance-summary" id="student-attendance">
                // Expected at no check-in: there is no rate to show, not a rate of 0%.
                {if a.expected == 0 {
                    view! { <strong class="attendance-rate">{t::NO_RATE}</strong> }.into_any()
                } else {
                    view! { <strong class="attendance-rate">{percent(a.rate)}</strong><MiniBar read=a.rate confirmed=None /> }.into_any()
                }}
                <span class="hint">{t::attendance_counts(a.expected, a.present, a.late, a.absent)}</span>
            </div>
            {if total == 0 {
                view! { <p class="hint">{t::NO_ATTENDANCE}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap flat">
                        <table>
                            <thead><tr><th>{t::CHECKIN_TITLE}</th><th>{t::TIME}</th><th>{t::STATUS}</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    {(total > SHOWN).then(|| view! {
                        <button class="link" on:click=move |_| all.update(|a| *a = !*a)>
                            {move || if all.get() { t::SHOW_LESS.to_string() } else { t::show_all(total) }}
                        </button>
                    })}
                }
                .into_any()
            }}
        }
    };
    view! {
        <section class="student-section">
            <h3>{t::ATTENDANCE}</h3>
            <Transition fallback=Loading>
                {move || attendance.get().map(|r| match r {
                    Ok(a) => show(a).into_any(),
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                })}
            </Transition>
            <LatestPosition id=id />
        </section>
    }
}

#[component]
fn LatestPosition(id: i64) -> impl IntoView {
    let answer = RwSignal::new(None::<Result<StudentLocation, ClientError>>);
    let busy = RwSignal::new(false);
    let look = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            answer.set(Some(api::checkin::student_location(id).await));
            busy.set(false);
        });
    };
    view! {
        <div class="latest-position" id="student-location">
            <button class="secondary" id="show-location" disabled=move || busy.get() on:click=look>{t::SHOW_LOCATION}</button>
            <small class="hint">{t::LOCATION_AUDITED}</small>
            {move || answer.get().map(|r| match r {
                Ok(l) => view! {
                    <p id="location-value">
                        <strong>{t::position(l.latitude, l.longitude, Some(l.precision_m))}</strong>
                        " "<span class="hint">{t::reported_at(&datetime(&l.at))}</span>
                    </p>
                }.into_any(),
                Err(err) if err.code() == Some("no_location") || matches!(err, ClientError::NotFound(_)) => {
                    view! { <p class="hint" id="location-value">{t::NO_LOCATION}</p> }.into_any()
                }
                Err(err) => view! { <p class="problem">{t::error(&err)}</p> }.into_any(),
            })}
        </div>
    }
}
