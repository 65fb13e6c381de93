//! Inserting many rows with few statements: multi-row `INSERT … VALUES (…), (…)` with
//! every cell bound. On SQLite the placeholders are anonymous (`?`): sqlx resolves a
//! numbered `$n` by looking its name up, which costs quadratically in the number of
//! parameters and doubled the cost of the message log. PostgreSQL takes `$n`. The
//! statement is otherwise the same on both backends.
//!
//! Used where rows arrive by the thousand: the message log, delivery fan-out, roster
//! imports.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

use super::Backend;

/// Parameters per statement: well under SQLite's limit (32 766) and PostgreSQL's (65 535),
/// and large enough that the per-statement round trip no longer matters.
const PARAMETERS_PER_STATEMENT: usize = 900;

pub type BulkQuery<'q> = Query<'q, Any, AnyArguments>;

/// The statement for `rows` rows of `columns` into `table`, then `suffix` (e.g. an
/// `ON CONFLICT` clause). Table and column names come from the code, never from input.
pub fn statement(backend: Backend, table: &str, columns: &[&str], rows: usize, suffix: &str) -> String {
    let width = columns.len();
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for col in 0..width {
            if col > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => sql.push_str(&format!("${}", row * width + col + 1)),
            }
        }
        sql.push(')');
    }
    if !suffix.is_empty() {
        sql.push(' ');
        sql.push_str(suffix);
    }
    sql
}

/// Inserts `rows` into `table`; `bind` binds one row's cells in `columns` order.
/// Returns the number of rows inserted (fewer when `suffix` skips conflicts).
pub async fn insert<'r, T>(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    columns: &[&str],
    suffix: &str,
    rows: &'r [T],
    bind: impl Fn(BulkQuery<'r>, &'r T) -> BulkQuery<'r>,
) -> sqlx::Result<u64> {
    let per_statement = (PARAMETERS_PER_STATEMENT / columns.len().max(1)).max(1);
    let mut inserted = 0;
    for chunk in rows.chunks(per_statement) {
        // Built from code-given names and placeholders only; every value is bound.
        let sql = statement(backend, table, columns, chunk.len(), suffix);
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            query = bind(query, row);
        }
        inserted += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_use_anonymous_placeholders_on_sqlite_and_numbered_ones_on_postgres() {
        assert_eq!(statement(Backend::Sqlite, "t", &["a", "b"], 2, ""), "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
        assert_eq!(
            statement(Backend::Postgres, "t", &["a", "b"], 2, "ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
        );
    }
}
