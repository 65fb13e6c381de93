//! 「签到 发起 班级」: a check-in for one of the teacher's classes, started from the phone
//! with fixed settings (the rotating code, shown as digits and as the QR code, for ten
//! minutes), answered with the current code and the link to the phone's display page.
//! It is made like the console's (`checkin::sessions::create`, audited `checkin_created`).

use chrono::{Duration, Utc};
use shared::{Audience, CheckinMethod, NewCheckinSession};

use super::classes;
use super::{refusal, text};
use crate::audit::Audit;
use crate::auth::Caller;
use crate::checkin::codes;
use crate::checkin::sessions::{self, Creator};
use crate::db::{china_minute, now_ms};
use crate::people::Scope;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

/// The session's title: what the teacher wrote after the class, or the class and the time.
fn title(class: &str, written: &str) -> String {
    let title =
        if written.is_empty() { format!("{class} 签到 {}", china_minute(now_ms())) } else { written.to_string() };
    title.chars().take(shared::checkin::MAX_TITLE_CHARS).collect()
}

/// 「签到 发起 班级 [名称]」: `rest` names the class (and perhaps the session).
pub async fn start(ctx: Context, me: Caller, rest: String) -> HandlerResult {
    let state = &ctx.state;
    let scope = Scope::of(&me);
    let list = classes::of(&state.db, scope).await?;
    if list.is_empty() {
        return Ok(Some(Reply::text(text::NO_CLASSES)));
    }
    let Some((class, named_title)) = classes::named(&list, &rest) else {
        let problem = if rest.trim().is_empty() { "" } else { text::NOT_YOUR_CLASS };
        let usage = text::CHECKIN_USAGE;
        return Ok(Some(Reply::text(format!("{problem}你的班级：{}\n{usage}", classes::listed(&list)))));
    };
    let now = Utc::now();
    let new = NewCheckinSession {
        title: title(&class.name, named_title),
        audience: Audience { classes: vec![class.id], ..Audience::default() },
        starts_at: now,
        ends_at: now + Duration::minutes(text::CHECKIN_MINUTES),
        late_after: None,
        methods: vec![CheckinMethod::Qr, CheckinMethod::Code],
        rotate_seconds: Some(text::CHECKIN_ROTATE_SECONDS),
        geofence: None,
    };
    let creator = Creator::Teacher { user_id: me.user_id, scope };
    let id = match sessions::create(&state.db, creator, &new, None, Audit::by(&me, "checkin_created")).await {
        Ok(id) => id,
        Err(err) if err.body().fields.as_ref().is_some_and(|f| f.contains_key("audience")) => {
            return Ok(Some(Reply::text(format!("没有发起签到：{} 没有学生。", class.name))));
        }
        Err(err) => return Ok(Some(Reply::text(format!("没有发起签到：{}", refusal(&err)?)))),
    };
    let Some(row) = sessions::row(&state.db, id).await? else { return Ok(None) };
    let expected: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checkin_roll WHERE session_id = $1")
        .bind(id)
        .fetch_one(state.db.pool())
        .await?;
    let code = codes::digits(&row.secret, row.current_step(now_ms()));
    Ok(Some(Reply::text(format!(
        "已发起签到：{}（{} 人，{} 分钟内有效）\n当前签到码：{code}（每 {} 秒更换）\n学生发送「签到 签到码」或扫码签到。\n手机展示签到码：{}/t/checkin/{id}",
        class.name,
        expected,
        text::CHECKIN_MINUTES,
        text::CHECKIN_ROTATE_SECONDS,
        state.config.public_url
    ))))
}
