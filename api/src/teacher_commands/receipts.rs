//! Following a notice from the phone: 「统计」 (the teacher's last three notices and how
//! far they were read), 「未读 N」 (who has not read notice N) and 「提醒 N」 (remind them,
//! within the same interval and count as the console's button). Notice N must be one the
//! teacher sees in the console; any other number is "not found", as there.

use shared::{Missing, NoticeStatus, PageQuery, RemindRequest};

use super::{refusal, text};
use crate::auth::Caller;
use crate::db::{china_minute, now_ms, to_ms};
use crate::error::ApiError;
use crate::notices::store::{self, NoticeRow};
use crate::people::Scope;
use crate::receipts::reminders;
use crate::receipts::report::{self, ReceiptQuery};
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

/// How many notices 「统计」 shows, and how many names 「未读」 lists.
const RECENT: i64 = 3;
const NAMES: u32 = 20;

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{}%", (part * 100 + whole / 2) / whole)
    }
}

/// 「统计」: the teacher's three latest notices sent, newest first.
pub async fn recent(ctx: Context, me: Caller) -> HandlerResult {
    let db = &ctx.state.db;
    let sql = format!(
        "{} WHERE n.author_id = $1 AND n.status IN ('sending', 'sent', 'withdrawn') \
         ORDER BY n.sent_at DESC, n.id DESC LIMIT {RECENT}",
        store::SELECT
    );
    let rows: Vec<NoticeRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(me.user_id).fetch_all(db.pool()).await?;
    if rows.is_empty() {
        return Ok(Some(Reply::text(text::NO_NOTICES)));
    }
    let mut answer = String::from("最近发出的通知：");
    for row in &rows {
        let f = report::funnel(&report::tallies(db, row.id).await?);
        let when = row.sent_at.map(china_minute).unwrap_or_default();
        let withdrawn = if row.status() == NoticeStatus::Withdrawn { "（已撤回）" } else { "" };
        answer.push_str(&format!(
            "\n\n【{}】{}{withdrawn}\n{when} 发出，{} 人，已推送 {}，已读 {}（{}）",
            row.id,
            row.title,
            f.recipients,
            f.sent,
            f.read,
            percent(f.read, f.recipients)
        ));
        if row.requires_confirmation.0 {
            answer.push_str(&format!("，已确认 {}（{}）", f.confirmed, percent(f.confirmed, f.recipients)));
        }
    }
    answer.push_str("\n\n发送「未读 编号」查看未读名单，「提醒 编号」提醒未读的学生。");
    Ok(Some(Reply::text(answer)))
}

/// The notice numbered `id`, if this teacher sees it (None: answer "not found").
async fn notice(ctx: &Context, me: &Caller, id: i64) -> anyhow::Result<Option<NoticeRow>> {
    match store::visible(&ctx.state.db, Scope::of(me), id).await {
        Ok(row) => Ok(Some(row)),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(err) => Err(anyhow::anyhow!("notice lookup failed: {}", err.body().message)),
    }
}

fn not_found(id: &str) -> Reply {
    Reply::text(format!("没有找到通知 {id}。发送「统计」查看你最近的通知和编号。"))
}

fn not_sent(row: &NoticeRow) -> bool {
    matches!(row.status(), NoticeStatus::Draft | NoticeStatus::Scheduled)
}

/// 「未读 N」: the first names, by class, and a link to the whole list.
pub async fn unread(ctx: Context, me: Caller, n: String) -> HandlerResult {
    let Ok(id) = n.parse::<i64>() else { return Ok(Some(Reply::text(text::UNREAD_USAGE))) };
    let Some(row) = notice(&ctx, &me, id).await? else { return Ok(Some(not_found(&n))) };
    if not_sent(&row) {
        return Ok(Some(Reply::text(format!("通知「{}」还没有发送。", row.title))));
    }
    let query = ReceiptQuery { missing: Some(Missing::Read), ..ReceiptQuery::default() };
    let page = report::receipts(&ctx.state.db, id, &query, PageQuery::new(Some(1), Some(NAMES))).await?;
    if page.total == 0 {
        return Ok(Some(Reply::text(format!("「{}」：全部已读。", row.title))));
    }
    let mut names = String::new();
    let mut class: Option<Option<String>> = None;
    for r in &page.items {
        if class.as_ref() != Some(&r.class_name) {
            names.push_str(&format!("\n{}：", r.class_name.as_deref().unwrap_or("其他")));
            class = Some(r.class_name.clone());
        } else {
            names.push('、');
        }
        names.push_str(&r.name);
    }
    let more = if page.total > page.items.len() as i64 { format!("\n等 {} 人", page.total) } else { String::new() };
    Ok(Some(Reply::text(format!(
        "「{}」未读 {} 人：{names}{more}\n完整名单：{}\n发送「提醒 {id}」提醒他们。",
        row.title,
        page.total,
        super::notice_link(&ctx.state, id)
    ))))
}

/// 「提醒 N」: reminds the unread, as the console's 提醒 button does.
pub async fn remind(ctx: Context, me: Caller, n: String) -> HandlerResult {
    let Ok(id) = n.parse::<i64>() else { return Ok(Some(Reply::text(text::REMIND_USAGE))) };
    let Some(row) = notice(&ctx, &me, id).await? else { return Ok(Some(not_found(&n))) };
    let state = &ctx.state;
    let limits = crate::receipts::limits(state);
    let request = RemindRequest { missing: Missing::Read, class_id: None };
    let reminder = match crate::receipts::remind_by(state, &me, &row, &request).await {
        Ok(reminder) => reminder,
        Err(err) => {
            let why = match err.body().code.as_str() {
                "notice_not_sent" => format!("通知「{}」还没有发送，不能提醒。", row.title),
                "remind_too_soon" => {
                    let policy = reminders::policy(&state.db, id, None, limits).await?;
                    let wait = policy.next_allowed_at.map_or(1, |at| ((to_ms(at) - now_ms() + 59_999) / 60_000).max(1));
                    format!("刚提醒过，{wait} 分钟后才能再次提醒（每 {} 分钟最多提醒一次）。", policy.interval_minutes)
                }
                "remind_limit" => format!("这条通知已提醒 {} 次，不能再提醒了。", limits.max),
                "nothing_to_remind" => text::NOTHING_TO_REMIND.to_string(),
                _ => format!("没有提醒：{}", refusal(&err)?),
            };
            return Ok(Some(Reply::text(why)));
        }
    };
    Ok(Some(Reply::text(format!(
        "已提醒「{}」未读的 {} 位学生（第 {} 次，最多 {} 次）。",
        row.title, reminder.recipients, reminder.round, limits.max
    ))))
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percentages_are_rounded_and_nothing_of_nothing_is_a_dash() {
        assert_eq!(percent(2, 3), "67%");
        assert_eq!(percent(0, 0), "—");
        assert_eq!(percent(30, 30), "100%");
    }
}
