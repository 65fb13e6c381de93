use shared::{About, WechatStatus};

use super::ApiResult;

pub async fn status() -> ApiResult<WechatStatus> {
    super::get("/wechat/status").await
}

/// No login needed: the login page and the student pages ask too.
pub async fn about() -> ApiResult<About> {
    super::get_public("/about").await
}
