//! What students ask (seed 004's 用户回复数据): per rule, the messages it answered by day;
//! and the texts no rule answered, grouped by similar wording — most frequent first, each
//! with a keyword to start a rule from — so teachers see what to add. A teacher sees only
//! their own followers' messages (`Scope::followers`, the one shared place).

use std::collections::{BTreeSet, HashMap};

use shared::{DayCount, MatchedMessage, UnansweredGroup};

use crate::db::filter::{Arg, Filter};
use crate::db::{to_time, Db};
use crate::people::scope::Scope;

const DAY_MS: i64 = 86_400_000;
/// China is UTC+8: days are counted from its midnight.
const CHINA_MS: i64 = 8 * 3600 * 1000;
/// The most recent unanswered texts grouped (older ones are summarised by these).
const GROUPED: i64 = 3000;
/// Texts this alike (shared character pairs) are one question.
const ALIKE: f64 = 0.5;

fn day_of(ms: i64) -> String {
    let day = (ms + CHINA_MS).div_euclid(DAY_MS) * DAY_MS;
    to_time(day).format("%Y-%m-%d").to_string()
}

/// A rule's hits per day over the last `days`, and its latest messages.
pub async fn rule_hits(
    db: &Db,
    scope: Scope,
    rule: i64,
    days: i64,
    now: i64,
) -> sqlx::Result<(Vec<DayCount>, Vec<MatchedMessage>)> {
    let mut filter = Filter::new();
    filter.and("h.rule_id = ?", [Arg::Int(rule)]);
    filter.and("h.hit_at >= ?", [Arg::Int(now - days * DAY_MS)]);
    scope.followers(&mut filter, "h.openid");
    let sql = format!(
        "SELECT (h.hit_at + {CHINA_MS}) / {DAY_MS} AS day, COUNT(*) FROM auto_rule_hits h{} GROUP BY day ORDER BY day",
        filter.where_sql()
    );
    let per_day: Vec<(i64, i64)> =
        filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    let days = per_day.into_iter().map(|(day, count)| DayCount { day: day_of(day * DAY_MS - CHINA_MS), count });
    let sql = format!(
        "SELECT h.hit_at, h.openid, COALESCE(s.name, tu.display_name), h.content FROM auto_rule_hits h \
         LEFT JOIN students s ON s.openid = h.openid \
         LEFT JOIN teacher_profiles tp ON tp.openid = h.openid LEFT JOIN users tu ON tu.id = tp.user_id{} \
         ORDER BY h.hit_at DESC, h.id DESC LIMIT 50",
        filter.where_sql()
    );
    let rows: Vec<(i64, String, Option<String>, String)> =
        filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    let messages =
        rows.into_iter().map(|(at, openid, name, text)| MatchedMessage { at: to_time(at), openid, name, text });
    Ok((days.collect(), messages.collect()))
}

/// The unanswered texts of the last `days`, grouped, most frequent first.
pub async fn unanswered(db: &Db, scope: Scope, days: i64, now: i64) -> sqlx::Result<Vec<UnansweredGroup>> {
    let mut filter = Filter::new();
    filter.and("h.unanswered = TRUE", []);
    filter.and("h.hit_at >= ?", [Arg::Int(now - days * DAY_MS)]);
    scope.followers(&mut filter, "h.openid");
    let sql = format!(
        "SELECT h.content, h.hit_at FROM auto_rule_hits h{} ORDER BY h.hit_at DESC LIMIT {GROUPED}",
        filter.where_sql()
    );
    let rows: Vec<(String, i64)> =
        filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    Ok(group(&rows).into_iter().take(50).collect())
}

/// The question without its punctuation, spacing, letter case and closing particles.
fn normalised(text: &str) -> String {
    let kept: String = text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    kept.trim_end_matches(['吗', '呢', '啊', '呀', '吧', '么', '哈']).to_string()
}

fn pairs(text: &str) -> BTreeSet<(char, char)> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() == 1 {
        return BTreeSet::from([(chars[0], ' ')]);
    }
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

fn alike(a: &BTreeSet<(char, char)>, b: &BTreeSet<(char, char)>) -> f64 {
    let shared = a.intersection(b).count() as f64;
    // Overlap over the smaller set: 「奖学金」 and 「请问奖学金什么时候发」 are one question.
    shared / a.len().min(b.len()).max(1) as f64
}

struct Cluster {
    pairs: BTreeSet<(char, char)>,
    /// Each wording (as written) with how often and when last.
    wordings: Vec<(String, i64, i64)>,
    normals: Vec<String>,
}

/// Groups texts (newest first) by wording: identical after `normalised`, then alike.
pub fn group(rows: &[(String, i64)]) -> Vec<UnansweredGroup> {
    let mut same: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (text, at) in rows {
        let key = normalised(text);
        if key.is_empty() {
            continue;
        }
        let bucket = same.entry(key.clone()).or_default();
        if bucket.is_empty() {
            order.push(key);
        }
        bucket.push((text.trim().to_string(), *at));
    }
    // The most asked first, so a group is named by its most common wording.
    order.sort_by_key(|k| std::cmp::Reverse(same[k].len()));
    let mut clusters: Vec<Cluster> = Vec::new();
    for key in order {
        let texts = &same[&key];
        let mut counts: HashMap<&str, (i64, i64)> = HashMap::new();
        for (text, at) in texts {
            let c = counts.entry(text).or_insert((0, *at));
            *c = (c.0 + 1, c.1.max(*at));
        }
        let mut wordings: Vec<(String, i64, i64)> =
            counts.into_iter().map(|(t, (n, at))| (t.to_string(), n, at)).collect();
        let p = pairs(&key);
        match clusters.iter_mut().find(|c| alike(&c.pairs, &p) >= ALIKE) {
            Some(cluster) => {
                cluster.wordings.append(&mut wordings);
                cluster.normals.push(key);
            }
            None => clusters.push(Cluster { pairs: p, wordings, normals: vec![key] }),
        }
    }
    let mut groups: Vec<UnansweredGroup> = clusters
        .into_iter()
        .map(|mut c| {
            c.wordings.sort_by_key(|(t, n, _)| (std::cmp::Reverse(*n), t.chars().count()));
            let count = c.wordings.iter().map(|(_, n, _)| n).sum();
            let last = c.wordings.iter().map(|(_, _, at)| *at).max().unwrap_or_default();
            UnansweredGroup {
                text: c.wordings[0].0.clone(),
                count,
                examples: c.wordings.iter().skip(1).take(3).map(|(t, _, _)| t.clone()).collect(),
                last_at: to_time(last),
                suggested_keyword: keyword(&c.normals),
            }
        })
        .collect();
    groups.sort_by_key(|g| (std::cmp::Reverse(g.count), std::cmp::Reverse(g.last_at)));
    groups
}

/// The longest run of characters (2 to 6) that most wordings of a group share.
fn keyword(normals: &[String]) -> String {
    let first: Vec<char> = normals[0].chars().collect();
    if first.len() <= 2 {
        return normals[0].clone();
    }
    let mut best = (0usize, 0usize, String::new());
    for len in 2..=6.min(first.len()) {
        for start in 0..=first.len() - len {
            let piece: String = first[start..start + len].iter().collect();
            let n = normals.iter().take(50).filter(|t| t.contains(&piece)).count();
            if (n, len) > (best.0, best.1) {
                best = (n, len, piece);
            }
        }
    }
    best.2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_question_in_other_words_is_one_group_named_by_its_most_common_wording() {
        let rows: Vec<(String, i64)> = [
            "奖学金什么时候发？",
            "奖学金什么时候发",
            "请问奖学金什么时候发放呢",
            "宿舍报修怎么弄",
            "奖学金什么时候发!",
            "宿舍报修找谁",
            "图书馆几点关门",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| (t.to_string(), 1000 - i as i64))
        .collect();
        let groups = group(&rows);
        assert_eq!(groups.len(), 3, "{groups:?}");
        assert_eq!((groups[0].count, groups[0].text.as_str()), (4, "奖学金什么时候发"), "the shortest of equals");
        assert!(groups[0].examples.contains(&"请问奖学金什么时候发放呢".to_string()));
        assert_eq!(groups[0].suggested_keyword, "奖学金什么时");
        assert_eq!((groups[1].count, groups[1].suggested_keyword.as_str()), (2, "宿舍报修"));
        assert_eq!(groups[2].text, "图书馆几点关门");
    }

    #[test]
    fn days_are_counted_from_midnight_in_china() {
        let china_midnight = 1_764_604_800_000; // 2025-12-02 00:00 China time
        assert_eq!(day_of(china_midnight), "2025-12-02");
        assert_eq!(day_of(china_midnight - 1), "2025-12-01");
    }
}
