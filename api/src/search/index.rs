//! Keeping the search index in step: each capability calls [`put`] when one of its things
//! is made or changed and [`remove`] when it goes (or may no longer be found), in the same
//! request. The item carries who may find it, copied from its owner, so a search needs
//! no capability's tables but the notices' deliveries.

use sqlx::AnyConnection;

use super::terms::terms;
use crate::db::Db;

/// What is searchable, as stored in `search_items.kind` (one enum with the DTOs').
pub use shared::SearchKind as Kind;

/// Who may find an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every follower, bound or not, and every teacher.
    Everyone,
    /// Bound students (and teachers, who manage what students see).
    Students,
    /// Teachers only.
    Teachers,
    /// Students of these classes and groups (and teachers).
    Listed { classes: Vec<i64>, groups: Vec<i64> },
    /// A notice's recipients: those it has a delivery for (and teachers in scope).
    Recipients,
}

impl Audience {
    fn as_str(&self) -> &'static str {
        match self {
            Audience::Everyone => "all",
            Audience::Students => "students",
            Audience::Teachers => "teachers",
            Audience::Listed { .. } => "listed",
            Audience::Recipients => "recipients",
        }
    }
}

/// One searchable thing as the index keeps it.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: Kind,
    pub ref_id: i64,
    pub title: String,
    /// Searched, not shown whole: the body, description, tags, steps…
    pub body: String,
    /// Shown under the title in results (cut to 120 characters).
    pub summary: String,
    pub audience: Audience,
    /// Recency for ranking (ms): when it was sent, published or last changed.
    pub at: i64,
}

/// Puts `item` in the index, replacing what was there for it.
pub async fn put(db: &Db, item: &Item) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    put_in(&mut tx, item).await?;
    tx.commit().await
}

/// [`put`] inside the caller's transaction (`&mut tx` derefs to the connection).
pub async fn put_in(tx: &mut AnyConnection, item: &Item) -> sqlx::Result<()> {
    remove_in(tx, item.kind, item.ref_id).await?;
    let summary: String = item.summary.chars().take(120).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO search_items (kind, ref_id, title, summary, audience, at) VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING id",
    )
    .bind(item.kind.as_str())
    .bind(item.ref_id)
    .bind(&item.title)
    .bind(summary)
    .bind(item.audience.as_str())
    .bind(item.at)
    .fetch_one(&mut *tx)
    .await?;
    if let Audience::Listed { classes, groups } = &item.audience {
        for class in classes {
            sqlx::query("INSERT INTO search_item_audience (item_id, class_id) VALUES ($1, $2)")
                .bind(id)
                .bind(class)
                .execute(&mut *tx)
                .await?;
        }
        for group in groups {
            sqlx::query("INSERT INTO search_item_audience (item_id, group_id) VALUES ($1, $2)")
                .bind(id)
                .bind(group)
                .execute(&mut *tx)
                .await?;
        }
    }
    let in_title = terms(&item.title);
    let mut all = terms(&item.body);
    all.extend(in_title.iter().cloned());
    // Many rows per statement: a long notice holds a few thousand terms.
    let all: Vec<String> = all.into_iter().collect();
    for chunk in all.chunks(200) {
        let mut sql = String::from("INSERT INTO search_terms (term, item_id, in_title, at) VALUES ");
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("(${}, $1, ${}, $2)", 3 + 2 * i, 4 + 2 * i));
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(item.at);
        for term in chunk {
            query = query.bind(term.clone()).bind(i64::from(in_title.contains(term)));
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Takes the item out of the index (nothing when it was not there).
pub async fn remove(db: &Db, kind: Kind, ref_id: i64) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    remove_in(&mut tx, kind, ref_id).await?;
    tx.commit().await
}

/// [`remove`] inside the caller's transaction.
pub async fn remove_in(tx: &mut AnyConnection, kind: Kind, ref_id: i64) -> sqlx::Result<()> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM search_items WHERE kind = $1 AND ref_id = $2")
        .bind(kind.as_str())
        .bind(ref_id)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(id) = id {
        // Children first: SQLite enforces the foreign keys only when asked to.
        sqlx::query("DELETE FROM search_terms WHERE item_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM search_item_audience WHERE item_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM search_items WHERE id = $1").bind(id).execute(&mut *tx).await?;
    }
    Ok(())
}
