//! Two teachers of one student answering the same word: which answers is decided by the
//! order, and the editor says so. The teachers' words are indexed once per request, and
//! whether two teachers share a student is asked once per pair.

use std::collections::HashMap;

use shared::{AutoRule, RuleConflict};

use super::matcher::{Kind, Matcher};
use crate::db::filter::Filter;
use crate::db::Db;
use crate::people::scope::Scope;

fn is_word_kind(kind: Kind) -> bool {
    matches!(kind, Kind::Exact | Kind::Contains | Kind::Prefix)
}

pub struct Conflicts {
    /// Word (folded) → the teachers' enabled rules with it: (rule, owner, rule name).
    words: HashMap<String, Vec<(i64, i64, String)>>,
    shared: HashMap<(i64, i64), bool>,
    names: HashMap<i64, String>,
}

impl Conflicts {
    pub fn new(matcher: &Matcher) -> Conflicts {
        let mut words: HashMap<String, Vec<(i64, i64, String)>> = HashMap::new();
        for rule in matcher.rules().iter().filter(|r| is_word_kind(r.kind)) {
            let Some(owner) = rule.owner else { continue };
            for word in &rule.keywords {
                words.entry(word.trim().to_lowercase()).or_default().push((rule.id, owner, rule.name.clone()));
            }
        }
        Conflicts { words, shared: HashMap::new(), names: HashMap::new() }
    }

    async fn share_students(&mut self, db: &Db, a: i64, b: i64) -> sqlx::Result<bool> {
        if let Some(known) = self.shared.get(&(a, b)) {
            return Ok(*known);
        }
        let mut filter = Filter::new();
        Scope::Teacher(a).students(&mut filter, "s");
        Scope::Teacher(b).students(&mut filter, "s");
        let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM students s{} LIMIT 1) x", filter.where_sql());
        let n: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))).fetch_one(db.pool()).await?;
        self.shared.insert((a, b), n > 0);
        Ok(n > 0)
    }

    async fn name(&mut self, db: &Db, user: i64) -> sqlx::Result<String> {
        if let Some(name) = self.names.get(&user) {
            return Ok(name.clone());
        }
        let name: Option<String> = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(db.pool())
            .await?;
        let name = name.unwrap_or_default();
        self.names.insert(user, name.clone());
        Ok(name)
    }

    /// Other teachers' rules sharing a word of `rule` (a teacher's) and some of its students.
    pub async fn of(&mut self, db: &Db, rule: &AutoRule) -> sqlx::Result<Vec<RuleConflict>> {
        let Some(owner) = rule.owner_id else { return Ok(vec![]) };
        if !Kind::parse(&rule.rule.match_kind).is_some_and(is_word_kind) {
            return Ok(vec![]);
        }
        let mut found: Vec<RuleConflict> = Vec::new();
        for word in rule.rule.keywords.iter().map(|k| k.trim().to_lowercase()) {
            let others: Vec<(i64, i64, String)> = self.words.get(&word).cloned().unwrap_or_default();
            for (id, theirs, name) in others.into_iter().filter(|(_, o, _)| *o != owner) {
                if found.iter().any(|c| c.rule_id == id) || !self.share_students(db, owner, theirs).await? {
                    continue;
                }
                let owner_name = self.name(db, theirs).await?;
                found.push(RuleConflict { rule_id: id, rule_name: name, owner_name, keyword: word.clone() });
            }
        }
        Ok(found)
    }
}
