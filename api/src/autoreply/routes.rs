//! `/auto-replies`: the console's 自动回复 — the fixed commands and the rules in the order a
//! message meets them, edits (audited, rebuilt on every replica), the order, the caller's
//! switch, the try-it box, what each rule answered, what nothing answered, and rules as a
//! spreadsheet.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, Binary, Json};
use poem_openapi::{ApiResponse, OpenApi};
use shared::{
    AutoReplySwitch, AutoRule, AutoRuleList, NewAutoRule, RuleHits, RuleImport, RuleOrder, TryMessage, TryOutcome,
    UnansweredGroup,
};

use super::conflicts::Conflicts;
use super::store::{self, RuleRow};
use super::try_it;
use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::{BearerAuth, Caller};
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::http::sheet::{self, FileFormat};
use crate::people::scope::Scope;
use crate::state::AppState;

pub struct AutoRepliesApi;

#[derive(ApiResponse)]
enum Created {
    #[oai(status = 201)]
    Rule(Json<AutoRule>),
}

/// The owner a new rule gets for `scope`, if the caller may write there.
async fn owner_for(db: &Db, caller: &Caller, scope: &str) -> ApiResult<Option<i64>> {
    if scope == "mine" {
        return Ok(Some(caller.user_id));
    }
    if !store::may_edit_account(db, caller).await? {
        return Err(ApiError::forbidden(
            "not_an_editor",
            "only admins and teachers named in 系统设置 edit account-wide rules",
        ));
    }
    Ok(None)
}

/// What turning rows into rules for one caller needs, asked once per request.
struct View {
    editor: bool,
    conflicts: Conflicts,
}

impl View {
    async fn new(state: &AppState, caller: &Caller) -> ApiResult<View> {
        Ok(View {
            editor: store::may_edit_account(&state.db, caller).await?,
            conflicts: Conflicts::new(&state.autoreply.current()),
        })
    }

    async fn dto(&mut self, db: &Db, caller: &Caller, row: RuleRow) -> ApiResult<AutoRule> {
        let editable = store::may_edit(caller, row.owner_id, self.editor);
        let mut rule = row.into_dto(editable);
        rule.conflicts = self.conflicts.of(db, &rule).await?;
        Ok(rule)
    }
}

async fn dto(state: &AppState, caller: &Caller, row: RuleRow) -> ApiResult<AutoRule> {
    View::new(state, caller).await?.dto(&state.db, caller, row).await
}

#[OpenApi(prefix_path = "/v1/auto-replies", tag = "ApiTags::AutoReplies")]
impl AutoRepliesApi {
    /// The fixed commands, then the rules the caller sees in the order they are tried (a
    /// teacher: their own and the account's; an admin: every rule). `filter`: `mine`,
    /// `account` or `disabled`; `q` searches names, keywords and reply texts.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        q: Query<Option<String>>,
        filter: Query<Option<String>>,
    ) -> ApiResult<Json<AutoRuleList>> {
        let caller = &auth.0;
        let sql = format!("{} ORDER BY r.owner_id IS NULL, r.owner_id, r.position, r.id", store::SELECT);
        let rows: Vec<RuleRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(state.db.pool()).await?;
        let q = q.0.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
        let mut rules = Vec::new();
        let mut view = View::new(&state, caller).await?;
        for row in rows.into_iter().filter(|r| store::may_see(caller, r.owner_id)) {
            let keep = match filter.0.as_deref() {
                Some("mine") => row.owner_id == Some(caller.user_id),
                Some("account") => row.owner_id.is_none(),
                Some("disabled") => !row.enabled.0,
                _ => true,
            };
            let found = q.as_ref().is_none_or(|q| {
                row.name.to_lowercase().contains(q)
                    || row.keywords.to_lowercase().contains(q)
                    || row.replies.to_lowercase().contains(q)
            });
            if keep && found {
                rules.push(view.dto(&state.db, caller, row).await?);
            }
        }
        Ok(Json(AutoRuleList {
            builtins: crate::conversation::builtins(),
            rules,
            switch_on: store::switch_on(&state.db, caller.user_id).await?,
            may_edit_account: view.editor,
        }))
    }

    /// Create a rule: `scope` `mine` (answers the caller's students) or `account` (admins and
    /// named teachers: 403 `not_an_editor` otherwise). At most 500 rules per teacher and
    /// 20 000 account-wide (409 `too_many`). A regular expression that could
    /// backtrack for long, or a file that is not the caller's, is refused (422).
    #[oai(path = "/rules", method = "post")]
    async fn create(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<NewAutoRule>) -> ApiResult<Created> {
        let caller = &auth.0;
        let rule = super::checks::checked(&state, caller, &body.0, &[]).await?;
        let owner = owner_for(&state.db, caller, &rule.scope).await?;
        store::room_for(&state.db, owner).await?;
        let id = store::insert(&state.db, owner, &rule, caller.user_id).await?;
        Audit::by(caller, "auto_rule_saved")
            .target(format!("rule:{id}"))
            .detail(rule.name.clone())
            .record(state.db.pool())
            .await?;
        super::changed(&state).await;
        let row = store::row(&state.db, id).await?.ok_or_else(|| ApiError::not_found("rule"))?;
        Ok(Created::Rule(Json(dto(&state, caller, row).await?)))
    }

    #[oai(path = "/rules/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<AutoRule>> {
        let row = store::visible(&state.db, &auth.0, id.0).await?;
        Ok(Json(dto(&state, &auth.0, row).await?))
    }

    /// Change a rule (its owner and place stay; `scope` is ignored). 403 `not_editable` for
    /// an account-wide rule the caller may only read.
    #[oai(path = "/rules/:id", method = "put")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewAutoRule>,
    ) -> ApiResult<Json<AutoRule>> {
        let caller = &auth.0;
        let row = editable(&state, caller, id.0).await?;
        let rule = super::checks::checked(&state, caller, &body.0, &super::checks::uploads_of(&row.replies())).await?;
        store::update(&state.db, id.0, &rule).await?;
        Audit::by(caller, "auto_rule_saved")
            .target(format!("rule:{}", id.0))
            .detail(rule.name.clone())
            .record(state.db.pool())
            .await?;
        super::changed(&state).await;
        let row = store::row(&state.db, id.0).await?.ok_or_else(|| ApiError::not_found("rule"))?;
        Ok(Json(dto(&state, caller, row).await?))
    }

    #[oai(path = "/rules/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        let caller = &auth.0;
        let row = editable(&state, caller, id.0).await?;
        store::delete(&state.db, id.0).await?;
        Audit::by(caller, "auto_rule_deleted")
            .target(format!("rule:{}", id.0))
            .detail(row.name)
            .record(state.db.pool())
            .await?;
        super::changed(&state).await;
        Ok(NoContent::Done)
    }

    /// Put the caller's own rules (`mine`) or the account's in a new order: `ids` lists each
    /// of them once (422 otherwise).
    #[oai(path = "/order", method = "put")]
    async fn order(&self, state: Data<&AppState>, auth: BearerAuth, body: Json<RuleOrder>) -> ApiResult<NoContent> {
        let owner = owner_for(&state.db, &auth.0, &body.0.scope).await?;
        store::reorder(&state.db, owner, &body.0.ids).await?;
        Audit::by(&auth.0, "auto_rules_reordered").detail(body.0.scope.clone()).record(state.db.pool()).await?;
        super::changed(&state).await;
        Ok(NoContent::Done)
    }

    /// Whether the caller's own rules answer (开启自动回复).
    #[oai(path = "/switch", method = "get")]
    async fn switch(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<AutoReplySwitch>> {
        Ok(Json(AutoReplySwitch { enabled: store::switch_on(&state.db, auth.0.user_id).await? }))
    }

    #[oai(path = "/switch", method = "put")]
    async fn set_switch(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<AutoReplySwitch>,
    ) -> ApiResult<Json<AutoReplySwitch>> {
        store::set_switch(&state.db, auth.0.user_id, body.0.enabled).await?;
        let label = if body.0.enabled { "开启自动回复" } else { "关闭自动回复" };
        Audit::by(&auth.0, "auto_reply_switched").detail(label).record(state.db.pool()).await?;
        super::changed(&state).await;
        Ok(Json(body.0))
    }

    /// Which rule (or fixed command) answers a message, and the exact replies, before
    /// saving: `draft` is the rule being edited (replacing rule `draft_id`). Nothing is sent.
    #[oai(path = "/try", method = "post")]
    async fn try_message(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<TryMessage>,
    ) -> ApiResult<Json<TryOutcome>> {
        Ok(Json(try_it::outcome(&state, &auth.0, body.0).await?))
    }

    /// What a rule answered over the last `days` (default 30, at most 365), per day in China
    /// time, and its latest 50 messages — of the caller's followers only.
    #[oai(path = "/rules/:id/hits", method = "get")]
    async fn hits(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        days: Query<Option<i64>>,
    ) -> ApiResult<Json<RuleHits>> {
        store::visible(&state.db, &auth.0, id.0).await?;
        let days = days.0.unwrap_or(30).clamp(1, 365);
        let (days, messages) = super::insights::rule_hits(&state.db, Scope::of(&auth.0), id.0, days, now_ms()).await?;
        Ok(Json(RuleHits { days, messages }))
    }

    /// What no rule answered over the last `days` (default 30, at most 365), grouped by
    /// similar wording, most asked first (the caller's followers only; at most 50 groups).
    #[oai(path = "/unanswered", method = "get")]
    async fn unanswered(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        days: Query<Option<i64>>,
    ) -> ApiResult<Json<Vec<UnansweredGroup>>> {
        let days = days.0.unwrap_or(30).clamp(1, 365);
        Ok(Json(super::insights::unanswered(&state.db, Scope::of(&auth.0), days, now_ms()).await?))
    }

    /// The rules the caller sees as CSV (default) or XLSX, in order.
    #[oai(path = "/export", method = "get")]
    async fn export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        format: Query<Option<FileFormat>>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        let sql = format!("{} ORDER BY r.owner_id IS NULL, r.owner_id, r.position, r.id", store::SELECT);
        let rows: Vec<RuleRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(state.db.pool()).await?;
        let rows: Vec<RuleRow> = rows.into_iter().filter(|r| store::may_see(&auth.0, r.owner_id)).collect();
        sheet::file("自动回复", format.0.unwrap_or(FileFormat::Csv), &super::files::sheet(&rows))
    }

    /// Add or update rules from a CSV or XLSX file (the export's columns) into `scope`
    /// (`mine` or `account`): a row named like an existing rule of that scope updates it.
    /// Rows that cannot be read are listed, the rest saved; 422 `bad_file` for a file
    /// without the columns.
    #[oai(path = "/import", method = "post")]
    async fn import(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        scope: Query<String>,
        body: Binary<Vec<u8>>,
    ) -> ApiResult<Json<RuleImport>> {
        let caller = &auth.0;
        if !["mine", "account"].contains(&scope.0.as_str()) {
            return Err(ApiError::field("scope", "is mine or account"));
        }
        let owner = owner_for(&state.db, caller, &scope.0).await?;
        let rows = super::files::read(&body.0, &scope.0).map_err(|why| ApiError::unprocessable("bad_file", why))?;
        let outcome = super::files::save(&state, caller, owner, rows).await?;
        Audit::by(caller, "auto_rules_imported")
            .detail(format!("新增 {}，更新 {}", outcome.created, outcome.updated))
            .record(state.db.pool())
            .await?;
        super::changed(&state).await;
        Ok(Json(outcome))
    }
}

/// The rule if the caller may change it: 404 if they cannot see it, 403 if only read it.
async fn editable(state: &AppState, caller: &Caller, id: i64) -> ApiResult<RuleRow> {
    let row = store::visible(&state.db, caller, id).await?;
    let editor = store::may_edit_account(&state.db, caller).await?;
    if !store::may_edit(caller, row.owner_id, editor) {
        return Err(ApiError::forbidden("not_editable", "this rule is the account's; admins edit it"));
    }
    Ok(row)
}
