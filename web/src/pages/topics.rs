//! 话题 in the console: the review queue (posts the word list held, reported posts) with
//! approve / hide / mute, the topics (open one for everyone or some classes; approve a
//! student's proposal; lock, end, export; a topic's posts and its activity per day and
//! class), and the word list (admins).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{NewTopic, ReviewAction, Role, Topic, TopicPatch, TopicPost, TopicStatus};

use crate::api;
use crate::components::{Empty, ErrorNotice, Loading, Notice};
use crate::format::short_datetime;
use crate::i18n::t;
use crate::session;

type Flash = RwSignal<Option<(bool, String)>>;

fn after(
    notice: Flash,
    reload: impl Fn() + Copy + 'static,
    done: &'static str,
) -> impl Fn(Result<(), api::ClientError>) + Copy {
    move |r| match r {
        Ok(()) => {
            notice.set(Some((true, done.into())));
            reload();
        }
        Err(err) => notice.set(Some((false, t::error(&err)))),
    }
}

#[component]
pub fn TopicsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let reload = move || version.update(|v| *v += 1);
    let notice: Flash = RwSignal::new(None);
    let queue = LocalResource::new(move || {
        version.track();
        api::topics::queue()
    });
    let topics = LocalResource::new(move || {
        version.track();
        api::topics::list()
    });
    let admin = session::user().is_some_and(|u| u.role == Role::Admin);
    view! {
        <section class="page">
            <h1>{t::NAV_TOPICS}</h1>
            <p class="lead">{t::TOPICS_CONSOLE_INTRO}</p>
            <Notice message=notice />
            <div class="card form-card">
                <h2>{t::TOPICS_QUEUE}</h2>
                <Transition fallback=Loading>
                    {move || queue.get().map(|r| match r {
                        Ok(list) if list.is_empty() => view! { <Empty text=t::TOPICS_QUEUE_EMPTY /> }.into_any(),
                        Ok(list) => view! {
                            <ul class="rows" id="topic-queue">
                                {list.into_iter().map(|p| post_row(p, notice, reload)).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <ErrorNotice error=err retry=move |_| reload() /> }.into_any(),
                    })}
                </Transition>
            </div>
            <div class="card form-card">
                <h2>{t::TOPICS_LIST}</h2>
                <Transition fallback=Loading>
                    {move || topics.get().map(|r| match r {
                        Ok(list) if list.is_empty() => view! { <Empty text=t::TOPICS_NONE /> }.into_any(),
                        Ok(list) => view! {
                            <ul class="rows" id="topics">
                                {list.into_iter().map(|topic| view! { <TopicRow topic=topic notice=notice reload=reload /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <ErrorNotice error=err retry=move |_| reload() /> }.into_any(),
                    })}
                </Transition>
            </div>
            <OpenTopic notice=notice reload=reload />
            {admin.then(|| view! { <Words notice=notice /> })}
        </section>
    }
}

fn post_row(post: TopicPost, notice: Flash, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let id = post.id;
    let act = move |action: ReviewAction| {
        leptos::task::spawn_local(async move {
            after(notice, reload, t::TOPIC_DONE)(api::topics::review(id, action).await.map(|_| ()));
        });
    };
    let mute = move |_| {
        let (Some(student), topic) = (post.student_id, post.topic_id) else { return };
        leptos::task::spawn_local(async move {
            after(notice, reload, t::TOPIC_MUTED_DONE)(api::topics::mute(topic, student, 24 * 60).await);
        });
    };
    let held = post.status == shared::PostStatus::Held;
    view! {
        <li class="topic-post-row" data-post=id>
            <span class="grow">
                <strong>{post.author.clone()}</strong>
                {post.class_name.clone().map(|c| view! { " "<small class="hint">{c}</small> })}
                {post.anonymous.then(|| view! { " "<span class="badge">{t::TOPIC_ANONYMOUS_BADGE}</span> })}
                {post.pinned.then(|| view! { " "<span class="badge info">{t::TOPIC_PINNED}</span> })}
                {post.held_for.clone().map(|w| view! { " "<span class="badge warn">{format!("{}：{w}", t::TOPIC_HELD_FOR)}</span> })}
                {(post.open_reports > 0).then(|| view! { " "<span class="badge danger">{format!("{} {}", t::TOPIC_REPORTS, post.open_reports)}</span> })}
                <br />
                {post.body.clone()}
                " "<small class="hint">{short_datetime(&Some(post.created_at), "")}</small>
                {super::portal::pictures(&post.images, true)}
            </span>
            <span class="row-actions">
                {(held || post.open_reports > 0).then(|| view! { <button class="link approve" on:click=move |_| act(ReviewAction::Approve)>{t::TOPIC_APPROVE}</button> })}
                {(post.status != shared::PostStatus::Hidden).then(|| view! { <button class="link danger hide" on:click=move |_| act(ReviewAction::Hide)>{t::TOPIC_HIDE}</button> })}
                {if post.pinned {
                    view! { <button class="link" on:click=move |_| act(ReviewAction::Unpin)>{t::TOPIC_UNPIN}</button> }.into_any()
                } else {
                    view! { <button class="link" on:click=move |_| act(ReviewAction::Pin)>{t::TOPIC_PIN}</button> }.into_any()
                }}
                <button class="link" on:click=mute>{t::TOPIC_MUTE_DAY}</button>
            </span>
        </li>
    }
}

#[component]
fn TopicRow(topic: Topic, notice: Flash, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let id = topic.id;
    let expanded = RwSignal::new(false);
    let change = move |patch: TopicPatch| {
        leptos::task::spawn_local(async move {
            after(notice, reload, t::TOPIC_DONE)(api::topics::change(id, patch).await.map(|_| ()));
        });
    };
    let set = move |status: TopicStatus| change(TopicPatch { status: Some(status), ..TopicPatch::default() });
    let lock = move |on: bool| change(TopicPatch { locked: Some(on), ..TopicPatch::default() });
    let export = move |_| {
        leptos::task::spawn_local(async move {
            if let Err(err) = api::topics::export(id).await {
                notice.set(Some((false, t::error(&err))));
            }
        });
    };
    let audience = if topic.classes.is_empty() && topic.groups.is_empty() {
        t::TOPIC_EVERYONE.to_string()
    } else {
        format!("{} 个班级 / {} 个群组", topic.classes.len(), topic.groups.len())
    };
    let (status, locked) = (topic.status, topic.locked);
    view! {
        <li class="topic-row" data-topic=id>
            <span class="grow">
                <strong>"#"{topic.title.clone()}</strong>" "
                <span class="badge">{t::topic_status(status)}</span>
                {locked.then(|| view! { " "<span class="badge warn">{t::TOPIC_LOCK}</span> })}
                {(topic.to_review > 0).then(|| view! { " "<span class="badge danger">{format!("{} {}", t::TOPICS_QUEUE, topic.to_review)}</span> })}
                <br />
                <small class="hint">
                    {audience}" · "{t::topic_counts(topic.posts, topic.participants)}
                    {topic.proposed_by.clone().map(|s| format!(" · 提议人：{s}"))}
                </small>
            </span>
            <span class="row-actions">
                {match status {
                    TopicStatus::Proposed => view! {
                        <button class="link approve-topic" on:click=move |_| set(TopicStatus::Open)>{t::TOPIC_ACCEPT}</button>
                        <button class="link danger" on:click=move |_| set(TopicStatus::Rejected)>{t::TOPIC_REJECT}</button>
                    }.into_any(),
                    TopicStatus::Open => view! {
                        <button class="link" on:click=move |_| lock(!locked)>{if locked { t::TOPIC_UNLOCK } else { t::TOPIC_LOCK }}</button>
                        <button class="link" on:click=move |_| set(TopicStatus::Closed)>{t::TOPIC_CLOSE}</button>
                    }.into_any(),
                    _ => view! { <button class="link" on:click=move |_| set(TopicStatus::Open)>{t::TOPIC_REOPEN}</button> }.into_any(),
                }}
                <button class="link" on:click=move |_| expanded.update(|e| *e = !*e)>{t::TOPIC_VIEW}</button>
                <button class="link" on:click=export>{t::TOPIC_EXPORT}</button>
            </span>
            <Show when=move || expanded.get()>
                <TopicDetail id=id notice=notice reload=reload />
            </Show>
        </li>
    }
}

#[component]
fn TopicDetail(id: i64, notice: Flash, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let posts = LocalResource::new(move || api::topics::posts(id));
    let activity = LocalResource::new(move || api::topics::activity(id));
    view! {
        <div class="topic-detail">
            <Transition fallback=Loading>
                {move || activity.get().map(|r| r.ok().map(|a| view! {
                    <div class="table-wrap flat">
                        <table>
                            <thead><tr><th>{t::TOPIC_ACTIVITY}</th><th class="num">{t::TOPIC_COL_POSTS}</th><th class="num">{t::TOPIC_COL_PEOPLE}</th></tr></thead>
                            <tbody>
                                {a.days.into_iter().map(|d| view! { <tr><td>{d.label}</td><td class="num">{d.posts}</td><td class="num">{d.participants}</td></tr> }).collect_view()}
                            </tbody>
                            <thead><tr><th>{t::TOPIC_BY_CLASS}</th><th></th><th></th></tr></thead>
                            <tbody>
                                {a.classes.into_iter().map(|d| view! { <tr><td>{d.label}</td><td class="num">{d.posts}</td><td class="num">{d.participants}</td></tr> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }))}
            </Transition>
            <Transition fallback=Loading>
                {move || posts.get().map(|r| match r {
                    Ok(p) if p.posts.is_empty() => view! { <Empty text=t::TOPIC_NO_POSTS /> }.into_any(),
                    Ok(p) => view! {
                        <ul class="rows">
                            {p.posts.into_iter().flat_map(|post| {
                                let replies = post.replies.clone();
                                std::iter::once(post).chain(replies)
                            }).map(|post| post_row(post, notice, reload)).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <ErrorNotice error=err retry=move |_| posts.refetch() /> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn OpenTopic(notice: Flash, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let (title, description) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let anonymous = RwSignal::new(false);
    let chosen = RwSignal::new(Vec::<i64>::new());
    let classes = LocalResource::new(|| api::people::classes(String::new(), 1, 200));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let topic = NewTopic {
            title: title.get_untracked(),
            description: description.get_untracked(),
            classes: chosen.get_untracked(),
            groups: Vec::new(),
            anonymous_allowed: anonymous.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let result = api::topics::open(topic).await.map(|_| ());
            if result.is_ok() {
                title.set(String::new());
                description.set(String::new());
                chosen.set(Vec::new());
            }
            after(notice, reload, t::TOPIC_OPENED)(result);
        });
    };
    view! {
        <div class="card form-card">
            <h2>{t::TOPICS_OPEN_NEW}</h2>
            <form id="topic-open-form" on:submit=submit>
                <div class="field">
                    <label for="topic-title">{t::TOPIC_TITLE_LABEL}</label>
                    <input id="topic-title" type="text" maxlength="20" bind:value=title />
                </div>
                <div class="field">
                    <label for="topic-description">{t::TOPIC_DESCRIPTION_LABEL}</label>
                    <textarea id="topic-description" rows="2" maxlength="300" bind:value=description></textarea>
                </div>
                <fieldset class="checks">
                    <legend>{t::TOPIC_FOR_CLASSES}</legend>
                    <Transition fallback=Loading>
                        {move || classes.get().map(|r| r.ok().map(|page| page.items.into_iter().map(|c| {
                            let id = c.id;
                            view! {
                                <label>
                                    <input type="checkbox" prop:checked=move || chosen.get().contains(&id)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|list| { list.retain(|x| *x != id); if on { list.push(id) } });
                                        } />
                                    {c.name}
                                </label>
                            }
                        }).collect_view()))}
                    </Transition>
                </fieldset>
                <fieldset class="checks">
                    <label><input type="checkbox" id="topic-anonymous-allowed" bind:checked=anonymous />{t::TOPIC_ALLOW_ANONYMOUS}</label>
                </fieldset>
                <div class="toolbar"><button type="submit" class="primary" id="topic-open">{t::TOPICS_OPEN_NEW}</button></div>
            </form>
        </div>
    }
}

#[component]
fn Words(notice: Flash) -> impl IntoView {
    let text = RwSignal::new(String::new());
    leptos::task::spawn_local(async move {
        if let Ok(w) = api::topics::words().await {
            text.set(w.words.join("\n"));
        }
    });
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let words: Vec<String> = text.get_untracked().lines().map(str::to_string).collect();
        leptos::task::spawn_local(async move {
            match api::topics::set_words(words).await {
                Ok(w) => {
                    text.set(w.words.join("\n"));
                    notice.set(Some((true, t::TOPIC_WORDS_SAVED.into())));
                }
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
        });
    };
    view! {
        <div class="card form-card">
            <h2>{t::TOPIC_WORDS}</h2>
            <p class="hint">{t::TOPIC_WORDS_HINT}</p>
            <form id="topic-words-form" on:submit=save>
                <textarea id="topic-words" rows="6" bind:value=text></textarea>
                <div class="toolbar"><button type="submit" class="primary" id="topic-words-save">{t::SAVE}</button></div>
            </form>
        </div>
    }
}
