//! The counselor's desk: the console's home page in one request. It reads what the
//! capabilities already answer — notices with their tallies, open check-ins, classes
//! with their binding counts, accounts waiting for approval — in the caller's scope
//! (`people::Scope`, the same rule as each list), and decides here only what "needs
//! attention" means: a notice sent in the last 14 days, at least an hour ago, read by
//! fewer than 60% of its students. Students' unanswered questions are the inbox's waiting
//! threads (what the robot could not answer, `crate::inbox`) and the private questions on
//! the caller's notices (私信提问) no teacher has replied to.

mod routes;

pub use routes::DeskApi;

use shared::{Class, Desk, NoticeStatus, NoticeSummary, PageQuery, SessionState, SetupSteps, UnansweredQuestions};

use crate::auth::Caller;
use crate::checkin::sessions;
use crate::db::filter::{Arg, Filter};
use crate::db::{now_ms, Db};
use crate::error::ApiResult;
use crate::notices::store::{self as notices, NoticeQuery};
use crate::people::{classes, Scope};
use crate::state::AppState;

/// A notice read by fewer than this share of its students needs a reminder.
pub const LOW_READ_RATE: f64 = 0.6;
/// How far back a sent notice can still need one (ms).
const LOW_READ_WINDOW_MS: i64 = 14 * 24 * 3600 * 1000;
/// How long students get before a notice counts as little read (ms).
const LOW_READ_GRACE_MS: i64 = 3600 * 1000;
/// How many of each list the desk shows.
const RECENT: usize = 5;
const CHECKINS: u32 = 10;
const CLASSES: usize = 20;

pub async fn desk(state: &AppState, caller: &Caller) -> ApiResult<Desk> {
    let db = &state.db;
    let scope = Scope::of(caller);
    let sent_query = NoticeQuery { status: Some(NoticeStatus::Sent), ..NoticeQuery::default() };
    let sent = notices::list(db, scope, &sent_query, PageQuery::new(Some(1), Some(50))).await?;
    let mut classes = classes::list(db, scope, "", PageQuery::new(Some(1), Some(100))).await?.items;
    let open =
        sessions::list(db, caller, Some(SessionState::Open), "", None, PageQuery::new(Some(1), Some(CHECKINS))).await?;
    let setup = SetupSteps {
        class_created: !classes.is_empty(),
        students_added: classes.iter().any(|c| c.student_count > 0),
        students_bound: classes.iter().any(|c| c.bound_count > 0),
        template_mapped: crate::delivery::templates::mapping(db, "notice").await?.is_some()
            || !state.wechat.client.kind().has_templates(),
        notice_sent: sent.total > 0,
    };
    classes.sort_by(|a, b| bound_share(a).total_cmp(&bound_share(b)).then_with(|| a.name.cmp(&b.name)));
    classes.truncate(CLASSES);
    Ok(Desk {
        setup,
        waiting_messages: waiting_threads(db, scope).await?,
        unanswered: unanswered(db, scope).await?,
        low_read: low_read(&sent.items, now_ms()),
        open_checkins: open.items,
        pending_teachers: if caller.is_admin() { pending_teachers(db).await? } else { 0 },
        recent: sent.items.into_iter().take(RECENT).collect(),
        classes,
    })
}

/// The sent notices (newest first) that need a reminder, least read first.
pub fn low_read(sent: &[NoticeSummary], now: i64) -> Vec<NoticeSummary> {
    let mut low: Vec<NoticeSummary> = sent
        .iter()
        .filter(|n| {
            let at = n.sent_at.map(|t| t.timestamp_millis()).unwrap_or(0);
            n.students > 0
                && at > now - LOW_READ_WINDOW_MS
                && at <= now - LOW_READ_GRACE_MS
                && (n.read as f64) < LOW_READ_RATE * n.students as f64
        })
        .cloned()
        .collect();
    low.sort_by(|a, b| read_share(a).total_cmp(&read_share(b)));
    low.truncate(RECENT);
    low
}

fn read_share(n: &NoticeSummary) -> f64 {
    n.read as f64 / n.students.max(1) as f64
}

fn bound_share(c: &Class) -> f64 {
    if c.student_count == 0 {
        // An empty class has nothing to bind; it goes last.
        return 2.0;
    }
    c.bound_count as f64 / c.student_count as f64
}

/// The inbox's threads waiting for an answer that `scope` sees.
async fn waiting_threads(db: &Db, scope: Scope) -> sqlx::Result<i64> {
    let mut filter = Filter::new();
    filter.and("t.waiting_since IS NOT NULL", []);
    scope.followers(&mut filter, "t.openid");
    let sql = format!("SELECT COUNT(*) FROM inbox_threads t{}", filter.where_sql());
    filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))).fetch_one(db.pool()).await
}

/// The caller's notices with private questions no teacher has answered, latest first.
async fn unanswered(db: &Db, scope: Scope) -> sqlx::Result<Vec<UnansweredQuestions>> {
    let mut filter = Filter::new();
    filter.and(
        "q.parent_id IS NULL AND q.private = TRUE AND q.hidden = FALSE AND q.student_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM notice_comments r WHERE r.parent_id = q.id AND r.user_id IS NOT NULL)",
        [],
    );
    filter.and("n.status <> 'withdrawn'", []);
    if let Scope::Teacher(user) = scope {
        filter.and("n.author_id = ?", [Arg::Int(user)]);
    }
    let sql = format!(
        "SELECT n.id, n.title, COUNT(*) FROM notice_comments q JOIN notices n ON n.id = q.notice_id{} \
         GROUP BY n.id, n.title ORDER BY MAX(q.created_at) DESC, n.id DESC LIMIT 10",
        filter.where_sql()
    );
    let rows: Vec<(i64, String, i64)> =
        filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|(notice_id, title, questions)| UnansweredQuestions { notice_id, title, questions })
        .collect())
}

async fn pending_teachers(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE pending = TRUE AND disabled = FALSE")
        .fetch_one(db.pool())
        .await
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use shared::{NoticeStatus, NoticeSummary, Urgency};

    use super::*;

    fn sent(id: i64, hours_ago: i64, students: i64, read: i64) -> NoticeSummary {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        let at = now - chrono::Duration::hours(hours_ago);
        NoticeSummary {
            id,
            title: format!("n{id}"),
            category: None,
            urgency: Urgency::Normal,
            status: NoticeStatus::Sent,
            author: None,
            recipient_count: students,
            scheduled_at: None,
            sent_at: Some(at),
            created_at: at,
            requires_confirmation: false,
            students,
            read,
            confirmed: 0,
        }
    }

    #[test]
    fn a_notice_needs_a_reminder_when_under_sixty_percent_read_after_an_hour_within_two_weeks() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap().timestamp_millis();
        let list = [
            sent(1, 2, 10, 5),       // 50% after two hours: needs one
            sent(2, 2, 10, 6),       // 60%: fine
            sent(3, 0, 10, 0),       // just sent: give it time
            sent(4, 24 * 15, 10, 0), // older than two weeks
            sent(5, 3, 0, 0),        // went to no student
            sent(6, 5, 10, 1),       // 10%: least read, first
        ];
        let ids: Vec<i64> = low_read(&list, now).iter().map(|n| n.id).collect();
        assert_eq!(ids, vec![6, 1]);
    }
}
