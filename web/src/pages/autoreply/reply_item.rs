//! One reply of a rule in the editor: its kind and the fields that kind needs — text,
//! a file (uploaded at once through 消息's uploads, which check what WeChat takes), music,
//! news articles, or a card opening a Banji page.

use leptos::prelude::*;
use shared::{AutoReplyItem, ReplyArticle};
use web_sys::HtmlInputElement;

use crate::api;
use crate::i18n::t;

pub const KINDS: [&str; 7] = ["text", "image", "voice", "video", "music", "news", "link"];

/// Uploads the file an `<input type=file>` holds as `kind`; its upload id.
async fn upload(kind: &str, input: HtmlInputElement) -> Result<i64, String> {
    let file = input.files().and_then(|f| f.get(0)).ok_or_else(|| t::NO_FILE_CHOSEN.to_string())?;
    api::inbox::upload(kind, &file).await.map(|u| u.id).map_err(|e| e.field("file").unwrap_or_else(|| t::error(&e)))
}

/// A file picker that uploads at once and tells `done` the upload's id.
#[component]
fn FilePick(kind: &'static str, label: &'static str, current: Option<i64>, done: Callback<i64>) -> impl IntoView {
    let state = RwSignal::new(current.map(|id| format!("{}（#{id}）", t::AR_UPLOADED)));
    let picked = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        state.set(Some(t::AR_UPLOADING.into()));
        leptos::task::spawn_local(async move {
            match upload(kind, input.clone()).await {
                Ok(id) => {
                    let name = input.files().and_then(|f| f.get(0)).map(|f| f.name()).unwrap_or_default();
                    state.set(Some(format!("{}：{name}", t::AR_UPLOADED)));
                    done.run(id);
                }
                Err(why) => state.set(Some(why)),
            }
        });
    };
    view! {
        <div class="file-field">
            <span>{label}</span>
            <label class="file-pick">
                <span class="button secondary">{t::CHOOSE_FILE}</span>
                <input type="file" class="ar-file" accept=t::answer_file_accept(kind) on:change=picked />
                <span class="hint">{move || state.get().unwrap_or_else(|| t::NO_FILE_CHOSEN.to_string())}</span>
            </label>
        </div>
    }
}

fn text_input(label: &'static str, value: String, set: impl Fn(String) + 'static) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input type="text" prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
        </label>
    }
}

/// The reply at `index` of `replies`.
#[component]
pub fn ReplyItem(index: usize, replies: RwSignal<Vec<AutoReplyItem>>) -> impl IntoView {
    let item = replies.with_untracked(|r| r[index].clone());
    let set = move |f: Box<dyn Fn(&mut AutoReplyItem)>| {
        replies.update(|r| {
            if let Some(item) = r.get_mut(index) {
                f(item);
            }
        })
    };
    let kind = item.kind.clone();
    let fields = match kind.as_str() {
        "text" => view! {
            <textarea class="ar-reply-text" rows="3" placeholder=t::AR_REPLY_HINT
                prop:value=item.text.clone().unwrap_or_default()
                on:input=move |ev| { let v = event_target_value(&ev); set(Box::new(move |i| i.text = Some(v.clone()))) } />
        }.into_any(),
        "image" | "voice" => view! {
            <FilePick kind=if kind == "image" { "image" } else { "voice" } label=t::answer_file_label(&kind)
                current=item.upload_id done=Callback::new(move |id| set(Box::new(move |i| i.upload_id = Some(id)))) />
        }.into_any(),
        "video" => view! {
            <FilePick kind="video" label=t::answer_file_label("video") current=item.upload_id
                done=Callback::new(move |id| set(Box::new(move |i| i.upload_id = Some(id)))) />
            {text_input(t::ANSWER_TITLE, item.title.clone().unwrap_or_default(), move |v| set(Box::new(move |i| i.title = Some(v.clone()))))}
            {text_input(t::ANSWER_DESCRIPTION, item.description.clone().unwrap_or_default(), move |v| set(Box::new(move |i| i.description = Some(v.clone()))))}
        }.into_any(),
        "music" => view! {
            {text_input(t::ANSWER_TITLE, item.title.clone().unwrap_or_default(), move |v| set(Box::new(move |i| i.title = Some(v.clone()))))}
            {text_input(t::ANSWER_DESCRIPTION, item.description.clone().unwrap_or_default(), move |v| set(Box::new(move |i| i.description = Some(v.clone()))))}
            {text_input(t::MUSIC_URL, item.url.clone().unwrap_or_default(), move |v| set(Box::new(move |i| i.url = Some(v.clone()))))}
            <FilePick kind="thumb" label=t::AR_COVER current=item.upload_id
                done=Callback::new(move |id| set(Box::new(move |i| i.upload_id = Some(id)))) />
        }.into_any(),
        "news" => view! { <Articles index=index replies=replies /> }.into_any(),
        _ => {
            let page = item.page.clone().unwrap_or_else(|| "/s/checkin".into());
            let notice_id = page.strip_prefix("/s/notices/").map(str::to_string).unwrap_or_default();
            let chosen = if notice_id.is_empty() { page.clone() } else { "notice".into() };
            view! {
                {text_input(t::ANSWER_TITLE, item.title.clone().unwrap_or_default(), move |v| set(Box::new(move |i| i.title = Some(v.clone()))))}
                {text_input(t::ANSWER_DESCRIPTION, item.description.clone().unwrap_or_default(), move |v| set(Box::new(move |i| i.description = Some(v.clone()))))}
                <label class="field">
                    <span>{t::AR_PAGE}</span>
                    <select class="ar-page" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        let page = if v == "notice" { "/s/notices/1".to_string() } else { v };
                        set(Box::new(move |i| i.page = Some(page.clone())));
                    }>
                        {t::PAGES.map(|(path, label)| view! { <option value=path selected=chosen == path>{label}</option> })}
                        <option value="notice" selected=chosen == "notice">{t::AR_NOTICE_ID}</option>
                    </select>
                </label>
                {(!notice_id.is_empty()).then(|| text_input(t::AR_NOTICE_ID, notice_id.clone(), move |v| {
                    set(Box::new(move |i| i.page = Some(format!("/s/notices/{}", v.trim()))))
                }))}
            }.into_any()
        }
    };
    view! {
        <div class="ar-reply card-inset">
            <div class="ar-reply-head">
                <select class="ar-reply-kind" aria-label=t::REPLY_KIND on:change=move |ev| {
                    let k = event_target_value(&ev);
                    replies.update(|r| r[index] = AutoReplyItem { kind: k.clone(), ..AutoReplyItem::default() });
                }>
                    {KINDS.map(|k| view! { <option value=k selected=k == item.kind>{t::auto_reply_kind(k)}</option> })}
                </select>
                <button type="button" class="link danger" on:click=move |_| replies.update(|r| { r.remove(index); })>
                    {t::AR_REMOVE}
                </button>
            </div>
            {fields}
        </div>
    }
}

/// The articles of a news reply.
#[component]
fn Articles(index: usize, replies: RwSignal<Vec<AutoReplyItem>>) -> impl IntoView {
    let count = Memo::new(move |_| replies.with(|r| r.get(index).map(|i| i.articles.len()).unwrap_or(0)));
    let edit = move |a: usize, f: Box<dyn Fn(&mut ReplyArticle)>| {
        replies.update(|r| {
            if let Some(article) = r.get_mut(index).and_then(|i| i.articles.get_mut(a)) {
                f(article);
            }
        })
    };
    let add = move |_| {
        replies.update(|r| {
            if let Some(item) = r.get_mut(index) {
                item.articles.push(ReplyArticle::default());
            }
        })
    };
    view! {
        {move || (0..count.get()).map(|a| {
            let article = replies.with_untracked(|r| r[index].articles[a].clone());
            view! {
                <div class="ar-article">
                    {text_input(t::AR_ARTICLE_TITLE, article.title.clone(), move |v| edit(a, Box::new(move |x| x.title = v.clone())))}
                    {text_input(t::ANSWER_DESCRIPTION, article.description.clone(), move |v| edit(a, Box::new(move |x| x.description = v.clone())))}
                    {text_input(t::AR_ARTICLE_URL, article.url.clone(), move |v| edit(a, Box::new(move |x| x.url = v.clone())))}
                    <FilePick kind="image" label=t::AR_PICTURE current=article.upload_id
                        done=Callback::new(move |id| edit(a, Box::new(move |x| x.upload_id = Some(id)))) />
                </div>
            }
        }).collect_view()}
        <button type="button" class="secondary small" on:click=add disabled=move || { count.get() >= 8 }>{t::AR_ADD_ARTICLE}</button>
    }
}
