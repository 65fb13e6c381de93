//! A composed mass message made into what the platform sends. Files come from the inbox's
//! uploads (`inbox::uploads`: checked against WeChat's limits when uploaded, only their
//! uploader may use them) and go to the platform as temporary media, reused while they
//! last; a video is then made into an `mpvideo` (`media/uploadvideo`); an article (图文)
//! becomes a draft (`draft/add`, its cover a permanent image material), since
//! `material/add_news` is gone, and the mass sends the draft's media_id as `mpnews`.

use shared::MassContent;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::inbox::uploads;
use crate::state::AppState;
use crate::wechat::client::mass::DraftArticle;
use crate::wechat::client::media::MediaKind;
use crate::wechat::client::messages::MassMessage;

/// The platform's message, and the draft or mass video made for it.
pub struct Built {
    pub message: MassMessage,
    pub media_id: Option<String>,
}

/// What the history lists a message by: the text, a title, or the kind.
pub fn summary(content: &MassContent) -> String {
    let text = match content.kind.as_str() {
        "text" => content.text.clone().unwrap_or_default(),
        "image" => "[图片]".into(),
        "voice" => "[语音]".into(),
        _ => content.title.clone().unwrap_or_default(),
    };
    text.trim().chars().take(120).collect()
}

/// Plain paragraphs as the article's HTML (escaped: a teacher types text, not markup).
fn article_html(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let escaped = p.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
            format!("<p>{escaped}</p>")
        })
        .collect()
}

fn trimmed(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or_default().to_string()
}

/// The caller's upload of the kind this message takes; 404 for anyone else's.
async fn upload_of(state: &AppState, caller: &Caller, content: &MassContent) -> ApiResult<uploads::Upload> {
    let id = content.upload_id.ok_or_else(|| ApiError::field("message.upload_id", "is required"))?;
    let upload = uploads::own(state, caller.user_id, id).await?;
    let wanted = if content.kind == "news" { "image" } else { content.kind.as_str() };
    if upload.kind != wanted {
        return Err(ApiError::field("message.upload_id", format!("a {} message takes a {wanted} file", content.kind)));
    }
    Ok(upload)
}

/// Makes the platform's message (uploading files, making the draft or video).
pub async fn build(state: &AppState, caller: &Caller, content: &MassContent) -> ApiResult<Built> {
    content.validate()?;
    let client = &state.wechat.client;
    let refused = |doing: &'static str| move |e: crate::wechat::WechatError| e.to_api_error(doing);
    let plain = |message| Built { message, media_id: None };
    Ok(match content.kind.as_str() {
        "text" => plain(MassMessage::Text { content: trimmed(&content.text) }),
        "image" => {
            let upload = upload_of(state, caller, content).await?;
            let media_id = uploads::platform_media(state, upload.id, MediaKind::Image).await?;
            plain(MassMessage::Image { media_ids: vec![media_id] })
        }
        "voice" => {
            let upload = upload_of(state, caller, content).await?;
            plain(MassMessage::Voice { media_id: uploads::platform_media(state, upload.id, MediaKind::Voice).await? })
        }
        "video" => {
            let upload = upload_of(state, caller, content).await?;
            let media_id = uploads::platform_media(state, upload.id, MediaKind::Video).await?;
            let made = client
                .upload_mass_video(&media_id, &trimmed(&content.title), &trimmed(&content.description))
                .await
                .map_err(refused("WeChat did not take the video for a mass message"))?;
            Built { message: MassMessage::MpVideo { media_id: made.clone() }, media_id: Some(made) }
        }
        _ => {
            let cover = upload_of(state, caller, content).await?;
            let bytes = uploads::read(state, &cover).await?;
            let material = client
                .add_material(MediaKind::Image, &cover.file_name, &bytes, None)
                .await
                .map_err(refused("WeChat did not take the cover image"))?;
            let article = DraftArticle {
                title: trimmed(&content.title),
                author: trimmed(&content.author),
                digest: trimmed(&content.description),
                content: article_html(content.content.as_deref().unwrap_or_default()),
                content_source_url: trimmed(&content.source_url),
                thumb_media_id: material.media_id,
                need_open_comment: 0,
                only_fans_can_comment: 0,
                url: None,
            };
            let draft = client.add_draft(&[article]).await.map_err(refused("WeChat did not take the article"))?;
            Built { message: MassMessage::MpNews { media_id: draft.clone() }, media_id: Some(draft) }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_is_the_teachers_paragraphs_with_markup_escaped() {
        assert_eq!(article_html("周五开会\n\n  地点<礼堂>  \n"), "<p>周五开会</p><p>地点&lt;礼堂&gt;</p>");
    }
}
