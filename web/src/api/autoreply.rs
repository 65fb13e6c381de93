//! Auto-replies (自动回复): the rules, the order, the caller's switch, the try-it box,
//! what each rule answered, what nothing answered, and rules as a spreadsheet.

use shared::{
    AutoReplySwitch, AutoRule, AutoRuleList, NewAutoRule, RuleHits, RuleImport, RuleOrder, TryMessage, TryOutcome,
    UnansweredGroup,
};

use super::{encode, query, ApiResult};

pub async fn list(filter: String, search: String) -> ApiResult<AutoRuleList> {
    super::get(&format!("/auto-replies{}", query(&[("filter", filter), ("q", search)]))).await
}

pub async fn create(rule: &NewAutoRule) -> ApiResult<AutoRule> {
    super::post("/auto-replies/rules", rule).await
}

pub async fn update(id: i64, rule: &NewAutoRule) -> ApiResult<AutoRule> {
    super::put(&format!("/auto-replies/rules/{id}"), rule).await
}

pub async fn delete(id: i64) -> ApiResult<()> {
    super::delete(&format!("/auto-replies/rules/{id}")).await
}

pub async fn reorder(scope: &str, ids: Vec<i64>) -> ApiResult<()> {
    super::put_done("/auto-replies/order", &RuleOrder { scope: scope.into(), ids }).await
}

pub async fn set_switch(enabled: bool) -> ApiResult<AutoReplySwitch> {
    super::put("/auto-replies/switch", &AutoReplySwitch { enabled }).await
}

pub async fn try_message(message: &TryMessage) -> ApiResult<TryOutcome> {
    super::post("/auto-replies/try", message).await
}

pub async fn hits(id: i64) -> ApiResult<RuleHits> {
    super::get(&format!("/auto-replies/rules/{id}/hits?days=30")).await
}

pub async fn unanswered() -> ApiResult<Vec<UnansweredGroup>> {
    super::get("/auto-replies/unanswered?days=30").await
}

pub async fn export() -> ApiResult<()> {
    super::download("/auto-replies/export?format=xlsx", "自动回复.xlsx").await
}

pub async fn import(scope: &str, file: &web_sys::File) -> ApiResult<RuleImport> {
    super::upload(&format!("/auto-replies/import?scope={}", encode(scope)), file).await
}
