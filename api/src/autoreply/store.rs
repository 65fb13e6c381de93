//! The rules table: rows to rules and back, the checks an edit passes (patterns, files,
//! audience), who may edit what, and the order within each owner's rules.

use shared::{AutoReplyItem, AutoRule, NewAutoRule};

use super::matcher::{self, Audience, Kind};
use crate::auth::Caller;
use crate::db::{now_ms, to_time, Db, Flag};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleRow {
    pub id: i64,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub name: String,
    pub match_kind: String,
    pub keywords: String,
    pub replies: String,
    pub reply_mode: String,
    pub position: i64,
    pub enabled: Flag,
    pub window_start: Option<i64>,
    pub window_end: Option<i64>,
    pub weekdays: i64,
    pub audience: String,
    pub audience_ids: String,
    pub valid_from: Option<i64>,
    pub valid_until: Option<i64>,
    pub hits: i64,
    pub last_hit_at: Option<i64>,
    pub updated_at: i64,
}

pub const SELECT: &str = "SELECT r.id, r.owner_id, u.display_name AS owner_name, r.name, r.match_kind, r.keywords, \
     r.replies, r.reply_mode, r.position, r.enabled, r.window_start, r.window_end, r.weekdays, r.audience, \
     r.audience_ids, r.valid_from, r.valid_until, r.hits, r.last_hit_at, r.updated_at \
     FROM auto_rules r LEFT JOIN users u ON u.id = r.owner_id";

fn clock(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl RuleRow {
    pub fn keywords(&self) -> Vec<String> {
        serde_json::from_str(&self.keywords).unwrap_or_default()
    }

    pub fn replies(&self) -> Vec<AutoReplyItem> {
        serde_json::from_str(&self.replies).unwrap_or_default()
    }

    fn ids(&self) -> Vec<i64> {
        serde_json::from_str(&self.audience_ids).unwrap_or_default()
    }

    pub fn rule(&self) -> NewAutoRule {
        let ids = self.ids();
        NewAutoRule {
            name: self.name.clone(),
            scope: if self.owner_id.is_some() { "mine" } else { "account" }.into(),
            match_kind: self.match_kind.clone(),
            keywords: self.keywords(),
            replies: self.replies(),
            reply_mode: self.reply_mode.clone(),
            enabled: self.enabled.0,
            window_start: self.window_start.map(clock),
            window_end: self.window_end.map(clock),
            weekdays: (1..=7u8).filter(|d| self.weekdays & (1 << (d - 1)) != 0).collect(),
            audience: self.audience.clone(),
            class_ids: if self.audience == "classes" { ids.clone() } else { vec![] },
            group_ids: if self.audience == "groups" { ids } else { vec![] },
            valid_from: self.valid_from.map(to_time),
            valid_until: self.valid_until.map(to_time),
        }
    }

    pub fn into_dto(self, editable: bool) -> AutoRule {
        AutoRule {
            id: self.id,
            owner_id: self.owner_id,
            owner_name: self.owner_name.clone(),
            rule: self.rule(),
            position: self.position,
            hits: self.hits,
            last_hit_at: self.last_hit_at.map(to_time),
            editable,
            conflicts: Vec::new(),
            updated_at: to_time(self.updated_at),
        }
    }

    /// The rule as the matcher needs it.
    pub fn compiled(&self) -> Option<matcher::Rule> {
        compile(self.id, self.owner_id, &self.rule(), self.position)
    }
}

/// A rule (saved or being tried) as the matcher needs it.
pub fn compile(id: i64, owner: Option<i64>, rule: &NewAutoRule, position: i64) -> Option<matcher::Rule> {
    let audience = match rule.audience.as_str() {
        "students" => Audience::Students,
        "teachers" => Audience::Teachers,
        "unbound" => Audience::Unbound,
        "classes" => Audience::Classes(rule.class_ids.clone()),
        "groups" => Audience::Groups(rule.group_ids.clone()),
        _ => Audience::Everyone,
    };
    let window = match (&rule.window_start, &rule.window_end) {
        (Some(s), Some(e)) => Some((shared::autoreply::parse_clock(s)?, shared::autoreply::parse_clock(e)?)),
        _ => None,
    };
    Some(matcher::Rule {
        id,
        owner,
        name: rule.name.clone(),
        kind: Kind::parse(&rule.match_kind)?,
        keywords: rule.keywords.clone(),
        replies: rule.replies.clone(),
        random: rule.reply_mode == "random",
        window,
        weekdays: weekday_mask(&rule.weekdays) as u8,
        audience,
        valid_from: rule.valid_from.map(|t| t.timestamp_millis()),
        valid_until: rule.valid_until.map(|t| t.timestamp_millis()),
        position,
    })
}

fn weekday_mask(days: &[u8]) -> i64 {
    days.iter().filter(|d| (1..=7).contains(*d)).fold(0, |m, d| m | (1 << (d - 1)))
}

/// Every enabled rule, for the matcher.
pub async fn enabled(db: &Db) -> sqlx::Result<Vec<matcher::Rule>> {
    let sql = format!("{SELECT} WHERE r.enabled = TRUE");
    let rows: Vec<RuleRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await?;
    Ok(rows.iter().filter_map(RuleRow::compiled).collect())
}

pub async fn row(db: &Db, id: i64) -> sqlx::Result<Option<RuleRow>> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(db.pool()).await
}

/// Whether the caller edits account-wide rules: admins, and teachers named in 系统设置.
pub async fn may_edit_account(db: &Db, caller: &Caller) -> sqlx::Result<bool> {
    if caller.is_admin() {
        return Ok(true);
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auto_reply_editors WHERE user_id = $1")
        .bind(caller.user_id)
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}

/// A teacher sees their own rules and the account's; an admin every rule.
pub fn may_see(caller: &Caller, owner: Option<i64>) -> bool {
    caller.is_admin() || owner.is_none_or(|o| o == caller.user_id)
}

pub fn may_edit(caller: &Caller, owner: Option<i64>, account_editor: bool) -> bool {
    match owner {
        None => account_editor,
        Some(o) => o == caller.user_id || caller.is_admin(),
    }
}

/// The rule if the caller sees it; 404 otherwise.
pub async fn visible(db: &Db, caller: &Caller, id: i64) -> ApiResult<RuleRow> {
    match row(db, id).await? {
        Some(r) if may_see(caller, r.owner_id) => Ok(r),
        _ => Err(ApiError::not_found("rule")),
    }
}

fn ids_json(rule: &NewAutoRule) -> String {
    let ids = match rule.audience.as_str() {
        "classes" => &rule.class_ids,
        "groups" => &rule.group_ids,
        _ => return "[]".into(),
    };
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

fn minutes(value: &Option<String>) -> Option<i64> {
    value.as_deref().and_then(shared::autoreply::parse_clock).map(i64::from)
}

/// The most rules a teacher keeps of their own, and the account-wide ones.
pub const MAX_OWN_RULES: i64 = 500;
pub const MAX_ACCOUNT_RULES: i64 = 20_000;

/// 409 `too_many` when `owner` (`None`: the account) has all the rules it may have.
pub async fn room_for(db: &Db, owner: Option<i64>) -> ApiResult<()> {
    let (count, max): (i64, i64) = match owner {
        Some(o) => {
            let n = sqlx::query_scalar("SELECT COUNT(*) FROM auto_rules WHERE owner_id = $1").bind(o);
            (n.fetch_one(db.pool()).await?, MAX_OWN_RULES)
        }
        None => {
            let n = sqlx::query_scalar("SELECT COUNT(*) FROM auto_rules WHERE owner_id IS NULL");
            (n.fetch_one(db.pool()).await?, MAX_ACCOUNT_RULES)
        }
    };
    if count >= max {
        return Err(ApiError::conflict("too_many", format!("at most {max} rules here")));
    }
    Ok(())
}

/// Deletes a rule and what it answered.
pub async fn delete(db: &Db, id: i64) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM auto_rule_hits WHERE rule_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM auto_rules WHERE id = $1").bind(id).execute(&mut *tx).await?;
    tx.commit().await
}

/// Saves a new rule at the end of its owner's order; its id.
pub async fn insert(db: &Db, owner: Option<i64>, rule: &NewAutoRule, by: i64) -> sqlx::Result<i64> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let last: Option<i64> = match owner {
        Some(o) => sqlx::query_scalar("SELECT MAX(position) FROM auto_rules WHERE owner_id = $1").bind(o),
        None => sqlx::query_scalar("SELECT MAX(position) FROM auto_rules WHERE owner_id IS NULL"),
    }
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO auto_rules (owner_id, name, match_kind, keywords, replies, reply_mode, position, enabled, \
         window_start, window_end, weekdays, audience, audience_ids, valid_from, valid_until, created_by, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
    )
    .bind(owner)
    .bind(rule.name.trim())
    .bind(&rule.match_kind)
    .bind(serde_json::to_string(&rule.keywords).unwrap_or_default())
    .bind(serde_json::to_string(&rule.replies).unwrap_or_default())
    .bind(&rule.reply_mode)
    .bind(last.unwrap_or(0) + 1)
    .bind(rule.enabled)
    .bind(minutes(&rule.window_start))
    .bind(minutes(&rule.window_end))
    .bind(weekday_mask(&rule.weekdays))
    .bind(&rule.audience)
    .bind(ids_json(rule))
    .bind(rule.valid_from.map(|t| t.timestamp_millis()))
    .bind(rule.valid_until.map(|t| t.timestamp_millis()))
    .bind(by)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a rule's content (its owner and place stay).
pub async fn update(db: &Db, id: i64, rule: &NewAutoRule) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE auto_rules SET name = $1, match_kind = $2, keywords = $3, replies = $4, reply_mode = $5, \
         enabled = $6, window_start = $7, window_end = $8, weekdays = $9, audience = $10, audience_ids = $11, \
         valid_from = $12, valid_until = $13, updated_at = $14 WHERE id = $15",
    )
    .bind(rule.name.trim())
    .bind(&rule.match_kind)
    .bind(serde_json::to_string(&rule.keywords).unwrap_or_default())
    .bind(serde_json::to_string(&rule.replies).unwrap_or_default())
    .bind(&rule.reply_mode)
    .bind(rule.enabled)
    .bind(minutes(&rule.window_start))
    .bind(minutes(&rule.window_end))
    .bind(weekday_mask(&rule.weekdays))
    .bind(&rule.audience)
    .bind(ids_json(rule))
    .bind(rule.valid_from.map(|t| t.timestamp_millis()))
    .bind(rule.valid_until.map(|t| t.timestamp_millis()))
    .bind(now_ms())
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Puts an owner's rules (`None`: the account's) in the order of `ids`, which must name
/// each of them once: 422 otherwise.
pub async fn reorder(db: &Db, owner: Option<i64>, ids: &[i64]) -> ApiResult<()> {
    let mut tx = db.begin_write().await?;
    let mut current: Vec<i64> = match owner {
        Some(o) => sqlx::query_scalar("SELECT id FROM auto_rules WHERE owner_id = $1").bind(o),
        None => sqlx::query_scalar("SELECT id FROM auto_rules WHERE owner_id IS NULL"),
    }
    .fetch_all(&mut *tx)
    .await?;
    let mut wanted = ids.to_vec();
    current.sort_unstable();
    wanted.sort_unstable();
    if current != wanted {
        return Err(ApiError::field("ids", "must list every rule of that scope once"));
    }
    let now = now_ms();
    for (position, id) in ids.iter().enumerate() {
        sqlx::query("UPDATE auto_rules SET position = $1, updated_at = $2 WHERE id = $3")
            .bind(position as i64 + 1)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Turns a teacher's own rules on or off.
pub async fn set_switch(db: &Db, user: i64, on: bool) -> sqlx::Result<()> {
    if on {
        sqlx::query("DELETE FROM auto_reply_off WHERE user_id = $1").bind(user).execute(db.pool()).await?;
    } else {
        sqlx::query("INSERT INTO auto_reply_off (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING")
            .bind(user)
            .execute(db.pool())
            .await?;
    }
    Ok(())
}

pub async fn switch_on(db: &Db, user: i64) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auto_reply_off WHERE user_id = $1")
        .bind(user)
        .fetch_one(db.pool())
        .await?;
    Ok(n == 0)
}
