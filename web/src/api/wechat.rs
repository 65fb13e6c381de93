use shared::WechatStatus;

use super::ApiResult;

pub async fn status() -> ApiResult<WechatStatus> {
    super::get("/wechat/status").await
}
