//! A bound teacher manages their own auto-replies from WeChat (seed 004's 在微信公众号内快捷
//! 管理): 「添加回复 关键词 内容」 (students' messages containing the word get the text),
//! 「删除回复 关键词」, 「我的回复」, 「开启自动回复」 / 「关闭自动回复」. Each answers at once (a few
//! queries and a rebuild of the compiled rules), well within the webhook's budget, and is
//! audited as done through WeChat. Anyone else is told who may use them.

use shared::{AutoReplyItem, NewAutoRule};

use super::store;
use crate::audit::Audit;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

const NOT_A_TEACHER: &str =
    "只有绑定了微信的老师可以管理自己的自动回复。老师请先在电脑上登录 Banji，在「账号设置」扫码绑定微信。";
const ADD_USAGE: &str = "格式：添加回复 关键词 回复内容\n例如：添加回复 奖学金 奖学金材料请在周五前交到学工办。";
/// What 「我的回复」 lists at most (a passive text answer holds 2048 bytes).
const LISTED: usize = 15;

/// The bound teacher behind this WeChat: (user id, name).
async fn teacher(ctx: &Context) -> anyhow::Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.display_name FROM teacher_profiles tp JOIN users u ON u.id = tp.user_id \
         WHERE tp.openid = $1 AND u.disabled = FALSE",
    )
    .bind(&ctx.incoming.openid)
    .fetch_optional(ctx.state.db.pool())
    .await?)
}

async fn audited(ctx: &Context, (id, name): &(i64, String), action: &str, detail: String) -> anyhow::Result<()> {
    Audit::anonymous(name, action, None)
        .actor_id(*id)
        .channel(crate::auth::Channel::WeChat)
        .detail(detail)
        .record(ctx.state.db.pool())
        .await?;
    Ok(())
}

/// The teacher's rules that answer exactly this one keyword.
async fn own_with(ctx: &Context, user: i64, keyword: &str) -> anyhow::Result<Vec<store::RuleRow>> {
    let sql = format!("{} WHERE r.owner_id = $1 ORDER BY r.position", store::SELECT);
    let rows: Vec<store::RuleRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user).fetch_all(ctx.state.db.pool()).await?;
    Ok(rows.into_iter().filter(|r| r.keywords().iter().any(|k| k == keyword)).collect())
}

/// 「添加回复 关键词 内容」: a new rule, or new text for the teacher's rule of that keyword.
pub async fn add(ctx: Context) -> HandlerResult {
    let Some(me) = teacher(&ctx).await? else { return Ok(Some(Reply::text(NOT_A_TEACHER))) };
    let Some((keyword, text)) = ctx.rest.split_once(char::is_whitespace) else {
        return Ok(Some(Reply::text(ADD_USAGE)));
    };
    let (keyword, text) = (keyword.trim(), text.trim());
    let reply = AutoReplyItem { kind: "text".into(), text: Some(text.into()), ..AutoReplyItem::default() };
    let rule = NewAutoRule {
        name: keyword.chars().take(60).collect(),
        scope: "mine".into(),
        match_kind: "contains".into(),
        keywords: vec![keyword.into()],
        replies: vec![reply],
        reply_mode: "all".into(),
        enabled: true,
        window_start: None,
        window_end: None,
        weekdays: vec![],
        audience: "everyone".into(),
        class_ids: vec![],
        group_ids: vec![],
        valid_from: None,
        valid_until: None,
    };
    if let Err(problems) = rule.validate() {
        let why = if problems.get("replies[0]").is_some() {
            "回复内容太长（最多 600 字）"
        } else {
            "关键词太长"
        };
        return Ok(Some(Reply::text(format!("没有添加：{why}。\n{ADD_USAGE}"))));
    }
    let existing = own_with(&ctx, me.0, keyword).await?;
    let verb = match existing.iter().find(|r| r.keywords().len() == 1) {
        Some(row) => {
            let mut changed = row.rule();
            changed.replies = rule.replies.clone();
            changed.enabled = true;
            store::update(&ctx.state.db, row.id, &changed).await?;
            "已更新"
        }
        None => {
            if store::room_for(&ctx.state.db, Some(me.0)).await.is_err() {
                let full = format!("没有添加：你已有 {} 条自动回复，请先删除不用的。", store::MAX_OWN_RULES);
                return Ok(Some(Reply::text(full)));
            }
            store::insert(&ctx.state.db, Some(me.0), &rule, me.0).await?;
            "已添加"
        }
    };
    audited(&ctx, &me, "auto_rule_saved", format!("自动回复「{keyword}」")).await?;
    super::changed(&ctx.state).await;
    let on = store::switch_on(&ctx.state.db, me.0).await?;
    let note = if on { "" } else { "\n（你的自动回复已关闭，发送「开启自动回复」后生效）" };
    Ok(Some(Reply::text(format!("{verb}：你的学生发来的消息包含「{keyword}」时，自动回复：\n{text}{note}"))))
}

/// 「删除回复 关键词」.
pub async fn remove(ctx: Context) -> HandlerResult {
    let Some(me) = teacher(&ctx).await? else { return Ok(Some(Reply::text(NOT_A_TEACHER))) };
    let keyword = ctx.rest.trim();
    if keyword.is_empty() {
        return Ok(Some(Reply::text("格式：删除回复 关键词。发送「我的回复」查看你的关键词。")));
    }
    let rows = own_with(&ctx, me.0, keyword).await?;
    if rows.is_empty() {
        return Ok(Some(Reply::text(format!("没有找到关键词「{keyword}」的回复。发送「我的回复」查看你的关键词。"))));
    }
    for row in &rows {
        let mut rule = row.rule();
        rule.keywords.retain(|k| k != keyword);
        if rule.keywords.is_empty() {
            store::delete(&ctx.state.db, row.id).await?;
        } else {
            store::update(&ctx.state.db, row.id, &rule).await?;
        }
    }
    audited(&ctx, &me, "auto_rule_deleted", format!("自动回复「{keyword}」")).await?;
    super::changed(&ctx.state).await;
    Ok(Some(Reply::text(format!("已删除关键词「{keyword}」的自动回复。"))))
}

/// 「我的回复」: the teacher's rules, in order, with their hits.
pub async fn list(ctx: Context) -> HandlerResult {
    let Some(me) = teacher(&ctx).await? else { return Ok(Some(Reply::text(NOT_A_TEACHER))) };
    let sql = format!("{} WHERE r.owner_id = $1 ORDER BY r.position, r.id", store::SELECT);
    let rows: Vec<store::RuleRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(me.0).fetch_all(ctx.state.db.pool()).await?;
    let on = store::switch_on(&ctx.state.db, me.0).await?;
    let state = if on { "已开启" } else { "已关闭" };
    if rows.is_empty() {
        return Ok(Some(Reply::text(format!("你还没有自动回复（{state}）。\n{ADD_USAGE}"))));
    }
    let mut text = format!("你的自动回复（{state}，共 {} 条）：", rows.len());
    for (i, row) in rows.iter().take(LISTED).enumerate() {
        let answer = row.replies().first().map(|r| r.text.clone().unwrap_or_else(|| format!("[{}]", r.kind)));
        let answer: String = answer.unwrap_or_default().chars().take(30).collect();
        let off = if row.enabled.0 { "" } else { "（停用）" };
        text.push_str(&format!("\n{}. {} → {answer}（命中 {} 次）{off}", i + 1, row.keywords().join("/"), row.hits));
    }
    if rows.len() > LISTED {
        text.push_str(&format!("\n……另有 {} 条，请在电脑上打开「自动回复」查看。", rows.len() - LISTED));
    }
    text.push_str("\n发送「删除回复 关键词」删除，「关闭自动回复」暂停。");
    Ok(Some(Reply::text(text)))
}

/// 「开启自动回复」 / 「关闭自动回复」.
pub async fn switch(ctx: Context, on: bool) -> HandlerResult {
    let Some(me) = teacher(&ctx).await? else { return Ok(Some(Reply::text(NOT_A_TEACHER))) };
    store::set_switch(&ctx.state.db, me.0, on).await?;
    let label = if on { "开启" } else { "关闭" };
    audited(&ctx, &me, "auto_reply_switched", format!("{label}自动回复")).await?;
    super::changed(&ctx.state).await;
    Ok(Some(Reply::text(if on {
        "已开启自动回复：你的学生发来关键词时会自动收到你设置的回复。"
    } else {
        "已关闭自动回复：你的规则暂不回复学生，发送「开启自动回复」恢复。"
    })))
}
