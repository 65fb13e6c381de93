//! The activities' endpoints. Being filled in (issue 7).

use poem_openapi::OpenApi;

use crate::routes::ApiTags;

pub struct ActivitiesApi;

#[OpenApi(prefix_path = "/v1/activities", tag = "ApiTags::Activities")]
impl ActivitiesApi {}

pub struct PortalActivitiesApi;

#[OpenApi(prefix_path = "/v1/portal/activities", tag = "ApiTags::Portal")]
impl PortalActivitiesApi {}
