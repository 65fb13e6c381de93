//! 热度排行: the notices with most activity in a recent window — first reads, comments
//! (visible ones) and attachment downloads made then, whenever the notice was sent.
//! A comment weighs three reads and a download two: each takes more than a glance.
//! Withdrawn notices are left out; there is nothing left on their page to point to.

use shared::HotNotice;

use crate::db::{to_time, Db};
use crate::people::Scope;

#[derive(sqlx::FromRow)]
struct HotRow {
    id: i64,
    title: String,
    category: Option<String>,
    sent_at: Option<i64>,
    reads: i64,
    comments: i64,
    downloads: i64,
    score: i64,
}

/// The `limit` hottest notices of `scope` in `[since, until)` (unix ms), best first;
/// ties go to the newer notice. Each source is read through its time index
/// (deliveries_read_time, notice_comments_time, attachment_downloads_time).
pub async fn hot(db: &Db, scope: Scope, since: i64, until: i64, limit: i64) -> sqlx::Result<Vec<HotNotice>> {
    let author = match scope {
        Scope::All => None,
        Scope::Teacher(user) => Some(user),
    };
    let sql = format!(
        "SELECT n.id, n.title, c.name AS category, n.sent_at, CAST(SUM(a.reads) AS BIGINT) AS reads, \
         CAST(SUM(a.comments) AS BIGINT) AS comments, CAST(SUM(a.downloads) AS BIGINT) AS downloads, \
         CAST(SUM(a.reads) + 3 * SUM(a.comments) + 2 * SUM(a.downloads) AS BIGINT) AS score \
         FROM ( \
           SELECT d.notice_id, COUNT(*) AS reads, 0 AS comments, 0 AS downloads FROM deliveries d \
           WHERE d.read_at >= $1 AND d.read_at < $2 AND d.kind = 'notice' GROUP BY d.notice_id \
           UNION ALL SELECT k.notice_id, 0, COUNT(*), 0 FROM notice_comments k \
           WHERE k.created_at >= $1 AND k.created_at < $2 AND k.hidden = FALSE GROUP BY k.notice_id \
           UNION ALL SELECT g.notice_id, 0, 0, COUNT(*) FROM attachment_downloads g \
           WHERE g.at >= $1 AND g.at < $2 GROUP BY g.notice_id \
         ) a JOIN notices n ON n.id = a.notice_id LEFT JOIN notice_categories c ON c.id = n.category_id \
         WHERE n.status <> 'withdrawn'{} \
         GROUP BY n.id, n.title, c.name, n.sent_at ORDER BY score DESC, n.id DESC LIMIT $3",
        if author.is_some() { " AND n.author_id = $4" } else { "" }
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(since).bind(until).bind(limit);
    if let Some(user) = author {
        query = query.bind(user);
    }
    let rows: Vec<HotRow> = query.fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|r| HotNotice {
            id: r.id,
            title: r.title,
            category: r.category,
            sent_at: r.sent_at.map(to_time),
            reads: r.reads,
            comments: r.comments,
            downloads: r.downloads,
            score: r.score,
        })
        .collect())
}
