//! The teacher's report of one notice: the funnel (recipients → sent → delivered →
//! read → confirmed), the same by class (the class each student was in when it was
//! sent), reads and confirmations over time, and the list of recipients — everyone, or
//! those who have not read or not confirmed — with their class and binding state.
//! Everything counts the notice's own rows only (`kind = 'notice'`); reminders and
//! reply notices are counted apart.

use shared::{ClassReceipts, Funnel, Missing, Page, PageQuery, Receipt, TimelinePoint};

use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{to_time, Db, Flag};

/// One class's counts of a notice's own rows: what the funnel and the class table are
/// both made of, read in one pass over the notice's rows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClassTally {
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    pub recipients: i64,
    pub unbound: i64,
    pub sent: i64,
    pub delivered: i64,
    pub read: i64,
    pub confirmed: i64,
    pub views: i64,
    /// The latest read or confirmation (where the timeline ends).
    pub last: Option<i64>,
}

pub async fn tallies(db: &Db, notice_id: i64) -> sqlx::Result<Vec<ClassTally>> {
    // Grouped first, named after: the join is made per class, not per row.
    sqlx::query_as(
        "SELECT t.class_id, c.name AS class_name, t.recipients, t.unbound, t.sent, t.delivered, t.read, t.confirmed, \
         t.views, t.last FROM (SELECT class_id, COUNT(*) AS recipients, \
         COALESCE(SUM(CASE WHEN status = 'unbound' THEN 1 ELSE 0 END), 0) AS unbound, \
         COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0) AS sent, \
         COALESCE(SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS delivered, \
         COALESCE(SUM(CASE WHEN read_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS read, \
         COALESCE(SUM(CASE WHEN confirmed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS confirmed, \
         CAST(COALESCE(SUM(views), 0) AS BIGINT) AS views, \
         MAX(CASE WHEN confirmed_at > read_at THEN confirmed_at ELSE read_at END) AS last \
         FROM deliveries WHERE notice_id = $1 AND kind = 'notice' GROUP BY class_id) t \
         LEFT JOIN classes c ON c.id = t.class_id",
    )
    .bind(notice_id)
    .fetch_all(db.pool())
    .await
}

pub fn funnel(tallies: &[ClassTally]) -> Funnel {
    tallies.iter().fold(Funnel::default(), |f, t| Funnel {
        recipients: f.recipients + t.recipients,
        unbound: f.unbound + t.unbound,
        sent: f.sent + t.sent,
        delivered: f.delivered + t.delivered,
        read: f.read + t.read,
        confirmed: f.confirmed + t.confirmed,
        views: f.views + t.views,
    })
}

/// By class, by name; recipients in no class last (其他). `only`: these classes alone.
pub fn classes(tallies: &[ClassTally], only: Option<&[i64]>) -> Vec<ClassReceipts> {
    let mut list: Vec<ClassReceipts> = tallies
        .iter()
        .filter(|t| only.is_none_or(|o| t.class_id.is_some_and(|id| o.contains(&id))))
        .map(|t| ClassReceipts {
            class_id: t.class_id,
            class_name: t.class_name.clone().unwrap_or_else(|| "其他".into()),
            recipients: t.recipients,
            read: t.read,
            confirmed: t.confirmed,
        })
        .collect();
    list.sort_by(|a, b| (a.class_id.is_none(), &a.class_name).cmp(&(b.class_id.is_none(), &b.class_name)));
    list
}

/// Bucket sizes a timeline may use; the smallest that keeps it within `MAX_BUCKETS`.
const BUCKETS: [i64; 9] = [60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 86_400, 7 * 86_400];
const MAX_BUCKETS: i64 = 48;

/// Reads and confirmations per bucket from `start` to `last` (ms), and the bucket's size
/// in seconds. Both counts come from the `deliveries_reads` index alone (a confirmation
/// always has a read).
pub async fn timeline(
    db: &Db,
    notice_id: i64,
    start: i64,
    last: Option<i64>,
) -> sqlx::Result<(Vec<TimelinePoint>, i64)> {
    let span = (last.unwrap_or(start) - start).max(0) / 1000;
    let bucket = BUCKETS.iter().copied().find(|b| span / b < MAX_BUCKETS).unwrap_or(30 * 86_400);
    let count = |column: &'static str| {
        let sql = format!(
            "SELECT ({column} - $2) / $3 AS b, COUNT(*) FROM deliveries WHERE notice_id = $1 AND kind = 'notice' \
             AND read_at IS NOT NULL AND {column} IS NOT NULL GROUP BY b"
        );
        async move {
            sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql))
                .bind(notice_id)
                .bind(start)
                .bind(bucket * 1000)
                .fetch_all(db.pool())
                .await
        }
    };
    let reads = count("read_at").await?;
    let confirms = count("confirmed_at").await?;
    if reads.is_empty() {
        return Ok((Vec::new(), bucket));
    }
    let n = reads.iter().chain(&confirms).map(|(b, _)| *b).max().unwrap_or(0).max(0) + 1;
    let mut points: Vec<TimelinePoint> =
        (0..n).map(|i| TimelinePoint { at: to_time(start + i * bucket * 1000), reads: 0, confirms: 0 }).collect();
    for (b, c) in reads {
        points[b.clamp(0, n - 1) as usize].reads += c;
    }
    for (b, c) in confirms {
        points[b.clamp(0, n - 1) as usize].confirms += c;
    }
    Ok((points, bucket))
}

/// Which recipients a list shows.
#[derive(Debug, Clone, Default)]
pub struct ReceiptQuery {
    pub missing: Option<Missing>,
    pub class_id: Option<i64>,
    pub search: String,
}

#[derive(sqlx::FromRow)]
struct ReceiptRow {
    student_id: Option<i64>,
    name: Option<String>,
    student_no: Option<String>,
    class_name: Option<String>,
    bound: Flag,
    following: Flag,
    status: String,
    read_at: Option<i64>,
    confirmed_at: Option<i64>,
    reminded: i64,
}

fn filter(notice_id: i64, q: &ReceiptQuery) -> Filter {
    let mut f = Filter::new();
    f.and("d.notice_id = ? AND d.kind = 'notice'", [Arg::Int(notice_id)]);
    match q.missing {
        Some(Missing::Read) => f.and("d.read_at IS NULL", []),
        Some(Missing::Confirmation) => f.and("d.confirmed_at IS NULL", []),
        None => &mut f,
    };
    if let Some(c) = q.class_id {
        f.and("d.class_id = ?", [Arg::Int(c)]);
    }
    if !q.search.trim().is_empty() {
        let p = contains_pattern(&q.search);
        f.and("s.name LIKE ? ESCAPE '\\' OR s.student_no LIKE ? ESCAPE '\\'", [Arg::from(p.clone()), Arg::from(p)]);
    }
    f
}

const FROM: &str =
    "FROM deliveries d LEFT JOIN students s ON s.id = d.student_id LEFT JOIN classes c ON c.id = d.class_id";

/// A page of recipients, by class and 学号.
pub async fn receipts(db: &Db, notice_id: i64, q: &ReceiptQuery, page: PageQuery) -> sqlx::Result<Page<Receipt>> {
    let f = filter(notice_id, q);
    let total: i64 = f
        .bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {FROM}{}", f.where_sql()))))
        .fetch_one(db.pool())
        .await?;
    Ok(Page::new(fetch(db, &f, Some(page)).await?, total, page))
}

/// Every recipient the query selects (exports).
pub async fn all(db: &Db, notice_id: i64, q: &ReceiptQuery) -> sqlx::Result<Vec<Receipt>> {
    fetch(db, &filter(notice_id, q), None).await
}

async fn fetch(db: &Db, f: &Filter, page: Option<PageQuery>) -> sqlx::Result<Vec<Receipt>> {
    let limit = match page {
        Some(p) => format!(" LIMIT {} OFFSET {}", p.limit(), p.offset()),
        None => String::new(),
    };
    let sql = format!(
        "SELECT d.student_id, s.name, s.student_no, c.name AS class_name, \
         CASE WHEN s.openid IS NOT NULL OR d.student_id IS NULL THEN TRUE ELSE FALSE END AS bound, \
         CASE WHEN d.student_id IS NULL OR (s.openid IS NOT NULL AND s.following = TRUE) THEN TRUE ELSE FALSE END AS following, \
         d.status, d.read_at, d.confirmed_at, d.reminded \
         {FROM}{} ORDER BY c.name, s.student_no, d.id{limit}",
        f.where_sql()
    );
    let rows: Vec<ReceiptRow> = f.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|r| Receipt {
            student_id: r.student_id,
            name: r.name.unwrap_or_else(|| "关注者".into()),
            student_no: r.student_no,
            class_name: r.class_name,
            bound: r.bound.0,
            following: r.following.0,
            status: r.status,
            read_at: r.read_at.map(to_time),
            confirmed_at: r.confirmed_at.map(to_time),
            reminded: r.reminded,
        })
        .collect())
}
