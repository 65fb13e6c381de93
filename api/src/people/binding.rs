//! Binding a student's WeChat: the student proves who they are with their 学号, name and
//! their bind code (6 digits from the roster, which the teachers of their class hand
//! out), from the binding page or by sending `绑定 学号 姓名 验证码`. One WeChat, one
//! student: a bound identity is never taken over, only released (by the student with
//! `解绑`, or by a teacher), and a release cuts the old WeChat off from everything of the
//! student's at once (`release`).
//!
//! Guessing is limited per WeChat and per 学号, in the Kv (so across replicas): every try
//! is counted *before* it is judged and a successful one is given back, so parallel
//! guesses get no more than the limit, and a Kv failure refuses the try. The phone's last
//! four digits are not a code: lists show them, and 10 000 are quickly tried.

use std::time::Duration;

use shared::BindRequest;

use super::students::{row_by_openid, StudentRow, SELECT};
use crate::audit::Audit;
use crate::db::{now_ms, Db};
use crate::state::AppState;

/// Tries allowed per WeChat in `OPENID_WINDOW`, and per 学号 in `NUMBER_WINDOW`.
const OPENID_LIMIT: u64 = 5;
const OPENID_WINDOW: Duration = Duration::from_secs(600);
const NUMBER_LIMIT: u64 = 10;
const NUMBER_WINDOW: Duration = Duration::from_secs(3600);

#[derive(Debug, PartialEq)]
pub enum BindError {
    /// Too many failed attempts; try again after this many seconds.
    Throttled(u64),
    /// 学号, name or code do not match a student (which one is not said).
    NoMatch,
    /// This WeChat is already bound to another student (their 学号, masked).
    WechatTaken(String),
    /// This WeChat is a teacher's.
    TeacherWechat,
    /// The student is already bound to another WeChat.
    StudentTaken,
}

impl BindError {
    /// What the student is told, in their language.
    pub fn message(&self) -> String {
        match self {
            BindError::Throttled(secs) => format!("尝试次数过多，请 {} 分钟后再试。", secs.div_ceil(60)),
            BindError::NoMatch => "学号、姓名或验证码不正确。验证码是辅导员发给你的 6 位绑定码。".into(),
            BindError::WechatTaken(no) => format!("这个微信已绑定学号 {no}。如需更换，请先发送「解绑」。"),
            BindError::TeacherWechat => "这个微信已绑定教师账号，不能再绑定学生。".into(),
            BindError::StudentTaken => "该学生已绑定其他微信。如需更换，请联系辅导员解除绑定。".into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            BindError::Throttled(_) => "rate_limited",
            BindError::NoMatch => "no_match",
            BindError::WechatTaken(_) => "wechat_taken",
            BindError::TeacherWechat => "teacher_wechat",
            BindError::StudentTaken => "student_taken",
        }
    }
}

/// `2023010101` → `2023****01`.
fn mask_number(no: &str) -> String {
    let chars: Vec<char> = no.chars().collect();
    if chars.len() <= 6 {
        return no.to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

fn code_matches(student: &StudentRow, code: &str) -> bool {
    let code = code.trim();
    !code.is_empty() && code == student.bind_code
}

/// The counters a try is held against: (key, limit, window).
fn limits(openid: &str, number: &str) -> [(String, u64, Duration); 2] {
    [
        (format!("bind:tries:openid:{openid}"), OPENID_LIMIT, OPENID_WINDOW),
        (format!("bind:tries:no:{number}"), NUMBER_LIMIT, NUMBER_WINDOW),
    ]
}

/// Counts the try against both limits; the wait in seconds when either is used up.
async fn count_try(state: &AppState, openid: &str, number: &str) -> anyhow::Result<Option<u64>> {
    let mut wait = None;
    for (key, max, window) in limits(openid, number) {
        if let Some(w) = state.kv.hit(&key, max, window).await? {
            wait = wait.max(Some(w.as_secs().max(1)));
        }
    }
    Ok(wait)
}

/// A try that bound the student does not count against anyone.
async fn give_back(state: &AppState, openid: &str, number: &str) -> anyhow::Result<()> {
    for (key, _, window) in limits(openid, number) {
        state.kv.refund(&key, window).await?;
    }
    Ok(())
}

async fn teacher_of(db: &Db, openid: &str) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM teacher_profiles WHERE openid = $1")
        .bind(openid)
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}

/// Binds `openid` to the student the request names. Binding again to the same student
/// is fine (nothing changes).
pub async fn bind(
    state: &AppState,
    openid: &str,
    request: &BindRequest,
) -> anyhow::Result<Result<StudentRow, BindError>> {
    let number = request.student_no.trim();
    if let Some(wait) = count_try(state, openid, number).await? {
        return Ok(Err(BindError::Throttled(wait)));
    }
    let sql = format!("{SELECT} WHERE s.student_no = $1");
    let student: Option<StudentRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(number).fetch_optional(state.db.pool()).await?;
    let Some(student) = student.filter(|s| s.name == request.name.trim() && code_matches(s, &request.code)) else {
        return Ok(Err(BindError::NoMatch));
    };
    give_back(state, openid, number).await?;
    if let Some(current) = row_by_openid(&state.db, openid).await? {
        return Ok(if current.id == student.id {
            Ok(current)
        } else {
            Err(BindError::WechatTaken(mask_number(&current.student_no)))
        });
    }
    if teacher_of(&state.db, openid).await? {
        return Ok(Err(BindError::TeacherWechat));
    }
    if student.openid.is_some() {
        return Ok(Err(BindError::StudentTaken));
    }
    let following = super::followers::is_following(&state.db, openid).await?;
    let mut tx = state.db.begin_write().await?;
    // `openid IS NULL` makes two concurrent binds of one student race safely; the unique
    // openid does the same for one WeChat binding two students.
    let done =
        sqlx::query("UPDATE students SET openid = $1, bound_at = $2, following = $3 WHERE id = $4 AND openid IS NULL")
            .bind(openid)
            .bind(now_ms())
            .bind(following)
            .bind(student.id)
            .execute(&mut *tx)
            .await;
    match done {
        Ok(r) if r.rows_affected() == 1 => {}
        Ok(_) => return Ok(Err(BindError::StudentTaken)),
        Err(e) if crate::db::is_unique_violation(&e) => return Ok(Err(BindError::WechatTaken(String::new()))),
        Err(e) => return Err(e.into()),
    }
    // Notices held for the digest while the student had no WeChat go to this one.
    sqlx::query("UPDATE deliveries SET openid = $1 WHERE student_id = $2 AND openid IS NULL AND status = 'held'")
        .bind(openid)
        .bind(student.id)
        .execute(&mut *tx)
        .await?;
    let actor = format!("wechat:{openid}");
    Audit::anonymous(&actor, "wechat_bound", None)
        .target(format!("student:{}", student.id))
        .detail(student.student_no.clone())
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    let bound = super::students::row(state.db.pool(), student.id).await?.unwrap_or(student);
    let (state, id) = (state.clone(), bound.id);
    state.clone().background.spawn(async move { after_bind(&state, id).await });
    Ok(Ok(bound))
}

/// The remark a bound student's WeChat gets: `班级-姓名`, at most 30 characters.
pub fn remark_for(student: &StudentRow) -> String {
    let text = match &student.class_name {
        Some(class) => format!("{class}-{}", student.name),
        None => student.name.clone(),
    };
    text.chars().take(30).collect()
}

/// What follows a binding on the platform: tags, and the remark when that is on.
async fn after_bind(state: &AppState, student_id: i64) {
    super::tags::after_bind(state, student_id).await;
    let Ok(settings) = crate::settings::load(&state.db).await else { return };
    let Ok(Some(student)) = super::students::row(state.db.pool(), student_id).await else { return };
    if let (true, Some(openid)) = (settings.auto_remark, &student.openid) {
        if let Err(err) = super::followers::set_remark(state, openid, &remark_for(&student)).await {
            tracing::warn!(error = ?err.body(), "setting a remark after binding failed");
        }
    }
}

/// Releases the student bound to `openid` (the student asked); `None` if none was.
pub async fn unbind_openid(state: &AppState, openid: &str, audit: Audit<'_>) -> anyhow::Result<Option<StudentRow>> {
    let Some(student) = row_by_openid(&state.db, openid).await? else { return Ok(None) };
    release(state, &student, audit).await?;
    Ok(Some(student))
}

/// Releases a student's WeChat (their teacher, or the student, asked). From the commit on,
/// the released WeChat gets nothing more of the student's: the student's delivery rows
/// forget it too (they copied the openid when the notice was sent), so no push, digest or
/// notice page reaches it, and everything else finds students by `students.openid`.
/// Rows not yet sent then fail as "not bound", and held ones wait for the next binding.
pub async fn release(state: &AppState, student: &StudentRow, audit: Audit<'_>) -> anyhow::Result<()> {
    let Some(openid) = student.openid.clone() else { return Ok(()) };
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE students SET openid = NULL, bound_at = NULL, following = FALSE, updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(student.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE deliveries SET openid = NULL WHERE student_id = $1 AND openid = $2")
        .bind(student.id)
        .bind(&openid)
        .execute(&mut *tx)
        .await?;
    audit.target(format!("student:{}", student.id)).detail(student.student_no.clone()).record(&mut *tx).await?;
    tx.commit().await?;
    let (state, class) = (state.clone(), student.class_id);
    state.clone().background.spawn(async move {
        super::tags::after_unbind(&state, &openid, class).await;
        if crate::settings::load(&state.db).await.is_ok_and(|s| s.auto_remark) {
            let _ = super::followers::set_remark(&state, &openid, "").await;
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bound_student_number_is_shown_masked() {
        assert_eq!(mask_number("2023010101"), "2023****01");
        assert_eq!(mask_number("12345"), "12345");
    }
}
