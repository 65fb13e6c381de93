//! A WHERE clause built from optional parts, with its values bound in order.
//!
//! List endpoints combine a scope (what the caller may see) with optional filters
//! (search text, class, status). Each part is written with `?` where a value goes;
//! the part gets the next numbered placeholder (`$3`), which both backends accept.

use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::Any;

#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Text(String),
    Bool(bool),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

impl From<bool> for Arg {
    fn from(v: bool) -> Arg {
        Arg::Bool(v)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    clauses: Vec<String>,
    args: Vec<Arg>,
}

impl Filter {
    pub fn new() -> Filter {
        Filter::default()
    }

    /// Adds `clause`, each `?` in it standing for the next of `args`, in order.
    pub fn and(&mut self, clause: &str, args: impl IntoIterator<Item = Arg>) -> &mut Filter {
        let mut text = String::with_capacity(clause.len() + 8);
        let mut args = args.into_iter();
        for ch in clause.chars() {
            if ch == '?' {
                let arg = args.next().expect("a value for every ? of the clause");
                self.args.push(arg);
                text.push_str(&format!("${}", self.args.len()));
            } else {
                text.push(ch);
            }
        }
        assert!(args.next().is_none(), "more values than ? in the clause");
        self.clauses.push(format!("({text})"));
        self
    }

    /// ` WHERE a AND b`, or nothing when there are no parts.
    pub fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// The placeholder after the bound values (`$n`), e.g. for LIMIT and OFFSET; call it
    /// once per extra value, in order, then bind those values after `bind`.
    pub fn next(&self, offset: usize) -> String {
        format!("${}", self.args.len() + offset)
    }

    pub fn bind<'q>(&self, mut query: Query<'q, Any, AnyArguments>) -> Query<'q, Any, AnyArguments> {
        for arg in &self.args {
            query = match arg.clone() {
                Arg::Int(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
            };
        }
        query
    }

    pub fn bind_as<'q, T>(&self, mut query: QueryAs<'q, Any, T, AnyArguments>) -> QueryAs<'q, Any, T, AnyArguments> {
        for arg in &self.args {
            query = match arg.clone() {
                Arg::Int(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
            };
        }
        query
    }

    pub fn bind_scalar<'q, T>(
        &self,
        mut query: QueryScalar<'q, Any, T, AnyArguments>,
    ) -> QueryScalar<'q, Any, T, AnyArguments> {
        for arg in &self.args {
            query = match arg.clone() {
                Arg::Int(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
            };
        }
        query
    }
}

/// `%text%` for LIKE, with LIKE's own wildcards in `text` taken literally (`ESCAPE '\'`).
pub fn contains_pattern(text: &str) -> String {
    let escaped = text.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_numbered_in_the_order_they_are_added() {
        let mut filter = Filter::new();
        filter.and("class_id = ?", [Arg::Int(3)]);
        filter.and("name LIKE ? OR student_no LIKE ?", [Arg::from("%李%"), Arg::from("%李%")]);
        assert_eq!(filter.where_sql(), " WHERE (class_id = $1) AND (name LIKE $2 OR student_no LIKE $3)");
        assert_eq!(filter.next(1), "$4");
        assert_eq!(Filter::new().where_sql(), "");
    }

    #[test]
    fn like_wildcards_in_search_text_are_literal() {
        assert_eq!(contains_pattern(" 50%_off "), "%50\\%\\_off%");
    }
}
