//! The editor's try-it box: which fixed command or rule answers a message from a chosen
//! sender, and the exact replies — with the rule being edited taken as saved. The same
//! router and matcher the webhook uses decide; nothing is sent and nothing is counted.

use std::collections::HashSet;

use shared::{TryMessage, TryOutcome};

use super::follower::{self, Follower};
use super::matcher::{Matcher, Msg, Sender, SenderKind};
use crate::auth::Caller;
use crate::db::filter::{Arg, Filter};
use crate::db::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::people::scope::Scope;
use crate::state::AppState;
use crate::wechat::incoming::{Body, Event};
use crate::wechat::Incoming;

/// The student the message is tried as: the one with that 学号 (among those the caller
/// sees), or the caller's first.
async fn student(state: &AppState, caller: &Caller, student_no: Option<&str>) -> ApiResult<Follower> {
    let mut filter = Filter::new();
    if let Some(no) = student_no.map(str::trim).filter(|n| !n.is_empty()) {
        filter.and("s.student_no = ?", [Arg::from(no)]);
    }
    Scope::of(caller).students(&mut filter, "s");
    let sql = format!("SELECT s.id FROM students s{} ORDER BY s.id LIMIT 1", filter.where_sql());
    let id: Option<i64> =
        filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))).fetch_optional(state.db.pool()).await?;
    let id = id.ok_or_else(|| ApiError::field("student_no", "no such student of yours"))?;
    follower::student(&state.db, id).await?.ok_or_else(|| ApiError::not_found("student"))
}

async fn sender(state: &AppState, caller: &Caller, body: &TryMessage) -> ApiResult<Follower> {
    Ok(match body.sender.as_str() {
        "student" => student(state, caller, body.student_no.as_deref()).await?,
        "teacher" => {
            let name: Option<String> = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
                .bind(caller.user_id)
                .fetch_optional(state.db.pool())
                .await?;
            Follower {
                sender: Sender { kind: SenderKind::Teacher, class_id: None, groups: vec![], teachers: vec![] },
                name,
                ..Follower::unbound()
            }
        }
        "unbound" => Follower::unbound(),
        _ => return Err(ApiError::field("sender", "is student, teacher or unbound")),
    })
}

/// The rules as they would be with the draft saved.
async fn with_draft(state: &AppState, caller: &Caller, body: &TryMessage) -> ApiResult<Option<Matcher>> {
    let Some(draft) = &body.draft else { return Ok(None) };
    let draft = super::checks::checked(state, caller, draft, &[]).await.or_else(|err| {
        // A file already on the saved rule is no reason to refuse trying it.
        if body.draft_id.is_some()
            && err.body().fields.as_ref().is_some_and(|f| f.keys().any(|k| k.starts_with("replies")))
        {
            Ok(draft.clone())
        } else {
            Err(err)
        }
    })?;
    let owner = if draft.scope == "mine" { Some(caller.user_id) } else { None };
    let current = state.autoreply.current();
    let position = body
        .draft_id
        .and_then(|id| current.rules().iter().find(|r| r.id == id).map(|r| r.position))
        .unwrap_or(i64::MAX);
    let mut rules: Vec<_> = current.rules().iter().filter(|r| Some(r.id) != body.draft_id).cloned().collect();
    let mut draft_rule = super::store::compile(body.draft_id.unwrap_or(0), owner, &draft, position)
        .ok_or_else(|| ApiError::field("draft", "cannot be read"))?;
    draft_rule.name = draft.name.clone();
    rules.push(draft_rule);
    let off: HashSet<i64> = sqlx::query_scalar("SELECT user_id FROM auto_reply_off")
        .fetch_all(state.db.pool())
        .await?
        .into_iter()
        .collect();
    Ok(Some(tokio::task::spawn_blocking(move || Matcher::build(rules, off)).await.map_err(ApiError::internal)?))
}

fn builtin(label: String, who: &Follower) -> TryOutcome {
    TryOutcome {
        answered_by: "builtin".into(),
        builtin: Some(label),
        rule_id: None,
        rule_name: None,
        sender: who.label(),
        replies: vec![],
        random: false,
    }
}

pub async fn outcome(state: &AppState, caller: &Caller, body: TryMessage) -> ApiResult<TryOutcome> {
    let who = sender(state, caller, &body).await?;
    let text = body.text.trim().to_string();
    let event = match body.event.as_str() {
        "text" if text.is_empty() => return Err(ApiError::field("text", "is required")),
        "text" => Body::Text { msg_id: 0, content: text.clone() },
        "click" => Body::Event(Event::Click { key: text.clone() }),
        "follow" => Body::Event(Event::Subscribe { scene: None, ticket: None }),
        _ => return Err(ApiError::field("event", "is text, click or follow")),
    };
    let incoming = Incoming { to: "gh".into(), openid: "try".into(), create_time: now_ms() / 1000, body: event };
    // The fixed commands answer first (the welcome only when no rule welcomes).
    let teacher = body.sender == "teacher";
    let command = state
        .wechat
        .router
        .matching_rule(&incoming)
        .and_then(|rule| crate::conversation::builtin_label_for(rule, teacher));
    if let (Some(label), false) = (command, body.event == "follow") {
        return Ok(builtin(label.into(), &who));
    }
    let drafted = with_draft(state, caller, &body).await?;
    let current = state.autoreply.current();
    let matcher = drafted.as_ref().unwrap_or(&current);
    let msg = match body.event.as_str() {
        "text" => Msg::Text(&text),
        "click" => Msg::Click(&text),
        _ => Msg::Follow,
    };
    let Some(found) = matcher.answer(msg, &matcher.candidates(msg), &who.sender, now_ms()) else {
        if let Some(label) = command {
            return Ok(builtin(label.into(), &who));
        }
        let none = TryOutcome { answered_by: "none".into(), ..builtin(String::new(), &who) };
        return Ok(TryOutcome { builtin: None, ..none });
    };
    let rule = found.rule;
    let is_draft = drafted.is_some() && (body.draft_id == Some(rule.id) || (body.draft_id.is_none() && rule.id == 0));
    let replies = rule
        .replies
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let channel = if i == 0 || rule.random { "passive" } else { "customer_service" };
            super::answer::preview(state, item, &who, channel)
        })
        .collect();
    Ok(TryOutcome {
        answered_by: if is_draft { "draft" } else { "rule" }.into(),
        builtin: None,
        rule_id: (rule.id != 0).then_some(rule.id),
        rule_name: Some(rule.name.clone()),
        sender: who.label(),
        replies,
        random: rule.random,
    })
}
