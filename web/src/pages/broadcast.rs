//! 每日播报 in the console (any teacher): how the last days' broadcasts went — queued,
//! sent, waiting, failed, opened — and the queue of curated items (今日推荐) each day takes
//! the first of: add an article, a song or a quote, take back one of yours still waiting.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{BroadcastItem, BroadcastOverview, ItemKind, NewBroadcastItem};

use crate::api;
use crate::components::{Empty, ErrorNotice, Loading, Notice};
use crate::i18n::t;

#[component]
pub fn BroadcastPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let reload = move || version.update(|v| *v += 1);
    let overview = LocalResource::new(move || {
        version.track();
        api::broadcast::overview()
    });
    let items = LocalResource::new(move || {
        version.track();
        api::broadcast::items()
    });
    let notice = RwSignal::new(None::<(bool, String)>);
    view! {
        <section class="page">
            <h1>{t::BROADCAST_TITLE}</h1>
            <p class="lead">{t::BROADCAST_CONSOLE_INTRO}</p>
            <Notice message=notice />
            <div class="card form-card">
                <h2>{t::BROADCAST_DAYS}</h2>
                <Transition fallback=Loading>
                    {move || overview.get().map(|r| match r {
                        Ok(o) => days(o).into_any(),
                        Err(err) => view! { <ErrorNotice error=err retry=move |_| reload() /> }.into_any(),
                    })}
                </Transition>
            </div>
            <div class="card form-card">
                <h2>{t::BROADCAST_ITEMS}</h2>
                <p class="hint">{t::BROADCAST_ITEMS_HINT}</p>
                <ItemForm notice=notice on_added=move || reload() />
                <Transition fallback=Loading>
                    {move || items.get().map(|r| match r {
                        Ok(list) if list.is_empty() => view! { <Empty text=t::BROADCAST_NO_ITEMS /> }.into_any(),
                        Ok(list) => view! {
                            <ul class="rows" id="broadcast-items">
                                {list.into_iter().map(|i| item_row(i, notice, reload)).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <ErrorNotice error=err retry=move |_| reload() /> }.into_any(),
                    })}
                </Transition>
            </div>
        </section>
    }
}

fn days(o: BroadcastOverview) -> impl IntoView {
    let subscribers = t::broadcast_subscribers(o.subscribers);
    view! {
        <p id="broadcast-subscribers">{subscribers}</p>
        {if o.days.is_empty() {
            view! { <Empty text=t::BROADCAST_NO_DAYS /> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table id="broadcast-days">
                        <thead><tr>
                            <th>{t::BROADCAST_DAY}</th><th class="num">{t::BROADCAST_QUEUED}</th>
                            <th class="num">{t::BROADCAST_SENT}</th><th class="num">{t::BROADCAST_WAITING}</th>
                            <th class="num">{t::BROADCAST_FAILED}</th><th class="num">{t::BROADCAST_OPENED}</th>
                        </tr></thead>
                        <tbody>
                            {o.days.into_iter().map(|d| view! {
                                <tr>
                                    <td>{d.day}</td><td class="num">{d.queued}</td><td class="num">{d.sent}</td>
                                    <td class="num">{d.waiting}</td><td class="num">{d.failed}</td>
                                    <td class="num">{t::broadcast_opened(d.opened, d.queued)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

fn item_row(
    item: BroadcastItem,
    notice: RwSignal<Option<(bool, String)>>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let id = item.id;
    let waiting = item.used_on.is_none();
    let heading = match item.kind {
        ItemKind::Quote => format!(
            "「{}」{}",
            item.text,
            if item.title.is_empty() { String::new() } else { format!("——{}", item.title) }
        ),
        _ => format!("《{}》", item.title),
    };
    let take_back = move |_| {
        leptos::task::spawn_local(async move {
            match api::broadcast::take_back(id).await {
                Ok(()) => {
                    notice.set(Some((true, t::BROADCAST_ITEM_REMOVED.into())));
                    reload();
                }
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
        });
    };
    view! {
        <li>
            <span class="badge">{item.kind.label()}</span>
            <span class="grow">
                {heading}
                {(item.kind != ItemKind::Quote && !item.text.is_empty()).then(|| view! { <small class="hint">" "{item.text.clone()}</small> })}
                {(!item.url.is_empty()).then(|| view! { " "<a href=item.url.clone() target="_blank" rel="noopener" class="link">{t::BROADCAST_ITEM_LINK}</a> })}
            </span>
            <small class="hint">{item.added_by.clone().unwrap_or_default()}</small>
            {match item.used_on {
                Some(day) => view! { <span class="badge muted">{t::broadcast_item_used(&day)}</span> }.into_any(),
                None => view! { <span class="badge">{t::BROADCAST_ITEM_WAITING}</span> }.into_any(),
            }}
            {waiting.then(|| view! { <button class="link danger" on:click=take_back>{t::BROADCAST_ITEM_TAKE_BACK}</button> })}
        </li>
    }
}

#[component]
fn ItemForm(
    notice: RwSignal<Option<(bool, String)>>,
    on_added: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let kind = RwSignal::new("article".to_string());
    let title = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let fields = RwSignal::new(None::<api::ClientError>);
    let quote = move || kind.get() == "quote";
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let item = NewBroadcastItem {
            kind: ItemKind::parse(&kind.get_untracked()).unwrap_or(ItemKind::Article),
            title: title.get_untracked().trim().to_string(),
            text: text.get_untracked().trim().to_string(),
            url: url.get_untracked().trim().to_string(),
        };
        leptos::task::spawn_local(async move {
            match api::broadcast::add_item(item).await {
                Ok(_) => {
                    fields.set(None);
                    title.set(String::new());
                    text.set(String::new());
                    url.set(String::new());
                    notice.set(Some((true, t::BROADCAST_ITEM_ADDED.into())));
                    on_added();
                }
                Err(err) => {
                    notice.set(Some((false, t::error(&err))));
                    fields.set(Some(err));
                }
            }
        });
    };
    let error_of = move |name: &'static str| Signal::derive(move || fields.get().and_then(|e| e.field(name)));
    let (title_error, text_error, url_error) = (error_of("title"), error_of("text"), error_of("url"));
    let problem = |e: Signal<Option<String>>| move || e.get().map(|m| view! { <small class="problem">{m}</small> });
    view! {
        <form id="broadcast-item-form" on:submit=add>
            <div class="field">
                <label for="item-kind">{t::BROADCAST_ITEM_KIND}</label>
                <select id="item-kind" bind:value=kind>
                    <option value="article">{ItemKind::Article.label()}</option>
                    <option value="song">{ItemKind::Song.label()}</option>
                    <option value="quote">{ItemKind::Quote.label()}</option>
                </select>
            </div>
            <div class="field" class:invalid=move || title_error.get().is_some()>
                <label for="item-title">{move || if quote() { t::BROADCAST_ITEM_BY } else { t::BROADCAST_ITEM_TITLE }}</label>
                <input id="item-title" type="text" maxlength="60" bind:value=title />
                {problem(title_error)}
            </div>
            <div class="field" class:invalid=move || text_error.get().is_some()>
                <label for="item-text">{move || if quote() { t::BROADCAST_ITEM_QUOTE } else { t::BROADCAST_ITEM_TEXT }}</label>
                <textarea id="item-text" rows="2" maxlength="200" bind:value=text></textarea>
                {problem(text_error)}
            </div>
            <Show when=move || !quote()>
                <div class="field" class:invalid=move || url_error.get().is_some()>
                    <label for="item-url">{t::BROADCAST_ITEM_URL}</label>
                    <input id="item-url" type="text" inputmode="url" placeholder="https://" bind:value=url />
                    {problem(url_error)}
                </div>
            </Show>
            <div class="toolbar"><button type="submit" class="primary" id="item-add">{t::BROADCAST_ITEM_ADD}</button></div>
        </form>
    }
}
