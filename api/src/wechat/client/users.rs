//! Followers: the list (10 000 a page), their info (one, or 100 a call), and remarks.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::tags::OpenidPage;
use super::{Ok, WechatClient, WechatError, WechatResult};

/// Openids per `batchget` call.
pub const INFO_BATCH: usize = 100;
/// A remark is at most this many characters.
pub const MAX_REMARK_CHARS: usize = 30;

/// What the platform tells about a follower (nickname and avatar are no longer given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowerInfo {
    /// 1 while following, 0 after unfollowing (then nothing else is given).
    pub subscribe: i64,
    pub openid: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub subscribe_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unionid: Option<String>,
    #[serde(default)]
    pub remark: String,
    #[serde(default)]
    pub tagid_list: Vec<i64>,
    #[serde(default)]
    pub subscribe_scene: String,
    #[serde(default)]
    pub qr_scene: i64,
    #[serde(default)]
    pub qr_scene_str: String,
}

/// A page of followers: `total` overall, `count` here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowerPage {
    pub total: i64,
    #[serde(flatten)]
    pub page: OpenidPage,
}

#[derive(Deserialize)]
struct InfoList {
    user_info_list: Vec<FollowerInfo>,
}

impl WechatClient {
    /// One page of followers after `next_openid` ("" for the first).
    pub async fn followers(&self, next_openid: &str) -> WechatResult<FollowerPage> {
        self.get("/cgi-bin/user/get", &[("next_openid", next_openid)]).await
    }

    pub async fn follower_info(&self, openid: &str) -> WechatResult<FollowerInfo> {
        self.get("/cgi-bin/user/info", &[("openid", openid), ("lang", "zh_CN")]).await
    }

    /// Info on many followers, 100 per call.
    pub async fn followers_info(&self, openids: &[String]) -> WechatResult<Vec<FollowerInfo>> {
        let mut all = Vec::with_capacity(openids.len());
        for chunk in openids.chunks(INFO_BATCH) {
            let list: Vec<_> = chunk.iter().map(|o| json!({ "openid": o, "lang": "zh_CN" })).collect();
            let answer: InfoList = self.post("/cgi-bin/user/info/batchget", &json!({ "user_list": list })).await?;
            all.extend(answer.user_info_list);
        }
        Ok(all)
    }

    /// Sets the name the account sees a follower under (e.g. `计科2301-张三`).
    pub async fn set_remark(&self, openid: &str, remark: &str) -> WechatResult<()> {
        if remark.chars().count() > MAX_REMARK_CHARS {
            return Err(WechatError::Invalid(format!("a remark is at most {MAX_REMARK_CHARS} characters")));
        }
        self.post::<Ok>("/cgi-bin/user/info/updateremark", &json!({ "openid": openid, "remark": remark }))
            .await
            .map(drop)
    }
}
