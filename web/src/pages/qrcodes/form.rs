//! Making a QR code: its name, its purpose and what the purpose names (a class, a group,
//! an activity from the caller's own lists, or a student page), and whether it is
//! temporary (1 to 30 days) or permanent (the account's 100 000, never given back).

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::qrcodes::MAX_TEMPORARY_SECONDS;
use shared::{NewQrCode, QrCode, QrPurpose};

use crate::api;
use crate::components::{Field, Notice};
use crate::i18n::t;

const PURPOSES: [QrPurpose; 4] = [QrPurpose::JoinClass, QrPurpose::JoinGroup, QrPurpose::SignUp, QrPurpose::OpenPage];

/// (id, name) choices for a purpose's target, from the caller's own lists.
async fn choices(purpose: QrPurpose) -> api::ApiResult<Vec<(i64, String)>> {
    Ok(match purpose {
        QrPurpose::JoinClass => {
            api::people::classes(String::new(), 1, 100).await?.items.into_iter().map(|c| (c.id, c.name)).collect()
        }
        QrPurpose::JoinGroup => {
            api::people::groups(String::new(), 1).await?.items.into_iter().map(|g| (g.id, g.name)).collect()
        }
        QrPurpose::SignUp => api::activities::list(1).await?.items.into_iter().map(|a| (a.id, a.title)).collect(),
        QrPurpose::OpenPage => Vec::new(),
    })
}

#[component]
pub fn QrCodeForm(on_made: Callback<QrCode>, on_cancel: Callback<()>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let purpose = RwSignal::new(QrPurpose::JoinClass);
    let target = RwSignal::new(String::new());
    let page = RwSignal::new("/s/notices".to_string());
    let permanent = RwSignal::new(false);
    let days = RwSignal::new("7".to_string());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));
    let options = LocalResource::new(move || choices(purpose.get()));

    let submit = move |_| {
        let chosen = purpose.get_untracked();
        let id = target.get_untracked().parse::<i64>().ok();
        let days = days.get_untracked().trim().parse::<i64>().unwrap_or(0);
        let new = NewQrCode {
            name: name.get_untracked().trim().to_string(),
            purpose: chosen,
            class_id: id.filter(|_| chosen == QrPurpose::JoinClass),
            group_id: id.filter(|_| chosen == QrPurpose::JoinGroup),
            activity_id: id.filter(|_| chosen == QrPurpose::SignUp),
            page: (chosen == QrPurpose::OpenPage).then(|| page.get_untracked().trim().to_string()),
            expire_seconds: (!permanent.get_untracked()).then_some(days * 86_400),
        };
        let mut problems = BTreeMap::new();
        if let Err(found) = new.validate() {
            problems.extend(found.0.into_iter().map(|(f, p)| (f, t::problem(p))));
        }
        if !permanent.get_untracked() && !(1..=MAX_TEMPORARY_SECONDS / 86_400).contains(&days) {
            problems.insert("expire_seconds".into(), t::QR_DAYS_HINT.into());
        }
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        errors.set(BTreeMap::new());
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::qrcodes::create(&new).await {
                Ok(code) => on_made.run(code),
                Err(err) => {
                    let fields = ["name", "class_id", "group_id", "activity_id", "page", "expire_seconds"];
                    errors.set(
                        fields.iter().filter_map(|f| Some((f.to_string(), t::field_message(&err.field(f)?)))).collect(),
                    );
                    message.set(Some((false, t::error(&err))));
                }
            }
            busy.set(false);
        });
    };
    let target_field = move || {
        let field = match purpose.get() {
            QrPurpose::JoinClass => ("class_id", t::QR_CHOOSE_CLASS),
            QrPurpose::JoinGroup => ("group_id", t::QR_CHOOSE_GROUP),
            QrPurpose::SignUp => ("activity_id", t::QR_CHOOSE_ACTIVITY),
            QrPurpose::OpenPage => {
                return view! { <Field label=t::QR_PAGE name="qr-page" value=page error=error_of("page") hint=t::QR_PAGE_HINT /> }
                    .into_any()
            }
        };
        let (key, label) = field;
        view! {
            <div class="field" class:invalid=move || errors.with(|e| e.contains_key(key))>
                <label for="qr-target">{label}</label>
                <select id="qr-target" on:change=move |ev| target.set(event_target_value(&ev))>
                    <option value="">{label}</option>
                    {move || options.get().map(|list| {
                        let list = list.unwrap_or_default();
                        if list.is_empty() {
                            return view! { <option value="" disabled=true>{t::QR_NONE_TO_CHOOSE}</option> }.into_any();
                        }
                        list.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view().into_any()
                    })}
                </select>
                {move || errors.with(|e| e.get(key).cloned()).map(|p| view! { <small class="problem">{p}</small> })}
                {matches!(key, "class_id" | "group_id").then(|| view! { <small class="hint">{t::QR_TAG_HINT}</small> })}
            </div>
        }
        .into_any()
    };
    view! {
        <form class="card form-card" id="qrcode-form" novalidate on:submit=|ev| ev.prevent_default()>
            <h2>{t::NEW_QRCODE}</h2>
            <Notice message=message />
            <div class="grid2">
                <Field label=t::QR_NAME name="qr-name" value=name error=error_of("name") placeholder=t::QR_NAME_PLACEHOLDER />
                <div class="field">
                    <label for="qr-purpose">{t::QR_PURPOSE}</label>
                    <select id="qr-purpose" on:change=move |ev| {
                        if let Some(p) = QrPurpose::parse(&event_target_value(&ev)) {
                            target.set(String::new());
                            purpose.set(p);
                        }
                    }>
                        {PURPOSES.map(|p| view! { <option value=p.as_str()>{t::qr_purpose(p)}</option> })}
                    </select>
                </div>
            </div>
            {target_field}
            <div class="field">
                <span class="label">{t::QR_TYPE}</span>
                <div class="segmented" role="group" aria-label=t::QR_TYPE>
                    <button type="button" id="qr-temporary" class:chosen=move || !permanent.get() on:click=move |_| permanent.set(false)>{t::QR_TEMPORARY}</button>
                    <button type="button" id="qr-permanent" class:chosen=move || permanent.get() on:click=move |_| permanent.set(true)>{t::QR_PERMANENT}</button>
                </div>
            </div>
            <Show when=move || !permanent.get() fallback=|| view! { <p class="hint">{t::QR_PERMANENT_HINT}</p> }>
                <Field label=t::QR_DAYS name="qr-days" kind="number" value=days error=error_of("expire_seconds") hint=t::QR_DAYS_HINT />
            </Show>
            <div class="form-actions">
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{t::CANCEL}</button>
                <button type="submit" class="primary" id="qr-create" disabled=move || busy.get() on:click=submit>{t::QR_CREATE}</button>
            </div>
        </form>
    }
}
