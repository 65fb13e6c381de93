//! What one message of a conversation holds beyond its text, drawn the same in 消息 and on
//! the student's 联系老师 page: a picture, a voice note or a video Banji kept (or why it
//! could not), a titled link (news, music, video, a link they sent), a pushed notice; and
//! its text, with the links the account wrote drawn as links.

use leptos::prelude::*;
use shared::ThreadMessage;

use crate::i18n::t;

/// The media, title and link of `m`, under its text.
pub fn extras(m: &ThreadMessage) -> impl IntoView {
    let media = match (m.media_url.clone(), m.media_type.clone()) {
        (Some(url), Some(kind)) if kind.starts_with("image/") => {
            let src = url.clone();
            view! { <a href=url target="_blank" rel="noopener"><img class="chat-image" src=src alt=t::message_kind("image") /></a> }
                .into_any()
        }
        (Some(url), Some(kind)) if kind.starts_with("audio/") && kind != "audio/amr" => {
            view! { <audio class="chat-audio" controls preload="none" src=url></audio> }.into_any()
        }
        (Some(url), Some(kind)) if kind.starts_with("video/") => {
            view! { <video class="chat-video" controls preload="metadata" src=url></video> }.into_any()
        }
        (Some(url), _) => view! { <a class="chat-file" href=url download="">{t::DOWNLOAD_MEDIA}</a> }.into_any(),
        (None, _) => match m.media_state.as_deref() {
            Some("pending") => view! { <small class="hint">{t::MEDIA_PENDING}</small> }.into_any(),
            Some("failed") => view! { <small class="problem">{t::MEDIA_FAILED}</small> }.into_any(),
            _ => ().into_any(),
        },
    };
    let titled = m.title.clone().map(|title| match m.url.clone() {
        Some(url) => view! { <a class="chat-link" href=url target="_blank" rel="noopener">{title}</a> }.into_any(),
        None => view! { <strong class="chat-title">{title}</strong> }.into_any(),
    });
    view! { {titled} {media} }
}

/// A message's text as WeChat shows it: the account's answers may carry links written as
/// `<a href="…">words</a>` (the digest of held notices, auto-replies), which WeChat draws
/// as the words, linked; anything else is shown as written. Only http(s) links are links.
pub fn text(text: &str) -> impl IntoView {
    let mut parts: Vec<AnyView> = Vec::new();
    let mut rest = text;
    while let Some((before, href, words, after)) = shared::inbox::next_link(rest) {
        if !before.is_empty() {
            parts.push(before.to_string().into_any());
        }
        parts
            .push(view! { <a href=href.to_string() target="_blank" rel="noopener">{words.to_string()}</a> }.into_any());
        rest = after;
    }
    if !rest.is_empty() {
        parts.push(rest.to_string().into_any());
    }
    view! { <p>{parts}</p> }
}
