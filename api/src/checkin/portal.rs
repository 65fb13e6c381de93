//! The students' check-in endpoints. Being filled in (issue 7).

use poem_openapi::OpenApi;

use crate::routes::ApiTags;

pub struct PortalCheckinApi;

#[OpenApi(prefix_path = "/v1/portal", tag = "ApiTags::Portal")]
impl PortalCheckinApi {}
