//! What the platform told us about a student or a notice that changes later sends, kept
//! so the planner passes a channel over instead of failing row after row:
//! - a student who refused the notice template in WeChat (43101 on a template send) is
//!   remembered per openid and template; the planner skips that template for them until
//!   a send of it succeeds again, the notice template is mapped anew, or RETRY_AFTER_MS
//!   has passed (they may have turned it back on; the platform sends no event);
//! - a notice whose template message was blocked for its content (40249) sends its other
//!   rows by the next channel, and its page tells the author why. The blocked list
//!   (`queryblocktmplmsg`) is polled too, for blocks learnt only there.

use shared::RefusedTemplate;

use crate::db::{now_ms, to_time, Db};

/// After this long a refused template is tried again for the student.
pub const RETRY_AFTER_MS: i64 = 30 * 24 * 3600 * 1000;

/// What the author reads on the notice's page when its template message is blocked.
pub const BLOCKED_NOTE: &str =
    "微信以内容违规为由拦截了这条通知的模板消息（40249），其余学生改由订阅通知、客服消息、群发或摘要送达；请检查标题与摘要的措辞。";

pub async fn remember(db: &Db, openid: &str, template_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO template_refusals (openid, template_id, refused_at) VALUES ($1, $2, $3) \
         ON CONFLICT (openid, template_id) DO UPDATE SET refused_at = $3",
    )
    .bind(openid)
    .bind(template_id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A send of the template reached these students: whatever they refused, they take it now.
pub async fn forget(db: &Db, template_id: &str, openids: &[&str]) -> sqlx::Result<()> {
    if openids.is_empty() {
        return Ok(());
    }
    let list = (2..openids.len() + 2).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let sql = format!("DELETE FROM template_refusals WHERE template_id = $1 AND openid IN ({list})");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(template_id);
    for o in openids {
        q = q.bind(*o);
    }
    q.execute(db.pool()).await?;
    Ok(())
}

/// A new mapping: every student gets another chance with the template now chosen.
pub async fn forget_all(db: &Db) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM template_refusals").execute(db.pool()).await?;
    Ok(())
}

/// The templates a student refused (their record), with the template's title when the
/// mapping knows it.
pub async fn of_openid(db: &Db, openid: &str) -> sqlx::Result<Vec<RefusedTemplate>> {
    let rows: Vec<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT r.template_id, r.refused_at, (SELECT MIN(m.kind) FROM template_mappings m WHERE m.template_id = r.template_id) \
         FROM template_refusals r WHERE r.openid = $1 ORDER BY r.refused_at DESC",
    )
    .bind(openid)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(template_id, at, kind)| RefusedTemplate {
            template_id,
            kind,
            refused_at: to_time(at),
            retried_after: to_time(at + RETRY_AFTER_MS),
        })
        .collect())
}

/// Marks a notice's template message blocked (once) and says so on its page.
pub async fn block_notice(db: &Db, notice_id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE notices SET template_blocked_at = $1, template_blocked_note = $2 WHERE id = $3 AND template_blocked_at IS NULL",
    )
    .bind(now_ms())
    .bind(BLOCKED_NOTE)
    .bind(notice_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Of these notices, those whose template message is blocked.
pub async fn blocked_notices(db: &Db, ids: &[i64]) -> sqlx::Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM notices WHERE template_blocked_at IS NOT NULL AND id IN ({list})"
    )))
    .fetch_all(db.pool())
    .await
}

/// How close a blocked message's send time must be to a row's to be that row's.
const BLOCKED_MATCH_MS: i64 = 5 * 60 * 1000;

/// Reads the platform's list of blocked messages of the notice template (from where the
/// last poll stopped) and applies it: a row recorded as sent that the platform blocked
/// goes back to pending by the next channel (`template:blocked`; nothing reached the
/// student, so nothing is repeated), and its notice is marked blocked. Returns how many
/// rows went back.
pub async fn poll_blocked(state: &crate::state::AppState) -> anyhow::Result<u64> {
    let db = &state.db;
    if !state.wechat.client.kind().has_templates() {
        return Ok(0);
    }
    let Some(template) = super::templates::mapping(db, "notice").await? else { return Ok(0) };
    let from: i64 = sqlx::query_scalar("SELECT largest_id FROM blocked_template_cursor WHERE template_id = $1")
        .bind(&template.template_id)
        .fetch_optional(db.pool())
        .await?
        .unwrap_or(0);
    let items = state.wechat.client.blocked_messages(&template.template_id, from).await?;
    let mut back = 0;
    for item in &items {
        let at = item.send_timestamp * 1000;
        let rows: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, notice_id FROM deliveries WHERE openid = $1 AND channel = 'template' AND status = 'sent' \
             AND sent_at BETWEEN $2 AND $3 AND fallback NOT LIKE '%template:blocked%' ORDER BY sent_at DESC LIMIT 1",
        )
        .bind(&item.openid)
        .bind(at - BLOCKED_MATCH_MS)
        .bind(at + BLOCKED_MATCH_MS)
        .fetch_all(db.pool())
        .await?;
        for (id, notice) in rows {
            back += sqlx::query(
                "UPDATE deliveries SET status = 'pending', channel = NULL, msgid = NULL, idem_key = NULL, \
                 sent_at = NULL, delivered_at = NULL, job_status = NULL, next_attempt_at = $2, \
                 fallback = CASE WHEN fallback = '' THEN 'template:blocked' ELSE fallback || ';template:blocked' END \
                 WHERE id = $1 AND status = 'sent'",
            )
            .bind(id)
            .bind(now_ms())
            .execute(db.pool())
            .await?
            .rows_affected();
            if let Some(notice) = notice {
                block_notice(db, notice).await?;
                sqlx::query("UPDATE notices SET status = 'sending' WHERE id = $1 AND status = 'sent'")
                    .bind(notice)
                    .execute(db.pool())
                    .await?;
            }
        }
    }
    if let Some(last) = items.iter().map(|i| i.id).max() {
        sqlx::query(
            "INSERT INTO blocked_template_cursor (template_id, largest_id) VALUES ($1, $2) \
             ON CONFLICT (template_id) DO UPDATE SET largest_id = $2",
        )
        .bind(&template.template_id)
        .bind(last)
        .execute(db.pool())
        .await?;
    }
    if back > 0 {
        state.delivery.wake();
    }
    Ok(back)
}
