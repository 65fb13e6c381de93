//! 学生消息 on the phone: the inbox threads the teacher may answer (the console's 消息,
//! same scope), waiting ones first, and one thread with a text reply and 标为已处理.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::NewInboxReply;

use super::{PhoneHead, TeacherGate};
use crate::api::inbox::{self, Which};
use crate::components::{Empty, ErrorNotice, Loading};
use crate::i18n::t;

#[component]
pub fn TeacherMessages() -> impl IntoView {
    view! { <TeacherGate><Threads /></TeacherGate> }
}

#[component]
fn Threads() -> impl IntoView {
    let threads = LocalResource::new(|| inbox::threads(Which::All, None, String::new(), String::new(), 1));
    view! {
        <PhoneHead title=t::TP_MESSAGES back="/t/" />
        <Transition fallback=Loading>
            {move || threads.get().map(|r| match r {
                Ok(page) if page.items.is_empty() => view! { <Empty text=t::TP_NO_THREADS /> }.into_any(),
                Ok(page) => view! {
                    <ul class="phone-list" id="tp-threads">
                        {page.items.into_iter().map(|th| {
                            let who = th.name.clone().unwrap_or_else(|| t::UNKNOWN_FOLLOWER.into());
                            let class = th.class_name.clone().unwrap_or_default();
                            view! {
                                <li class:waiting=th.waiting_since.is_some()>
                                    <A href=format!("/t/messages/{}", th.openid)>
                                        <strong>{who}" "<small>{class}</small></strong>
                                        <small>{th.last_text.clone().unwrap_or_else(|| t::message_kind(&th.last_type).to_string())}</small>
                                    </A>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
pub fn TeacherThread() -> impl IntoView {
    view! { <TeacherGate><Thread /></TeacherGate> }
}

#[component]
fn Thread() -> impl IntoView {
    let params = use_params_map();
    let openid = move || params.read().get("openid").unwrap_or_default();
    let version = RwSignal::new(0u32);
    let thread = LocalResource::new(move || {
        version.track();
        inbox::thread(openid())
    });
    let text = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let reply = move |_| {
        let answer = NewInboxReply { text: text.get().trim().to_string(), ..Default::default() };
        if answer.text.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match inbox::reply(&openid(), &answer).await {
                Ok(_) => {
                    text.set(String::new());
                    message.set(None);
                }
                Err(err) => message.set(Some(t::tp_error(&err))),
            }
            version.update(|v| *v += 1);
        });
    };
    let handled = move |_| {
        leptos::task::spawn_local(async move {
            if let Err(err) = inbox::handled(&openid()).await {
                message.set(Some(t::tp_error(&err)));
            }
            version.update(|v| *v += 1);
        });
    };
    view! {
        <PhoneHead title=t::TP_MESSAGES back="/t/messages" />
        <Transition fallback=Loading>
            {move || thread.get().map(|r| match r {
                Ok(detail) => view! {
                    <h2>{detail.thread.name.clone().unwrap_or_else(|| t::UNKNOWN_FOLLOWER.into())}</h2>
                    <ol class="phone-chat" id="tp-chat">
                        {detail.messages.into_iter().map(|m| {
                            let ours = m.direction == "out";
                            // A pushed notice or a file shows its title or the file; only what
                            // has neither is named by its kind.
                            let body = m.text.clone().filter(|s| !s.is_empty()).or_else(|| {
                                (m.title.is_none() && m.media_url.is_none()).then(|| t::message_kind(&m.kind).to_string())
                            });
                            let more = crate::components::chat::extras(&m);
                            view! {
                                <li class:ours=ours>
                                    {body.map(|b| crate::components::chat::text(&b))}
                                    {more}
                                    <small>{m.author.clone().unwrap_or_default()}" "{crate::format::clock(&m.at)}</small>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any(),
                Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
            })}
        </Transition>
        {move || message.get().map(|m| view! { <p class="alert error">{m}</p> })}
        <textarea id="tp-reply" rows="3" placeholder=t::TP_REPLY_PLACEHOLDER prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
        <div class="portal-pair">
            <button class="primary" id="tp-reply-send" on:click=reply>{t::TP_REPLY}</button>
            <button class="secondary" id="tp-handled" on:click=handled>{t::TP_MARK_HANDLED}</button>
        </div>
    }
}
