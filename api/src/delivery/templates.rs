//! Which of the account's templates carries each kind of Banji message, and which of its
//! keywords holds each value. Values are fitted to the platform's rules for the keyword
//! (a `thing` is at most 20 characters, a `time` is a formatted time, nothing spans lines).

use std::collections::BTreeMap;

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{AccountTemplate, MessageKind, NewLibraryTemplate, TemplateMapping, TemplateSettings};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::state::AppState;
use crate::wechat::client::keywords;
use crate::wechat::client::templates::MAX_TEMPLATES;

/// The kinds of message Banji sends by template, and the values each can fill.
pub fn kinds() -> Vec<MessageKind> {
    let kind = |kind: &str, label: &str, values: &[&str]| MessageKind {
        kind: kind.into(),
        label: label.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    vec![
        kind("notice", "新通知", &["title", "author", "time", "category", "urgency", "excerpt", "deadline"]),
        kind("reminder", "未读提醒", &["title", "author", "time", "deadline"]),
    ]
}

pub async fn mapping(db: &Db, kind: &str) -> sqlx::Result<Option<TemplateMapping>> {
    mapping_of(db, "template_mappings", kind).await
}

/// A kind's mapping in `table` (`template_mappings` or `subscribe_mappings`).
pub(super) async fn mapping_of(db: &Db, table: &'static str, kind: &str) -> sqlx::Result<Option<TemplateMapping>> {
    let sql = format!("SELECT template_id, fields FROM {table} WHERE kind = $1");
    let row: Option<(String, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind).fetch_optional(db.pool()).await?;
    Ok(row.map(|(template_id, fields)| TemplateMapping {
        kind: kind.to_string(),
        template_id,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
    }))
}

async fn mappings(db: &Db) -> sqlx::Result<Vec<TemplateMapping>> {
    let mut all = Vec::new();
    for k in kinds() {
        if let Some(m) = mapping(db, &k.kind).await? {
            all.push(m);
        }
    }
    Ok(all)
}

/// A template's keywords, in order: `{{thing1.DATA}}` → `thing1`.
pub fn keywords(content: &str) -> Vec<String> {
    content
        .split("{{")
        .skip(1)
        .filter_map(|part| part.split_once(".DATA}}").map(|(k, _)| k.trim().to_string()))
        .collect()
}

/// `value` as the platform accepts it for `keyword`'s type: one line, only the characters
/// the type allows, within its length (a `thing` cut with "…"; types with a pattern cut
/// plainly). A value that still breaks the type is caught before sending.
pub fn fit(keyword: &str, value: &str) -> String {
    let kind = keywords::type_of(keyword);
    let one_line: String = value.replace(['\r', '\n', '\t'], " ").split_whitespace().collect::<Vec<_>>().join(" ");
    let kept: String = match kind.name {
        "phrase" => one_line.chars().filter(|c| keywords::is_han(*c)).collect(),
        "character_string" => one_line.chars().filter(|c| c.is_ascii_graphic() || *c == ' ').collect(),
        "number" | "amount" => one_line.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect(),
        "letter" => one_line.chars().filter(char::is_ascii_alphabetic).collect(),
        "phone_number" => one_line.chars().filter(|c| c.is_ascii_digit() || "+- ()".contains(*c)).collect(),
        _ => one_line,
    };
    let kept = kept.trim();
    if kept.chars().count() <= kind.limit {
        return kept.to_string();
    }
    if matches!(kind.name, "thing" | "text" | "name") {
        let cut: String = kept.chars().take(kind.limit - 1).collect();
        return format!("{cut}…");
    }
    kept.chars().take(kind.limit).collect()
}

pub struct TemplatesApi;

#[OpenApi(prefix_path = "/v1/settings/templates", tag = "ApiTags::Notices")]
impl TemplatesApi {
    /// The kinds of message Banji sends by template, which template carries each, and
    /// the account's templates to choose from (admins).
    #[oai(path = "/", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<TemplateSettings>> {
        auth.0.require_admin()?;
        let mappings = mappings(&state.db).await?;
        let subscribe_mappings = super::subscribe::mappings(&state.db).await?;
        let used_for = |id: &str, list: &[TemplateMapping]| -> Vec<String> {
            list.iter().filter(|m| m.template_id == id).map(|m| m.kind.clone()).collect()
        };
        let (mut templates, mut subscribe_templates, mut unavailable) = (Vec::new(), Vec::new(), None);
        if !state.wechat.client.kind().has_templates() {
            unavailable = Some("template messages need a verified service account".to_string());
        } else {
            match state.wechat.client.templates().await {
                Ok(list) => {
                    templates = list
                        .into_iter()
                        .map(|t| AccountTemplate {
                            keywords: keywords(&t.content),
                            fields: keywords::fields(&t.content),
                            used_for: used_for(&t.template_id, &mappings),
                            long_term: None,
                            template_id: t.template_id,
                            title: t.title,
                            content: t.content,
                        })
                        .collect()
                }
                Err(err) => unavailable = Some(err.reason()),
            }
            // Subscribe templates are optional: an account without any still sends templates.
            if let Ok(list) = state.wechat.client.subscribe_templates().await {
                subscribe_templates = list
                    .into_iter()
                    .map(|t| AccountTemplate {
                        keywords: keywords(&t.content),
                        fields: keywords::fields(&t.content),
                        used_for: used_for(&t.pri_tmpl_id, &subscribe_mappings),
                        long_term: Some(t.kind == 3),
                        template_id: t.pri_tmpl_id,
                        title: t.title,
                        content: t.content,
                    })
                    .collect();
            }
        }
        Ok(Json(TemplateSettings {
            kinds: kinds(),
            mappings,
            templates,
            unavailable,
            max_templates: MAX_TEMPLATES,
            subscribe_mappings,
            subscribe_templates,
        }))
    }

    /// Add a template from the category library (类目模板) with the chosen keywords
    /// (admins). The account keeps at most 25.
    #[oai(path = "/library", method = "post")]
    async fn add(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<NewLibraryTemplate>,
    ) -> ApiResult<Json<AccountTemplate>> {
        auth.0.require_admin()?;
        let short = body.0.template_id_short.trim();
        if short.is_empty() || short.len() > 64 {
            return Err(ApiError::field("template_id_short", "is required (at most 64 characters)"));
        }
        let names: Vec<String> =
            body.0.keyword_names.iter().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect();
        if names.is_empty() || names.len() > 20 || names.iter().any(|n| n.chars().count() > 20) {
            return Err(ApiError::field("keyword_names", "choose 1 to 20 keywords of the library template"));
        }
        let id = state.wechat.client.add_template(short, &names).await.map_err(|e| match e.code() {
            Some(45026) => ApiError::conflict("template_limit", "the account already has the 25 templates it may keep"),
            _ => e.to_api_error("WeChat did not add the template"),
        })?;
        Audit::by(&auth.0, "template_added")
            .target(format!("template:{id}"))
            .detail(short.to_string())
            .record(state.db.pool())
            .await?;
        let list =
            state.wechat.client.templates().await.map_err(|e| e.to_api_error("WeChat did not list the templates"))?;
        let t = list.into_iter().find(|t| t.template_id == id).ok_or_else(|| ApiError::not_found("template"))?;
        Ok(Json(AccountTemplate {
            keywords: keywords(&t.content),
            fields: keywords::fields(&t.content),
            used_for: Vec::new(),
            long_term: None,
            template_id: t.template_id,
            title: t.title,
            content: t.content,
        }))
    }

    /// Delete a template the account no longer uses (admins); one that carries a kind of
    /// message is refused until it is unmapped.
    #[oai(path = "/library/:template_id", method = "delete")]
    async fn delete(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        template_id: Path<String>,
    ) -> ApiResult<NoContent> {
        auth.0.require_admin()?;
        let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM template_mappings WHERE template_id = $1")
            .bind(&template_id.0)
            .fetch_one(state.db.pool())
            .await?;
        if used > 0 {
            return Err(ApiError::conflict(
                "template_in_use",
                "this template carries a kind of message; choose another first",
            ));
        }
        state
            .wechat
            .client
            .delete_template(&template_id.0)
            .await
            .map_err(|e| e.to_api_error("WeChat did not delete the template"))?;
        Audit::by(&auth.0, "template_deleted")
            .target(format!("template:{}", template_id.0))
            .record(state.db.pool())
            .await?;
        Ok(NoContent::Done)
    }

    /// Whether notices go by template message (any login): the composer and the home page
    /// warn when they do not.
    #[oai(path = "/status", method = "get")]
    async fn status(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<shared::TemplateStatus>> {
        let _signed_in = auth;
        Ok(Json(shared::TemplateStatus {
            notice_mapped: mapping(&state.db, "notice").await?.is_some(),
            templates_available: state.wechat.client.kind().has_templates(),
        }))
    }

    /// Choose the template for a kind of message and which keyword holds each value.
    #[oai(path = "/:kind", method = "put")]
    async fn set(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        kind: Path<String>,
        body: Json<TemplateMapping>,
    ) -> ApiResult<Json<TemplateMapping>> {
        auth.0.require_admin()?;
        let mapping = body.0;
        let templates = state.wechat.client.templates().await.ok();
        let known = templates
            .as_ref()
            .map(|list| list.iter().map(|t| (t.template_id.clone(), t.content.clone())).collect::<Vec<_>>());
        check_mapping(&kind.0, &mapping, known.as_deref())?;
        if mapping_of(&state.db, "template_mappings", &kind.0)
            .await?
            .is_none_or(|m| m.template_id != mapping.template_id)
        {
            // A new template for this kind: students who refused the old one get this one.
            super::refusals::forget_all(&state.db).await?;
        }
        let fields = serde_json::to_string(&mapping.fields).map_err(ApiError::internal)?;
        sqlx::query(
            "INSERT INTO template_mappings (kind, template_id, fields, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (kind) DO UPDATE SET template_id = $2, fields = $3, updated_at = $4",
        )
        .bind(&kind.0)
        .bind(mapping.template_id.trim())
        .bind(&fields)
        .bind(now_ms())
        .execute(state.db.pool())
        .await?;
        Audit::by(&auth.0, "template_mapped")
            .target(format!("kind:{}", kind.0))
            .detail(mapping.template_id.clone())
            .record(state.db.pool())
            .await?;
        Ok(Json(TemplateMapping { kind: kind.0, ..mapping }))
    }

    /// Stop using a template for a kind of message (it then goes by the next channel).
    #[oai(path = "/:kind", method = "delete")]
    async fn unset(&self, state: Data<&AppState>, auth: BearerAuth, kind: Path<String>) -> ApiResult<NoContent> {
        auth.0.require_admin()?;
        sqlx::query("DELETE FROM template_mappings WHERE kind = $1").bind(&kind.0).execute(state.db.pool()).await?;
        Audit::by(&auth.0, "template_unmapped").target(format!("kind:{}", kind.0)).record(state.db.pool()).await?;
        Ok(NoContent::Done)
    }
}

/// Whether `mapping` can carry `kind`: a known kind, a template, known values, and — when
/// the account's templates (id, content) could be read — a template of the account whose
/// keywords hold the values.
pub(super) fn check_mapping(
    kind: &str,
    mapping: &TemplateMapping,
    templates: Option<&[(String, String)]>,
) -> ApiResult<()> {
    let Some(known) = kinds().into_iter().find(|k| k.kind == kind) else {
        return Err(ApiError::not_found("message kind"));
    };
    if mapping.template_id.trim().is_empty() {
        return Err(ApiError::field("template_id", "is required"));
    }
    if let Some(value) = mapping.fields.keys().find(|v| !known.values.contains(v)) {
        return Err(ApiError::field("fields", format!("{value} is not a value of {}", known.kind)));
    }
    if mapping.fields.is_empty() {
        return Err(ApiError::field("fields", "map at least one value to a keyword"));
    }
    if let Some(list) = templates {
        let Some((_, content)) = list.iter().find(|(id, _)| *id == mapping.template_id.trim()) else {
            return Err(ApiError::field("template_id", "is not one of the account's templates"));
        };
        let words = keywords(content);
        if let Some(word) = mapping.fields.values().find(|w| !words.contains(w)) {
            return Err(ApiError::field("fields", format!("{word} is not a keyword of this template")));
        }
    }
    Ok(())
}

/// The data of a template message: each mapped value, fitted to its keyword. An empty
/// value is "无" for free text and left out for typed keywords (a time without a time).
pub fn data(mapping: &TemplateMapping, values: &BTreeMap<&str, String>) -> BTreeMap<String, String> {
    mapping
        .fields
        .iter()
        .filter_map(|(value, keyword)| {
            let fitted = fit(keyword, values.get(value.as_str())?);
            match (fitted.is_empty(), keywords::type_of(keyword).name) {
                (false, _) => Some((keyword.clone(), fitted)),
                (true, "thing" | "text") => Some((keyword.clone(), "无".to_string())),
                (true, _) => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_read_from_the_template_content() {
        assert_eq!(
            keywords("通知标题{{thing1.DATA}}\n发布人{{thing2.DATA}}\n时间{{time3.DATA}}"),
            ["thing1", "thing2", "time3"]
        );
    }

    #[test]
    fn values_are_fitted_to_their_keyword() {
        assert_eq!(fit("thing1", "关于期末考试\n安排的通知"), "关于期末考试 安排的通知");
        let long = fit("thing1", "一二三四五六七八九十一二三四五六七八九十一");
        assert_eq!((long.chars().count(), long.ends_with('…')), (20, true));
        assert_eq!(fit("name2", "欧阳诸葛司马王小明同学"), "欧阳诸葛司马王小明…");
        assert_eq!(fit("time3", "2026-11-21 14:00"), "2026-11-21 14:00");
        assert_eq!(fit("phrase4", "紧急 urgent"), "紧急");
        assert_eq!(fit("phrase4", "非常非常紧急的"), "非常非常紧");
        assert_eq!(fit("character_string5", "学号 2023-0012"), "2023-0012");
        assert_eq!(fit("amount6", "¥100.50"), "100.50");
        for (keyword, value) in [("phrase4", "重要通知"), ("character_string5", "编号A-1"), ("number7", "共 3 人")]
        {
            assert!(keywords::valid(keyword, &fit(keyword, value)), "{keyword} {value}");
        }
    }

    #[test]
    fn an_empty_value_is_left_out_of_a_typed_keyword_and_is_nothing_in_free_text() {
        let mapping = TemplateMapping {
            kind: "notice".into(),
            template_id: "t".into(),
            fields: BTreeMap::from([
                ("title".to_string(), "thing1".to_string()),
                ("deadline".to_string(), "time2".to_string()),
            ]),
        };
        let data = data(&mapping, &BTreeMap::from([("title", String::new()), ("deadline", String::new())]));
        assert_eq!(data, BTreeMap::from([("thing1".to_string(), "无".to_string())]));
    }
}
