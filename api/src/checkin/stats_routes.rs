//! Attendance statistics' endpoints. Being filled in (issue 7).

use poem_openapi::OpenApi;

use crate::routes::ApiTags;

pub struct AttendanceApi;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Checkin")]
impl AttendanceApi {}
