//! Audit log entries: who did what security-relevant thing, and when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The acting account, when there was one (a failed login has none).
    pub actor_id: Option<i64>,
    /// Username of the actor as it was at the time (or the name tried, for a failed login).
    pub actor: String,
    /// e.g. `login`, `login_failed`, `user_created`, `api_token_revoked`.
    pub action: String,
    /// What the action was done to, e.g. `user:12`.
    pub target: Option<String>,
    pub detail: Option<String>,
    /// Client address of the request.
    pub ip: Option<String>,
}
