//! 消息: what followers wrote to the account. On the left the threads the teacher sees:
//! 未处理 (what the robot could not answer), 我的 (those they answered) or 全部, by class,
//! by message type, searchable. On the right the chosen thread (`thread`) with the answer
//! box (`composer`). The page follows the inbox's live stream: a message received by any
//! replica shows at once, in the list, the open thread and the sidebar's count.

mod composer;
mod thread;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::InboxThread;

use super::live::{follow, live_badge, Live, Stream};
use crate::api::{self, inbox::Which};
use crate::components::{Empty, ErrorNotice, InboxChanged, Loading, Notice, Pager};
use crate::format::datetime;
use crate::i18n::t;
use thread::ThreadView;

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
    let kind = RwSignal::new(String::new());
    let threads = LocalResource::new(move || {
        version.track();
        api::inbox::threads(which.get(), class_id.get(), kind.get(), applied.get(), page.get())
    });
    let reload = move || version.update(|v| *v += 1);
    // The sidebar's count of waiting threads, told when one is answered or handled.
    let sidebar = use_context::<InboxChanged>();
    // Anything new anywhere: the list, the open thread and the sidebar's count again.
    let live = RwSignal::new(Live::Connecting);
    follow(
        Stream::Inbox,
        live,
        Callback::new(move |_| {
            reload();
            if let Some(InboxChanged(count)) = sidebar {
                count.update(|v| *v += 1);
            }
        }),
    );
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(search.get_untracked().trim().to_string());
    };
    let row = move |th: InboxThread| {
        let openid = th.openid.clone();
        let mine = openid.clone();
        // An unbound follower has no name the platform still gives: the account's remark.
        let who = th.name.clone().or(th.remark.clone()).unwrap_or_else(|| t::UNKNOWN_FOLLOWER.to_string());
        let remark = th.remark.clone().filter(|_| th.name.is_some());
        let about = [th.class_name.clone(), th.student_no.clone(), remark]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
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
            <div class="page-head">
                <h1>{t::INBOX_TITLE}</h1>
                {live_badge(live, "inbox-live")}
            </div>
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
                        <select aria-label=t::MESSAGE_TYPE on:change=move |ev| {
                            page.set(1);
                            kind.set(event_target_value(&ev));
                        }>
                            <option value="">{t::ALL_TYPES}</option>
                            {["text", "image", "voice", "video", "location", "link"].map(|k| view! {
                                <option value=k>{t::message_type(k)}</option>
                            })}
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
                        <ThreadView openid=openid notice=notice refresh=version on_changed=move |_| {
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
