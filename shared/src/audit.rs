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
    /// Through which channel: `web` (the console), `wechat` (a teacher's phone pages or
    /// text commands), `api` (an API token).
    #[serde(default = "web_channel")]
    pub channel: String,
}

fn web_channel() -> String {
    "web".into()
}

/// Every action the audit log holds, in the order the console's filter lists them (a test
/// holds the server to this list, and the console gives each a Chinese label).
pub const ACTIONS: &[&str] = &[
    "login",
    "login_failed",
    "logout",
    "refresh_token_reused",
    "password_changed",
    "password_change_failed",
    "password_reset",
    "user_created",
    "user_updated",
    "role_changed",
    "user_disabled",
    "user_enabled",
    "user_deleted",
    "user_approved",
    "teacher_registered",
    "api_token_created",
    "api_token_revoked",
    "api_tokens_revoked",
    "settings_changed",
    "class_created",
    "class_updated",
    "class_deleted",
    "student_created",
    "student_updated",
    "student_deleted",
    "student_viewed",
    "student_location_viewed",
    "roster_imported",
    "roster_exported",
    "wechat_bound",
    "wechat_unbound",
    "teacher_wechat_bound",
    "teacher_wechat_unbound",
    "teacher_profile_updated",
    "cadre_added",
    "cadre_changed",
    "cadre_removed",
    "group_created",
    "group_updated",
    "group_deleted",
    "group_members_added",
    "group_members_removed",
    "group_member_removed",
    "followers_synced",
    "remark_set",
    "tags_resynced",
    "notice_created",
    "notice_updated",
    "notice_sent",
    "notice_corrected",
    "password_reset_requested",
    "password_reset_by_wechat",
    "inbox_replied",
    "thread_exported",
    "auto_rule_saved",
    "auto_rule_deleted",
    "auto_rules_reordered",
    "auto_rules_imported",
    "auto_reply_switched",
    "messages_exported",
    "notice_withdrawn",
    "notice_deleted",
    "notice_reminded",
    "attachment_added",
    "receipts_exported",
    "receipts_sent_to_wechat",
    "comment_hidden",
    "comment_shown",
    "category_created",
    "category_renamed",
    "category_deleted",
    "template_mapped",
    "template_unmapped",
    "template_added",
    "template_deleted",
    "subscribe_template_mapped",
    "subscribe_template_unmapped",
    "menu_saved",
    "menu_published",
    "menu_unpublished",
    "menu_deleted",
    "checkin_created",
    "checkin_closed",
    "checkin_reopened",
    "checkin_deleted",
    "checkin_added",
    "checkin_removed",
    "checkin_exported",
    "activity_created",
    "activity_cancelled",
    "activity_exported",
    "qrcode_created",
    "qrcode_deleted",
    "mass_previewed",
    "mass_sent",
    "mass_deleted",
    "guide_created",
    "guide_updated",
    "guide_deleted",
    "office_created",
    "office_updated",
    "office_deleted",
];
