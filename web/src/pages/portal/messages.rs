//! `/s/messages` (联系老师): the student's conversation with the school — what they asked,
//! in WeChat or here, and what teachers answered — and a box to write. A teacher's answer
//! shows here even when WeChat did not deliver it to the chat.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::ThreadMessage;

use super::PortalGate;
use crate::api::portal;
use crate::components::chat::extras;
use crate::components::{Empty, Loading};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn PortalMessages() -> impl IntoView {
    view! { <PortalGate><Messages /></PortalGate> }
}

#[component]
fn Messages() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        version.track();
        portal::messages()
    });
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let send = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match portal::write_message(body).await {
                Ok(_) => {
                    text.set(String::new());
                    error.set(None);
                    version.update(|v| *v += 1);
                }
                Err(err) => error.set(Some(t::portal_error(&err))),
            }
            busy.set(false);
        });
    };
    view! {
        <A href="/s/" attr:class="link">{"‹ "}{t::PORTAL_BACK}</A>
        <h2>{t::PORTAL_MESSAGES}</h2>
        <p class="hint">{t::PORTAL_MESSAGES_HINT}</p>
        <Transition fallback=Loading>
            {move || list.get().map(|r| match r {
                Ok(items) if items.is_empty() => view! { <Empty text=t::PORTAL_NO_MESSAGES /> }.into_any(),
                Ok(items) => view! {
                    <ul class="chat portal-chat" id="portal-messages">{items.into_iter().map(bubble).collect_view()}</ul>
                }.into_any(),
                Err(err) => view! { <div class="state error">{t::portal_error(&err)}</div> }.into_any(),
            })}
        </Transition>
        <form class="reply-box" on:submit=send>
            <textarea id="portal-message-text" rows="3" placeholder=t::PORTAL_MESSAGE_PLACEHOLDER aria-label=t::PORTAL_MESSAGES bind:value=text></textarea>
            {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <button type="submit" class="primary wide" id="portal-message-send" disabled=move || busy.get()>{t::PORTAL_SEND_MESSAGE}</button>
        </form>
    }
}

fn bubble(m: ThreadMessage) -> impl IntoView {
    // The student's own messages on the right, as in WeChat.
    let mine = m.direction == "in";
    if m.kind == "notice" {
        let id = m.notice_id.unwrap_or_default();
        return view! {
            <li class="msg">
                <div class="bubble notice-card">
                    <span class="channel">{t::PUSHED_NOTICE}</span>
                    <a href=format!("/s/notices/{id}")>{m.title.clone().unwrap_or_default()}</a>
                    <time>{datetime(&m.at)}</time>
                </div>
            </li>
        }
        .into_any();
    }
    let text = m.text.clone().unwrap_or_else(|| {
        if m.media_url.is_some() {
            String::new()
        } else {
            t::message_kind(&m.kind).to_string()
        }
    });
    let by = m.author.clone().map(|a| if m.kind == "auto" { t::AUTO_REPLY.to_string() } else { t::teacher_said(&a) });
    view! {
        <li class="msg" class:out=mine>
            <div class="bubble">
                {by.map(|a| view! { <span class="channel">{a}</span> })}
                {extras(&m)}
                {(!text.is_empty()).then(|| crate::components::chat::text(&text))}
                <time>{datetime(&m.at)}</time>
            </div>
        </li>
    }
    .into_any()
}
