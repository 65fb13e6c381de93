//! Which of the account's templates carries each kind of Banji message, and which of its
//! keywords holds each value. Values are fitted to the platform's rules for the keyword
//! (a `thing` is at most 20 characters, a `time` is a formatted time, nothing spans lines).

use std::collections::BTreeMap;

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{AccountTemplate, MessageKind, TemplateMapping, TemplateSettings};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::state::AppState;

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
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT template_id, fields FROM template_mappings WHERE kind = $1")
            .bind(kind)
            .fetch_optional(db.pool())
            .await?;
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

/// `value` as the platform accepts it for `keyword`.
pub fn fit(keyword: &str, value: &str) -> String {
    let one_line: String = value.replace(['\r', '\n', '\t'], " ").split_whitespace().collect::<Vec<_>>().join(" ");
    let limit = [
        ("thing", 20),
        ("character_string", 32),
        ("phone_number", 17),
        ("number", 32),
        ("letter", 32),
        ("name", 10),
        ("phrase", 5),
        ("car_number", 8),
    ]
    .iter()
    .find(|(prefix, _)| keyword.starts_with(prefix))
    .map_or(200, |(_, n)| *n);
    if one_line.chars().count() <= limit {
        return one_line;
    }
    let cut: String = one_line.chars().take(limit - 1).collect();
    format!("{cut}…")
}

pub struct TemplatesApi;

#[OpenApi(prefix_path = "/v1/settings/templates", tag = "ApiTags::Notices")]
impl TemplatesApi {
    /// The kinds of message Banji sends by template, which template carries each, and
    /// the account's templates to choose from (admins).
    #[oai(path = "/", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<TemplateSettings>> {
        auth.0.require_admin()?;
        let (templates, unavailable) = if !state.wechat.client.kind().has_templates() {
            (Vec::new(), Some("template messages need a verified service account".to_string()))
        } else {
            match state.wechat.client.templates().await {
                Ok(list) => (
                    list.into_iter()
                        .map(|t| AccountTemplate {
                            keywords: keywords(&t.content),
                            template_id: t.template_id,
                            title: t.title,
                            content: t.content,
                        })
                        .collect(),
                    None,
                ),
                Err(err) => (Vec::new(), Some(err.reason())),
            }
        };
        Ok(Json(TemplateSettings { kinds: kinds(), mappings: mappings(&state.db).await?, templates, unavailable }))
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
        let Some(known) = kinds().into_iter().find(|k| k.kind == kind.0) else {
            return Err(ApiError::not_found("message kind"));
        };
        let mapping = body.0;
        if mapping.template_id.trim().is_empty() {
            return Err(ApiError::field("template_id", "is required"));
        }
        if let Some(value) = mapping.fields.keys().find(|v| !known.values.contains(v)) {
            return Err(ApiError::field("fields", format!("{value} is not a value of {}", known.kind)));
        }
        if mapping.fields.is_empty() {
            return Err(ApiError::field("fields", "map at least one value to a keyword"));
        }
        // When the account's templates can be read, the template and its keywords must exist.
        if let Ok(list) = state.wechat.client.templates().await {
            let template = list.iter().find(|t| t.template_id == mapping.template_id);
            let Some(template) = template else {
                return Err(ApiError::field("template_id", "is not one of the account's templates"));
            };
            let words = keywords(&template.content);
            if let Some(word) = mapping.fields.values().find(|w| !words.contains(w)) {
                return Err(ApiError::field("fields", format!("{word} is not a keyword of this template")));
            }
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

/// The data of a template message: each mapped value, fitted to its keyword.
pub fn data(mapping: &TemplateMapping, values: &BTreeMap<&str, String>) -> BTreeMap<String, String> {
    mapping
        .fields
        .iter()
        .filter_map(|(value, keyword)| Some((keyword.clone(), fit(keyword, values.get(value.as_str())?))))
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
    }
}
