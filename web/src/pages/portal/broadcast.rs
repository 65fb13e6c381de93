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
