//! The daily broadcast's card on `/s/subscriptions` (每日播报): receive it or not, and at
//! what time of the morning; the same as 「订阅 每日播报 7:30」 / 「退订 每日播报」 by message.

use leptos::prelude::*;
use shared::BroadcastSubscription;

use crate::api::portal;
use crate::i18n::t;

#[component]
pub fn BroadcastCard() -> impl IntoView {
    let state = RwSignal::new(None::<BroadcastSubscription>);
    let time = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let shown = move |s: BroadcastSubscription| {
        time.set(s.time.clone());
        state.set(Some(s));
    };
    leptos::task::spawn_local(async move {
        match portal::broadcast().await {
            Ok(s) => shown(s),
            Err(err) => message.set(Some((false, t::portal_error(&err)))),
        }
    });
    let change = move |on: bool| {
        leptos::task::spawn_local(async move {
            let answer = if on {
                portal::subscribe_broadcast(time.get_untracked()).await
            } else {
                portal::unsubscribe_broadcast().await
            };
            match answer {
                Ok(s) => {
                    let done = if s.subscribed { t::broadcast_at(&s.time) } else { t::BROADCAST_STOPPED.to_string() };
                    shown(s);
                    message.set(Some((true, done)));
                }
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
        });
    };
    view! {
        <div class="card" id="broadcast">
            <h3>{t::BROADCAST_TITLE}</h3>
            <p class="hint">{t::BROADCAST_INTRO}</p>
            {move || state.get().map(|s| view! {
                <label class="switch">
                    <input type="checkbox" role="switch" id="broadcast-on" prop:checked=s.subscribed
                        on:change=move |ev| change(event_target_checked(&ev)) />
                    <span>{if s.subscribed { t::BROADCAST_RECEIVING } else { t::BROADCAST_OFF }}</span>
                </label>
                <div class="toolbar">
                    <label for="broadcast-time">{t::BROADCAST_TIME}</label>
                    <input id="broadcast-time" type="time" bind:value=time />
                    <button class="secondary" id="broadcast-save" on:click=move |_| change(true)>
                        {if s.subscribed { t::BROADCAST_CHANGE_TIME } else { t::BROADCAST_SUBSCRIBE }}
                    </button>
                </div>
            })}
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "alert success" } else { "alert error" } role="status">{m}</p> })}
        </div>
    }
}

/// `/s/broadcast/:id`: the day's broadcast its message linked to — the text line by line,
/// the day's recommendation as a link when it has one, and where to change the time.
/// Opening it is what the console counts as opened.
#[component]
pub fn PortalBroadcastDay() -> impl IntoView {
    view! { <super::PortalGate><BroadcastDayPage /></super::PortalGate> }
}

#[component]
fn BroadcastDayPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let day = LocalResource::new(move || {
        let id = params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        portal::broadcast_day(id)
    });
    view! {
        <Transition fallback=crate::components::Loading>
            {move || day.get().map(|r| match r {
                Ok(d) => {
                    let link = d.item.as_ref().filter(|i| !i.url.is_empty()).map(|i| (i.url.clone(), i.title.clone()));
                    view! {
                        <article class="card broadcast-day" id="broadcast-day">
                            <h2>{t::broadcast_day_title(&d.date)}</h2>
                            {d.text.lines().map(|line| view! { <p>{line.to_string()}</p> }).collect_view()}
                            {link.map(|(url, title)| view! {
                                <a class="button primary" href=url rel="noopener">{t::broadcast_open_item(&title)}</a>
                            })}
                        </article>
                        <p class="hint portal-foot">
                            <leptos_router::components::A href="/s/subscriptions" attr:class="link">{t::BROADCAST_CHANGE_LINK}</leptos_router::components::A>
                        </p>
                    }
                    .into_any()
                }
                Err(err) => super::notices::failed(err),
            })}
        </Transition>
    }
}
