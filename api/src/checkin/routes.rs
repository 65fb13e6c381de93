//! The teachers' check-in endpoints. Being filled in (issue 7).

use poem_openapi::OpenApi;

use crate::routes::ApiTags;

pub struct CheckinApi;

#[OpenApi(prefix_path = "/v1/checkins", tag = "ApiTags::Checkin")]
impl CheckinApi {}
