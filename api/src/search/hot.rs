//! The week's hot list (热门排行) students see on `/s/` and get for 「热门」: the public
//! notices most read in the last seven days and the documents most downloaded, among
//! those the viewer may find.
//!
//! Reads are counted from the deliveries of notices sent in the last 30 days (a notice's
//! readers come in its first days; older ones would need a scan of every delivery), and
//! downloads from `document_downloads` by its time index.

use shared::{HotItem, HotList, SearchKind};

use super::query::Viewer;
use crate::db::filter::{Arg, Filter};
use crate::db::{now_ms, Db};

pub const WEEK_MS: i64 = 7 * 86_400_000;
const RECENT_NOTICES_MS: i64 = 30 * 86_400_000;

/// The hot list for `viewer`, at most `limit` of each.
pub async fn hot(db: &Db, viewer: &Viewer, limit: usize) -> sqlx::Result<HotList> {
    let now = now_ms();
    let since = now - WEEK_MS;
    let notices: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT n.id, n.title, n.audience, COUNT(*) AS c FROM notices n JOIN deliveries d ON d.notice_id = n.id \
         WHERE n.status IN ('sending', 'sent') AND n.sent_at >= $1 AND d.kind = 'notice' AND d.read_at >= $2 \
         GROUP BY n.id, n.title, n.audience ORDER BY c DESC, n.id DESC LIMIT 100",
    )
    .bind(now - RECENT_NOTICES_MS)
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    let notices = notices
        .into_iter()
        .filter(|(_, _, audience, _)| is_public(audience))
        .take(limit)
        .map(|(id, title, _, count)| HotItem { id, title, count, url: SearchKind::Notice.student_page(id) })
        .collect();
    let mut f = Filter::new();
    f.and("dd.downloaded_at >= ?", [Arg::Int(since)]);
    viewer.limit(&mut f);
    let sql = format!(
        "SELECT i.ref_id, i.title, COUNT(*) AS c FROM document_downloads dd \
         JOIN search_items i ON i.kind = 'document' AND i.ref_id = dd.document_id{} \
         GROUP BY i.ref_id, i.title ORDER BY c DESC, i.ref_id DESC LIMIT {limit}",
        f.where_sql()
    );
    let documents: Vec<(i64, String, i64)> =
        f.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    let documents = documents
        .into_iter()
        .map(|(id, title, count)| HotItem { id, title, count, url: SearchKind::Document.student_page(id) })
        .collect();
    Ok(HotList { notices, documents })
}

/// Whether a notice's audience (as stored) is every follower.
fn is_public(audience: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(audience).is_ok_and(|v| v["public"] == serde_json::Value::Bool(true))
}
