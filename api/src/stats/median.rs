//! The median time from a notice's sending to a first read, exact, over a period's
//! notices — without sorting every read.
//!
//! Reads are counted by whole minute after the sending (`notice_read_minutes`, kept by
//! triggers). A running sum over those minutes finds the minute that holds the median
//! and how many reads came before it; only that minute's reads are then read from
//! deliveries, in order, through `deliveries_reads (notice_id, kind, read_at)`. The
//! median is the lower middle read when there are an even number (as
//! `percentile_disc(0.5)`), in whole seconds.

use crate::db::filter::Filter;
use crate::db::Db;

const MINUTE_MS: i64 = 60_000;

/// The median over the reads of the notices (alias `n`) that `filter` selects.
pub async fn read_seconds(db: &Db, filter: &Filter) -> sqlx::Result<Option<i64>> {
    let where_sql = filter.where_sql();
    // PostgreSQL sums BIGINTs into NUMERIC; the casts bring them back.
    let sql = format!(
        "SELECT minute, running - reads AS before, total FROM (SELECT minute, reads, \
         CAST(SUM(reads) OVER (ORDER BY minute) AS BIGINT) AS running, CAST(SUM(reads) OVER () AS BIGINT) AS total \
         FROM (SELECT r.minute, CAST(SUM(r.reads) AS BIGINT) AS reads FROM notice_read_minutes r \
         JOIN notices n ON n.id = r.notice_id{where_sql} GROUP BY r.minute) h) w \
         WHERE total > 0 AND running * 2 >= total ORDER BY minute LIMIT 1"
    );
    let found: Option<(i64, i64, i64)> =
        filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_optional(db.pool()).await?;
    let Some((minute, before, total)) = found else {
        return Ok(None);
    };
    // The lower middle read is the ((total + 1) / 2)th; `before` of them came earlier.
    let offset = (total + 1) / 2 - before - 1;
    // Minute 0 also holds any read stamped before the sending (counted as no delay).
    let from = if minute == 0 { i64::MIN / 4 } else { minute * MINUTE_MS };
    let sql = format!(
        "SELECT d.read_at - n.sent_at AS delay FROM notices n JOIN deliveries d ON d.notice_id = n.id \
         AND d.kind = 'notice' AND d.read_at >= n.sent_at + {} AND d.read_at < n.sent_at + {}{where_sql} \
         ORDER BY delay LIMIT 1 OFFSET {}",
        filter.next(1),
        filter.next(2),
        filter.next(3)
    );
    let delay: Option<i64> = filter
        .bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)))
        .bind(from)
        .bind((minute + 1) * MINUTE_MS)
        .bind(offset)
        .fetch_optional(db.pool())
        .await?;
    match delay {
        Some(ms) => Ok(Some(ms.max(0) / 1000)),
        None => {
            // The counts disagree with the rows (a notice's sent_at changed after its reads):
            // answer from the rows themselves, slowly but right.
            tracing::warn!(minute, total, "notice_read_minutes disagrees with deliveries; median by scan");
            by_scan(db, filter).await
        }
    }
}

/// A read's delay, none when stamped before the sending.
const DELAY: &str = "(CASE WHEN d.read_at > n.sent_at THEN d.read_at - n.sent_at ELSE 0 END)";

/// The same median from every read row: a histogram by second and its running sum.
async fn by_scan(db: &Db, filter: &Filter) -> sqlx::Result<Option<i64>> {
    let sql = format!(
        "SELECT secs FROM (SELECT secs, CAST(SUM(reads) OVER (ORDER BY secs) AS BIGINT) AS running, \
         CAST(SUM(reads) OVER () AS BIGINT) AS total FROM (SELECT {DELAY} / 1000 AS secs, COUNT(*) AS reads \
         FROM deliveries d JOIN notices n ON n.id = d.notice_id{} AND d.kind = 'notice' AND d.read_at IS NOT NULL \
         GROUP BY {DELAY} / 1000) h) w WHERE running * 2 >= total ORDER BY secs LIMIT 1",
        filter.where_sql()
    );
    filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))).fetch_optional(db.pool()).await
}
