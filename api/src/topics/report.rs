//! What the console reads of a topic as a whole: its activity over time and per class,
//! and the sheet of every post (with its author, anonymous or not).

use std::collections::{BTreeMap, HashSet};

use shared::{TopicActivity, TopicTally};

use crate::db::{china_minute, Db, Flag};
use crate::http::sheet::Sheet;

/// Posts and participants per day (China time) and per class, of the posts shown.
pub async fn activity(db: &Db, topic: i64) -> sqlx::Result<TopicActivity> {
    let rows: Vec<(i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT p.created_at, p.student_id, c.name FROM topic_posts p LEFT JOIN classes c ON c.id = p.class_id \
         WHERE p.topic_id = $1 AND p.status = 'shown'",
    )
    .bind(topic)
    .fetch_all(db.pool())
    .await?;
    let mut days: BTreeMap<String, (i64, HashSet<i64>)> = BTreeMap::new();
    let mut classes: BTreeMap<String, (i64, HashSet<i64>)> = BTreeMap::new();
    for (at, student, class) in rows {
        for (map, key) in [
            (&mut days, china_minute(at).chars().take(10).collect()),
            (&mut classes, class.clone().unwrap_or_else(|| "—".into())),
        ] {
            let entry = map.entry(key).or_default();
            entry.0 += 1;
            entry.1.extend(student);
        }
    }
    let tallies = |map: BTreeMap<String, (i64, HashSet<i64>)>| {
        map.into_iter()
            .map(|(label, (posts, people))| TopicTally { label, posts, participants: people.len() as i64 })
            .collect()
    };
    Ok(TopicActivity { days: tallies(days), classes: tallies(classes) })
}

/// One post as the export lists it.
#[derive(sqlx::FromRow)]
pub struct PostLine {
    created_at: i64,
    class_name: Option<String>,
    student_no: Option<String>,
    name: Option<String>,
    anonymous: Flag,
    body: String,
    status: String,
    likes: i64,
    reports: i64,
}

pub async fn export_rows(db: &Db, topic: i64) -> sqlx::Result<Vec<PostLine>> {
    sqlx::query_as(
        "SELECT p.created_at, c.name AS class_name, s.student_no, s.name, p.anonymous, p.body, p.status, p.likes, \
         p.reports FROM topic_posts p LEFT JOIN students s ON s.id = p.student_id \
         LEFT JOIN classes c ON c.id = p.class_id WHERE p.topic_id = $1 ORDER BY p.id",
    )
    .bind(topic)
    .fetch_all(db.pool())
    .await
}

pub fn sheet(rows: Vec<PostLine>) -> Sheet<'static> {
    Sheet {
        name: "话题",
        headers: vec!["时间", "班级", "学号", "姓名", "匿名", "内容", "状态", "点赞", "举报"],
        rows: rows
            .into_iter()
            .map(|p| {
                vec![
                    china_minute(p.created_at),
                    p.class_name.unwrap_or_default(),
                    p.student_no.unwrap_or_default(),
                    p.name.unwrap_or_default(),
                    if p.anonymous.0 { "是" } else { "否" }.into(),
                    p.body,
                    p.status,
                    p.likes.to_string(),
                    p.reports.to_string(),
                ]
            })
            .collect(),
        widths: vec![(0, 17.0), (5, 60.0)],
    }
}
