//! The answer box of a thread: a kind (文字, 图片, 语音, 视频, 音乐, 图文) and its fields.
//! A file chosen is uploaded first (the server checks it against what WeChat takes and
//! says why not), then the answer is sent. Above a text answer the teacher's saved answers
//! (快捷回复): a click inserts one; the text in the box can be saved as one.

use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use shared::{NewInboxReply, QuickReply};

use crate::api;
use crate::components::{chosen_file, clear_file, FilePick};
use crate::i18n::t;

const KINDS: [&str; 6] = ["text", "image", "voice", "video", "music", "news"];

/// The upload kind a file of an answer of `kind` goes as.
fn upload_kind(kind: &str) -> &'static str {
    match kind {
        "image" | "news" => "image",
        "voice" => "voice",
        "video" => "video",
        _ => "thumb",
    }
}

#[component]
pub fn Composer(openid: String, done: Callback<Result<&'static str, String>>) -> impl IntoView {
    let kind = RwSignal::new("text".to_string());
    let text = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let file = NodeRef::<Input>::new();
    let picked = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let quick_version = RwSignal::new(0u32);
    let quick = LocalResource::new(move || {
        quick_version.track();
        api::inbox::quick_replies()
    });
    let to = StoredValue::new(openid);

    let send = move |ev: SubmitEvent| {
        ev.prevent_default();
        let k = kind.get_untracked();
        let chosen = chosen_file(file);
        let optional = |s: RwSignal<String>| Some(s.get_untracked().trim().to_string()).filter(|v| !v.is_empty());
        let mut answer = NewInboxReply {
            kind: Some(k.clone()),
            text: text.get_untracked(),
            upload_id: None,
            title: optional(title),
            description: optional(description),
            url: optional(url),
        };
        if k == "text" && answer.text.trim().is_empty() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = async {
                if let Some(chosen) = chosen {
                    answer.upload_id = Some(api::inbox::upload(upload_kind(&k), &chosen).await?.id);
                }
                api::inbox::reply(&to.get_value(), &answer).await
            }
            .await;
            busy.set(false);
            match result {
                Ok(sent) => {
                    for field in [text, title, description, url] {
                        field.set(String::new());
                    }
                    clear_file(file, picked);
                    done.run(Ok(if sent.status.as_deref() == Some("pending") {
                        t::REPLY_PLANNED
                    } else {
                        t::REPLY_SENT
                    }));
                }
                Err(err) => done.run(Err(t::error(&err))),
            }
        });
    };
    let save_quick = move |_| {
        let body = text.get_untracked().trim().to_string();
        if body.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match api::inbox::save_quick_reply(body).await {
                Ok(_) => quick_version.update(|v| *v += 1),
                Err(err) => done.run(Err(t::error(&err))),
            }
        });
    };
    let chip = move |q: QuickReply| {
        let inserted = q.text.clone();
        let id = q.id;
        view! {
            <li class="quick-reply">
                <button type="button" class="link" title=t::INSERT_QUICK_REPLY on:click=move |_| text.set(inserted.clone())>{q.text.clone()}</button>
                <button type="button" class="icon" aria-label=t::DELETE_QUICK_REPLY on:click=move |_| {
                    leptos::task::spawn_local(async move {
                        let _ = api::inbox::delete_quick_reply(id).await;
                        quick_version.update(|v| *v += 1);
                    });
                }>"×"</button>
            </li>
        }
    };
    let field = move |label: &'static str, id: &'static str, value: RwSignal<String>| {
        view! { <input id=id placeholder=label aria-label=label bind:value=value /> }
    };
    view! {
        <form class="reply-box answer-box" on:submit=send>
            <div class="segmented" role="group" aria-label=t::REPLY_KIND>
                {KINDS.map(|k| view! {
                    <button type="button" id=format!("reply-kind-{k}") class:chosen=move || kind.get() == k
                        on:click=move |_| kind.set(k.to_string())>{t::reply_kind(k)}</button>
                })}
            </div>
            {move || (kind.get() == "text").then(|| view! {
                <ul class="quick-replies" id="quick-replies">
                    {move || quick.get().and_then(Result::ok).map(|list| list.into_iter().map(chip).collect_view())}
                </ul>
                <textarea id="reply-text" rows="3" placeholder=t::INBOX_REPLY_PLACEHOLDER aria-label=t::REPLY bind:value=text></textarea>
            })}
            {move || matches!(kind.get().as_str(), "video" | "music" | "news").then(|| view! {
                {field(t::ANSWER_TITLE, "reply-title", title)}
                {field(t::ANSWER_DESCRIPTION, "reply-description", description)}
            })}
            {move || matches!(kind.get().as_str(), "music" | "news").then(|| view! {
                {field(if kind.get() == "music" { t::MUSIC_URL } else { t::NEWS_URL }, "reply-url", url)}
            })}
            <FilePick id="reply-file" label=Signal::derive(move || t::answer_file_label(&kind.get()))
                accept=Signal::derive(move || t::answer_file_accept(&kind.get())) input=file picked=picked
                hidden=Signal::derive(move || kind.get() == "text") />
            <div class="actions">
                {move || (kind.get() == "text").then(|| view! {
                    <button type="button" class="secondary" id="save-quick-reply" on:click=save_quick>{t::SAVE_QUICK_REPLY}</button>
                })}
                <button type="submit" class="primary" id="send-reply" disabled=move || busy.get()>
                    {move || if busy.get() { t::REPLY_SENDING } else { t::SEND_REPLY }}
                </button>
            </div>
        </form>
    }
}
