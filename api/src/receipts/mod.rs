//! Receipts: what students do with a notice once it reaches them, counted exactly.
//! WeChat says nothing about reading, so "read" is the student opening the notice's
//! page (who they are comes from WeChat's web authorisation), "confirmed" is the
//! 收到 button on it. Around those: the vote, the comment thread and private questions,
//! reminders to those who have not read, the teacher's live report and its exports.
//!
//! - `reading`: the first open and the confirmation, recorded once each.
//! - `votes`, `comments`: the page's vote and thread.
//! - `reminders`: re-sending to the unread, within an interval and a count.
//! - `report`, `export`: what the teacher sees and downloads; `live` tells an open
//!   report that something changed (through the Kv's pub/sub, so across replicas).
//! - `to_wechat`: the report's list pushed to the teacher's own WeChat as a signed link.
//! - `routes` (teachers) and `portal` (students and cadres): the endpoints; `page` the
//!   notice page's first view, sent with the page itself.

pub mod comments;
pub mod export;
pub mod live;
pub mod page;
mod portal;
pub mod reading;
pub mod reminders;
pub mod report;
mod routes;
pub mod to_wechat;
pub mod votes;

pub use portal::PortalReceiptsApi;
pub use routes::{limits, remind_by, ReceiptsApi};
pub use to_wechat::ReceiptsToWechatApi;
