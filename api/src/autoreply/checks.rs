//! What a rule must be beyond its shape before it is saved (or tried): patterns that
//! compile safely, files that exist and are of the right kind (and the editor's, unless the
//! rule already used them), an audience within the editor's scope.

use shared::{AutoReplyItem, NewAutoRule};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::people::scope::Scope;
use crate::state::AppState;

/// Server-side checks beyond the shape: patterns compile safely, files exist and are of
/// the right kind (and the caller's, unless the rule already used them), the audience is
/// within the caller's scope. Returns the rule tidied (keywords trimmed, deduplicated).
pub async fn checked(state: &AppState, caller: &Caller, rule: &NewAutoRule, kept: &[i64]) -> ApiResult<NewAutoRule> {
    rule.validate()?;
    let mut rule = rule.clone();
    let mut words: Vec<String> = Vec::new();
    for word in rule.keywords.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        if !words.iter().any(|w| w == word) {
            words.push(word.to_string());
        }
    }
    rule.keywords = if matches!(rule.match_kind.as_str(), "follow" | "default") { vec![] } else { words };
    if rule.match_kind == "regex" {
        for (i, pattern) in rule.keywords.iter().enumerate() {
            if let Err(why) = super::pattern::compile(pattern) {
                return Err(ApiError::field("keywords", format!("第 {} 个：{why}", i + 1)));
            }
        }
    }
    for (i, reply) in rule.replies.iter().enumerate() {
        let mut files: Vec<(i64, &str)> = Vec::new();
        match reply.kind.as_str() {
            "image" | "voice" | "video" => files.extend(reply.upload_id.map(|id| (id, reply.kind.as_str()))),
            "music" => files.extend(reply.upload_id.map(|id| (id, "thumb"))),
            "news" => files.extend(reply.articles.iter().filter_map(|a| a.upload_id.map(|id| (id, "image")))),
            _ => {}
        }
        for (id, kind) in files {
            let owner: Option<(i64, String)> = sqlx::query_as("SELECT user_id, kind FROM inbox_uploads WHERE id = $1")
                .bind(id)
                .fetch_optional(state.db.pool())
                .await?;
            let field = format!("replies[{i}]");
            match owner {
                Some((user, k)) if (user == caller.user_id || kept.contains(&id)) && (k == kind || kind == "thumb") => {
                }
                Some((user, k)) if user == caller.user_id || kept.contains(&id) => {
                    return Err(ApiError::field(
                        &field,
                        format!("a {} reply takes a {kind} file, not {k}", reply.kind),
                    ));
                }
                _ => return Err(ApiError::field(&field, format!("upload {id} not found"))),
            }
        }
    }
    let scope = Scope::of(caller);
    for &id in &rule.class_ids {
        if scope.class(&state.db, id).await.is_err() {
            return Err(ApiError::field("class_ids", format!("class {id} not found")));
        }
    }
    for &id in &rule.group_ids {
        if scope.group(&state.db, id).await.is_err() {
            return Err(ApiError::field("group_ids", format!("group {id} not found")));
        }
    }
    Ok(rule)
}

/// The files a rule answers with (kept when another editor saves it unchanged).
pub fn uploads_of(replies: &[AutoReplyItem]) -> Vec<i64> {
    replies.iter().flat_map(|r| r.upload_id.into_iter().chain(r.articles.iter().filter_map(|a| a.upload_id))).collect()
}
