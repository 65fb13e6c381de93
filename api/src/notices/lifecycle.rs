//! A notice's life: drafted, edited while draft or scheduled, sent now or scheduled
//! (its delivery rows made in the same transaction as the change of status, so a crash
//! leaves either no rows or all of them), and withdrawn (nothing more is pushed).

use chrono::Utc;
use shared::{NewNotice, NoticeCorrection, NoticePatch, NoticeStatus, SendRequest};

use super::audience;
use super::store::{self, NoticeRow};
use crate::audit::Audit;
use crate::db::{now_ms, to_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::people::Scope;

async fn check_category(db: &Db, category: Option<i64>) -> ApiResult<()> {
    if let Some(id) = category {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notice_categories WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await?;
        if n == 0 {
            return Err(ApiError::field("category_id", "no such category"));
        }
    }
    Ok(())
}

pub async fn create(db: &Db, scope: Scope, author: i64, new: NewNotice, audit: Audit<'_>) -> ApiResult<i64> {
    new.validate(Utc::now())?;
    check_category(db, new.category_id).await?;
    audience::check(db, scope, &new.audience).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notices (title, body, category_id, urgency, requires_confirmation, deadline, author_id, status, \
         audience, vote, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $10, $9, $9) RETURNING id",
    )
    .bind(new.title.trim())
    .bind(&new.body)
    .bind(new.category_id)
    .bind(new.urgency.as_str())
    .bind(new.requires_confirmation)
    .bind(new.deadline.map(to_ms))
    .bind(author)
    .bind(serde_json::to_string(&new.audience).map_err(ApiError::internal)?)
    .bind(now)
    .bind(vote_json(new.vote.as_ref())?)
    .fetch_one(&mut *tx)
    .await?;
    audit.target(format!("notice:{id}")).detail(new.title.trim().to_string()).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(id)
}

fn vote_json(vote: Option<&shared::VoteSpec>) -> ApiResult<Option<String>> {
    vote.map(|v| serde_json::to_string(v).map_err(ApiError::internal)).transpose()
}

fn editable(row: &NoticeRow) -> ApiResult<()> {
    match row.status() {
        NoticeStatus::Draft | NoticeStatus::Scheduled => Ok(()),
        _ => Err(ApiError::conflict("notice_sent", "a notice can be changed only while it is a draft or scheduled")),
    }
}

pub async fn update(db: &Db, scope: Scope, id: i64, patch: NoticePatch, audit: Audit<'_>) -> ApiResult<()> {
    let row = store::visible(db, scope, id).await?;
    editable(&row)?;
    let merged = NewNotice {
        title: patch.title.clone().unwrap_or(row.title.clone()),
        body: patch.body.clone().unwrap_or(row.body.clone()),
        category_id: patch.category_id.or(row.category_id),
        urgency: patch.urgency.unwrap_or(row.urgency()),
        requires_confirmation: patch.requires_confirmation.unwrap_or(row.requires_confirmation.0),
        deadline: patch.deadline.or(row.deadline.map(crate::db::to_time)),
        audience: patch.audience.clone().unwrap_or(row.audience()),
        vote: if patch.remove_vote == Some(true) { None } else { patch.vote.clone().or(row.vote()) },
    };
    merged.validate(Utc::now())?;
    check_category(db, merged.category_id).await?;
    audience::check(db, scope, &merged.audience).await?;
    let mut tx = db.begin_write().await?;
    // Only while still editable: a notice that started sending meanwhile is not changed.
    let done = sqlx::query(
        "UPDATE notices SET title = $1, body = $2, category_id = $3, urgency = $4, requires_confirmation = $5, \
         deadline = $6, audience = $7, updated_at = $8, vote = $10 WHERE id = $9 AND status IN ('draft', 'scheduled')",
    )
    .bind(merged.title.trim())
    .bind(&merged.body)
    .bind(merged.category_id)
    .bind(merged.urgency.as_str())
    .bind(merged.requires_confirmation)
    .bind(merged.deadline.map(to_ms))
    .bind(serde_json::to_string(&merged.audience).map_err(ApiError::internal)?)
    .bind(now_ms())
    .bind(id)
    .bind(vote_json(merged.vote.as_ref())?)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::conflict("notice_sent", "the notice started sending; it can no longer be changed"));
    }
    audit.target(format!("notice:{id}")).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Sends a draft (or a scheduled notice) now, or schedules it for `at`.
pub async fn send(db: &Db, scope: Scope, id: i64, request: SendRequest, audit: Audit<'_>) -> ApiResult<()> {
    let row = store::visible(db, scope, id).await?;
    editable(&row)?;
    // Its audience must still be the sender's to reach (a class may have changed hands).
    audience::check(db, scope, &row.audience()).await?;
    let now = Utc::now();
    let mut tx = db.begin_write().await?;
    match request.at {
        Some(at) if at <= now => return Err(ApiError::field("at", "must be in the future")),
        Some(at) => {
            sqlx::query("UPDATE notices SET status = 'scheduled', scheduled_at = $1, updated_at = $2 WHERE id = $3")
                .bind(to_ms(at))
                .bind(to_ms(now))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit
                .target(format!("notice:{id}"))
                .detail(format!("定时于 {} 发送", crate::db::china_minute(to_ms(at))))
                .record(&mut *tx)
                .await?;
        }
        None => {
            start(&mut tx, &row).await?;
            audit.target(format!("notice:{id}")).detail("立即发送").record(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Marks the notice sending and makes its delivery rows, in the caller's transaction.
/// `false` if it was not a draft or scheduled any more (another replica got there).
pub async fn start(tx: &mut sqlx::AnyConnection, row: &NoticeRow) -> sqlx::Result<bool> {
    let now = now_ms();
    let claimed = sqlx::query(
        "UPDATE notices SET status = 'sending', sent_at = $1, updated_at = $1 WHERE id = $2 AND status IN ('draft', 'scheduled')",
    )
    .bind(now)
    .bind(row.id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Ok(false);
    }
    let made = audience::fan_out(tx, row.id, &row.audience(), row.category_id, row.urgency()).await?;
    sqlx::query("UPDATE notices SET recipient_count = $1 WHERE id = $2")
        .bind(made as i64)
        .bind(row.id)
        .execute(&mut *tx)
        .await?;
    crate::search::sources::notice_in(tx, row.id).await?;
    Ok(true)
}

/// Sends every scheduled notice that is due; returns how many started.
pub async fn start_due(db: &Db) -> sqlx::Result<usize> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM notices WHERE status = 'scheduled' AND scheduled_at <= $1 ORDER BY scheduled_at",
    )
    .bind(now_ms())
    .fetch_all(db.pool())
    .await?;
    let mut started = 0;
    for id in due {
        let Some(row) = store::row(db, id).await? else { continue };
        let mut tx = db.begin_write().await?;
        if start(&mut tx, &row).await? {
            started += 1;
        }
        tx.commit().await?;
    }
    Ok(started)
}

/// Withdraws a sent (or sending) notice: what has not gone out is cancelled, and the
/// student page shows 已撤回. A draft or scheduled notice is simply deleted instead.
pub async fn withdraw(db: &Db, scope: Scope, id: i64, audit: Audit<'_>) -> ApiResult<()> {
    let row = store::visible(db, scope, id).await?;
    if !matches!(row.status(), NoticeStatus::Sending | NoticeStatus::Sent) {
        return Err(ApiError::conflict("not_sent", "only a sent notice can be withdrawn; delete a draft instead"));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE notices SET status = 'withdrawn', withdrawn_at = $1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE deliveries SET status = 'cancelled' WHERE notice_id = $1 AND status IN ('pending', 'held')")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit.target(format!("notice:{id}")).detail(row.title.clone()).record(&mut *tx).await?;
    // A withdrawn notice is found no more.
    crate::search::sources::notice_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

/// Corrects the title or body of a notice already sent (a typo): the student page shows
/// the new text marked 已修改 with the time; nothing is pushed again. The audit keeps
/// the text it replaced.
pub async fn correct(db: &Db, scope: Scope, id: i64, correction: NoticeCorrection, audit: Audit<'_>) -> ApiResult<()> {
    let row = store::visible(db, scope, id).await?;
    if !matches!(row.status(), NoticeStatus::Sending | NoticeStatus::Sent) {
        return Err(ApiError::conflict("not_sent", "only a sent notice is corrected; edit a draft instead"));
    }
    correction.validate()?;
    let title = correction.title.as_deref().map(str::trim).unwrap_or(&row.title);
    let body = correction.body.as_deref().unwrap_or(&row.body);
    if title == row.title && body == row.body {
        return Ok(());
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE notices SET title = $1, body = $2, corrected_at = $3, updated_at = $3 \
         WHERE id = $4 AND status IN ('sending', 'sent')",
    )
    .bind(title)
    .bind(body)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::conflict("not_sent", "the notice was withdrawn meanwhile"));
    }
    let was = if title == row.title {
        format!("正文修改前：{}", clip(&row.body))
    } else {
        format!("原标题：{}", row.title)
    };
    audit.target(format!("notice:{id}")).detail(was).record(&mut *tx).await?;
    crate::search::sources::notice_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

/// The start of a long text, for the audit's detail.
fn clip(text: &str) -> String {
    let mut clipped: String = text.chars().take(80).collect();
    if clipped.len() < text.len() {
        clipped.push('…');
    }
    clipped
}

/// Deletes a draft or scheduled notice (a sent one is withdrawn, never deleted).
pub async fn delete(db: &Db, scope: Scope, id: i64, audit: Audit<'_>) -> ApiResult<Vec<String>> {
    let row = store::visible(db, scope, id).await?;
    editable(&row)?;
    let paths: Vec<String> = sqlx::query_scalar("SELECT path FROM notice_attachments WHERE notice_id = $1")
        .bind(id)
        .fetch_all(db.pool())
        .await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM notices WHERE id = $1").bind(id).execute(&mut *tx).await?;
    audit.target(format!("notice:{id}")).detail(row.title).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(paths)
}
