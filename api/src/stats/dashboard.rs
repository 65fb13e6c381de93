//! A period's numbers: the notices sent in it, counted by category, urgency and day;
//! their mean read and confirmation rates; the median time from sending to reading;
//! classes ranked by read rate; the students with most unread.
//!
//! Rates, counts and the class ranking come from the per-notice-and-class tallies the
//! database keeps (migration 0006): a period's notices and classes are few, so the rest
//! is arithmetic here. The median is `median`'s business; most unread counts the
//! period's unread rows from the partial index that holds only those.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use chrono::{FixedOffset, NaiveDate};
use shared::{ClassRate, CountBy, Dashboard, StudentUnread, Urgency};

use super::{sent_between, Period};
use crate::db::{Backend, Db, Flag};
use crate::people::Scope;

/// How many classes and students the dashboard lists.
pub const TOP: i64 = 20;

const UNCATEGORISED: &str = "未分类";

#[derive(sqlx::FromRow)]
struct NoticeRow {
    id: i64,
    category_id: Option<i64>,
    category_name: Option<String>,
    urgency: String,
    requires_confirmation: Flag,
    sent_at: i64,
}

/// A notice's own rows that went to one class (0: no class, or a follower bound to no
/// student), as `notice_class_tallies` keeps them.
#[derive(sqlx::FromRow)]
struct Tally {
    notice_id: i64,
    class_id: i64,
    deliveries: i64,
    students: i64,
    reads: i64,
    confirmations: i64,
}

#[derive(sqlx::FromRow)]
struct UnreadRow {
    student_id: i64,
    name: String,
    student_no: String,
    class_name: Option<String>,
    unread: i64,
}

pub async fn dashboard(db: &Db, scope: Scope, period: Period) -> sqlx::Result<Dashboard> {
    let filter = sent_between(scope, period.from_ms(), period.until_ms());
    let where_sql = filter.where_sql();
    let sql = format!(
        "SELECT n.id, n.category_id, c.name AS category_name, n.urgency, n.requires_confirmation, n.sent_at \
         FROM notices n LEFT JOIN notice_categories c ON c.id = n.category_id{where_sql}"
    );
    let notices: Vec<NoticeRow> = filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    let sql = format!(
        "SELECT t.notice_id, t.class_id, t.deliveries, t.students, t.reads, t.confirmations \
         FROM notice_class_tallies t JOIN notices n ON n.id = t.notice_id{where_sql}"
    );
    let tallies: Vec<Tally> = filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;

    // (students, read, confirmed) per notice.
    let mut per_notice: HashMap<i64, (i64, i64, i64)> = HashMap::new();
    for t in &tallies {
        let sum = per_notice.entry(t.notice_id).or_default();
        sum.0 += t.students;
        sum.1 += t.reads;
        sum.2 += t.confirmations;
    }
    let read_rate =
        mean(notices.iter().filter_map(|n| per_notice.get(&n.id)).map(|&(students, read, _)| (read, students)));
    let confirm_rate = mean(
        notices
            .iter()
            .filter(|n| n.requires_confirmation.0)
            .filter_map(|n| per_notice.get(&n.id))
            .map(|&(students, _, confirmed)| (confirmed, students)),
    );
    let ids: Vec<i64> = notices.iter().map(|n| n.id).collect();

    Ok(Dashboard {
        from: period.from,
        until: period.until,
        notices: notices.len() as i64,
        deliveries: tallies.iter().map(|t| t.deliveries).sum(),
        by_category: by_category(&notices),
        by_urgency: by_urgency(&notices),
        by_day: by_day(&notices, period),
        read_rate,
        confirm_rate,
        median_read_seconds: super::median::read_seconds(db, &filter).await?,
        classes: classes(db, &tallies).await?,
        most_unread: most_unread(db, &ids).await?,
    })
}

/// The mean of `part / whole` over the pairs with a `whole` (notices that reached students).
fn mean(pairs: impl Iterator<Item = (i64, i64)>) -> Option<f64> {
    let rates: Vec<f64> =
        pairs.filter(|&(_, whole)| whole > 0).map(|(part, whole)| part as f64 / whole as f64).collect();
    (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64)
}

/// Most notices first; ties by name, 未分类 last among equals.
fn by_category(notices: &[NoticeRow]) -> Vec<CountBy> {
    let mut counts: BTreeMap<Option<i64>, (String, i64)> = BTreeMap::new();
    for n in notices {
        let label = n.category_name.clone().unwrap_or_else(|| UNCATEGORISED.to_string());
        counts.entry(n.category_id.filter(|_| n.category_name.is_some())).or_insert((label, 0)).1 += 1;
    }
    let mut out: Vec<(Option<i64>, String, i64)> = counts.into_iter().map(|(k, (l, c))| (k, l, c)).collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.is_none().cmp(&b.0.is_none())).then(a.1.cmp(&b.1)));
    out.into_iter()
        .map(|(key, label, count)| CountBy {
            key: key.map_or_else(|| "none".to_string(), |k| k.to_string()),
            label,
            count,
        })
        .collect()
}

/// Every urgency, most urgent first, zeros included (a chart keeps its bars).
fn by_urgency(notices: &[NoticeRow]) -> Vec<CountBy> {
    [Urgency::Urgent, Urgency::Important, Urgency::Normal]
        .into_iter()
        .map(|u| CountBy {
            key: u.as_str().to_string(),
            label: u.label().to_string(),
            count: notices.iter().filter(|n| n.urgency == u.as_str()).count() as i64,
        })
        .collect()
}

fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

fn china_day(ms: i64) -> NaiveDate {
    crate::db::to_time(ms).with_timezone(&china()).date_naive()
}

/// Every China day the period touches, in order, zeros included.
fn by_day(notices: &[NoticeRow], period: Period) -> Vec<CountBy> {
    let mut counts: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    let last = china_day(period.until_ms() - 1);
    let mut day = china_day(period.from_ms());
    while day <= last {
        counts.insert(day, 0);
        day = day.succ_opt().expect("a day within the calendar");
    }
    for n in notices {
        *counts.entry(china_day(n.sent_at)).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .map(|(day, count)| {
            let key = day.format("%Y-%m-%d").to_string();
            CountBy { label: key.clone(), key, count }
        })
        .collect()
}

/// Classes by read rate (of the rows sent to them as their class then), best first; ties
/// by name. Classes deleted since are left out.
async fn classes(db: &Db, tallies: &[Tally]) -> sqlx::Result<Vec<ClassRate>> {
    let mut per_class: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for t in tallies.iter().filter(|t| t.class_id != 0) {
        let sum = per_class.entry(t.class_id).or_insert((0, 0));
        sum.0 += t.students;
        sum.1 += t.reads;
    }
    per_class.retain(|_, (recipients, _)| *recipients > 0);
    if per_class.is_empty() {
        return Ok(Vec::new());
    }
    // Ids from the database, not from input.
    let ids = per_class.keys().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!("SELECT id, name FROM classes WHERE id IN ({ids})");
    let names: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await?;
    let mut ranked: Vec<ClassRate> = names
        .into_iter()
        .map(|(class_id, class_name)| {
            let (recipients, read) = per_class[&class_id];
            ClassRate { class_id, class_name, recipients, read, read_rate: read as f64 / recipients as f64 }
        })
        .collect();
    ranked.sort_by(|a, b| better_rate(a, b).then_with(|| a.class_name.cmp(&b.class_name)));
    ranked.truncate(TOP as usize);
    Ok(ranked)
}

/// The higher read rate first, compared exactly (cross-multiplied, no float rounding).
fn better_rate(a: &ClassRate, b: &ClassRate) -> Ordering {
    (b.read as i128 * a.recipients as i128).cmp(&(a.read as i128 * b.recipients as i128))
}

/// Students with most of these notices unread; ties by 学号. The notices are listed by
/// id: joined instead, PostgreSQL hashed every unread row of the table to match them.
async fn most_unread(db: &Db, notice_ids: &[i64]) -> sqlx::Result<Vec<StudentUnread>> {
    if notice_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Ids from the database, not from input. `read_at IS NULL AND kind = 'notice'` as the
    // partial index deliveries_unread (student_id, notice_id) says it. SQLite's planner
    // prefers deliveries_reads (notice_id, kind, read_at) for these terms and then reads
    // every unread row from the table (275 ms over a million rows, against 72 ms); it has
    // no other way to be told.
    let hint = match db.backend() {
        Backend::Sqlite => " INDEXED BY deliveries_unread",
        Backend::Postgres => "",
    };
    let ids = notice_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT s.id AS student_id, s.name, s.student_no, c.name AS class_name, u.unread \
         FROM (SELECT d.student_id, COUNT(*) AS unread FROM deliveries d{hint} WHERE d.notice_id IN ({ids}) \
         AND d.read_at IS NULL AND d.kind = 'notice' AND d.student_id IS NOT NULL GROUP BY d.student_id) u \
         JOIN students s ON s.id = u.student_id LEFT JOIN classes c ON c.id = s.class_id \
         ORDER BY u.unread DESC, s.student_no LIMIT $1"
    );
    let rows: Vec<UnreadRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(TOP).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|r| StudentUnread {
            student_id: r.student_id,
            name: r.name,
            student_no: r.student_no,
            class_name: r.class_name,
            unread: r.unread,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(id: i64, category: Option<(i64, &str)>, urgency: &str, sent_at: &str) -> NoticeRow {
        NoticeRow {
            id,
            category_id: category.map(|c| c.0),
            category_name: category.map(|c| c.1.to_string()),
            urgency: urgency.into(),
            requires_confirmation: Flag(false),
            sent_at: sent_at.parse::<chrono::DateTime<chrono::Utc>>().unwrap().timestamp_millis(),
        }
    }

    #[test]
    fn days_are_china_days_and_every_day_of_the_period_is_listed() {
        let period =
            Period { from: "2026-11-19T16:00:00Z".parse().unwrap(), until: "2026-11-21T16:00:00Z".parse().unwrap() };
        // 23:30 UTC on the 19th is 07:30 on the 20th in China.
        let notices =
            [notice(1, None, "normal", "2026-11-19T23:30:00Z"), notice(2, None, "normal", "2026-11-20T15:59:00Z")];
        let days: Vec<(String, i64)> = by_day(&notices, period).into_iter().map(|d| (d.key, d.count)).collect();
        assert_eq!(days, [("2026-11-20".to_string(), 2), ("2026-11-21".to_string(), 0)]);
    }

    #[test]
    fn categories_go_most_used_first_with_uncategorised_last_among_equals() {
        let t = "2026-11-20T00:00:00Z";
        let notices = [
            notice(1, None, "urgent", t),
            notice(2, Some((3, "就业")), "normal", t),
            notice(3, Some((1, "教务")), "normal", t),
            notice(4, Some((1, "教务")), "normal", t),
        ];
        let cats: Vec<(String, String, i64)> =
            by_category(&notices).into_iter().map(|c| (c.key, c.label, c.count)).collect();
        assert_eq!(
            cats,
            [("1".into(), "教务".into(), 2), ("3".into(), "就业".into(), 1), ("none".into(), UNCATEGORISED.into(), 1)]
        );
        let urgencies: Vec<i64> = by_urgency(&notices).into_iter().map(|u| u.count).collect();
        assert_eq!(urgencies, [1, 0, 3]);
    }

    #[test]
    fn a_mean_rate_skips_notices_that_reached_no_student() {
        assert_eq!(mean([(1, 2), (0, 0), (1, 1)].into_iter()), Some(0.75));
        assert_eq!(mean([(0, 0)].into_iter()), None);
    }
}
