//! 话题 on a student's phone: `/s/topics` lists the open topics they may join (and takes a
//! proposal), `/s/topics/:id` is one topic — newest or hottest first, pinned on top, each
//! post with its replies, likes, a reply box and 举报 — and the box to write (anonymously
//! where the topic allows). A post the word list held shows to its author as 审核中.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::{NewPost, PostStatus, TopicPage, TopicPost};

use super::notices::failed;
use super::PortalGate;
use crate::api;
use crate::components::Loading;
use crate::format::short_datetime;
use crate::i18n::t;

/// Pictures a post may carry.
const MAX_PICTURES: u32 = 3;

#[component]
pub fn PortalTopics() -> impl IntoView {
    view! { <PortalGate><TopicList /></PortalGate> }
}

#[component]
pub fn PortalTopic() -> impl IntoView {
    view! { <PortalGate><TopicView /></PortalGate> }
}

#[component]
fn TopicList() -> impl IntoView {
    let topics = LocalResource::new(api::topics::open_topics);
    let (title, description) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let message = RwSignal::new(None::<(bool, String)>);
    let propose = move |ev: SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match api::topics::propose(title.get_untracked(), description.get_untracked()).await {
                Ok(_) => {
                    title.set(String::new());
                    description.set(String::new());
                    message.set(Some((true, t::TOPIC_PROPOSED.into())));
                }
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
        });
    };
    view! {
        <section class="card">
            <h2>{t::TOPICS_TITLE}</h2>
            <p class="hint">{t::TOPICS_INTRO}</p>
        </section>
        <Transition fallback=Loading>
            {move || topics.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="state empty">{t::TOPICS_NONE}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="topic-list" id="topic-list">
                        {list.into_iter().map(|topic| view! {
                            <li class="card">
                                <A href=format!("/s/topics/{}", topic.id) attr:class="topic-link">
                                    <strong>"#"{topic.title.clone()}</strong>
                                </A>
                                <p class="hint">{topic.description.clone()}</p>
                                <small class="hint">{t::topic_counts(topic.posts, topic.participants)}</small>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(err) => failed(err),
            })}
        </Transition>
        <details class="card">
            <summary>{t::TOPIC_PROPOSE}</summary>
            <form class="comment-form" on:submit=propose>
                <input type="text" maxlength="20" placeholder=t::TOPIC_PROPOSE_TITLE bind:value=title />
                <textarea rows="2" maxlength="300" placeholder=t::TOPIC_PROPOSE_DESCRIPTION bind:value=description></textarea>
                <button type="submit" class="primary wide">{t::TOPIC_PROPOSE_SEND}</button>
            </form>
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "alert success" } else { "alert error" } role="status">{m}</p> })}
        </details>
    }
}

#[component]
fn TopicView() -> impl IntoView {
    let params = use_params_map();
    let hot = RwSignal::new(false);
    let version = RwSignal::new(0u32);
    let reload = move || version.update(|v| *v += 1);
    let page = LocalResource::new(move || {
        version.track();
        let id = params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        api::topics::page(id, hot.get())
    });
    let message = RwSignal::new(None::<(bool, String)>);
    view! {
        <div class="portal-nav">
            <A href="/s/topics" attr:class="link">{"‹ "}{t::TOPIC_ALL}</A>
        </div>
        <Transition fallback=Loading>
            {move || page.get().map(|r| match r {
                Ok(p) => topic_page(p, hot, message, reload).into_any(),
                Err(err) => failed(err),
            })}
        </Transition>
    }
}

fn topic_page(
    p: TopicPage,
    hot: RwSignal<bool>,
    message: RwSignal<Option<(bool, String)>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let topic = p.topic;
    let id = topic.id;
    let closed = topic.status != shared::TopicStatus::Open;
    let blocked = if closed {
        Some(t::TOPIC_CLOSED.to_string())
    } else if topic.locked {
        Some(t::TOPIC_LOCKED.to_string())
    } else {
        p.muted_until.map(|u| t::topic_muted(&short_datetime(&Some(u), "")))
    };
    let posts = p.posts;
    view! {
        <section class="card topic-head" id="topic-head">
            <h2>"#"{topic.title.clone()}</h2>
            {(!topic.description.is_empty()).then(|| view! { <p>{topic.description.clone()}</p> })}
            <small class="hint">{t::topic_counts(topic.posts, topic.participants)}</small>
        </section>
        {match blocked {
            Some(why) => view! { <p class="alert info" id="topic-blocked">{why}</p> }.into_any(),
            None => view! { <Composer topic=id anonymous_allowed=topic.anonymous_allowed message=message on_sent=reload /> }.into_any(),
        }}
        {move || message.get().map(|(ok, m)| view! { <p class=if ok { "alert success" } else { "alert error" } role="status">{m}</p> })}
        <div class="segmented" role="group">
            <button type="button" id="sort-new" class:chosen=move || !hot.get() on:click=move |_| hot.set(false)>{t::TOPIC_NEW}</button>
            <button type="button" id="sort-hot" class:chosen=move || hot.get() on:click=move |_| hot.set(true)>{t::TOPIC_HOT}</button>
        </div>
        {if posts.is_empty() {
            view! { <p class="state empty">{t::TOPIC_NO_POSTS}</p> }.into_any()
        } else {
            view! {
                <ul class="threads topic-posts" id="topic-posts">
                    {posts.into_iter().map(|post| view! {
                        <li class="thread card">
                            {post_view(post.clone(), false, message, reload)}
                            {post.replies.into_iter().map(|r| post_view(r, true, message, reload)).collect_view()}
                            {(!closed && !topic.locked).then(|| view! { <ReplyBox topic=id parent=post.id message=message on_sent=reload /> })}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

fn post_view(
    post: TopicPost,
    reply: bool,
    message: RwSignal<Option<(bool, String)>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (id, liked, likes) = (post.id, post.liked, post.likes);
    let like = move |_| {
        leptos::task::spawn_local(async move {
            match api::topics::like(id, !liked).await {
                Ok(_) => reload(),
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
        });
    };
    let report = move |_| {
        leptos::task::spawn_local(async move {
            match api::topics::report(id).await {
                Ok(()) => message.set(Some((true, t::TOPIC_REPORTED.into()))),
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
        });
    };
    let shown = post.status == PostStatus::Shown;
    view! {
        <div class="comment topic-post" class:reply=reply data-post=id>
            <div class="comment-head">
                <strong>{post.author.clone()}</strong>
                {post.class_name.clone().map(|c| view! { <small class="hint">{c}</small> })}
                {post.pinned.then(|| view! { <span class="badge info">{t::TOPIC_PINNED}</span> })}
                {(post.status == PostStatus::Held).then(|| view! { <span class="badge warn">{t::TOPIC_HELD_BADGE}</span> })}
                <small class="hint">{short_datetime(&Some(post.created_at), "")}</small>
            </div>
            <p class="comment-body">{post.body.clone()}</p>
            {pictures(&post.images, false)}
            {shown.then(|| view! {
                <div class="topic-actions">
                    <button type="button" class="link like" class:chosen=liked aria-pressed=liked.to_string() on:click=like>
                        {format!("{} {likes}", t::TOPIC_LIKE)}
                    </button>
                    {(!post.mine).then(|| view! { <button type="button" class="link report" on:click=report>{t::TOPIC_REPORT}</button> })}
                </div>
            })}
        </div>
    }
}

/// A post's pictures, each fetched with the reader's token.
pub fn pictures(ids: &[i64], console: bool) -> Option<impl IntoView> {
    (!ids.is_empty()).then(|| {
        view! {
            <div class="topic-pictures">
                {ids.iter().map(|id| view! { <Picture id=*id console=console /> }).collect_view()}
            </div>
        }
    })
}

#[component]
fn Picture(id: i64, console: bool) -> impl IntoView {
    let url = LocalResource::new(move || api::topics::image_url(id, console));
    view! {
        {move || url.get().and_then(|r| r.ok()).map(|src| view! { <img class="topic-picture" src=src alt=t::TOPIC_PICTURE /> })}
    }
}

#[component]
fn Composer(
    topic: i64,
    anonymous_allowed: bool,
    message: RwSignal<Option<(bool, String)>>,
    on_sent: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let anonymous = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let files = RwSignal::new_local(Vec::<web_sys::File>::new());
    let input = NodeRef::<leptos::html::Input>::new();
    let chosen = move |_| {
        let list = input.get().and_then(|i| i.files());
        let picked: Vec<web_sys::File> =
            list.map(|l| (0..l.length().min(MAX_PICTURES)).filter_map(|i| l.get(i)).collect()).unwrap_or_default();
        files.set(picked);
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        busy.set(true);
        let picked = files.get_untracked();
        let anonymous = anonymous.get_untracked();
        leptos::task::spawn_local(async move {
            let mut images = Vec::new();
            for file in &picked {
                match api::topics::upload_image(topic, file).await {
                    Ok(image) => images.push(image.id),
                    Err(err) => {
                        message.set(Some((false, t::portal_error(&err))));
                        busy.set(false);
                        return;
                    }
                }
            }
            let post = NewPost { body, anonymous, parent_id: None, images };
            match api::topics::write(topic, post).await {
                Ok(p) => {
                    text.set(String::new());
                    files.set(Vec::new());
                    if let Some(i) = input.get() {
                        i.set_value("");
                    }
                    let done = if p.status == PostStatus::Held { t::TOPIC_HELD } else { t::TOPIC_SENT };
                    message.set(Some((true, done.into())));
                    on_sent();
                }
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card comment-form" id="topic-compose" on:submit=submit>
            <textarea rows="3" maxlength="500" placeholder=t::TOPIC_WRITE_PLACEHOLDER bind:value=text></textarea>
            <label class="topic-attach">
                <input type="file" id="topic-pictures" accept="image/jpeg,image/png,image/gif,image/webp" multiple node_ref=input on:change=chosen />
                <span>{move || t::topic_pictures_chosen(files.with(Vec::len))}</span>
            </label>
            {anonymous_allowed.then(|| view! {
                <label class="check"><input type="checkbox" id="topic-anonymous" bind:checked=anonymous />{t::TOPIC_ANONYMOUS}</label>
            })}
            <button type="submit" class="primary wide" id="topic-send" disabled=move || busy.get()>{t::TOPIC_SEND}</button>
        </form>
    }
}

#[component]
fn ReplyBox(
    topic: i64,
    parent: i64,
    message: RwSignal<Option<(bool, String)>>,
    on_sent: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match api::topics::write(
                topic,
                NewPost { body, anonymous: false, parent_id: Some(parent), images: Vec::new() },
            )
            .await
            {
                Ok(p) => {
                    text.set(String::new());
                    open.set(false);
                    let done = if p.status == PostStatus::Held { t::TOPIC_HELD } else { t::TOPIC_SENT };
                    message.set(Some((true, done.into())));
                    on_sent();
                }
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
        });
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! { <button type="button" class="link reply-open" on:click=move |_| open.set(true)>{t::TOPIC_REPLY}</button> }
        >
            <form class="reply-form" on:submit=submit>
                <input type="text" maxlength="500" placeholder=t::TOPIC_REPLY_PLACEHOLDER bind:value=text />
                <button type="submit" class="secondary">{t::TOPIC_REPLY}</button>
            </form>
        </Show>
    }
}
