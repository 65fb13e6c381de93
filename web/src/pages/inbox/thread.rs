//! One thread: who it is with, everything in order — what they sent (pictures shown,
//! voice and video playable, as Banji kept them), Banji's automatic answers, the notices
//! pushed to them with read state, the teachers' answers with their outcome — the
//! customer-service window, 标记已处理, 导出 and the answer box.

use leptos::prelude::*;
use shared::{InboxThreadDetail, ThreadMessage};

use super::composer::Composer;
use crate::api;
use crate::components::chat::extras;
use crate::components::{ErrorNotice, Loading};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn ThreadView(
    openid: String,
    notice: RwSignal<Option<(bool, String)>>,
    /// Bumped when the page hears of a change (the live stream): fetched again.
    refresh: RwSignal<u32>,
    #[prop(into)] on_changed: Callback<()>,
) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let id = openid.clone();
    let detail = LocalResource::new(move || {
        version.track();
        refresh.track();
        api::inbox::thread(id.clone())
    });
    let busy = RwSignal::new(false);
    let to = StoredValue::new(openid.clone());
    // The newest message is at the bottom: show it, after each load.
    let chat = NodeRef::<leptos::html::Ul>::new();
    Effect::new(move |_| {
        if detail.with(|d| d.as_ref().is_some_and(|d| d.is_ok())) {
            if let Some(list) = chat.get() {
                list.set_scroll_top(list.scroll_height());
            }
        }
    });
    let done = Callback::new(move |said: Result<&'static str, String>| {
        match said {
            Ok(message) => {
                notice.set(Some((true, message.to_string())));
                on_changed.run(());
            }
            Err(problem) => notice.set(Some((false, problem))),
        }
        version.update(|v| *v += 1);
    });
    let mark = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::inbox::handled(&to.get_value()).await;
            busy.set(false);
            done.run(result.map(|()| t::MARKED_HANDLED).map_err(|e| t::error(&e)));
        });
    };
    let show = move |d: InboxThreadDetail| {
        let who = d.thread.name.clone().or(d.thread.remark.clone()).unwrap_or_else(|| t::UNKNOWN_FOLLOWER.to_string());
        let remark = d.thread.remark.clone().filter(|_| d.thread.name.is_some());
        let about = [d.thread.class_name.clone(), d.thread.student_no.clone(), remark]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        let waiting = d.thread.waiting_since.is_some();
        let file_name = who.clone();
        let export = move |_| {
            let name = file_name.clone();
            leptos::task::spawn_local(async move {
                if let Err(err) = api::inbox::export(&to.get_value(), &name).await {
                    notice.set(Some((false, t::error(&err))));
                }
            });
        };
        view! {
            <div class="page-head">
                <div>
                    <h2 id="thread-who">{who}</h2>
                    <p class="hint">{if about.is_empty() { t::thread_kind(&d.thread.kind).to_string() } else { about }}</p>
                </div>
                <div class="actions">
                    <button class="secondary" id="export-thread" on:click=export>{t::EXPORT_THREAD}</button>
                    {waiting.then(|| view! {
                        <button class="secondary" id="mark-handled" on:click=mark disabled=move || busy.get()>{t::MARK_HANDLED}</button>
                    })}
                </div>
            </div>
            <ul class="chat thread-chat" id="thread-messages" node_ref=chat>
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
            <Composer openid=openid done=done />
        </div>
    }
}

fn message(m: ThreadMessage) -> impl IntoView {
    let out = m.direction == "out";
    let failed = m.status.as_deref() == Some("failed");
    let pending = m.status.as_deref() == Some("pending");
    if m.kind == "notice" {
        let read = match &m.read_at {
            Some(at) => t::notice_read_at(&datetime(at)),
            None => t::NOTICE_UNREAD.to_string(),
        };
        return view! {
            <li class="msg out pushed">
                <div class="bubble notice-card">
                    <span class="channel">{t::PUSHED_NOTICE}</span>
                    <a href=format!("/notices/{}", m.notice_id.unwrap_or_default())>{m.title.clone().unwrap_or_default()}</a>
                    <small>{read}</small>
                    <time>{datetime(&m.at)}</time>
                </div>
            </li>
        }
        .into_any();
    }
    let text = m.text.clone().filter(|t| !t.is_empty() || m.media_url.is_none());
    let text =
        text.unwrap_or_else(
            || if m.media_url.is_some() { String::new() } else { t::message_kind(&m.kind).to_string() },
        );
    let by = m.author.clone().map(|a| if m.kind == "auto" { t::AUTO_REPLY.to_string() } else { a });
    let route = (out && m.kind != "auto").then(|| t::reply_route(m.channel.as_deref(), m.status.as_deref()));
    view! {
        <li class="msg" class:out=out class:auto=m.kind == "auto">
            <div class="bubble" class:failed=failed class:pending=pending>
                {by.map(|a| view! { <span class="channel">{a}</span> })}
                {extras(&m)}
                {(!text.is_empty()).then(|| crate::components::chat::text(&text))}
                {failed.then(|| view! {
                    <small class="problem">{t::reply_failed(m.failure.as_deref().unwrap_or_default())}</small>
                })}
                {route.filter(|r| !r.is_empty()).map(|r| view! { <small class="hint">{r}</small> })}
                <time>{datetime(&m.at)}</time>
            </div>
        </li>
    }
    .into_any()
}
