//! What the mass-send assistant needs besides sending (`messages::mass_send*`): articles
//! made as drafts (`draft/add`, since `material/add_news` is gone), videos made fit for a
//! mass send (`media/uploadvideo` → an `mpvideo` media id), a preview to one follower,
//! and deleting a sent mass message. The JSON shapes are built and read here, so the mock
//! platform reads them with the same code.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::messages::MassMessage;
use super::{Ok, Repeat, WechatClient, WechatResult};

/// One article of a draft (图文). `thumb_media_id` is a permanent image material.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftArticle {
    pub title: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub digest: String,
    /// The article body, HTML.
    pub content: String,
    /// 阅读原文.
    #[serde(default)]
    pub content_source_url: String,
    pub thumb_media_id: String,
    #[serde(default)]
    pub need_open_comment: u8,
    #[serde(default)]
    pub only_fans_can_comment: u8,
    /// The article's address once published or sent (answered by `draft/get`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Deserialize)]
struct MediaId {
    media_id: String,
}

#[derive(Deserialize)]
struct Draft {
    news_item: Vec<DraftArticle>,
}

#[derive(Deserialize)]
struct Previewed {
    #[serde(default)]
    msg_id: Option<i64>,
}

/// The most articles one draft holds.
pub const MAX_DRAFT_ARTICLES: usize = 8;

impl WechatClient {
    /// Makes a draft of these articles; returns its media_id (what an `mpnews` mass sends).
    /// Not repeated after a timeout: a second draft would be made.
    pub async fn add_draft(&self, articles: &[DraftArticle]) -> WechatResult<String> {
        let body = json!({ "articles": articles });
        Ok(self.post_with::<MediaId>("/cgi-bin/draft/add", &body, Repeat::IfNotDone).await?.media_id)
    }

    pub async fn draft(&self, media_id: &str) -> WechatResult<Vec<DraftArticle>> {
        Ok(self.post::<Draft>("/cgi-bin/draft/get", &json!({ "media_id": media_id })).await?.news_item)
    }

    pub async fn delete_draft(&self, media_id: &str) -> WechatResult<()> {
        self.post::<Ok>("/cgi-bin/draft/delete", &json!({ "media_id": media_id })).await.map(drop)
    }

    /// A temporary video (`media/upload`) made into one a mass send takes (`mpvideo`).
    pub async fn upload_mass_video(&self, media_id: &str, title: &str, description: &str) -> WechatResult<String> {
        let body = json!({ "media_id": media_id, "title": title, "description": description });
        Ok(self.post::<MediaId>("/cgi-bin/media/uploadvideo", &body).await?.media_id)
    }

    /// Sends the message to one follower only, as a mass send would show it (100 a day).
    /// Not repeated after a timeout: the follower would get it twice.
    pub async fn mass_preview(&self, openid: &str, message: &MassMessage) -> WechatResult<Option<i64>> {
        let body = message.to_preview_json(openid);
        let answer: Previewed = self.post_with("/cgi-bin/message/mass/preview", &body, Repeat::IfNotDone).await?;
        Ok(answer.msg_id)
    }

    /// Deletes a sent mass message (all its articles, or the `article_idx`-th, from 1):
    /// followers keep the card, the article stops opening.
    pub async fn mass_delete(&self, msg_id: i64, article_idx: Option<u32>) -> WechatResult<()> {
        let mut body = json!({ "msg_id": msg_id });
        if let Some(idx) = article_idx {
            body["article_idx"] = json!(idx);
        }
        self.post::<Ok>("/cgi-bin/message/mass/delete", &body).await.map(drop)
    }
}
