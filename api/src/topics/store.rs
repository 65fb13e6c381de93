//! Topics as stored, and the two rules every path asks: may this student join a topic
//! (`may_join`: open to everyone, or their class, or a group they are in) and may this
//! teacher moderate it (`may_moderate`: an admin, or the teacher who owns it).

use shared::{Topic, TopicStatus};

use crate::auth::Caller;
use crate::db::{to_time, Db, Flag};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopicRow {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub status: String,
    pub classes: String,
    pub groups_of: String,
    pub anonymous_allowed: Flag,
    pub locked: Flag,
    pub owner_id: Option<i64>,
    pub owner: Option<String>,
    pub proposed_by: Option<String>,
    pub created_at: i64,
}

pub const SELECT: &str = "SELECT t.id, t.title, t.description, t.status, t.classes, t.groups_of, \
    t.anonymous_allowed, t.locked, t.owner_id, u.display_name AS owner, s.name AS proposed_by, t.created_at \
    FROM topics t LEFT JOIN users u ON u.id = t.owner_id LEFT JOIN students s ON s.id = t.proposed_by";

fn ids(list: &str) -> Vec<i64> {
    list.split(',').filter_map(|s| s.trim().parse().ok()).collect()
}

pub fn join_ids(list: &[i64]) -> String {
    list.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

impl TopicRow {
    pub fn status(&self) -> TopicStatus {
        TopicStatus::parse(&self.status).unwrap_or(TopicStatus::Closed)
    }

    pub fn is_open(&self) -> bool {
        self.status() == TopicStatus::Open
    }
}

pub async fn row(db: &Db, id: i64) -> sqlx::Result<Option<TopicRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE t.id = $1"))).bind(id).fetch_optional(db.pool()).await
}

pub async fn rows(db: &Db, status: Option<&str>) -> sqlx::Result<Vec<TopicRow>> {
    match status {
        Some(status) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE t.status = $1 ORDER BY t.id DESC")))
                .bind(status)
                .fetch_all(db.pool())
                .await
        }
        None => sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY t.id DESC"))).fetch_all(db.pool()).await,
    }
}

/// A student as the audience rule sees them.
#[derive(Debug, Clone)]
pub struct Member {
    pub student_id: i64,
    pub name: String,
    pub class_id: Option<i64>,
    pub groups: Vec<i64>,
}

impl Member {
    pub async fn of_openid(db: &Db, openid: &str) -> sqlx::Result<Option<Member>> {
        let Some(s) = crate::people::students::row_by_openid(db, openid).await? else { return Ok(None) };
        let groups: Vec<i64> = sqlx::query_scalar("SELECT group_id FROM group_members WHERE student_id = $1")
            .bind(s.id)
            .fetch_all(db.pool())
            .await?;
        Ok(Some(Member { student_id: s.id, name: s.name, class_id: s.class_id, groups }))
    }
}

/// The one audience rule: a topic for no class and no group is everyone's.
pub fn may_join(topic: &TopicRow, member: &Member) -> bool {
    let (classes, groups) = (ids(&topic.classes), ids(&topic.groups_of));
    (classes.is_empty() && groups.is_empty())
        || member.class_id.is_some_and(|c| classes.contains(&c))
        || member.groups.iter().any(|g| groups.contains(g))
}

/// The one moderation rule: admins, and the teacher who owns the topic. A proposal has no
/// owner yet: any teacher may take it up.
pub fn may_moderate(topic: &TopicRow, caller: &Caller) -> bool {
    caller.is_admin() || topic.owner_id == Some(caller.user_id) || topic.owner_id.is_none()
}

/// Open topics `member` may join, newest first.
pub async fn joinable(db: &Db, member: &Member) -> sqlx::Result<Vec<TopicRow>> {
    Ok(rows(db, Some("open")).await?.into_iter().filter(|t| may_join(t, member)).collect())
}

/// Counts for a topic: posts shown, students who posted, posts waiting for review.
pub async fn counts(db: &Db, id: i64) -> sqlx::Result<(i64, i64, i64)> {
    sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status = 'shown' THEN 1 ELSE 0 END), 0), COUNT(DISTINCT student_id), \
         COALESCE(SUM(CASE WHEN status = 'held' OR (status = 'shown' AND open_reports > 0) THEN 1 ELSE 0 END), 0) \
         FROM topic_posts WHERE topic_id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
}

/// The topic as the API shows it; `to_review` only for a teacher who may moderate it.
pub async fn dto(db: &Db, row: &TopicRow, teacher: bool) -> sqlx::Result<Topic> {
    let (posts, participants, to_review) = counts(db, row.id).await?;
    Ok(Topic {
        id: row.id,
        title: row.title.clone(),
        description: row.description.clone(),
        status: row.status(),
        classes: ids(&row.classes),
        groups: ids(&row.groups_of),
        anonymous_allowed: row.anonymous_allowed.0,
        locked: row.locked.0,
        owner: row.owner.clone(),
        proposed_by: if teacher { row.proposed_by.clone() } else { None },
        posts,
        participants,
        to_review: if teacher { to_review } else { 0 },
        created_at: to_time(row.created_at),
    })
}

/// The topic page's link, through WeChat's authorisation.
pub fn link(public_url: &str, id: i64) -> String {
    format!("{public_url}/api/v1/portal/oauth?next=/s/topics/{id}")
}
