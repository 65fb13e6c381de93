//! What the search module indexes itself: notices (once sent, changed when corrected, gone
//! when withdrawn) and teachers who made their contact public. Documents, procedures and
//! offices are indexed by their own capabilities. At start, whatever is missing from the
//! index (a database from before the index, a crash between a change and its indexing) is
//! added by [`backfill`]; the downloads kept for the hot list are pruned after 90 days.

use std::time::Duration;

use sqlx::AnyConnection;

use super::index::{self, Audience, Item, Kind};
use crate::db::{now_ms, Db};

/// How long single downloads are kept (the hot list reads the last week).
const DOWNLOADS_KEPT_MS: i64 = 90 * 86_400_000;

/// The text of a notice's Markdown as read: marks dropped, spaces collapsed.
pub fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut in_link_target = false;
    let mut prev: Option<char> = None;
    for c in markdown.chars() {
        match c {
            '(' if prev == Some(']') => in_link_target = true,
            ')' if in_link_target => in_link_target = false,
            _ if in_link_target => {}
            '#' | '*' | '_' | '>' | '`' | '[' | ']' | '|' | '~' => {}
            c if c.is_whitespace() => {
                if !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
        prev = Some(c);
    }
    out.trim().to_string()
}

/// A sent notice as the index keeps it: found by its recipients.
pub fn notice_item(id: i64, title: &str, body: &str, sent_at: i64) -> Item {
    let text = plain(body);
    Item {
        kind: Kind::Notice,
        ref_id: id,
        title: title.to_string(),
        summary: text.chars().take(80).collect(),
        body: text,
        audience: Audience::Recipients,
        at: sent_at,
    }
}

/// Indexes a notice inside the transaction that sends or corrects it.
pub async fn notice_in(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    let row: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT title, body, sent_at FROM notices WHERE id = $1 AND status IN ('sending', 'sent')")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some((title, body, sent_at)) => {
            index::put_in(conn, &notice_item(id, &title, &body, sent_at.unwrap_or(0))).await
        }
        None => index::remove_in(conn, Kind::Notice, id).await,
    }
}

#[derive(sqlx::FromRow)]
struct TeacherRow {
    display_name: String,
    title: Option<String>,
    office: Option<String>,
    updated_at: Option<i64>,
}

/// Puts a teacher in the index when their contact is public and their account live, and
/// takes them out otherwise. Called after any change to either.
pub async fn teacher(db: &Db, user_id: i64) -> sqlx::Result<()> {
    let row: Option<TeacherRow> = sqlx::query_as(
        "SELECT u.display_name, p.title, p.office, p.updated_at FROM users u JOIN teacher_profiles p ON p.user_id = u.id \
         WHERE u.id = $1 AND p.contact_public = TRUE AND u.disabled = FALSE AND u.pending = FALSE",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return index::remove(db, Kind::Teacher, user_id).await;
    };
    let (title, office) = (row.title.unwrap_or_default(), row.office.unwrap_or_default());
    let surname: String = row.display_name.chars().take(1).collect();
    let summary =
        [title.as_str(), office.as_str()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ");
    let item = Item {
        kind: Kind::Teacher,
        ref_id: user_id,
        // The surname alone is a term too: 「联系 张老师」 looks for 张.
        body: format!("{} {surname} 老师 {title} {office}", row.display_name),
        title: row.display_name,
        summary,
        audience: Audience::Everyone,
        at: row.updated_at.unwrap_or(0),
    };
    index::put(db, &item).await
}

/// Indexes what is missing: sent notices and public teachers.
pub async fn backfill(db: &Db) -> sqlx::Result<usize> {
    let notices: Vec<i64> = sqlx::query_scalar(
        "SELECT n.id FROM notices n WHERE n.status IN ('sending', 'sent') \
         AND NOT EXISTS (SELECT 1 FROM search_items i WHERE i.kind = 'notice' AND i.ref_id = n.id) ORDER BY n.id",
    )
    .fetch_all(db.pool())
    .await?;
    for id in &notices {
        let mut tx = db.begin_write().await?;
        notice_in(&mut tx, *id).await?;
        tx.commit().await?;
    }
    let teachers: Vec<i64> = sqlx::query_scalar(
        "SELECT p.user_id FROM teacher_profiles p WHERE p.contact_public = TRUE \
         AND NOT EXISTS (SELECT 1 FROM search_items i WHERE i.kind = 'teacher' AND i.ref_id = p.user_id)",
    )
    .fetch_all(db.pool())
    .await?;
    for id in &teachers {
        teacher(db, *id).await?;
    }
    Ok(notices.len() + teachers.len())
}

/// At start, the backfill; then, hourly, downloads past their keeping.
pub async fn keep_forever(db: Db) {
    match backfill(&db).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(items = n, "search index: added what was missing"),
        Err(err) => tracing::warn!(error = %err, "search index: the backfill failed; it is tried at the next start"),
    }
    loop {
        if let Err(err) = sqlx::query("DELETE FROM document_downloads WHERE downloaded_at < $1")
            .bind(now_ms() - DOWNLOADS_KEPT_MS)
            .execute(db.pool())
            .await
        {
            tracing::warn!(error = %err, "pruning old downloads failed");
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn markdown_marks_and_link_targets_are_left_out_of_the_searched_text() {
        assert_eq!(plain("# 通知\n\n**请假** 见 [表格](https://x.cn/a.pdf)。"), "通知 请假 见 表格。");
    }
}
