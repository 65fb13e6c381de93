//! Who wrote: a bound student (their class, groups and teachers — what a rule's owner and
//! audience are checked against, and what `{姓名}` and `{班级}` become), a bound teacher,
//! or a follower bound to no one. Looked up only when a rule could answer.

use super::matcher::{Sender, SenderKind};
use crate::db::Db;

#[derive(Debug, Clone)]
pub struct Follower {
    pub sender: Sender,
    pub student_id: Option<i64>,
    pub student_no: Option<String>,
    pub name: Option<String>,
    pub class_name: Option<String>,
}

impl Follower {
    pub fn unbound() -> Follower {
        Follower {
            sender: Sender { kind: SenderKind::Unbound, class_id: None, groups: vec![], teachers: vec![] },
            student_id: None,
            student_no: None,
            name: None,
            class_name: None,
        }
    }

    /// `李雷（2023001）`, `老师 王芳`, `未绑定的关注者`.
    pub fn label(&self) -> String {
        match (self.sender.kind, &self.name, &self.student_no) {
            (SenderKind::Student, Some(name), Some(no)) => format!("{name}（{no}）"),
            (SenderKind::Teacher, Some(name), _) => format!("老师 {name}"),
            _ => "未绑定的关注者".into(),
        }
    }
}

type StudentRow = (i64, String, String, Option<i64>, Option<String>);

/// A student with their class's name, by a column of `students` (`openid` or `id`).
fn student_by(column: &str) -> String {
    format!(
        "SELECT s.id, s.name, s.student_no, s.class_id, c.name FROM students s \
         LEFT JOIN classes c ON c.id = s.class_id WHERE s.{column} = $1"
    )
}

/// The follower behind `openid`.
pub async fn load(db: &Db, openid: &str) -> sqlx::Result<Follower> {
    let student: Option<StudentRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(student_by("openid"))).bind(openid).fetch_optional(db.pool()).await?;
    if let Some((id, name, no, class_id, class_name)) = student {
        return of_student(db, id, name, no, class_id, class_name).await;
    }
    let teacher: Option<String> = sqlx::query_scalar(
        "SELECT u.display_name FROM teacher_profiles tp JOIN users u ON u.id = tp.user_id WHERE tp.openid = $1",
    )
    .bind(openid)
    .fetch_optional(db.pool())
    .await?;
    Ok(match teacher {
        Some(name) => Follower {
            sender: Sender { kind: SenderKind::Teacher, class_id: None, groups: vec![], teachers: vec![] },
            name: Some(name),
            ..Follower::unbound()
        },
        None => Follower::unbound(),
    })
}

/// The student by id (for trying a message as them).
pub async fn student(db: &Db, id: i64) -> sqlx::Result<Option<Follower>> {
    let row: Option<StudentRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(student_by("id"))).bind(id).fetch_optional(db.pool()).await?;
    match row {
        Some((id, name, no, class_id, class_name)) => {
            Ok(Some(of_student(db, id, name, no, class_id, class_name).await?))
        }
        None => Ok(None),
    }
}

async fn of_student(
    db: &Db,
    id: i64,
    name: String,
    no: String,
    class_id: Option<i64>,
    class_name: Option<String>,
) -> sqlx::Result<Follower> {
    let groups: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT gm.group_id, g.owner_id FROM group_members gm JOIN student_groups g ON g.id = gm.group_id \
         WHERE gm.student_id = $1",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let mut teachers: Vec<i64> = match class_id {
        Some(class) => {
            sqlx::query_scalar("SELECT user_id FROM class_teachers WHERE class_id = $1")
                .bind(class)
                .fetch_all(db.pool())
                .await?
        }
        None => Vec::new(),
    };
    teachers.extend(groups.iter().filter_map(|(_, owner)| *owner));
    teachers.sort_unstable();
    teachers.dedup();
    Ok(Follower {
        sender: Sender {
            kind: SenderKind::Student,
            class_id,
            groups: groups.into_iter().map(|(g, _)| g).collect(),
            teachers,
        },
        student_id: Some(id),
        student_no: Some(no),
        name: Some(name),
        class_name,
    })
}
