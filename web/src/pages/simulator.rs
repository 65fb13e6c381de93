//! The WeChat simulator (mock mode only): simulated followers of the mock platform, a
//! phone-like view of what each one sent and received, and a composer to send text,
//! menu clicks, locations and (un)follows as them. Lets a school try Banji end to end,
//! and the browser tests act as students, without a WeChat account.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::json;

use crate::api::simulator::{self, ConversationItem, SimFollower};
use crate::api::{self, ClientError};
use crate::components::{Empty, ErrorNotice, Loading, Notice};
use crate::i18n::t;

/// How often the open conversation is refreshed (pushes arrive on their own).
const REFRESH_MS: u64 = 2000;

#[component]
pub fn SimulatorPage() -> impl IntoView {
    let status = LocalResource::new(api::wechat::status);
    view! {
        <section class="page">
            <h1>{t::SIMULATOR_TITLE}</h1>
            <p class="lead">{t::SIMULATOR_INTRO}</p>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || status.get().map(|s| match s {
                    Ok(s) if s.mock => view! { <Simulator /> }.into_any(),
                    Ok(_) => view! { <div class="state">{t::SIMULATOR_REAL_ACCOUNT}</div> }.into_any(),
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Simulator() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let selected = RwSignal::new(None::<SimFollower>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let followers = LocalResource::new(move || {
        version.track();
        simulator::followers()
    });
    let reload = move || version.update(|v| *v += 1);

    let on_created = move |follower: SimFollower| {
        selected.set(Some(follower));
        reload();
    };
    view! {
        <Notice message=notice />
        <div class="simulator">
            <aside class="card sim-people">
                <NewFollowerForm on_created=on_created notice=notice />
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || followers.get().map(|list| match list {
                        Ok(list) if list.is_empty() => view! { <Empty text=t::SIM_NO_FOLLOWERS /> }.into_any(),
                        Ok(list) => view! {
                            <ul class="sim-list">
                                {list.into_iter().map(|f| {
                                    let openid = f.openid.clone();
                                    let chosen = move || selected.with(|s| s.as_ref().is_some_and(|s| s.openid == openid));
                                    let pick = f.clone();
                                    view! {
                                        <li>
                                            <button class="sim-person" class:chosen=chosen on:click=move |_| selected.set(Some(pick.clone()))>
                                                <span class="avatar" aria-hidden="true">{f.nickname.chars().next().unwrap_or('?').to_string()}</span>
                                                <span class="who">
                                                    <strong>{f.nickname.clone()}</strong>
                                                    <small>{f.openid.clone()}</small>
                                                </span>
                                                {(!f.following).then(|| view! { <span class="badge off">{t::SIM_NOT_FOLLOWING}</span> })}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <ErrorNotice error=err retry=move |_| reload() /> }.into_any(),
                    })}
                </Suspense>
            </aside>
            {move || match selected.get() {
                Some(follower) => view! { <Phone follower=follower on_changed=move |_| reload() /> }.into_any(),
                None => view! { <div class="phone empty-phone"><p>{t::SIM_PICK_FOLLOWER}</p></div> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn NewFollowerForm(
    #[prop(into)] on_created: Callback<SimFollower>,
    notice: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let nickname = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let name = nickname.get_untracked().trim().to_string();
        if name.is_empty() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match simulator::create(&name).await {
                Ok(openid) => {
                    nickname.set(String::new());
                    on_created.run(SimFollower { openid, nickname: name, following: true });
                }
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="sim-new" on:submit=submit>
            <input type="text" placeholder=t::SIM_NICKNAME_PLACEHOLDER aria-label=t::SIM_NICKNAME maxlength="20"
                bind:value=nickname />
            <button class="primary" type="submit" disabled=move || busy.get()>{t::SIM_NEW_FOLLOWER}</button>
        </form>
    }
}

fn time_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M:%S").to_string())
        .unwrap_or_default()
}

fn bubble(item: ConversationItem) -> impl IntoView {
    let out = item.direction == "out";
    let channel = item.channel.as_deref().filter(|c| *c != "passive").map(t::sim_channel);
    let text = item.content.clone().unwrap_or_default();
    // What the phone shows of received media: the picture, a player, the video.
    let media = item.url.clone().filter(|_| !out).and_then(|url| match item.msg_type.as_str() {
        "image" => Some(view! { <img class="chat-image" src=url alt=t::SIM_IMAGE /> }.into_any()),
        "voice" => Some(
            view! { <a class="sim-link" href=url target="_blank" rel="noopener"><strong>{t::SIM_VOICE}</strong></a> }
                .into_any(),
        ),
        "video" => Some(view! { <video class="chat-video" controls preload="metadata" src=url></video> }.into_any()),
        _ => None,
    });
    let link = item.url.clone().filter(|_| media.is_none()).map(|url| {
        let title = item.title.clone().unwrap_or_else(|| t::SIM_OPEN_LINK.to_string());
        let shown = url.clone();
        view! { <a class="sim-link" href=url target="_blank" rel="noopener"><strong>{title}</strong><small>{shown}</small></a> }
    });
    view! {
        <li class="msg" class:out=out>
            <div class="bubble">
                {channel.map(|c| view! { <span class="channel">{c}</span> })}
                {(!text.is_empty()).then(|| view! { <p>{text}</p> })}
                {media}
                {link}
                <time>{time_of(item.at)}</time>
            </div>
        </li>
    }
}

#[component]
fn Phone(follower: SimFollower, #[prop(into)] on_changed: Callback<()>) -> impl IntoView {
    let openid = StoredValue::new(follower.openid.clone());
    let following = RwSignal::new(follower.following);
    let version = RwSignal::new(0u32);
    let error = RwSignal::new(None::<ClientError>);
    let conversation = LocalResource::new(move || {
        version.track();
        let openid = openid.get_value();
        async move { simulator::conversation(&openid).await }
    });
    let refresh = move || version.update(|v| *v += 1);
    if let Ok(handle) = set_interval_with_handle(refresh, std::time::Duration::from_millis(REFRESH_MS)) {
        on_cleanup(move || handle.clear());
    }

    let chat = NodeRef::<leptos::html::Ol>::new();
    Effect::new(move |_| {
        conversation.track();
        if let Some(list) = chat.get() {
            list.set_scroll_top(list.scroll_height());
        }
    });

    let busy = RwSignal::new(false);
    let send = move |message: serde_json::Value| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match simulator::send(&openid.get_value(), &message).await {
                Ok(()) => error.set(None),
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
            refresh();
        });
    };
    let text = RwSignal::new(String::new());
    let send_text = move |ev: SubmitEvent| {
        ev.prevent_default();
        let content = text.get_untracked();
        if content.trim().is_empty() {
            return;
        }
        text.set(String::new());
        send(json!({ "type": "text", "content": content }));
    };
    let menu_key = RwSignal::new(String::new());
    let click_menu = move |_| {
        let key = menu_key.get_untracked().trim().to_string();
        if !key.is_empty() {
            send(json!({ "type": "event", "event": "CLICK", "event_key": key }));
        }
    };
    let send_location = move |_| {
        send(json!({ "type": "location", "latitude": 23.0965, "longitude": 113.3243, "label": t::SIM_SAMPLE_PLACE }))
    };
    let toggle_follow = move |_| {
        let kind = if following.get_untracked() { "unsubscribe" } else { "subscribe" };
        following.update(|f| *f = !*f);
        send(json!({ "type": kind }));
        on_changed.run(());
    };

    view! {
        <div class="phone">
            <header>
                <strong>{follower.nickname.clone()}</strong>
                <small>{follower.openid.clone()}</small>
            </header>
            <ol class="chat" node_ref=chat aria-live="polite">
                {move || match conversation.get() {
                    None => view! { <li class="chat-state">{t::LOADING}</li> }.into_any(),
                    Some(Ok(items)) if items.is_empty() => view! { <li class="chat-state">{t::SIM_NO_MESSAGES}</li> }.into_any(),
                    Some(Ok(items)) => items.into_iter().map(bubble).collect_view().into_any(),
                    Some(Err(err)) => view! { <li class="chat-state problem">{t::error(&err)}</li> }.into_any(),
                }}
            </ol>
            {move || error.get().map(|err| view! { <p class="problem sim-error">{t::sim_send_error(&err)}</p> })}
            <form class="composer" on:submit=send_text>
                <input type="text" aria-label=t::SIM_MESSAGE placeholder=t::SIM_MESSAGE_PLACEHOLDER bind:value=text
                    disabled=move || !following.get() />
                <button class="primary" type="submit" disabled=move || busy.get() || !following.get()>{t::SIM_SEND}</button>
            </form>
            <super::sim_menu::MenuBar openid=openid following=following send=Callback::new(send) />
            <div class="sim-actions">
                <input type="text" aria-label=t::SIM_MENU_KEY placeholder=t::SIM_MENU_KEY bind:value=menu_key />
                <button class="secondary" type="button" on:click=click_menu disabled=move || busy.get() || !following.get()>
                    {t::SIM_CLICK_MENU}
                </button>
                <button class="secondary" type="button" on:click=send_location disabled=move || busy.get() || !following.get()>
                    {t::SIM_SEND_LOCATION}
                </button>
                {[("image", t::SIM_SEND_IMAGE), ("voice", t::SIM_SEND_VOICE), ("video", t::SIM_SEND_VIDEO)].map(|(kind, label)| view! {
                    <button class="secondary" type="button" id=format!("sim-send-{kind}")
                        on:click=move |_| send(json!({ "type": kind })) disabled=move || busy.get() || !following.get()>
                        {label}
                    </button>
                })}
                <button class="secondary" type="button" on:click=toggle_follow disabled=move || busy.get()>
                    {move || if following.get() { t::SIM_UNFOLLOW } else { t::SIM_FOLLOW }}
                </button>
            </div>
        </div>
    }
}
