//! 消息: what followers wrote to the account. On the left the threads the teacher sees:
//! 未处理 (what the robot could not answer), 我的 (those they answered) or 全部, by class,
//! searchable. On the right the chosen thread, oldest message first, with a box to answer
//! (a customer-service message, which WeChat delivers only within 48 hours of their last
//! message) and 标记已处理.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{InboxThread, InboxThreadDetail, ThreadMessage};

use crate::api::{self, inbox::Which};
use crate::components::{Empty, ErrorNotice, InboxChanged, Loading, Notice, Pager};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn InboxPage() -> impl IntoView {
    let which = RwSignal::new(Which::Waiting);
    let class_id = RwSignal::new(None::<i64>);
    let classes = LocalResource::new(|| async { api::people::classes(String::new(), 1, 100).await.map(|p| p.items) });
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let chosen = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let threads = LocalResource::new(move || {
        version.track();
        api::inbox::threads(which.get(), class_id.get(), applied.get(), page.get())
    });
    let reload = move || version.update(|v| *v += 1);
    // The sidebar's count of waiting threads, told when one is answered or handled.
    let sidebar = use_context::<InboxChanged>();
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(search.get_untracked().trim().to_string());
    };
    let row = move |th: InboxThread| {
        let openid = th.openid.clone();
        let mine = openid.clone();
        let who = th.name.clone().unwrap_or_else(|| t::UNKNOWN_FOLLOWER.to_string());
        let about =
            [th.class_name.clone(), th.student_no.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        let preview = th.last_text.clone().unwrap_or_else(|| t::message_kind(&th.last_type).to_string());
        view! {
            <li>
                <button
                    class="thread-item"
                    class:chosen=move || chosen.get().as_deref() == Some(mine.as_str())
                    on:click=move |_| chosen.set(Some(openid.clone()))
                >
                    <span class="thread-who">
                        <strong>{who}</strong>
                        <small>{if about.is_empty() { t::thread_kind(&th.kind).to_string() } else { about }}</small>
                    </span>
                    <span class="thread-preview">{preview}</span>
                    <span class="thread-meta">
                        <time>{datetime(&th.last_in_at)}</time>
                        {th.waiting_since.map(|_| view! { <span class="badge warn">{t::WAITING}</span> })}
                    </span>
                </button>
            </li>
        }
    };
    view! {
        <section class="page inbox">
            <div class="page-head"><h1>{t::INBOX_TITLE}</h1></div>
            <Notice message=notice />
            <div class="inbox-layout">
                <div class="card thread-list">
                    <div class="segmented" role="group">
                        {[(Which::Waiting, t::WAITING), (Which::Mine, t::MINE), (Which::All, t::ALL)].map(|(w, label)| view! {
                            <button class:chosen=move || which.get() == w on:click=move |_| { page.set(1); which.set(w); }>{label}</button>
                        })}
                    </div>
                    <form class="toolbar" on:submit=on_search>
                        <input type="search" placeholder=t::INBOX_SEARCH aria-label=t::SEARCH bind:value=search />
                        <select aria-label=t::CLASS on:change=move |ev| {
                            page.set(1);
                            class_id.set(event_target_value(&ev).parse().ok());
                        }>
                            <option value="">{t::ALL_CLASSES}</option>
                            {move || classes.get().map(|list| list.unwrap_or_default().into_iter().map(|c| view! {
                                <option value=c.id.to_string()>{c.name}</option>
                            }).collect_view())}
                        </select>
                        <button type="submit" class="secondary">{t::SEARCH}</button>
                    </form>
                    {move || match threads.get() {
                        None => view! { <Loading /> }.into_any(),
                        Some(Err(error)) => view! { <ErrorNotice error=error retry=move |_| reload() /> }.into_any(),
                        Some(Ok(list)) if list.items.is_empty() => view! {
                            <Empty text=if which.get_untracked() == Which::Waiting { t::NOTHING_WAITING } else { t::NO_THREADS } />
                        }.into_any(),
                        Some(Ok(list)) => view! {
                            <ul class="threads" id="threads">{list.items.into_iter().map(row).collect_view()}</ul>
                            <Pager page=page total=list.total per_page=list.per_page />
                        }.into_any(),
                    }}
                </div>
                {move || match chosen.get() {
                    None => view! { <div class="card thread-view"><Empty text=t::CHOOSE_THREAD /></div> }.into_any(),
                    Some(openid) => view! {
                        <ThreadView openid=openid notice=notice on_changed=move |_| {
                            reload();
                            if let Some(InboxChanged(count)) = sidebar {
                                count.update(|v| *v += 1);
                            }
                        } />
                    }.into_any(),
                }}
            </div>
        </section>
    }
}

#[component]
fn ThreadView(
    openid: String,
    notice: RwSignal<Option<(bool, String)>>,
    #[prop(into)] on_changed: Callback<()>,
) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let id = openid.clone();
    let detail = LocalResource::new(move || {
        version.track();
        api::inbox::thread(id.clone())
    });
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let after = move |result: api::ApiResult<()>, done: &'static str| {
        match result {
            Ok(()) => {
                notice.set(Some((true, done.to_string())));
                on_changed.run(());
            }
            Err(err) => notice.set(Some((false, t::error(&err)))),
        }
        version.update(|v| *v += 1);
        busy.set(false);
    };
    let to = StoredValue::new(openid);
    let send = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::inbox::reply(&to.get_value(), body).await.map(drop);
            if result.is_ok() {
                text.set(String::new());
            }
            after(result, t::REPLY_SENT);
        });
    };
    let mark = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move { after(api::inbox::handled(&to.get_value()).await, t::MARKED_HANDLED) });
    };
    let show = move |d: InboxThreadDetail| {
        let who = d.thread.name.clone().unwrap_or_else(|| t::UNKNOWN_FOLLOWER.to_string());
        let about = [d.thread.class_name.clone(), d.thread.student_no.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        let waiting = d.thread.waiting_since.is_some();
        view! {
            <div class="page-head">
                <div>
                    <h2 id="thread-who">{who}</h2>
                    <p class="hint">{if about.is_empty() { t::thread_kind(&d.thread.kind).to_string() } else { about }}</p>
                </div>
                {waiting.then(|| view! {
                    <button class="secondary" id="mark-handled" on:click=mark disabled=move || busy.get()>{t::MARK_HANDLED}</button>
                })}
            </div>
            <ul class="chat thread-chat" id="thread-messages">
                {d.messages.into_iter().map(message).collect_view()}
            </ul>
            <p class="hint" id="reply-window">
                {match d.window_ends_at {
                    Some(until) if d.window_left > 0 => t::window_open(&datetime(&until), d.window_left),
                    Some(_) => t::WINDOW_FULL.to_string(),
                    None => t::WINDOW_CLOSED.to_string(),
                }}
            </p>
        }
    };
    view! {
        <div class="card thread-view">
            {move || match detail.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error=error /> }.into_any(),
                Some(Ok(d)) => show(d).into_any(),
            }}
            <form class="reply-box" on:submit=send>
                <textarea id="reply-text" rows="3" placeholder=t::INBOX_REPLY_PLACEHOLDER aria-label=t::REPLY bind:value=text></textarea>
                <button type="submit" class="primary" id="send-reply" disabled=move || busy.get()>{t::SEND_REPLY}</button>
            </form>
        </div>
    }
}

fn message(m: ThreadMessage) -> impl IntoView {
    let out = m.direction == "out";
    let failed = m.status.as_deref() == Some("failed");
    let text = m.text.clone().unwrap_or_else(|| t::message_kind(&m.kind).to_string());
    view! {
        <li class="msg" class:out=out>
            <div class="bubble" class:failed=failed>
                {m.author.clone().map(|a| view! { <span class="channel">{a}</span> })}
                <p>{text}</p>
                {failed.then(|| view! {
                    <small class="problem">{t::reply_failed(m.failure.as_deref().unwrap_or_default())}</small>
                })}
                <time>{datetime(&m.at)}</time>
            </div>
        </li>
    }
}
