//! Publishing an activity (`/activities/new`): title, description, place, start and end,
//! the number of places, the sign-up deadline (at the latest the start) and who may sign
//! up (classes, groups, students, or — for admins — every bound student).

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::{Audience, NewActivity, Urgency};

use crate::api;
use crate::components::{Field, Notice};
use crate::format::{datetime_input, parse_datetime_input};
use crate::i18n::t;
use crate::pages::notices::AudiencePicker;

#[component]
pub fn ActivityNewPage() -> impl IntoView {
    let navigate = use_navigate();
    let start = Utc::now() + Duration::days(3);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let place = RwSignal::new(String::new());
    let starts = RwSignal::new(datetime_input(&start));
    let ends = RwSignal::new(datetime_input(&(start + Duration::hours(2))));
    let deadline = RwSignal::new(datetime_input(&(start - Duration::days(1))));
    let capacity = RwSignal::new("100".to_string());
    let audience = RwSignal::new(Audience::default());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));

    let submit = move |_| {
        let times = [starts, ends, deadline].map(|s| parse_datetime_input(&s.get_untracked()));
        let mut problems = BTreeMap::new();
        for (field, time) in ["starts_at", "ends_at", "signup_until"].iter().zip(times.iter()) {
            if time.is_none() {
                problems.insert(field.to_string(), t::problem(shared::Problem::Required));
            }
        }
        let [Some(starts_at), Some(ends_at), Some(signup_until)] = times else {
            errors.set(problems);
            return;
        };
        let new = NewActivity {
            title: title.get_untracked().trim().to_string(),
            description: description.get_untracked().trim().to_string(),
            place: place.get_untracked().trim().to_string(),
            starts_at,
            ends_at,
            capacity: capacity.get_untracked().trim().parse().unwrap_or(0),
            signup_until,
            audience: audience.get_untracked(),
        };
        if let Err(found) = new.validate(Utc::now()) {
            problems.extend(found.0.into_iter().map(|(f, p)| (f.clone(), t::activity_field_problem(&f, p))));
        }
        if !problems.is_empty() {
            errors.set(problems);
            message.set(None);
            return;
        }
        errors.set(BTreeMap::new());
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::activities::create(&new).await {
                Ok(a) => navigate(&format!("/activities/{}", a.id), Default::default()),
                Err(err) => {
                    busy.set(false);
                    let fields = [
                        "title",
                        "description",
                        "place",
                        "starts_at",
                        "ends_at",
                        "capacity",
                        "signup_until",
                        "audience",
                    ];
                    errors.set(
                        fields.iter().filter_map(|f| Some((f.to_string(), t::field_message(&err.field(f)?)))).collect(),
                    );
                    message.set(Some((false, t::error(&err))));
                }
            }
        });
    };
    let time_field = move |id: &'static str, field: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field" class:invalid=move || errors.with(|e| e.contains_key(field))>
                <label for=id>{label}</label>
                <input id=id type="datetime-local" bind:value=value />
                {move || errors.with(|e| e.get(field).cloned()).map(|p| view! { <small class="problem">{p}</small> })}
            </div>
        }
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::NEW_ACTIVITY}</h1>
                <A href="/activities" attr:class="button secondary">{t::CANCEL}</A>
            </div>
            <Notice message=message />
            <form class="card form-card" novalidate on:submit=|ev| ev.prevent_default()>
                <Field label=t::ACTIVITY_TITLE name="activity-title" value=title error=error_of("title") placeholder=t::ACTIVITY_TITLE_PLACEHOLDER />
                <div class="field" class:invalid=move || errors.with(|e| e.contains_key("description"))>
                    <label for="activity-description">{t::ACTIVITY_DESCRIPTION}</label>
                    <textarea id="activity-description" class="short" rows="4" placeholder=t::DESCRIPTION_PLACEHOLDER bind:value=description></textarea>
                    {move || errors.with(|e| e.get("description").cloned()).map(|p| view! { <small class="problem">{p}</small> })}
                </div>
                <div class="grid2">
                    <Field label=t::PLACE name="activity-place" value=place error=error_of("place") placeholder=t::PLACE_PLACEHOLDER />
                    <Field label=t::CAPACITY name="activity-capacity" kind="number" value=capacity error=error_of("capacity") hint=t::CAPACITY_HINT />
                </div>
                <div class="grid3">
                    {time_field("activity-starts", "starts_at", t::STARTS_AT, starts)}
                    {time_field("activity-ends", "ends_at", t::ENDS_AT, ends)}
                    {time_field("activity-deadline", "signup_until", t::SIGNUP_UNTIL, deadline)}
                </div>
                <AudiencePicker audience=audience category_id=Signal::derive(|| None) urgency=Signal::derive(|| Urgency::Normal)
                    error=error_of("audience") legend=t::ACTIVITY_AUDIENCE
                    public_text=(t::ALL_BOUND_STUDENTS, t::ALL_BOUND_STUDENTS_HINT) count_hint=t::ACTIVITY_COUNT_HINT />
                <div class="form-actions">
                    <button type="button" class="primary" id="create-activity" disabled=move || busy.get() on:click=submit>
                        {move || if busy.get() { t::SAVING } else { t::PUBLISH_ACTIVITY }}
                    </button>
                </div>
            </form>
        </section>
    }
}
