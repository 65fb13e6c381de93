//! Product settings an admin changes in the console (automatic remarks, teacher
//! registration and its approval, the school's name printed on QR codes, its city and
//! term start for the daily broadcast), kept in the `settings` table so every replica
//! reads the same values.

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::{Settings, SettingsPatch};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const KEYS: [&str; 3] = ["auto_remark", "registration_open", "registration_requires_approval"];

fn key(name: &str) -> String {
    format!("setting.{name}")
}

pub async fn load(db: &Db) -> sqlx::Result<Settings> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM settings WHERE key LIKE 'setting.%'").fetch_all(db.pool()).await?;
    let mut settings = Settings::default();
    for (k, v) in rows {
        let on = v == "true";
        match k.strip_prefix("setting.") {
            Some("auto_remark") => settings.auto_remark = on,
            Some("registration_open") => settings.registration_open = on,
            Some("registration_requires_approval") => settings.registration_requires_approval = on,
            Some("school_name") => settings.school_name = v,
            Some("school_city") => settings.school_city = v,
            Some("term_start") => settings.term_start = v,
            _ => {}
        }
    }
    settings.inbox_stewards =
        sqlx::query_scalar("SELECT user_id FROM inbox_stewards ORDER BY user_id").fetch_all(db.pool()).await?;
    settings.auto_reply_editors =
        sqlx::query_scalar("SELECT user_id FROM auto_reply_editors ORDER BY user_id").fetch_all(db.pool()).await?;
    Ok(settings)
}

/// Replaces the teachers listed in `table` (`inbox_stewards`, `auto_reply_editors`); their
/// names, or `Err(id)` when one is no teacher.
async fn teacher_list(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    ids: &[i64],
) -> sqlx::Result<Result<Vec<String>, i64>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(&mut **tx).await?;
    let mut names = Vec::new();
    for id in ids.iter().collect::<std::collections::BTreeSet<_>>() {
        let name: Option<String> =
            sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1 AND role <> 'admin'")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
        let Some(name) = name else { return Ok(Err(*id)) };
        let insert = format!("INSERT INTO {table} (user_id) VALUES ($1)");
        sqlx::query(sqlx::AssertSqlSafe(insert)).bind(id).execute(&mut **tx).await?;
        names.push(name);
    }
    Ok(Ok(names))
}

/// Saves the patch; `Err((field, id))` (nothing saved) when a named teacher is no teacher.
async fn save(db: &Db, patch: &SettingsPatch, audit: Audit<'_>) -> sqlx::Result<Result<(), (&'static str, i64)>> {
    let values = [patch.auto_remark, patch.registration_open, patch.registration_requires_approval];
    let mut tx = db.begin_write().await?;
    let mut changed = Vec::new();
    for (name, value) in KEYS.iter().zip(values) {
        let Some(value) = value else { continue };
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
            .bind(key(name))
            .bind(value.to_string())
            .execute(&mut *tx)
            .await?;
        let label = match *name {
            "auto_remark" => "自动备注",
            "registration_open" => "开放教师注册",
            _ => "注册需审核",
        };
        changed.push(format!("{label}：{}", if value { "开" } else { "关" }));
    }
    let texts = [
        (&patch.school_name, "school_name", "学校名称"),
        (&patch.school_city, "school_city", "学校所在城市"),
        (&patch.term_start, "term_start", "开学日期"),
    ];
    for (text, name, label) in texts {
        let Some(text) = text else { continue };
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
            .bind(key(name))
            .bind(text.trim())
            .execute(&mut *tx)
            .await?;
        changed.push(format!("{label}：{}", text.trim()));
    }
    let lists = [
        (&patch.inbox_stewards, "inbox_stewards", "未绑定用户的消息由"),
        (&patch.auto_reply_editors, "auto_reply_editors", "全校自动回复由"),
    ];
    for (list, table, label) in lists {
        let Some(ids) = list else { continue };
        let names = match teacher_list(&mut tx, table, ids).await? {
            Ok(names) => names,
            Err(id) => return Ok(Err((table, id))),
        };
        let who = if names.is_empty() { "仅管理员".into() } else { names.join("、") };
        changed.push(format!("{label}：{who}"));
    }
    audit.detail(changed.join("，")).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

pub struct SettingsApi;

#[OpenApi(prefix_path = "/v1/settings", tag = "ApiTags::Settings")]
impl SettingsApi {
    #[oai(path = "/", method = "get")]
    async fn get(&self, state: Data<&AppState>, _auth: BearerAuth) -> ApiResult<Json<Settings>> {
        Ok(Json(load(&state.db).await?))
    }

    /// Change settings (admins).
    #[oai(path = "/", method = "patch")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<SettingsPatch>,
    ) -> ApiResult<Json<Settings>> {
        auth.0.require_admin()?;
        for (field, text) in [("school_name", &body.0.school_name), ("school_city", &body.0.school_city)] {
            if let Some(text) = text {
                let problem = shared::validate::optional_label(text, shared::settings::MAX_SCHOOL_NAME_CHARS);
                problem.map_err(|p| ApiError::field(field, p.message()))?;
            }
        }
        if let Some(day) = body.0.term_start.as_deref().filter(|d| !d.trim().is_empty()) {
            if shared::settings::parse_term_start(day).is_none() {
                return Err(ApiError::field("term_start", "not a date (YYYY-MM-DD)"));
            }
        }
        if let Err((field, id)) = save(&state.db, &body.0, Audit::by(&auth.0, "settings_changed")).await? {
            return Err(ApiError::field(field, format!("user {id} is not a teacher")));
        }
        Ok(Json(load(&state.db).await?))
    }
}
