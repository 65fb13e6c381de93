//! A student's category subscriptions: muted categories are not pushed (urgent notices
//! still are) and stay readable on the student's notice list. Changed from the student
//! page or by sending `退订 分类` / `订阅 分类`.

use shared::CategorySubscription;

use crate::db::Db;
use crate::people::students::row_by_openid;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

pub async fn list(db: &Db, student_id: i64) -> sqlx::Result<Vec<CategorySubscription>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.name, (SELECT COUNT(*) FROM category_mutes m WHERE m.student_id = $1 AND m.category_id = c.id) \
         FROM notice_categories c ORDER BY c.sort, c.id",
    )
    .bind(student_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(category_id, name, muted)| CategorySubscription { category_id, name, muted: muted > 0 })
        .collect())
}

/// Mutes or unmutes; `false` when there is no such category.
pub async fn set(db: &Db, student_id: i64, category_id: i64, muted: bool) -> sqlx::Result<bool> {
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notice_categories WHERE id = $1")
        .bind(category_id)
        .fetch_one(db.pool())
        .await?;
    if exists == 0 {
        return Ok(false);
    }
    let sql = if muted {
        "INSERT INTO category_mutes (student_id, category_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM category_mutes WHERE student_id = $1 AND category_id = $2"
    };
    sqlx::query(sql).bind(student_id).bind(category_id).execute(db.pool()).await?;
    Ok(true)
}

fn overview(subs: &[CategorySubscription]) -> String {
    let line = |muted: bool| {
        let names: Vec<&str> = subs.iter().filter(|s| s.muted == muted).map(|s| s.name.as_str()).collect();
        if names.is_empty() {
            "无".to_string()
        } else {
            names.join("、")
        }
    };
    format!(
        "接收中：{}\n已退订：{}\n发送「退订 分类」或「订阅 分类」更改（紧急通知总会推送）。",
        line(false),
        line(true)
    )
}

/// `退订 分类` (mute) and `订阅 分类` (unmute); without a category, the overview.
async fn change(ctx: Context, muted: bool) -> HandlerResult {
    let db = &ctx.state.db;
    let Some(student) = row_by_openid(db, &ctx.incoming.openid).await? else {
        return Ok(Some(Reply::text(format!("请先绑定学号。{}", crate::people::replies::BIND_USAGE))));
    };
    let subs = list(db, student.id).await?;
    let wanted = ctx.rest.trim();
    if wanted.is_empty() {
        return Ok(Some(Reply::text(overview(&subs))));
    }
    let Some(category) = subs.iter().find(|s| s.name == wanted) else {
        let names: Vec<&str> = subs.iter().map(|s| s.name.as_str()).collect();
        return Ok(Some(Reply::text(format!("没有「{wanted}」这个分类。可选：{}", names.join("、")))));
    };
    set(db, student.id, category.category_id, muted).await?;
    let done = if muted { "已退订" } else { "已订阅" };
    Ok(Some(Reply::text(format!("{done}「{wanted}」类通知。\n{}", overview(&list(db, student.id).await?)))))
}

pub async fn mute(ctx: Context) -> HandlerResult {
    change(ctx, true).await
}

pub async fn unmute(ctx: Context) -> HandlerResult {
    change(ctx, false).await
}
