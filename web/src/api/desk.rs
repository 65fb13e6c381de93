//! The home page: the counselor's desk in one request.

use shared::Desk;

use super::ApiResult;

pub async fn desk() -> ApiResult<Desk> {
    super::get("/desk").await
}
