//! Positions: a student's consent to keep what WeChat reports, and the kept position as
//! an authorised teacher sees it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether the student lets Banji keep the position WeChat reports (LOCATION events).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct LocationConsent {
    pub consented: bool,
    pub since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ConsentChange {
    pub consented: bool,
}

/// A student's latest reported position (only kept with their consent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct StudentLocation {
    pub latitude: f64,
    pub longitude: f64,
    pub precision_m: f64,
    pub at: DateTime<Utc>,
}
