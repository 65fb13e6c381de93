//! Which class a command names: one of the classes in the teacher's scope (the same
//! filter the console's class list uses), by its name or by its number in the list 「发通知」
//! shows. A class outside the scope is answered exactly like an unknown one.

use crate::db::filter::Filter;
use crate::db::Db;
use crate::people::Scope;

/// How many classes an answer lists (an admin's scope may hold hundreds).
const LISTED: usize = 30;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClassRef {
    pub id: i64,
    pub name: String,
}

/// The classes in scope, as the console lists them (grade, newest first, then name).
pub async fn of(db: &Db, scope: Scope) -> sqlx::Result<Vec<ClassRef>> {
    let mut filter = Filter::new();
    scope.classes(&mut filter, "c");
    let sql = format!("SELECT c.id, c.name FROM classes c{} ORDER BY c.grade DESC, c.name, c.id", filter.where_sql());
    filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await
}

/// The class `text` starts with, and what follows it: the longest class name that ends
/// at a space or at the end (names may hold spaces), else a number from the list.
pub fn named<'t>(classes: &[ClassRef], text: &'t str) -> Option<(ClassRef, &'t str)> {
    let text = text.trim();
    let by_name = classes
        .iter()
        .filter(|c| {
            text.strip_prefix(c.name.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
        })
        .max_by_key(|c| c.name.len());
    if let Some(class) = by_name {
        return Some((class.clone(), text[class.name.len()..].trim()));
    }
    let (first, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let n: usize = first.parse().ok()?;
    let class = classes.get(n.checked_sub(1)?)?;
    Some((class.clone(), rest.trim()))
}

/// The numbered list of the classes, for answers.
pub fn listed(classes: &[ClassRef]) -> String {
    let mut text: String =
        classes.iter().take(LISTED).enumerate().map(|(i, c)| format!("\n{}. {}", i + 1, c.name)).collect();
    if classes.len() > LISTED {
        text.push_str(&format!("\n……共 {} 个班级，其余请写班级全名。", classes.len()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<ClassRef> {
        ["软件2401", "软件 2402", "软件"]
            .iter()
            .enumerate()
            .map(|(i, n)| ClassRef { id: i as i64, name: n.to_string() })
            .collect()
    }

    #[test]
    fn a_class_is_named_by_its_longest_matching_name_or_its_number() {
        let list = classes();
        let found = |text| named(&list, text).map(|(c, rest)| (c.id, rest.to_string()));
        assert_eq!(found("软件2401 明天停课"), Some((0, "明天停课".into())));
        assert_eq!(found("软件 2402 明天\n停课"), Some((1, "明天\n停课".into())));
        assert_eq!(found("软件 明天停课"), Some((2, "明天停课".into())));
        assert_eq!(found("2 明天停课"), Some((1, "明天停课".into())));
        assert_eq!(found("软件2401"), Some((0, String::new())));
        assert_eq!(found("软件2403 明天停课"), None, "a name must end at a space");
        assert_eq!(found("4 明天停课"), None);
        assert_eq!(found("0 明天停课"), None);
    }
}
