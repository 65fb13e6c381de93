//! A rule's replies as the follower gets them: `{姓名}` and `{班级}` filled in, files as the
//! platform's media (uploaded once, `inbox::uploads::platform_media`), a link card as a
//! news article opening the Banji page through WeChat authorisation. The first reply is
//! the passive answer; the rest follow as customer-service messages, in order, right
//! after (a random rule sends one of its replies). `respond` is what the webhook calls.

use rand::seq::IndexedRandom;
use shared::{AutoReplyItem, ReplyPreview};

use super::follower::{self, Follower};
use super::matcher::{Msg, Rule};
use crate::db::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::inbox::uploads::{self, MUSIC_COVER};
use crate::state::AppState;
use crate::wechat::client::media::MediaKind;
use crate::wechat::client::messages::CustomMessage;
use crate::wechat::incoming::{Body, Event};
use crate::wechat::reply::Article;
use crate::wechat::{Incoming, Reply};

/// What the rules answered.
pub struct Answered {
    pub rule_id: i64,
    /// Only a default rule answered: the message still waits for a teacher.
    pub default: bool,
    pub replies: Vec<Reply>,
}

/// What the follower did, as rules see it (none: no rule answers such a thing).
pub fn msg_of(incoming: &Incoming) -> Option<Msg<'_>> {
    match &incoming.body {
        Body::Text { content, .. } => Some(Msg::Text(content)),
        Body::Event(Event::Click { key }) => Some(Msg::Click(key)),
        Body::Event(Event::Subscribe { .. }) => Some(Msg::Follow),
        Body::Event(_) | Body::Unknown { .. } => None,
        _ => Some(Msg::Other),
    }
}

/// The rules' answer to a message, if any rule answers it.
pub async fn respond(state: &AppState, incoming: &Incoming) -> ApiResult<Option<Answered>> {
    let Some(msg) = msg_of(incoming) else { return Ok(None) };
    let matcher = state.autoreply.current();
    let candidates = matcher.candidates(msg);
    let defaults_may = matches!(msg, Msg::Text(_) | Msg::Other) && matcher.has_defaults();
    if candidates.is_empty() && !defaults_may {
        return Ok(None);
    }
    let who = follower::load(&state.db, &incoming.openid).await?;
    let Some(found) = matcher.answer(msg, &candidates, &who.sender, now_ms()) else { return Ok(None) };
    let replies = replies(state, found.rule, &who).await?;
    Ok(Some(Answered { rule_id: found.rule.id, default: found.default, replies }))
}

/// The items a rule sends this time: all of them, or one at random.
pub fn chosen(rule: &Rule) -> Vec<&AutoReplyItem> {
    if rule.random {
        rule.replies.choose(&mut rand::rng()).into_iter().collect()
    } else {
        rule.replies.iter().collect()
    }
}

async fn replies(state: &AppState, rule: &Rule, who: &Follower) -> ApiResult<Vec<Reply>> {
    let mut out = Vec::new();
    for item in chosen(rule) {
        out.push(reply(state, item, who).await?);
    }
    Ok(out)
}

/// `{姓名}` and `{班级}` filled in for this follower.
pub fn personal(text: &str, who: &Follower) -> String {
    let name = who.name.as_deref().unwrap_or("同学");
    text.replace("{姓名}", name).replace("{班级}", who.class_name.as_deref().unwrap_or_default())
}

/// A Banji page, opened through WeChat authorisation.
pub fn page_url(state: &AppState, page: &str) -> String {
    format!("{}/api/v1/portal/oauth?next={page}", state.config.public_url)
}

fn text(value: &Option<String>, who: &Follower) -> String {
    personal(value.as_deref().unwrap_or_default().trim(), who)
}

async fn media(state: &AppState, item: &AutoReplyItem, kind: MediaKind) -> ApiResult<String> {
    let id = item.upload_id.ok_or_else(|| ApiError::field("upload_id", "is required"))?;
    uploads::platform_media(state, id, kind).await
}

/// Banji's music cover as the platform's media, uploaded once every few days.
async fn default_cover(state: &AppState) -> ApiResult<String> {
    const KEY: &str = "autoreply:music-cover";
    if let Ok(Some(id)) = state.kv.get(KEY).await {
        return Ok(id);
    }
    let uploaded = state.wechat.client.upload_media(MediaKind::Thumb, "cover.jpg", MUSIC_COVER).await;
    let id = uploaded.map_err(|e| e.to_api_error("WeChat did not take the cover"))?.media_id;
    let _ = state.kv.set(KEY, &id, Some(std::time::Duration::from_secs(70 * 3600))).await;
    Ok(id)
}

async fn reply(state: &AppState, item: &AutoReplyItem, who: &Follower) -> ApiResult<Reply> {
    Ok(match item.kind.as_str() {
        "image" => Reply::Image { media_id: media(state, item, MediaKind::Image).await? },
        "voice" => Reply::Voice { media_id: media(state, item, MediaKind::Voice).await? },
        "video" => Reply::Video {
            media_id: media(state, item, MediaKind::Video).await?,
            title: text(&item.title, who),
            description: text(&item.description, who),
        },
        "music" => {
            let url = item.url.clone().unwrap_or_default();
            Reply::Music {
                title: text(&item.title, who),
                description: text(&item.description, who),
                music_url: url.clone(),
                hq_music_url: url,
                thumb_media_id: match item.upload_id {
                    Some(_) => media(state, item, MediaKind::Thumb).await?,
                    None => default_cover(state).await?,
                },
            }
        }
        "news" => Reply::News {
            articles: item
                .articles
                .iter()
                .take(crate::wechat::reply::MAX_ARTICLES)
                .map(|a| Article {
                    title: personal(&a.title, who),
                    description: personal(&a.description, who),
                    pic_url: a.upload_id.and_then(|id| uploads::picture_url(state, id)).unwrap_or_default(),
                    url: a.url.clone(),
                })
                .collect(),
        },
        "link" => Reply::News {
            articles: vec![Article {
                title: text(&item.title, who),
                description: text(&item.description, who),
                pic_url: String::new(),
                url: page_url(state, item.page.as_deref().unwrap_or("/s/")),
            }],
        },
        _ => Reply::text(text(&item.text, who)),
    })
}

/// What an item would look like, without asking the platform for anything.
pub fn preview(state: &AppState, item: &AutoReplyItem, who: &Follower, channel: &str) -> ReplyPreview {
    let mut p = ReplyPreview {
        kind: if item.kind == "link" { "news".into() } else { item.kind.clone() },
        text: None,
        title: None,
        description: None,
        url: None,
        channel: channel.into(),
    };
    match item.kind.as_str() {
        "text" => p.text = Some(text(&item.text, who)),
        "news" => {
            let first = item.articles.first().cloned().unwrap_or_default();
            p.title = Some(personal(&first.title, who));
            p.description = Some(personal(&first.description, who));
            p.url = Some(first.url);
            if item.articles.len() > 1 {
                p.text = Some(format!("共 {} 篇", item.articles.len()));
            }
        }
        "link" => {
            p.title = Some(text(&item.title, who));
            p.description = Some(text(&item.description, who));
            p.url = Some(page_url(state, item.page.as_deref().unwrap_or("/s/")));
        }
        _ => {
            p.title = item.title.as_ref().map(|_| text(&item.title, who));
            p.description = item.description.as_ref().map(|_| text(&item.description, who));
            p.url = item.url.clone();
        }
    }
    p
}

/// The customer-service form of a reply that follows the first.
fn follow_up(reply: &Reply) -> Option<CustomMessage> {
    match reply {
        Reply::Video { media_id, title, description } => Some(CustomMessage::Video {
            media_id: media_id.clone(),
            thumb_media_id: String::new(),
            title: title.clone(),
            description: description.clone(),
        }),
        other => CustomMessage::from_reply(other),
    }
}

/// Sends the replies after the first, in order, once the passive answer has gone
/// (tracked, so a stopping server lets them finish).
pub fn send_after(state: &AppState, openid: &str, replies: Vec<Reply>) {
    if replies.is_empty() {
        return;
    }
    if !state.wechat.client.kind().has_customer_service() {
        tracing::info!(
            n = replies.len(),
            "follow-up replies dropped: this account cannot send customer-service messages"
        );
        return;
    }
    let (state, openid) = (state.clone(), openid.to_string());
    state.background.clone().spawn(async move {
        // The passive answer leaves with the webhook's response; the follow-ups after it.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        for reply in replies {
            let Some(message) = follow_up(&reply) else { continue };
            match state.wechat.client.send_custom_message(&openid, &message).await {
                Ok(_) => state.wechat.log.record_reply(&openid, &reply),
                Err(err) => {
                    tracing::warn!(error = %err, "a follow-up auto-reply could not be sent");
                    break;
                }
            }
        }
    });
}
