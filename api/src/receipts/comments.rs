//! A notice's thread: students comment publicly or ask its teachers privately; teachers
//! reply (a reply takes its parent's privacy) and may hide a comment. Replies are one
//! level deep. A private question, and the replies to it, are seen only by the student
//! who asked and by the notice's teachers. When a teacher answers a student, the
//! student is told through the channel planner: a delivery of kind `reply:<comment>`.

use shared::{Comment, NewComment};

use crate::db::{now_ms, to_time, Db, Flag};
use crate::error::{ApiError, ApiResult};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    notice_id: i64,
    parent_id: Option<i64>,
    student_id: Option<i64>,
    user_id: Option<i64>,
    author_name: String,
    body: String,
    private: Flag,
    hidden: Flag,
    class_name: Option<String>,
    student_no: Option<String>,
    created_at: i64,
}

const SELECT: &str = "SELECT c.id, c.notice_id, c.parent_id, c.student_id, c.user_id, c.author_name, c.body, \
     c.private, c.hidden, k.name AS class_name, s.student_no, c.created_at FROM notice_comments c \
     LEFT JOIN notice_comments p ON p.id = c.parent_id LEFT JOIN students s ON s.id = c.student_id \
     LEFT JOIN classes k ON k.id = s.class_id";

/// What a student (`$2`, -1 when not bound) sees: shown comments under shown parents,
/// public ones and their own questions with the answers to them.
const STUDENT_SEES: &str = "c.hidden = FALSE AND (p.id IS NULL OR p.hidden = FALSE) \
     AND (c.private = FALSE OR COALESCE(p.student_id, c.student_id) = $2)";

/// Who is reading the thread: a student (by id, if bound) or one of the notice's teachers.
#[derive(Debug, Clone, Copy)]
pub enum Viewer {
    Student(Option<i64>),
    Teacher(i64),
}

impl Row {
    fn into_comment(self, viewer: Viewer) -> Comment {
        let mine = match viewer {
            Viewer::Student(s) => s.is_some() && self.student_id == s,
            Viewer::Teacher(u) => self.user_id == Some(u),
        };
        Comment {
            id: self.id,
            notice_id: self.notice_id,
            parent_id: self.parent_id,
            private: self.private.0,
            hidden: self.hidden.0,
            by_teacher: self.user_id.is_some(),
            class_name: if self.user_id.is_some() { None } else { self.class_name },
            student_no: if matches!(viewer, Viewer::Teacher(_)) { self.student_no } else { None },
            author_name: self.author_name,
            body: self.body,
            mine,
            created_at: to_time(self.created_at),
        }
    }
}

/// The thread as the viewer may see it, oldest first.
pub async fn list(db: &Db, notice_id: i64, viewer: Viewer) -> sqlx::Result<Vec<Comment>> {
    let rows: Vec<Row> = match viewer {
        Viewer::Teacher(_) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.notice_id = $1 ORDER BY c.created_at, c.id")))
                .bind(notice_id)
                .fetch_all(db.pool())
                .await?
        }
        Viewer::Student(student) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT} WHERE c.notice_id = $1 AND {STUDENT_SEES} ORDER BY c.created_at, c.id"
            )))
            .bind(notice_id)
            .bind(student.unwrap_or(-1))
            .fetch_all(db.pool())
            .await?
        }
    };
    Ok(rows.into_iter().map(|r| r.into_comment(viewer)).collect())
}

/// How many comments a student sees (the count on their notice page).
pub async fn count_for_student(db: &Db, notice_id: i64, student: Option<i64>) -> sqlx::Result<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM notice_comments c LEFT JOIN notice_comments p ON p.id = c.parent_id \
         WHERE c.notice_id = $1 AND {STUDENT_SEES}"
    )))
    .bind(notice_id)
    .bind(student.unwrap_or(-1))
    .fetch_one(db.pool())
    .await
}

async fn one(db: &Db, id: i64) -> sqlx::Result<Option<Row>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.id = $1"))).bind(id).fetch_optional(db.pool()).await
}

pub async fn get(db: &Db, notice_id: i64, id: i64, viewer: Viewer) -> ApiResult<Comment> {
    one(db, id)
        .await?
        .filter(|r| r.notice_id == notice_id)
        .map(|r| r.into_comment(viewer))
        .ok_or_else(|| ApiError::not_found("comment"))
}

/// The author of a new comment.
pub enum Author {
    Student { id: i64, name: String },
    Teacher { id: i64, name: String },
}

/// What was written, and the student to tell about it (a teacher's reply to a student).
pub struct Written {
    pub comment: Comment,
    pub notify_student: Option<i64>,
}

pub async fn write(db: &Db, notice_id: i64, author: Author, new: NewComment) -> ApiResult<Written> {
    new.validate()?;
    let viewer = match &author {
        Author::Student { id, .. } => Viewer::Student(Some(*id)),
        Author::Teacher { id, .. } => Viewer::Teacher(*id),
    };
    let mut private = matches!(author, Author::Student { .. }) && new.private;
    let mut notify_student = None;
    if let Some(parent_id) = new.parent_id {
        // The parent must be a top-level comment of this notice that the author can see.
        let visible = list(db, notice_id, viewer).await?;
        let parent = visible
            .iter()
            .find(|c| c.id == parent_id && c.parent_id.is_none())
            .ok_or_else(|| ApiError::field("parent_id", "no such comment to reply to"))?;
        private = parent.private;
        if let Author::Teacher { .. } = author {
            let parent_student: Option<i64> =
                sqlx::query_scalar("SELECT student_id FROM notice_comments WHERE id = $1")
                    .bind(parent_id)
                    .fetch_one(db.pool())
                    .await?;
            notify_student = parent_student;
        }
    }
    let (student_id, user_id, name) = match author {
        Author::Student { id, name } => (Some(id), None, name),
        Author::Teacher { id, name } => (None, Some(id), name),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notice_comments (notice_id, parent_id, student_id, user_id, author_name, body, private, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(notice_id)
    .bind(new.parent_id)
    .bind(student_id)
    .bind(user_id)
    .bind(name)
    .bind(new.body.trim())
    .bind(private)
    .bind(now_ms())
    .fetch_one(db.pool())
    .await?;
    Ok(Written { comment: get(db, notice_id, id, viewer).await?, notify_student })
}

pub async fn set_hidden(db: &Db, notice_id: i64, id: i64, hidden: bool, teacher: i64) -> ApiResult<Comment> {
    let done = sqlx::query("UPDATE notice_comments SET hidden = $1 WHERE id = $2 AND notice_id = $3")
        .bind(hidden)
        .bind(id)
        .bind(notice_id)
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::not_found("comment"));
    }
    get(db, notice_id, id, Viewer::Teacher(teacher)).await
}

/// (all comments, private questions no teacher has answered)
pub async fn counts(db: &Db, notice_id: i64) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM notice_comments WHERE notice_id = $1), \
         (SELECT COUNT(*) FROM notice_comments q WHERE q.notice_id = $1 AND q.parent_id IS NULL AND q.private = TRUE \
          AND q.student_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM notice_comments r WHERE r.parent_id = q.id \
          AND r.user_id IS NOT NULL))",
    )
    .bind(notice_id)
    .fetch_one(db.pool())
    .await
}
