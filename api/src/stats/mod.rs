//! Statistics over many notices at once (分类统计, 热度排行), for the console's dashboard:
//! a period's notices by category, urgency and day, how much of them was read and
//! confirmed and how fast, which classes read most and which students least
//! (`dashboard`), and the notices with most activity in a recent window (`hot`).
//!
//! One notice's own report (funnel, unread lists) belongs to `crate::receipts`; this
//! module only reads what deliveries, comments and downloads already record, and counts
//! a notice's own rows only (`kind = 'notice'`: reminders and reply notices are other
//! deliveries of the same notice and would count a student twice). Teachers see the
//! statistics of the notices they wrote, admins of all — the same scope as `/notices`.
//!
//! A dashboard covers up to a million deliveries; it reads counts the database keeps per
//! notice and class and per minute of reading (migration 0006, kept by triggers), and the
//! deliveries themselves only through indexes narrow enough for the question.

pub mod dashboard;
pub mod hot;
mod median;
mod period;
mod routes;

pub use period::Period;
pub use routes::StatsApi;

use crate::db::filter::{Arg, Filter};
use crate::people::Scope;

/// The notices (alias `n`) of `scope` sent in `[from, until)` (unix ms): a teacher's
/// own, or all for an admin.
fn sent_between(scope: Scope, from: i64, until: i64) -> Filter {
    let mut filter = Filter::new();
    filter.and("n.sent_at >= ? AND n.sent_at < ?", [Arg::Int(from), Arg::Int(until)]);
    if let Scope::Teacher(user) = scope {
        filter.and("n.author_id = ?", [Arg::Int(user)]);
    }
    filter
}
