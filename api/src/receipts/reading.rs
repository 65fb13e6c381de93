//! A notice page opened by its recipient: the first open sets `read_at`, later ones
//! count `views`; the 收到 button sets `confirmed_at` (and `read_at`, if somehow
//! unset). Each is one conditional UPDATE, so two opens racing record one read.
//! Only the notice's own row counts (`kind = 'notice'`), never a reminder's.

use crate::db::{now_ms, Db};
use crate::people::students::row_by_openid;

/// Who opened a page: their WeChat, and the student it is bound to (if any).
#[derive(Debug, Clone)]
pub struct Reader {
    pub openid: String,
    pub student_id: Option<i64>,
    pub student_name: Option<String>,
    pub class_id: Option<i64>,
}

pub async fn reader(db: &Db, openid: &str) -> sqlx::Result<Reader> {
    let student = row_by_openid(db, openid).await?;
    Ok(Reader {
        openid: openid.to_string(),
        student_id: student.as_ref().map(|s| s.id),
        student_name: student.as_ref().map(|s| s.name.clone()),
        class_id: student.and_then(|s| s.class_id),
    })
}

/// The reader's own delivery of a notice.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyRow {
    pub id: i64,
    pub read_at: Option<i64>,
    pub confirmed_at: Option<i64>,
}

/// The reader's row of the notice, if they are one of its recipients (as the student they
/// are bound to, or by their WeChat).
pub async fn my_row(db: &Db, notice_id: i64, reader: &Reader) -> sqlx::Result<Option<MyRow>> {
    // By the row's recipient key (the unique index): the bound student's row, or the
    // follower's own row of a public notice from before they bound.
    sqlx::query_as(
        "SELECT id, read_at, confirmed_at FROM deliveries WHERE notice_id = $1 AND kind = 'notice' \
         AND recipient IN ($2, $3) ORDER BY id LIMIT 1",
    )
    .bind(notice_id)
    .bind(format!("o:{}", reader.openid))
    .bind(reader.student_id.map_or_else(String::new, |s| format!("s:{s}")))
    .fetch_optional(db.pool())
    .await
}

/// Records an open of the row: the first sets `read_at` (returns true), later ones add a view.
pub async fn record_open(db: &Db, row: &mut MyRow) -> sqlx::Result<bool> {
    let now = now_ms();
    let first = sqlx::query("UPDATE deliveries SET read_at = $2 WHERE id = $1 AND read_at IS NULL")
        .bind(row.id)
        .bind(now)
        .execute(db.pool())
        .await?
        .rows_affected()
        == 1;
    if first {
        row.read_at = Some(now);
    } else {
        sqlx::query("UPDATE deliveries SET views = views + 1 WHERE id = $1").bind(row.id).execute(db.pool()).await?;
    }
    Ok(first)
}

/// Records the confirmation once; returns true when this call made it.
pub async fn confirm(db: &Db, row: &mut MyRow) -> sqlx::Result<bool> {
    let now = now_ms();
    let first = sqlx::query(
        "UPDATE deliveries SET confirmed_at = $2, read_at = COALESCE(read_at, $2) WHERE id = $1 AND confirmed_at IS NULL",
    )
    .bind(row.id)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected()
        == 1;
    if first {
        row.confirmed_at = Some(now);
        row.read_at = row.read_at.or(Some(now));
    }
    Ok(first)
}
