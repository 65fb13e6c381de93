//! A notice's comments as its teachers see them: every thread (a comment or a private
//! question, and the replies under it), hidden ones greyed; a teacher answers a thread
//! and hides or shows a comment. Questions still waiting for a teacher are marked.

use leptos::prelude::*;
use shared::Comment;

use crate::api::{self, receipts::threads};
use crate::components::{Empty, ErrorNotice, Loading, Notice as Flash};
use crate::format::short_datetime;
use crate::i18n::t;

/// `count` is the report's comment count: the list is fetched again when it changes (not
/// at every report update, which would take the focus from a reply being written).
/// `on_change` tells the report that a reply or a hiding changed it.
#[component]
pub fn CommentsPanel(id: i64, count: Memo<Option<i64>>, #[prop(into)] on_change: Callback<()>) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let comments = LocalResource::new(move || {
        count.track();
        version.track();
        api::receipts::comments(id)
    });
    let changed = move || {
        version.update(|v| *v += 1);
        on_change.run(());
    };
    let message = RwSignal::new(None::<(bool, String)>);
    let replying = RwSignal::new(None::<i64>);
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let set_hidden = move |comment_id: i64, hidden: bool| {
        leptos::task::spawn_local(async move {
            match api::receipts::set_hidden(id, comment_id, hidden).await {
                Ok(_) => changed(),
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
        });
    };
    let send_reply = move |parent: i64| {
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::receipts::reply(id, parent, body).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    text.set(String::new());
                    replying.set(None);
                    message.set(Some((true, t::REPLY_SENT.into())));
                    changed();
                }
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
        });
    };
    let one = move |c: Comment, reply: bool| {
        let cid = c.id;
        let hidden = c.hidden;
        view! {
            <div class="comment" class:hidden-comment=c.hidden class:reply=reply class:teacher=c.by_teacher data-comment=cid>
                <div class="comment-head">
                    <strong>{c.author_name.clone()}</strong>
                    {c.student_no.clone().map(|n| view! { <small class="hint">{n}</small> })}
                    {c.class_name.clone().map(|n| view! { <small class="hint">{n}</small> })}
                    {c.by_teacher.then(|| view! { <span class="badge info">{t::TEACHER_MARK}</span> })}
                    {(c.private && !reply).then(|| view! { <span class="badge warn">{t::PRIVATE_QUESTION}</span> })}
                    {c.hidden.then(|| view! { <span class="badge">{t::HIDDEN_MARK}</span> })}
                    <small class="hint">{short_datetime(&Some(c.created_at), "")}</small>
                </div>
                <p class="comment-body">{c.body.clone()}</p>
                <div class="comment-actions">
                    {(!reply).then(|| view! {
                        <button class="link" on:click=move |_| { text.set(String::new()); replying.set(Some(cid)); }>{t::REPLY}</button>
                    })}
                    <button class="link" on:click=move |_| set_hidden(cid, !hidden)>{if hidden { t::UNHIDE } else { t::HIDE }}</button>
                </div>
            </div>
        }
    };
    let thread = move |(top, replies): (Comment, Vec<Comment>)| {
        let tid = top.id;
        let open = top.private && !replies.iter().any(|r| r.by_teacher);
        view! {
            <li class="thread" class:open-question=open>
                {open.then(|| view! { <span class="badge off waiting">{t::AWAITING_REPLY}</span> })}
                {one(top, false)}
                {replies.into_iter().map(|r| one(r, true)).collect_view()}
                <Show when=move || replying.get() == Some(tid)>
                    <form class="reply-form" on:submit=move |ev| { ev.prevent_default(); send_reply(tid); }>
                        <textarea rows="3" class="reply-text" aria-label=t::REPLY placeholder=t::REPLY_PLACEHOLDER bind:value=text></textarea>
                        <div class="form-actions">
                            <button type="button" class="secondary" on:click=move |_| replying.set(None)>{t::CANCEL}</button>
                            <button type="submit" class="primary" disabled=move || busy.get()>{t::SEND_REPLY}</button>
                        </div>
                    </form>
                </Show>
            </li>
        }
    };
    view! {
        <section class="card" id="comments-panel">
            <h2>{t::COMMENTS_TITLE}</h2>
            <p class="hint">{t::COMMENTS_INTRO}</p>
            <Flash message=message />
            <Transition fallback=Loading>
                {move || comments.get().map(|r| match r {
                    Err(err) => view! { <ErrorNotice error=err retry=move |_| version.update(|v| *v += 1) /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <Empty text=t::NO_COMMENTS /> }.into_any(),
                    Ok(list) => view! { <ul class="threads">{threads(list).into_iter().map(thread).collect_view()}</ul> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
