//! A teacher's WeChat: bound by scanning a temporary QR code the console shows (the scan
//! arrives as SCAN, or as subscribe for someone not yet following, with the code's
//! scene), and teacher self-registration with a 6-digit code the account sends when the
//! teacher writes `注册` (valid 10 minutes, used once; it binds that WeChat too).

use std::time::Duration;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{NewUser, Registered, Registration, Role, TeacherBinding};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::BearerAuth;
use crate::db::{now_ms, to_time, Db};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::state::AppState;
use crate::wechat::client::media::QrScene;

/// The scene prefix of a teacher-binding QR code.
pub const BIND_SCENE: &str = "bindteacher:";
const QR_SECONDS: u32 = 600;
const CODE_FOR: Duration = Duration::from_secs(600);

#[derive(serde::Serialize, serde::Deserialize)]
struct ShownQr {
    ticket: String,
    expires_at: i64,
}

pub async fn openid_of(db: &Db, user_id: i64) -> sqlx::Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT openid FROM teacher_profiles WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?
        .flatten())
}

/// The teacher's binding, with a QR code to scan while unbound (one code is reused
/// while it is valid, so reloading the console does not make a new one each time).
pub async fn binding(state: &AppState, user_id: i64) -> ApiResult<TeacherBinding> {
    if openid_of(&state.db, user_id).await?.is_some() {
        return Ok(TeacherBinding { bound: true, qr_image_url: None, expires_at: None });
    }
    let key = format!("teacher:bind:user:{user_id}");
    let client = &state.wechat.client;
    if let Some(shown) = state.kv.get(&key).await?.and_then(|v| serde_json::from_str::<ShownQr>(&v).ok()) {
        if shown.expires_at > now_ms() + 60_000 {
            return Ok(TeacherBinding {
                bound: false,
                qr_image_url: Some(client.qrcode_image_url(&shown.ticket)),
                expires_at: Some(to_time(shown.expires_at)),
            });
        }
    }
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let qr = client
        .create_qrcode(&QrScene::Str(format!("{BIND_SCENE}{nonce}")), Some(QR_SECONDS))
        .await
        .map_err(|e| e.to_api_error("WeChat did not make the binding code"))?;
    let expires_at = now_ms() + i64::from(QR_SECONDS) * 1000;
    let ttl = Duration::from_secs(u64::from(QR_SECONDS));
    state.kv.set(&format!("teacher:bind:nonce:{nonce}"), &user_id.to_string(), Some(ttl)).await?;
    let shown = ShownQr { ticket: qr.ticket.clone(), expires_at };
    state.kv.set(&key, &serde_json::to_string(&shown).unwrap_or_default(), Some(ttl)).await?;
    Ok(TeacherBinding {
        bound: false,
        qr_image_url: Some(client.qrcode_image_url(&qr.ticket)),
        expires_at: Some(to_time(expires_at)),
    })
}

/// Binds `openid` to a teacher's profile; the reply to send them.
async fn bind(state: &AppState, user_id: i64, openid: &str) -> anyhow::Result<String> {
    let student: Option<String> = sqlx::query_scalar("SELECT name FROM students WHERE openid = $1")
        .bind(openid)
        .fetch_optional(state.db.pool())
        .await?;
    if student.is_some() {
        return Ok("这个微信已绑定学生身份，不能再绑定教师账号。请先发送「解绑」。".into());
    }
    let other: Option<i64> = sqlx::query_scalar("SELECT user_id FROM teacher_profiles WHERE openid = $1")
        .bind(openid)
        .fetch_optional(state.db.pool())
        .await?;
    if other.is_some_and(|o| o != user_id) {
        return Ok("这个微信已绑定另一位老师的账号。".into());
    }
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    sqlx::query("INSERT INTO teacher_profiles (user_id, updated_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING")
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE teacher_profiles SET openid = $1, bound_at = $2, updated_at = $2 WHERE user_id = $3")
        .bind(openid)
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let name: String =
        sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1").bind(user_id).fetch_one(&mut *tx).await?;
    let actor = format!("wechat:{openid}");
    Audit::anonymous(&actor, "teacher_wechat_bound", None)
        .actor_id(user_id)
        .target(format!("user:{user_id}"))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    let state = state.clone();
    let openid = openid.to_string();
    state.clone().background.spawn(async move {
        if let Ok(tag) = crate::people::tags::role_tag(&state, "teachers").await {
            let _ = state.wechat.client.tag_followers(tag, &[openid]).await;
        }
    });
    Ok(format!("已绑定教师账号：{name}。之后您会在微信中收到学生的提问与提醒。"))
}

/// A teacher-binding QR code was scanned (`nonce` from its scene).
pub async fn scanned(state: &AppState, openid: &str, nonce: &str) -> anyhow::Result<String> {
    let key = format!("teacher:bind:nonce:{nonce}");
    let Some(user_id) = state.kv.get(&key).await?.and_then(|v| v.parse::<i64>().ok()) else {
        return Ok("二维码已过期，请在控制台刷新后重新扫描。".into());
    };
    let reply = bind(state, user_id, openid).await?;
    if openid_of(&state.db, user_id).await?.as_deref() == Some(openid) {
        let _ = state.kv.delete(&key).await;
        let _ = state.kv.delete(&format!("teacher:bind:user:{user_id}")).await;
    }
    Ok(reply)
}

pub async fn unbind(state: &AppState, user_id: i64, audit: Audit<'_>) -> ApiResult<()> {
    let Some(openid) = openid_of(&state.db, user_id).await? else { return Err(ApiError::not_found("binding")) };
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE teacher_profiles SET openid = NULL, bound_at = NULL, updated_at = $1 WHERE user_id = $2")
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit.target(format!("user:{user_id}")).record(&mut *tx).await?;
    // The phone pages that WeChat signed in end with the binding.
    crate::auth::sessions::revoke_channel(&mut *tx, user_id, crate::auth::Channel::WeChat, "wechat_unbound").await?;
    tx.commit().await?;
    if let Ok(Some((tag, _))) =
        crate::people::tags::tag_of(&state.db, crate::people::tags::Mirror::Role("teachers")).await
    {
        let _ = state.wechat.client.untag_followers(tag, &[openid]).await;
    }
    Ok(())
}

/// `注册`: a registration code for this WeChat, or why there is none.
pub async fn registration_code(state: &AppState, openid: &str) -> anyhow::Result<String> {
    if !crate::settings::load(&state.db).await?.registration_open {
        return Ok("暂未开放教师注册，请联系管理员开通账号。".into());
    }
    let bound: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM students WHERE openid = $1) + (SELECT COUNT(*) FROM teacher_profiles WHERE openid = $1)",
    )
    .bind(openid)
    .fetch_one(state.db.pool())
    .await?;
    if bound > 0 {
        return Ok("这个微信已绑定账号，无需再注册。".into());
    }
    let code = loop {
        let code = crate::people::students::new_bind_code();
        if state.kv.set_nx(&format!("teacher:register:{code}"), openid, CODE_FOR).await? {
            break code;
        }
    };
    Ok(format!(
        "您的教师注册验证码是 {code}，10 分钟内有效，只能使用一次。\n请在注册页面填写：{}/register",
        state.config.public_url
    ))
}

/// Wrong registration codes allowed per client address, and for everyone together, in
/// `GUESS_WINDOW`: with a million codes and a handful live at a time, guessing one is
/// hopeless within these.
const GUESSES_PER_ADDRESS: u64 = 10;
const GUESSES_IN_ALL: u64 = 100;
const GUESS_WINDOW: Duration = Duration::from_secs(600);

/// Reserves a wrong guess (per address and in all) before the code is looked up; the
/// reservations are given back when the code is right.
async fn reserve_guess(state: &AppState, ip: Option<&str>) -> ApiResult<Vec<String>> {
    let mut keys = vec!["teacher:register:guesses".to_string()];
    keys.extend(ip.map(|ip| format!("teacher:register:guesses:{ip}")));
    for (key, max) in keys.iter().zip([GUESSES_IN_ALL, GUESSES_PER_ADDRESS]) {
        if let Some(wait) = state.kv.hit(key, max, GUESS_WINDOW).await? {
            return Err(ApiError::too_many_requests(
                "too many wrong registration codes; try again later",
                wait.as_secs(),
            ));
        }
    }
    Ok(keys)
}

pub async fn register(state: &AppState, form: Registration, ip: Option<String>) -> ApiResult<Registered> {
    form.validate()?;
    let settings = crate::settings::load(&state.db).await?;
    if !settings.registration_open {
        return Err(ApiError::forbidden("registration_closed", "teacher registration is closed; ask an administrator"));
    }
    let reserved = reserve_guess(state, ip.as_deref()).await?;
    // Used once: of racing registrations with one code, one takes it.
    let Some(openid) = state.kv.take(&format!("teacher:register:{}", form.code.trim())).await? else {
        return Err(ApiError::field("code", "is wrong or has expired; send 注册 to the account for a new one"));
    };
    for key in &reserved {
        state.kv.refund(key, GUESS_WINDOW).await?;
    }
    let new = NewUser {
        username: form.username,
        display_name: form.display_name,
        password: form.password,
        role: Role::Teacher,
    };
    let audit = Audit::anonymous("registration", "teacher_registered", ip.clone());
    let pending = settings.registration_requires_approval;
    let user = crate::users::create_account(&state.db, new, pending, audit).await?;
    bind(state, user.id, &openid).await?;
    let user = crate::users::store::get(state.db.pool(), user.id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    Ok(Registered { pending: user.pending.0, user: user.into_user() })
}

pub struct TeacherWechatApi;

#[derive(ApiResponse)]
enum RegisteredAnswer {
    #[oai(status = 201)]
    Created(Json<Registered>),
}

#[OpenApi(tag = "ApiTags::People")]
impl TeacherWechatApi {
    /// The caller's WeChat binding; while unbound, a QR code to scan with WeChat (valid
    /// 10 minutes). Poll it: `bound` turns true seconds after the scan.
    #[oai(path = "/v1/me/wechat", method = "get")]
    async fn binding(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<TeacherBinding>> {
        Ok(Json(binding(&state, auth.0.user_id).await?))
    }

    /// Release the caller's WeChat.
    #[oai(path = "/v1/me/wechat", method = "delete")]
    async fn unbind(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<NoContent> {
        unbind(&state, auth.0.user_id, Audit::by(&auth.0, "teacher_wechat_unbound")).await?;
        Ok(NoContent::Done)
    }

    /// Register as a teacher with the code the WeChat account sent on `注册`. When
    /// approval is on (the default), the account can log in once an admin approves it.
    /// Wrong codes are limited per client address and in all (429).
    #[oai(path = "/v1/auth/register", method = "post")]
    async fn register(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        body: Json<Registration>,
    ) -> ApiResult<RegisteredAnswer> {
        Ok(RegisteredAnswer::Created(Json(register(&state, body.0, crate::http::client_ip(req)).await?)))
    }
}
