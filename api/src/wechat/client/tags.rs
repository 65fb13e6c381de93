//! Follower tags (the mirror of classes and groups) and their members.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Ok, WechatClient, WechatResult};

/// Openids per batch (un)tagging call.
pub const TAG_BATCH: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub count: i64,
}

/// One page of a tag's followers; pass `next_openid` back for the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenidPage {
    pub count: i64,
    #[serde(default)]
    pub data: Option<Openids>,
    #[serde(default)]
    pub next_openid: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Openids {
    pub openid: Vec<String>,
}

impl OpenidPage {
    pub fn openids(&self) -> &[String] {
        self.data.as_ref().map(|d| d.openid.as_slice()).unwrap_or_default()
    }
}

#[derive(Deserialize)]
struct Created {
    tag: Tag,
}

#[derive(Deserialize)]
struct Tags {
    tags: Vec<Tag>,
}

#[derive(Deserialize)]
struct TagIds {
    tagid_list: Vec<i64>,
}

impl WechatClient {
    pub async fn create_tag(&self, name: &str) -> WechatResult<Tag> {
        let body = json!({ "tag": { "name": name } });
        let created: Created = self.post_with("/cgi-bin/tags/create", &body, super::Repeat::IfNotDone).await?;
        Ok(created.tag)
    }

    pub async fn tags(&self) -> WechatResult<Vec<Tag>> {
        Ok(self.get::<Tags>("/cgi-bin/tags/get", &[]).await?.tags)
    }

    pub async fn rename_tag(&self, id: i64, name: &str) -> WechatResult<()> {
        self.post::<Ok>("/cgi-bin/tags/update", &json!({ "tag": { "id": id, "name": name } })).await.map(drop)
    }

    pub async fn delete_tag(&self, id: i64) -> WechatResult<()> {
        self.post::<Ok>("/cgi-bin/tags/delete", &json!({ "tag": { "id": id } })).await.map(drop)
    }

    /// Tags followers, 50 per call.
    pub async fn tag_followers(&self, tag_id: i64, openids: &[String]) -> WechatResult<()> {
        for chunk in openids.chunks(TAG_BATCH) {
            let body = json!({ "openid_list": chunk, "tagid": tag_id });
            self.post::<Ok>("/cgi-bin/tags/members/batchtagging", &body).await?;
        }
        Ok(())
    }

    /// Untags followers, 50 per call.
    pub async fn untag_followers(&self, tag_id: i64, openids: &[String]) -> WechatResult<()> {
        for chunk in openids.chunks(TAG_BATCH) {
            let body = json!({ "openid_list": chunk, "tagid": tag_id });
            self.post::<Ok>("/cgi-bin/tags/members/batchuntagging", &body).await?;
        }
        Ok(())
    }

    /// One page of the followers with a tag, starting after `next_openid` ("" for the first).
    pub async fn followers_of_tag(&self, tag_id: i64, next_openid: &str) -> WechatResult<OpenidPage> {
        self.post("/cgi-bin/user/tag/get", &json!({ "tagid": tag_id, "next_openid": next_openid })).await
    }

    pub async fn tags_of_follower(&self, openid: &str) -> WechatResult<Vec<i64>> {
        Ok(self.post::<TagIds>("/cgi-bin/tags/getidlist", &json!({ "openid": openid })).await?.tagid_list)
    }
}
