//! What the console shows of a notice's delivery: counts by status and channel, the
//! rate and time left while it sends, the platform's mass-send reports, and each
//! recipient's row with its channel, fallback reasons and failure.

use std::collections::BTreeMap;

use shared::{Delivery, DeliveryProgress, MassJob, Page, PageQuery};

use super::reasons;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, to_time, Db};
use crate::error::ApiResult;
use crate::notices::store::NoticeRow;

#[derive(sqlx::FromRow)]
struct JobRow {
    msgid: i64,
    rows: i64,
    status: Option<String>,
    total: Option<i64>,
    filtered: Option<i64>,
    sent: Option<i64>,
    errors: Option<i64>,
}

pub async fn progress(db: &Db, notice: &NoticeRow) -> sqlx::Result<DeliveryProgress> {
    let id = notice.id;
    let by_status: BTreeMap<String, i64> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM deliveries WHERE notice_id = $1 AND kind = 'notice' GROUP BY status",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .collect();
    let by_channel: BTreeMap<String, i64> = sqlx::query_as(
        "SELECT channel, COUNT(*) FROM deliveries WHERE notice_id = $1 AND kind = 'notice' AND status = 'sent' AND channel IS NOT NULL GROUP BY channel",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .collect();
    let (delivered, per_minute): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN sent_at >= $2 THEN 1 ELSE 0 END), 0) FROM deliveries WHERE notice_id = $1 AND kind = 'notice'",
    )
    .bind(id)
    .bind(now_ms() - 60_000)
    .fetch_one(db.pool())
    .await?;
    let jobs: Vec<JobRow> = sqlx::query_as(
        "SELECT d.msgid, COUNT(*) AS rows, MAX(j.status) AS status, MAX(j.total) AS total, MAX(j.filtered) AS filtered, \
         MAX(j.sent) AS sent, MAX(j.errors) AS errors \
         FROM deliveries d LEFT JOIN platform_jobs j ON j.channel = 'mass' AND j.msgid = d.msgid \
         WHERE d.notice_id = $1 AND d.channel = 'mass' AND d.msgid IS NOT NULL GROUP BY d.msgid ORDER BY d.msgid",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let (refused_template, blocked_note): (i64, Option<String>) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM deliveries WHERE notice_id = $1 AND kind = 'notice' AND fallback LIKE '%template:refused%'), \
         (SELECT template_blocked_note FROM notices WHERE id = $1 AND template_blocked_at IS NOT NULL)",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    let waiting = by_status.get("pending").copied().unwrap_or(0) + by_status.get("sending").copied().unwrap_or(0);
    let eta_seconds = (waiting > 0 && per_minute > 0).then(|| waiting * 60 / per_minute);
    Ok(DeliveryProgress {
        notice_id: id,
        status: notice.status.clone(),
        total: by_status.values().sum(),
        by_status,
        by_channel,
        delivered,
        per_minute,
        eta_seconds,
        status_note: notice.status_note.clone(),
        paused_until: notice.paused_until.map(to_time),
        refused_template,
        template_blocked: blocked_note,
        mass_jobs: jobs
            .into_iter()
            .map(|j| MassJob {
                msg_id: j.msgid,
                status: j.status.unwrap_or_default(),
                rows: j.rows,
                total: j.total,
                filtered: j.filtered,
                sent: j.sent,
                errors: j.errors,
            })
            .collect(),
    })
}

/// What a delivery list may be narrowed to.
#[derive(Debug, Default, Clone)]
pub struct DeliveryQuery {
    pub status: Option<String>,
    pub channel: Option<String>,
    /// Part of a student's name or 学号.
    pub search: String,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    student_id: Option<i64>,
    student_name: Option<String>,
    student_no: Option<String>,
    class_name: Option<String>,
    openid: Option<String>,
    status: String,
    channel: Option<String>,
    fallback: String,
    failure: Option<String>,
    errcode: Option<i64>,
    attempts: i64,
    sent_at: Option<i64>,
    delivered_at: Option<i64>,
    job_status: Option<String>,
    read_at: Option<i64>,
    confirmed_at: Option<i64>,
}

pub async fn deliveries(db: &Db, notice_id: i64, q: &DeliveryQuery, page: PageQuery) -> ApiResult<Page<Delivery>> {
    let mut filter = Filter::new();
    filter.and("d.notice_id = ? AND d.kind = 'notice'", [Arg::Int(notice_id)]);
    if let Some(status) = q.status.as_deref().filter(|s| !s.is_empty()) {
        filter.and("d.status = ?", [Arg::from(status)]);
    }
    if let Some(channel) = q.channel.as_deref().filter(|s| !s.is_empty()) {
        filter.and("d.channel = ?", [Arg::from(channel)]);
    }
    if !q.search.trim().is_empty() {
        let p = contains_pattern(&q.search);
        filter
            .and("s.name LIKE ? ESCAPE '\\' OR s.student_no LIKE ? ESCAPE '\\'", [Arg::from(p.clone()), Arg::from(p)]);
    }
    let from =
        " FROM deliveries d LEFT JOIN students s ON s.id = d.student_id LEFT JOIN classes c ON c.id = s.class_id";
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*){from}{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!(
        "SELECT d.id, d.student_id, s.name AS student_name, s.student_no, c.name AS class_name, d.openid, d.status, \
         d.channel, d.fallback, d.failure, d.errcode, d.attempts, d.sent_at, d.delivered_at, d.job_status, d.read_at, \
         d.confirmed_at{from}{where_sql} ORDER BY d.id LIMIT {} OFFSET {}",
        filter.next(1),
        filter.next(2)
    );
    let rows: Vec<DeliveryRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    let items = rows
        .into_iter()
        .map(|r| Delivery {
            id: r.id,
            student_id: r.student_id,
            student_name: r.student_name,
            student_no: r.student_no,
            class_name: r.class_name,
            openid: r.openid,
            status: r.status,
            channel: r.channel,
            fallback: reasons::parse(&r.fallback),
            failure: r.failure,
            errcode: r.errcode,
            attempts: r.attempts,
            sent_at: r.sent_at.map(to_time),
            delivered_at: r.delivered_at.map(to_time),
            job_status: r.job_status,
            read_at: r.read_at.map(to_time),
            confirmed_at: r.confirmed_at.map(to_time),
        })
        .collect();
    Ok(Page::new(items, total, page))
}
