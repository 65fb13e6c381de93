//! My teacher profile (what students may see) and my WeChat, bound by scanning a QR
//! code; the page looks again every few seconds until the scan lands.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{TeacherBinding, TeacherProfilePatch};

use crate::api;
use crate::components::{Field, Notice};
use crate::i18n::t;

#[component]
pub fn ProfileCard() -> impl IntoView {
    let title = RwSignal::new(String::new());
    let office = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let public = RwSignal::new(false);
    let notice = RwSignal::new(None::<(bool, String)>);
    let no_error = Signal::derive(|| None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(p) = api::people::my_profile().await {
            title.set(p.title);
            office.set(p.office);
            phone.set(p.phone);
            email.set(p.email);
            public.set(p.contact_public);
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let patch = TeacherProfilePatch {
            title: Some(title.get_untracked()),
            office: Some(office.get_untracked()),
            phone: Some(phone.get_untracked()),
            email: Some(email.get_untracked()),
            contact_public: Some(public.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match api::people::update_my_profile(&patch).await {
                Ok(_) => notice.set(Some((true, t::PROFILE_SAVED.into()))),
                Err(err) => notice.set(Some((
                    false,
                    err.field("phone")
                        .or(err.field("email"))
                        .map(|m| t::field_message(&m))
                        .unwrap_or_else(|| t::error(&err)),
                ))),
            }
        });
    };
    view! {
        <form class="card" on:submit=submit novalidate>
            <h2>{t::PROFILE_TITLE}</h2>
            <Notice message=notice />
            <Field label=t::TITLE name="profile-title" value=title error=no_error />
            <Field label=t::OFFICE name="profile-office" value=office error=no_error />
            <Field label=t::PHONE name="profile-phone" value=phone error=no_error />
            <Field label=t::EMAIL name="profile-email" value=email error=no_error />
            <label class="switch">
                <input type="checkbox" prop:checked=move || public.get() on:change=move |ev| public.set(event_target_checked(&ev)) />
                <span>{t::CONTACT_PUBLIC}</span>
            </label>
            <div class="form-actions"><button type="submit" class="primary">{t::SAVE}</button></div>
        </form>
    }
}

#[component]
pub fn WechatCard() -> impl IntoView {
    let binding = RwSignal::new(None::<TeacherBinding>);
    let error = RwSignal::new(None::<String>);
    // Not a signal: the loop below outlives the page, and a disposed signal panics when read.
    let alive = crate::pages::mounted();
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::people::my_wechat().await {
                Ok(b) => binding.set(Some(b)),
                Err(err) => error.set(Some(t::error(&err))),
            }
        })
    };
    load();
    // Until bound, look again every 3 seconds (the scan happens on a phone).
    leptos::task::spawn_local(async move {
        loop {
            crate::pages::pause(3000).await;
            // Checked first: once the page is gone its signals are too.
            if !alive.load(std::sync::atomic::Ordering::Relaxed) || binding.get_untracked().is_some_and(|b| b.bound) {
                break;
            }
            if let Ok(b) = api::people::my_wechat().await {
                if alive.load(std::sync::atomic::Ordering::Relaxed) {
                    binding.set(Some(b));
                }
            }
        }
    });
    let unbind = move |_| {
        leptos::task::spawn_local(async move {
            match api::people::unbind_my_wechat().await {
                Ok(()) => load(),
                Err(err) => error.set(Some(t::error(&err))),
            }
        });
    };
    view! {
        <div class="card" id="my-wechat">
            <h2>{t::MY_WECHAT}</h2>
            {move || error.get().map(|e| view! { <p class="alert error">{e}</p> })}
            {move || binding.get().map(|b| if b.bound {
                view! {
                    <p class="alert success" role="status">{t::WECHAT_BOUND}</p>
                    <button class="secondary" on:click=unbind>{t::WECHAT_UNBIND}</button>
                }.into_any()
            } else {
                let url = b.qr_image_url.clone().unwrap_or_default();
                let scan_page = url.split("/cgi-bin/showqrcode?ticket=").collect::<Vec<_>>();
                // In mock mode the QR code leads to the mock's scan page; offer it as a link.
                let mock_scan = (scan_page.len() == 2 && url.contains("/mock-wechat/")).then(|| format!("{}/sim/scan?ticket={}", scan_page[0], scan_page[1]));
                view! {
                    <p class="hint">{t::WECHAT_SCAN}</p>
                    <img class="qr" src=url alt=t::MY_WECHAT width="200" height="200" />
                    {mock_scan.map(|href| view! { <p><a href=href target="_blank" rel="noopener">{t::OPEN_SCAN_PAGE}" ↗"</a></p> })}
                }.into_any()
            })}
        </div>
    }
}
