//! Starting a check-in (`/checkins/new`): a title, who is expected (the notices' audience
//! picker, without "every follower"), when it opens, counts as late and closes, and how
//! students prove they are there — the rotating QR code, the six-digit code, a geofence
//! (filled in by hand or from the teacher's own position), or a combination. The methods
//! part is shared with an activity's check-in.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::{Audience, CheckinMethod, Geofence, NewCheckinSession, Urgency};

use crate::api;
use crate::components::{Field, Notice};
use crate::format::{datetime_input, parse_datetime_input};
use crate::i18n::t;
use crate::pages::notices::AudiencePicker;
use crate::position;

/// The methods, the code's rotation and the geofence, as the form holds them.
#[derive(Clone, Copy)]
pub struct MethodsDraft {
    pub qr: RwSignal<bool>,
    pub code: RwSignal<bool>,
    pub geo: RwSignal<bool>,
    pub rotate: RwSignal<String>,
    pub latitude: RwSignal<String>,
    pub longitude: RwSignal<String>,
    pub radius: RwSignal<String>,
}

impl MethodsDraft {
    pub fn new() -> MethodsDraft {
        MethodsDraft {
            qr: RwSignal::new(true),
            code: RwSignal::new(true),
            geo: RwSignal::new(false),
            rotate: RwSignal::new(shared::checkin::DEFAULT_ROTATE_SECONDS.to_string()),
            latitude: RwSignal::new(String::new()),
            longitude: RwSignal::new(String::new()),
            radius: RwSignal::new("100".into()),
        }
    }

    pub fn methods(&self) -> Vec<CheckinMethod> {
        [(self.qr, CheckinMethod::Qr), (self.code, CheckinMethod::Code), (self.geo, CheckinMethod::Geo)]
            .into_iter()
            .filter(|(on, _)| on.get_untracked())
            .map(|(_, m)| m)
            .collect()
    }

    /// Unreadable numbers become values the shared rules refuse, so the form says so.
    pub fn rotate_seconds(&self) -> Option<i64> {
        let text = self.rotate.get_untracked();
        let rotating = self.qr.get_untracked() || self.code.get_untracked();
        (rotating && !text.trim().is_empty()).then(|| text.trim().parse().unwrap_or(0))
    }

    pub fn geofence(&self) -> Option<Geofence> {
        let read = |s: RwSignal<String>| s.get_untracked().trim().parse::<f64>().unwrap_or(f64::NAN);
        self.geo.get_untracked().then(|| Geofence {
            latitude: read(self.latitude),
            longitude: read(self.longitude),
            radius_m: self.radius.get_untracked().trim().parse().unwrap_or(0),
        })
    }
}

impl Default for MethodsDraft {
    fn default() -> Self {
        MethodsDraft::new()
    }
}

/// The fields of a field-problem map that belong to the methods part.
pub const METHOD_FIELDS: [&str; 6] =
    ["methods", "rotate_seconds", "geofence", "geofence.latitude", "geofence.longitude", "geofence.radius_m"];

#[component]
pub fn MethodsFields(draft: MethodsDraft, errors: RwSignal<BTreeMap<String, String>>) -> impl IntoView {
    let error_of = move |f: &'static str| move || errors.with(|e| e.get(f).cloned());
    let locating = RwSignal::new(false);
    let located = RwSignal::new(None::<Result<Option<f64>, position::PositionError>>);
    let use_mine = move |_| {
        locating.set(true);
        located.set(None);
        leptos::task::spawn_local(async move {
            let fix = position::current().await;
            locating.set(false);
            if let Ok(fix) = fix {
                draft.latitude.set(format!("{:.6}", fix.latitude));
                draft.longitude.set(format!("{:.6}", fix.longitude));
            }
            located.set(Some(fix.map(|f| f.accuracy_m)));
        });
    };
    let check = move |on: RwSignal<bool>, id: &'static str, label: &'static str, hint: &'static str| {
        view! {
            <label class="method-choice" class:chosen=move || on.get()>
                <input type="checkbox" id=id prop:checked=move || on.get() on:change=move |ev| on.set(event_target_checked(&ev)) />
                <span><strong>{label}</strong><small class="hint">{hint}</small></span>
            </label>
        }
    };
    let problem = move |f: &'static str| {
        move || errors.with(|e| e.get(f).cloned()).map(|p| view! { <small class="problem">{p}</small> })
    };
    view! {
        <fieldset class="methods" class:invalid=move || error_of("methods")().is_some()>
            <legend>{t::CHECKIN_METHODS}</legend>
            <div class="method-choices">
                {check(draft.qr, "method-qr", t::METHOD_QR, t::METHOD_QR_HINT)}
                {check(draft.code, "method-code", t::METHOD_CODE, t::METHOD_CODE_HINT)}
                {check(draft.geo, "method-geo", t::METHOD_GEO, t::METHOD_GEO_HINT)}
            </div>
            {problem("methods")}
            <p class="hint">{t::METHODS_COMBINE_HINT}</p>
            <Show when=move || draft.qr.get() || draft.code.get()>
                <div class="field inline-field" class:invalid=move || error_of("rotate_seconds")().is_some()>
                    <label for="rotate-seconds">{t::ROTATE_SECONDS}</label>
                    <input type="number" id="rotate-seconds" min="5" max="300" step="1" bind:value=draft.rotate />
                    <small class="hint">{t::ROTATE_HINT}</small>
                    {problem("rotate_seconds")}
                </div>
            </Show>
            <Show when=move || draft.geo.get()>
                <div class="geofence" class:invalid=move || error_of("geofence")().is_some()>
                    <div class="geofence-inputs">
                        <div class="field" class:invalid=move || error_of("geofence.latitude")().is_some()>
                            <label for="geo-lat">{t::LATITUDE}</label>
                            <input type="number" id="geo-lat" step="0.000001" placeholder="31.230416" bind:value=draft.latitude />
                            {problem("geofence.latitude")}
                        </div>
                        <div class="field" class:invalid=move || error_of("geofence.longitude")().is_some()>
                            <label for="geo-lng">{t::LONGITUDE}</label>
                            <input type="number" id="geo-lng" step="0.000001" placeholder="121.473701" bind:value=draft.longitude />
                            {problem("geofence.longitude")}
                        </div>
                        <div class="field" class:invalid=move || error_of("geofence.radius_m")().is_some()>
                            <label for="geo-radius">{t::RADIUS_M}</label>
                            <input type="number" id="geo-radius" min="10" max="5000" step="10" bind:value=draft.radius />
                            {problem("geofence.radius_m")}
                        </div>
                    </div>
                    {problem("geofence")}
                    <div class="inline-form">
                        <button type="button" class="secondary" id="use-my-position" disabled=move || locating.get() on:click=use_mine>
                            {move || if locating.get() { t::LOCATING } else { t::USE_MY_POSITION }}
                        </button>
                        {move || located.get().map(|r| match r {
                            Ok(accuracy) => view! { <small class="hint" id="position-filled">{t::position_filled(accuracy)}</small> }.into_any(),
                            Err(e) => view! { <small class="problem">{t::position_error(e)}</small> }.into_any(),
                        })}
                    </div>
                    <p class="hint">{t::GEOFENCE_HINT}</p>
                </div>
            </Show>
        </fieldset>
    }
}

#[component]
pub fn CheckinNewPage() -> impl IntoView {
    let navigate = use_navigate();
    let now = Utc::now();
    let title = RwSignal::new(String::new());
    let audience = RwSignal::new(Audience::default());
    let starts = RwSignal::new(datetime_input(&now));
    let ends = RwSignal::new(datetime_input(&(now + Duration::minutes(15))));
    let late = RwSignal::new(String::new());
    let draft = MethodsDraft::new();
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));
    let lasting = move |minutes: i64| {
        let start = parse_datetime_input(&starts.get_untracked()).unwrap_or_else(Utc::now);
        ends.set(datetime_input(&(start + Duration::minutes(minutes))));
    };

    let submit = move |_| {
        let start = parse_datetime_input(&starts.get_untracked());
        let end = parse_datetime_input(&ends.get_untracked());
        let late_text = late.get_untracked();
        let late_after = parse_datetime_input(&late_text);
        let mut problems = BTreeMap::new();
        if start.is_none() {
            problems.insert("starts_at".to_string(), t::problem(shared::Problem::Required));
        }
        if end.is_none() {
            problems.insert("ends_at".to_string(), t::problem(shared::Problem::Required));
        }
        if !late_text.trim().is_empty() && late_after.is_none() {
            problems.insert("late_after".to_string(), t::problem(shared::Problem::Invalid));
        }
        let (Some(starts_at), Some(ends_at)) = (start, end) else {
            errors.set(problems);
            return;
        };
        let new = NewCheckinSession {
            title: title.get_untracked().trim().to_string(),
            audience: audience.get_untracked(),
            starts_at,
            ends_at,
            late_after,
            methods: draft.methods(),
            rotate_seconds: draft.rotate_seconds(),
            geofence: draft.geofence(),
        };
        if let Err(found) = new.validate() {
            problems.extend(found.0.into_iter().map(|(f, p)| (f.clone(), t::checkin_field_problem(&f, p))));
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
            match api::checkin::create(&new).await {
                Ok(s) => navigate(&format!("/checkins/{}", s.id), Default::default()),
                Err(err) => {
                    busy.set(false);
                    let fields = ["title", "audience", "starts_at", "ends_at", "late_after"];
                    errors.set(
                        fields
                            .iter()
                            .chain(METHOD_FIELDS.iter())
                            .filter_map(|f| Some((f.to_string(), t::field_message(&err.field(f)?))))
                            .collect(),
                    );
                    message.set(Some((false, t::error(&err))));
                }
            }
        });
    };
    let time_field = move |id: &'static str,
                           field: &'static str,
                           label: &'static str,
                           value: RwSignal<String>,
                           hint: &'static str| {
        view! {
            <div class="field" class:invalid=move || errors.with(|e| e.contains_key(field))>
                <label for=id>{label}</label>
                <input id=id type="datetime-local" bind:value=value />
                {move || match errors.with(|e| e.get(field).cloned()) {
                    Some(p) => view! { <small class="problem">{p}</small> }.into_any(),
                    None => view! { <small class="hint">{hint}</small> }.into_any(),
                }}
            </div>
        }
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::NEW_CHECKIN}</h1>
                <A href="/checkins" attr:class="button secondary">{t::CANCEL}</A>
            </div>
            <Notice message=message />
            <form class="card form-card checkin-form" novalidate on:submit=|ev| ev.prevent_default()>
                <Field label=t::CHECKIN_TITLE name="checkin-title" value=title error=error_of("title") placeholder=t::CHECKIN_TITLE_PLACEHOLDER />
                <AudiencePicker audience=audience category_id=Signal::derive(|| None) urgency=Signal::derive(|| Urgency::Normal)
                    error=error_of("audience") no_public=true legend=t::CHECKIN_AUDIENCE count_hint=t::CHECKIN_COUNT_HINT />
                <div class="grid3">
                    {time_field("checkin-starts", "starts_at", t::STARTS_AT, starts, "")}
                    {time_field("checkin-ends", "ends_at", t::ENDS_AT, ends, "")}
                    {time_field("checkin-late", "late_after", t::LATE_AFTER, late, t::LATE_AFTER_HINT)}
                </div>
                <div class="inline-form durations">
                    <span class="hint">{t::LASTING}</span>
                    {[5, 10, 15, 30, 45, 90].map(|m| view! {
                        <button type="button" class="secondary small" on:click=move |_| lasting(m)>{t::minutes(m)}</button>
                    })}
                </div>
                <MethodsFields draft=draft errors=errors />
                <div class="form-actions">
                    <button type="button" class="primary" id="create-checkin" disabled=move || busy.get() on:click=submit>
                        {move || if busy.get() { t::SAVING } else { t::START_CHECKIN }}
                    </button>
                </div>
            </form>
        </section>
    }
}
