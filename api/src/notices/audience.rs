//! Who a notice reaches. An audience (classes, groups, single students, every follower)
//! is checked against what the sender may reach, counted before sending, and turned into
//! delivery rows in one `INSERT … SELECT` per kind of recipient — the rows never pass
//! through memory, so 100 000 recipients cost what 100 do, and the fan-out is atomic
//! with the notice's change of status.

use std::collections::BTreeMap;

use shared::{Audience, AudienceCount, Urgency};
use sqlx::AnyConnection;

use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::people::Scope;

/// `1,2,3` from ids that are integers by type: safe to put in the SQL text.
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Students the audience names: of its classes, in its groups, or named one by one.
/// Graduated students are left out of classes and groups (they have left), not when
/// named. `s` is the students table's alias.
pub(crate) fn students_condition(a: &Audience) -> String {
    let mut parts = Vec::new();
    if !a.classes.is_empty() {
        parts.push(format!("(s.class_id IN ({}) AND s.status <> 'graduated')", id_list(&a.classes)));
    }
    if !a.groups.is_empty() {
        parts.push(format!(
            "(s.id IN (SELECT student_id FROM group_members WHERE group_id IN ({})) AND s.status <> 'graduated')",
            id_list(&a.groups)
        ));
    }
    if !a.students.is_empty() {
        parts.push(format!("s.id IN ({})", id_list(&a.students)));
    }
    if a.public {
        parts.push("s.openid IN (SELECT openid FROM followers WHERE subscribed = TRUE)".into());
    }
    if parts.is_empty() {
        "FALSE".into()
    } else {
        parts.join(" OR ")
    }
}

/// Refuses an audience with unknown entries, or entries outside the sender's reach.
pub async fn check(db: &Db, scope: Scope, a: &Audience) -> ApiResult<()> {
    let mut problems = BTreeMap::new();
    if a.is_empty() {
        return Err(ApiError::field("audience", "is required: name classes, groups, students or everyone"));
    }
    if a.public && !scope.is_all() {
        problems.insert("audience.public".to_string(), "only administrators send to every follower".to_string());
    }
    let mut missing = |field: &str, ids: Vec<i64>| {
        if !ids.is_empty() {
            problems.insert(format!("audience.{field}"), format!("not found or not yours: {}", id_list(&ids)));
        }
    };
    let mut bad = Vec::new();
    for &id in &a.classes {
        if scope.class(db, id).await.is_err() {
            bad.push(id);
        }
    }
    missing("classes", std::mem::take(&mut bad));
    for &id in &a.groups {
        if scope.group(db, id).await.is_err() {
            bad.push(id);
        }
    }
    missing("groups", std::mem::take(&mut bad));
    for &id in &a.students {
        if scope.student(db, id).await.is_err() {
            bad.push(id);
        }
    }
    missing("students", bad);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(problems))
    }
}

/// What the audience comes to now (muted counted for `category`, unless urgent).
pub async fn count(db: &Db, a: &Audience, category: Option<i64>, urgency: Urgency) -> sqlx::Result<AudienceCount> {
    let cond = students_condition(a);
    let muted_sql = match category {
        Some(c) if urgency != Urgency::Urgent => {
            format!("SUM(CASE WHEN EXISTS (SELECT 1 FROM category_mutes m WHERE m.student_id = s.id AND m.category_id = {c}) THEN 1 ELSE 0 END)")
        }
        _ => "0".into(),
    };
    let sql = format!(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN s.openid IS NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN s.openid IS NOT NULL AND s.following = FALSE THEN 1 ELSE 0 END), 0), \
         COALESCE({muted_sql}, 0) FROM students s WHERE {cond}"
    );
    let (students, unbound, not_following, muted): (i64, i64, i64, i64) =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(db.pool()).await?;
    let followers: i64 = if a.public {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM followers f WHERE f.subscribed = TRUE AND NOT EXISTS (SELECT 1 FROM students s WHERE s.openid = f.openid)",
        )
        .fetch_one(db.pool())
        .await?
    } else {
        0
    };
    Ok(AudienceCount { recipients: students + followers, students, followers, unbound, not_following, muted })
}

/// Makes the notice's delivery rows: pending, or unbound for students with no WeChat (not
/// reachable, counted apart from failures), or muted for students who muted its category
/// (unless it is urgent). Returns how many rows were made.
pub async fn fan_out(
    tx: &mut AnyConnection,
    notice_id: i64,
    a: &Audience,
    category: Option<i64>,
    urgency: Urgency,
) -> sqlx::Result<u64> {
    let now = now_ms();
    let muted = match category {
        Some(c) if urgency != Urgency::Urgent => {
            format!("EXISTS (SELECT 1 FROM category_mutes m WHERE m.student_id = s.id AND m.category_id = {c})")
        }
        _ => "FALSE".into(),
    };
    let students = format!(
        "INSERT INTO deliveries (notice_id, kind, recipient, student_id, class_id, openid, status, failure, created_at) \
         SELECT $1, 'notice', 's:' || s.id, s.id, s.class_id, s.openid, \
         CASE WHEN s.openid IS NULL THEN 'unbound' WHEN {muted} THEN 'muted' ELSE 'pending' END, \
         CASE WHEN s.openid IS NULL THEN 'the student has not bound WeChat' END, $2 \
         FROM students s WHERE {} ON CONFLICT DO NOTHING",
        students_condition(a)
    );
    let mut made =
        sqlx::query(sqlx::AssertSqlSafe(students)).bind(notice_id).bind(now).execute(&mut *tx).await?.rows_affected();
    if a.public {
        made += sqlx::query(
            "INSERT INTO deliveries (notice_id, kind, recipient, openid, status, created_at) \
             SELECT $1, 'notice', 'o:' || f.openid, f.openid, 'pending', $2 FROM followers f \
             WHERE f.subscribed = TRUE AND NOT EXISTS (SELECT 1 FROM students s WHERE s.openid = f.openid) \
             ON CONFLICT DO NOTHING",
        )
        .bind(notice_id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    Ok(made)
}
