//! Settings (admins): automatic remarks, teacher registration and its approval, the
//! school's name (printed on QR codes), the teachers waiting for approval, who answers followers bound to no one (消息), who edits
//! the account-wide auto-replies, and
//! repairing WeChat tags.

use leptos::prelude::*;
use shared::{Settings, SettingsPatch, User};

use crate::api;
use crate::components::{Empty, Notice, RequireAdmin};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! { <RequireAdmin><SettingsAdmin /></RequireAdmin> }
}

#[component]
fn SettingsAdmin() -> impl IntoView {
    let notice = RwSignal::new(None::<(bool, String)>);
    let version = RwSignal::new(0u32);
    let settings = LocalResource::new(move || {
        version.track();
        api::people::settings()
    });
    let pending = LocalResource::new(move || {
        version.track();
        api::people::pending_users()
    });
    let reload = move || version.update(|v| *v += 1);
    let change = move |patch: SettingsPatch| {
        leptos::task::spawn_local(async move {
            match api::people::update_settings(&patch).await {
                Ok(_) => notice.set(Some((true, t::SETTINGS_SAVED.into()))),
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
            reload();
        });
    };
    let toggle = move |label: &'static str,
                       on: fn(&Settings) -> bool,
                       patch: fn(bool) -> SettingsPatch,
                       s: &Settings| {
        let checked = on(s);
        view! {
            <label class="switch">
                <input type="checkbox" prop:checked=checked on:change=move |ev| change(patch(event_target_checked(&ev))) />
                <span>{label}</span>
            </label>
        }
    };
    let approve = move |user: User| {
        leptos::task::spawn_local(async move {
            match api::people::approve(user.id).await {
                Ok(_) => notice.set(Some((true, t::APPROVED.into()))),
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
            reload();
        });
    };
    let teachers = LocalResource::new(|| api::users::list(String::new(), Some(shared::Role::Teacher), 1));
    // A list of teachers in the settings (who answers the unbound, who edits the account's
    // auto-replies): ticking one saves the list with them, unticking without.
    let picker = move |id: &'static str,
                       title: &'static str,
                       hint: &'static str,
                       of: fn(&Settings) -> Vec<i64>,
                       patch: fn(Vec<i64>) -> SettingsPatch| {
        view! {
            <div class="card" id=id>
                <h2>{title}</h2>
                <p class="hint">{hint}</p>
                {move || {
                    let chosen = settings.get().and_then(|s| s.ok()).map(|s| of(&s)).unwrap_or_default();
                    teachers.get().and_then(|p| p.ok()).map(|p| if p.items.is_empty() {
                        view! { <Empty text=t::NO_TEACHERS_YET /> }.into_any()
                    } else {
                        view! {
                            <div class="settings">
                                {p.items.into_iter().map(|user| {
                                    let current = chosen.clone();
                                    let on = chosen.contains(&user.id);
                                    view! {
                                        <label class="switch">
                                            <input type="checkbox" prop:checked=on on:change=move |ev| {
                                                let mut list: Vec<i64> = current.iter().copied().filter(|x| *x != user.id).collect();
                                                if event_target_checked(&ev) {
                                                    list.push(user.id);
                                                }
                                                change(patch(list));
                                            } />
                                            <span>{user.display_name.clone()}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                        }.into_any()
                    })
                }}
            </div>
        }
    };
    let resync = move |_| {
        leptos::task::spawn_local(async move {
            match api::people::resync_tags().await {
                Ok(r) => notice.set(Some((true, t::resync_done(r.tagged, r.untagged, r.tags_created)))),
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
        });
    };
    view! {
        <section class="page">
            <h1>{t::SETTINGS_TITLE}</h1>
            <Notice message=notice />
            <div class="cards">
                <div class="card">
                    <h2>{t::SETTINGS_TITLE}</h2>
                    {move || settings.get().and_then(|s| s.ok()).map(|s| view! {
                        <div class="settings">
                            {toggle(t::SETTING_AUTO_REMARK, |s| s.auto_remark, |v| SettingsPatch { auto_remark: Some(v), ..Default::default() }, &s)}
                            {toggle(t::SETTING_REGISTRATION_OPEN, |s| s.registration_open, |v| SettingsPatch { registration_open: Some(v), ..Default::default() }, &s)}
                            {toggle(t::SETTING_REQUIRES_APPROVAL, |s| s.registration_requires_approval, |v| SettingsPatch { registration_requires_approval: Some(v), ..Default::default() }, &s)}
                        </div>
                    })}
                    {move || settings.get().and_then(|s| s.ok()).map(|s| view! {
                        <TextSetting id="school-name" label=t::SCHOOL_NAME placeholder=t::SCHOOL_NAME_PLACEHOLDER hint=t::SCHOOL_NAME_HINT
                            initial=s.school_name on_save=Callback::new(move |name: String| change(SettingsPatch { school_name: Some(name), ..Default::default() })) />
                        <TextSetting id="school-city" label=t::SCHOOL_CITY placeholder=t::SCHOOL_CITY_PLACEHOLDER hint=t::SCHOOL_CITY_HINT
                            initial=s.school_city on_save=Callback::new(move |city: String| change(SettingsPatch { school_city: Some(city), ..Default::default() })) />
                        <TextSetting id="term-start" label=t::TERM_START placeholder="" hint=t::TERM_START_HINT input_type="date"
                            initial=s.term_start on_save=Callback::new(move |day: String| change(SettingsPatch { term_start: Some(day), ..Default::default() })) />
                    })}
                    <hr />
                    <p class="hint">{t::TAG_RESYNC_HINT}</p>
                    <button class="secondary" on:click=resync>{t::TAG_RESYNC}</button>
                </div>
                {picker("stewards", t::STEWARDS_TITLE, t::STEWARDS_HINT, |s| s.inbox_stewards.clone(),
                    |list| SettingsPatch { inbox_stewards: Some(list), ..Default::default() })}
                {picker("auto-reply-editors", t::AR_EDITORS_TITLE, t::AR_EDITORS_HINT, |s| s.auto_reply_editors.clone(),
                    |list| SettingsPatch { auto_reply_editors: Some(list), ..Default::default() })}
                <div class="card" id="pending">
                    <h2>{t::PENDING_TITLE}</h2>
                    {move || pending.get().and_then(|p| p.ok()).map(|p| if p.items.is_empty() {
                        view! { <Empty text=t::NO_PENDING /> }.into_any()
                    } else {
                        view! {
                            <ul class="pending">
                                {p.items.into_iter().map(|user| {
                                    let who = user.clone();
                                    view! {
                                        <li>
                                            <span><strong>{user.display_name.clone()}</strong>" "<code>{user.username.clone()}</code>
                                                <small class="hint">" "{t::REGISTERED_AT}" "{datetime(&user.created_at)}</small></span>
                                            <button class="primary" on:click=move |_| approve(who.clone())>{t::APPROVE}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                </div>
            </div>
        </section>
    }
}

/// One line of text (the school's name, its city, the term's first day), saved on its own
/// button.
#[component]
fn TextSetting(
    id: &'static str,
    label: &'static str,
    placeholder: &'static str,
    hint: &'static str,
    initial: String,
    on_save: Callback<String>,
    #[prop(default = "text")] input_type: &'static str,
) -> impl IntoView {
    let value = RwSignal::new(initial);
    let input = format!("f-{id}");
    view! {
        <div class="field" id=id>
            <label for=input.clone()>{label}</label>
            <div class="toolbar">
                <input id=input type=input_type maxlength="40" placeholder=placeholder bind:value=value />
                <button class="secondary" on:click=move |_| on_save.run(value.get_untracked().trim().to_string())>{t::SAVE}</button>
            </div>
            <small class="hint">{hint}</small>
        </div>
    }
}
