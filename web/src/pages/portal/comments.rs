//! The comments under a student's notice: public comments and the reader's own private
//! questions, each with its replies (a teacher's marked 老师回复), and the box to write
//! either a public comment or a question only the notice's teachers see.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::Comment;

use crate::api::{self, receipts::threads};
use crate::format::short_datetime;
use crate::i18n::t;

#[component]
pub fn CommentThread(id: i64, may_write: bool) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let comments = LocalResource::new(move || {
        version.track();
        api::receipts::my_comments(id)
    });
    let private = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        let private = private.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::receipts::comment(id, body, private).await {
                Ok(_) => {
                    text.set(String::new());
                    message.set(Some((true, if private { t::PORTAL_ASKED } else { t::PORTAL_COMMENTED }.into())));
                    version.update(|v| *v += 1);
                }
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
            busy.set(false);
        });
    };
    let one = |c: Comment, reply: bool| {
        let who = if c.mine { t::PORTAL_ME_AUTHOR.to_string() } else { c.author_name.clone() };
        view! {
            <div class="comment" class:reply=reply class:teacher=c.by_teacher>
                <div class="comment-head">
                    <strong>{who}</strong>
                    {(reply && c.by_teacher).then(|| view! { <span class="badge info">{t::PORTAL_TEACHER_REPLY}</span> })}
                    {(!reply && c.private).then(|| view! { <span class="badge warn">{t::PRIVATE_QUESTION}</span> })}
                    <small class="hint">{short_datetime(&Some(c.created_at), "")}</small>
                </div>
                <p class="comment-body">{c.body}</p>
            </div>
        }
    };
    let mode = move |is_private: bool, mode_id: &'static str, label: &'static str| {
        view! {
            <button type="button" id=mode_id class:chosen=move || private.get() == is_private
                aria-pressed=move || (private.get() == is_private).to_string() on:click=move |_| private.set(is_private)>
                {label}
            </button>
        }
    };
    view! {
        <section class="card portal-comments" id="portal-comments">
            <h3>{t::PORTAL_COMMENTS}</h3>
            {move || comments.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="hint">{t::PORTAL_NO_COMMENTS}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="threads">
                        {threads(list).into_iter().map(|(top, replies)| view! {
                            <li class="thread">
                                {one(top, false)}
                                {replies.into_iter().map(|r| one(r, true)).collect_view()}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(err) => view! { <p class="problem">{t::portal_error(&err)}</p> }.into_any(),
            })}
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "alert success" } else { "alert error" } role="status">{m}</p> })}
            {may_write.then(|| view! {
                <form class="comment-form" on:submit=submit>
                    <div class="segmented" role="group" aria-label=t::PORTAL_COMMENTS>
                        {mode(false, "comment-public", t::PORTAL_PUBLIC_COMMENT)}
                        {mode(true, "comment-private", t::PORTAL_PRIVATE_QUESTION)}
                    </div>
                    <p class="hint">{move || if private.get() { t::PORTAL_PRIVATE_HINT } else { t::PORTAL_PUBLIC_HINT }}</p>
                    <textarea id="comment-body" rows="3" aria-label=t::PORTAL_COMMENTS bind:value=text
                        placeholder=move || if private.get() { t::PORTAL_ASK_PLACEHOLDER } else { t::PORTAL_COMMENT_PLACEHOLDER }></textarea>
                    <button type="submit" class="primary wide" id="send-comment" disabled=move || busy.get()>
                        {move || if private.get() { t::PORTAL_SEND_QUESTION } else { t::PORTAL_SEND_COMMENT }}
                    </button>
                </form>
            })}
        </section>
    }
}
