//! Answering a search: the items that hold every term of the query and that the viewer
//! may find, best first.
//!
//! The same queries on both backends. A search walks the postings of the query's
//! **rarest** term (counted up to a bound, so a common term costs little) in the order of
//! its index — title matches first, then newest — a page at a time; for each page one
//! query keeps the items that hold the other terms (by primary key) and that the viewer
//! may find; it stops at [`CANDIDATES`]. The few candidates are then ranked here: the
//! whole query in the title, then how many of its terms are in the title, then recency.
//!
//! The first step reads one page. When that was not enough, the next step reads as many
//! pages as the first step's yield says are missing (at most [`PARALLEL`]) and matches
//! them at once, one query per page on its own connection: a query of two common words
//! (「宿舍 维修」) needs three pages, which one after another cost PostgreSQL ~25 ms.
//!
//! The walk is driven from here, not left to one query with a LIMIT: the bigrams of one
//! word always come together, which no planner's statistics know, so PostgreSQL took the
//! other terms for rare filters and joined every one of their postings instead (100–400 ms
//! over 100 000 items for 「勤工助学」, in custom and generic plans alike).

use super::index::Kind;
use super::terms::{query_terms, terms};
use crate::db::filter::{Arg, Filter};
use crate::db::{now_ms, Db};
use crate::people::Scope;

/// How many matching items are ranked at most (a search answers at most 50).
const CANDIDATES: i64 = 60;
/// Postings of the walked term read per step.
const PAGE: i64 = 400;
/// Pages at most: a search looks at the best 4 800 postings of its rarest term.
const MAX_PAGES: usize = 12;
/// Pages matched at once in a step after the first (each takes a connection).
const PARALLEL: usize = 3;
/// Postings counted per term to find the rarest.
const RARITY_BOUND: i64 = 5000;

/// Who is searching: a follower from WeChat or a student page, or a console user.
#[derive(Debug, Clone)]
pub enum Viewer {
    Follower { openid: String, student: Option<StudentOf> },
    Staff(Scope),
}

/// A bound student's place: what listed items may name.
#[derive(Debug, Clone)]
pub struct StudentOf {
    pub id: i64,
    pub class_id: Option<i64>,
}

impl Viewer {
    /// The follower's view: bound to a student or not.
    pub async fn follower(db: &Db, openid: &str) -> sqlx::Result<Viewer> {
        let student: Option<(i64, Option<i64>)> = sqlx::query_as("SELECT id, class_id FROM students WHERE openid = $1")
            .bind(openid)
            .fetch_optional(db.pool())
            .await?;
        Ok(Viewer::Follower {
            openid: openid.to_string(),
            student: student.map(|(id, class_id)| StudentOf { id, class_id }),
        })
    }

    /// Limits `f` to the items (alias `i`) this viewer may find. Every check is a lookup
    /// per candidate by an index (a delivery by its unique key, a notice by its id, an
    /// item's classes by the item): a subquery listing all of a viewer's notices inside an
    /// OR is computed whole on PostgreSQL, hundreds of milliseconds.
    pub fn limit(&self, f: &mut Filter) {
        const DELIVERED: &str = "EXISTS (SELECT 1 FROM deliveries d WHERE d.notice_id = i.ref_id \
             AND d.kind = 'notice' AND d.recipient IN (?, ?))";
        match self {
            Viewer::Follower { openid, student: None } => f.and(
                &format!("i.audience = 'all' OR (i.audience = 'recipients' AND {DELIVERED})"),
                [Arg::from(format!("o:{openid}")), Arg::from(format!("o:{openid}"))],
            ),
            Viewer::Follower { openid, student: Some(s) } => f.and(
                &format!(
                    "i.audience IN ('all', 'students') \
                     OR (i.audience = 'listed' AND (EXISTS (SELECT 1 FROM search_item_audience a \
                           WHERE a.item_id = i.id AND a.class_id = ?) \
                         OR EXISTS (SELECT 1 FROM search_item_audience a JOIN group_members gm ON gm.group_id = a.group_id \
                           WHERE a.item_id = i.id AND gm.student_id = ?))) \
                     OR (i.audience = 'recipients' AND {DELIVERED})"
                ),
                [
                    Arg::Int(s.class_id.unwrap_or(-1)),
                    Arg::Int(s.id),
                    Arg::from(format!("s:{}", s.id)),
                    Arg::from(format!("o:{openid}")),
                ],
            ),
            Viewer::Staff(Scope::All) => f,
            Viewer::Staff(Scope::Teacher(user)) => f.and(
                "(i.audience <> 'listed' \
                   OR EXISTS (SELECT 1 FROM search_item_audience a JOIN class_teachers ct ON ct.class_id = a.class_id \
                     WHERE a.item_id = i.id AND ct.user_id = ?) \
                   OR EXISTS (SELECT 1 FROM search_item_audience a JOIN student_groups g ON g.id = a.group_id \
                     WHERE a.item_id = i.id AND g.owner_id = ?)) \
                 AND (i.kind <> 'notice' OR EXISTS (SELECT 1 FROM notices n WHERE n.id = i.ref_id AND n.author_id = ?))",
                [Arg::Int(*user), Arg::Int(*user), Arg::Int(*user)],
            ),
        };
    }
}

/// One found item.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: Kind,
    pub ref_id: i64,
    pub title: String,
    pub summary: String,
    pub at: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    kind: String,
    ref_id: i64,
    title: String,
    summary: String,
    at: i64,
}

/// The items matching `query` that `viewer` may find, of `kinds` (all when empty), best
/// first, at most `limit`.
pub async fn search(db: &Db, viewer: &Viewer, query: &str, kinds: &[Kind], limit: usize) -> sqlx::Result<Vec<Hit>> {
    let wanted = query_terms(query);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let rarest = rarest(db, &wanted).await?;
    let others: Vec<&String> = wanted.iter().filter(|t| **t != rarest).collect();
    let mut rows: Vec<Row> = Vec::new();
    let mut after: Option<Posting> = None;
    let (mut read, mut pages) = (0usize, 1usize);
    while read < MAX_PAGES {
        let step = postings(db, &rarest, after.as_ref(), pages as i64 * PAGE).await?;
        let Some(last) = step.last() else { break };
        after = Some(last.clone());
        let exhausted = (step.len() as i64) < pages as i64 * PAGE;
        let chunks: Vec<&[Posting]> = step.chunks(PAGE as usize).collect();
        read += chunks.len();
        let found =
            futures_util::future::try_join_all(chunks.iter().map(|c| matching(db, viewer, c, &others, kinds))).await?;
        for (chunk, mut found) in chunks.iter().zip(found) {
            // Kept in the walk's order: title matches first, then newest.
            let order: std::collections::HashMap<i64, usize> =
                chunk.iter().enumerate().map(|(n, p)| (p.item_id, n)).collect();
            found.sort_by_key(|r| order.get(&r.id).copied().unwrap_or(usize::MAX));
            rows.extend(found);
        }
        if rows.len() as i64 >= CANDIDATES || exhausted {
            break;
        }
        pages = pages_missing(rows.len(), read).min(MAX_PAGES - read);
    }
    rows.truncate(CANDIDATES as usize);
    Ok(rank(query, &wanted, rows, limit))
}

/// How many pages the walk should read next, having found `found` candidates in `read`
/// pages: as many as that yield says are missing, between one and [`PARALLEL`].
fn pages_missing(found: usize, read: usize) -> usize {
    if found == 0 {
        return PARALLEL;
    }
    let missing = CANDIDATES as usize - found.min(CANDIDATES as usize);
    (missing * read).div_ceil(found).clamp(1, PARALLEL)
}

/// One posting of the walked term, in the walk's order.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Posting {
    item_id: i64,
    in_title: i64,
    at: i64,
}

/// The next `n` of `term`'s postings after `after`, in the rank index's order (an
/// index-only range scan on both backends).
async fn postings(db: &Db, term: &str, after: Option<&Posting>, n: i64) -> sqlx::Result<Vec<Posting>> {
    let mut f = Filter::new();
    f.and("term = ?", [Arg::from(term)]);
    if let Some(p) = after {
        f.and(
            "(in_title < ? OR (in_title = ? AND (at < ? OR (at = ? AND item_id < ?))))",
            [Arg::Int(p.in_title), Arg::Int(p.in_title), Arg::Int(p.at), Arg::Int(p.at), Arg::Int(p.item_id)],
        );
    }
    let sql = format!(
        "SELECT item_id, in_title, at FROM search_terms{} \
         ORDER BY in_title DESC, at DESC, item_id DESC LIMIT {n}",
        f.where_sql()
    );
    f.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await
}

/// Of one page's items, those holding the other terms that the viewer may find.
async fn matching(
    db: &Db,
    viewer: &Viewer,
    page: &[Posting],
    others: &[&String],
    kinds: &[Kind],
) -> sqlx::Result<Vec<Row>> {
    let mut f = Filter::new();
    let marks = vec!["?"; page.len()].join(", ");
    f.and(&format!("i.id IN ({marks})"), page.iter().map(|p| Arg::Int(p.item_id)));
    for term in others {
        f.and(
            "EXISTS (SELECT 1 FROM search_terms u WHERE u.term = ? AND u.item_id = i.id)",
            [Arg::from(term.as_str())],
        );
    }
    if !kinds.is_empty() {
        let marks = vec!["?"; kinds.len()].join(", ");
        f.and(&format!("i.kind IN ({marks})"), kinds.iter().map(|k| Arg::from(k.as_str())));
    }
    viewer.limit(&mut f);
    let sql = format!("SELECT i.id, i.kind, i.ref_id, i.title, i.summary, i.at FROM search_items i{}", f.where_sql());
    f.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await
}

/// The query term with the fewest postings (counted up to [`RARITY_BOUND`]).
async fn rarest(db: &Db, wanted: &[String]) -> sqlx::Result<String> {
    if wanted.len() == 1 {
        return Ok(wanted[0].clone());
    }
    // Counted at once, each on its own connection.
    let counts = futures_util::future::try_join_all(wanted.iter().map(|term| {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM search_terms WHERE term = $1 LIMIT {RARITY_BOUND}) AS p"
        )))
        .bind(term)
        .fetch_one(db.pool())
    }))
    .await?;
    // The first of the rarest, as the query wrote them.
    let mut best: Option<(i64, &String)> = None;
    for (n, term) in counts.into_iter().zip(wanted) {
        if best.is_none_or(|(m, _)| n < m) {
            best = Some((n, term));
        }
    }
    Ok(best.map(|(_, t)| t.clone()).unwrap_or_default())
}

/// Orders the candidates: the whole query in the title, then terms in the title, then
/// newer first.
fn rank(query: &str, wanted: &[String], rows: Vec<Row>, limit: usize) -> Vec<Hit> {
    let whole: String = query.split_whitespace().collect::<String>().to_lowercase();
    let now = now_ms();
    let mut scored: Vec<(f64, i64, Hit)> = rows
        .into_iter()
        .filter_map(|r| {
            let kind = Kind::parse(&r.kind)?;
            let title_terms = terms(&r.title);
            let in_title = wanted.iter().filter(|t| title_terms.contains(*t)).count() as f64;
            let compact: String = r.title.split_whitespace().collect::<String>().to_lowercase();
            let whole_in_title = if !whole.is_empty() && compact.contains(&whole) { 100.0 } else { 0.0 };
            let age_days = ((now - r.at).max(0) as f64) / 86_400_000.0;
            let recency = 20.0 * (-age_days / 90.0).exp();
            let score = whole_in_title + 10.0 * in_title + recency;
            Some((score, r.id, Hit { kind, ref_id: r.ref_id, title: r.title, summary: r.summary, at: r.at }))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    scored.into_iter().map(|(_, _, hit)| hit).take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_after_the_first_reads_the_pages_its_yield_says_are_missing() {
        // 29 of 60 in one page: 31 missing, two more pages.
        assert_eq!(pages_missing(29, 1), 2);
        assert_eq!(pages_missing(59, 1), 1);
        assert_eq!(pages_missing(40, 2), 1);
    }

    #[test]
    fn a_sparse_walk_reads_at_most_the_parallel_bound_at_once() {
        assert_eq!(pages_missing(0, 1), PARALLEL);
        assert_eq!(pages_missing(2, 1), PARALLEL);
    }
}
