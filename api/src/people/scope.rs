//! Who may see whom, decided here for every endpoint. An admin sees everything. A
//! teacher sees the classes they are responsible for, the groups they own, and the
//! students in either; anything else answers 404, exactly as if it did not exist (never
//! a 403 that confirms it does).
//!
//! Seeing a student is not seeing their whole record. The **record** (phone, e-mail,
//! dormitory, notes, position, attendance history, bind code) belongs to the teachers of
//! the student's class (and admins); a group's owner sees its members as members: name,
//! 学号, class and binding state, enough to send them notices and run check-ins
//! (`StudentView`, `RecordClasses`). Editing a record, and putting a student into a
//! group, need the record too: a group cannot widen what its owner sees.

use crate::auth::Caller;
use crate::db::filter::{Arg, Filter};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Teacher(i64),
}

/// Students in the classes of teacher `?`, or in the groups they own.
const TEACHER_STUDENTS: &str = "{s}.class_id IN (SELECT ct.class_id FROM class_teachers ct WHERE ct.user_id = ?) \
     OR {s}.id IN (SELECT gm.student_id FROM group_members gm JOIN student_groups g ON g.id = gm.group_id \
     WHERE g.owner_id = ?)";

impl Scope {
    pub fn of(caller: &Caller) -> Scope {
        if caller.is_admin() {
            Scope::All
        } else {
            Scope::Teacher(caller.user_id)
        }
    }

    pub fn is_all(self) -> bool {
        self == Scope::All
    }

    /// Limits `filter` to the students (table alias `s`) this scope sees.
    pub fn students(self, filter: &mut Filter, s: &str) {
        if let Scope::Teacher(id) = self {
            filter.and(&TEACHER_STUDENTS.replace("{s}", s), [Arg::Int(id), Arg::Int(id)]);
        }
    }

    /// Limits `filter` to the followers (their openid in `openid`) this scope sees: for a
    /// teacher, the WeChat of the students they see (and the unbound, for teachers an admin
    /// named to answer them); for an admin, every follower, the unbound and teachers too.
    pub fn followers(self, filter: &mut Filter, openid: &str) {
        if let Scope::Teacher(id) = self {
            let students = TEACHER_STUDENTS.replace("{s}", "s");
            // Theirs: students they see; and, for teachers an admin named in 系统设置,
            // followers bound to no one (neither a student nor a teacher).
            filter.and(
                &format!(
                    "{openid} IN (SELECT s.openid FROM students s WHERE s.openid IS NOT NULL AND ({students})) \
                     OR (EXISTS (SELECT 1 FROM inbox_stewards st WHERE st.user_id = ?) \
                     AND {openid} NOT IN (SELECT b.openid FROM students b WHERE b.openid IS NOT NULL) \
                     AND {openid} NOT IN (SELECT tp.openid FROM teacher_profiles tp WHERE tp.openid IS NOT NULL))"
                ),
                [Arg::Int(id), Arg::Int(id), Arg::Int(id)],
            );
        }
    }

    /// The follower, if this scope sees them; otherwise 404.
    pub async fn follower(self, db: &Db, openid: &str) -> ApiResult<()> {
        let mut filter = Filter::new();
        filter.and("t.openid = ?", [Arg::from(openid)]);
        self.followers(&mut filter, "t.openid");
        let sql = format!("SELECT COUNT(*) FROM inbox_threads t{}", filter.where_sql());
        let n: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))).fetch_one(db.pool()).await?;
        if n == 0 {
            return Err(ApiError::not_found("thread"));
        }
        Ok(())
    }

    /// Limits `filter` to the classes (alias `c`) this scope is responsible for.
    pub fn classes(self, filter: &mut Filter, c: &str) {
        if let Scope::Teacher(id) = self {
            filter.and(&format!("{c}.id IN (SELECT class_id FROM class_teachers WHERE user_id = ?)"), [Arg::Int(id)]);
        }
    }

    /// Limits `filter` to the groups (alias `g`) this scope owns.
    pub fn groups(self, filter: &mut Filter, g: &str) {
        if let Scope::Teacher(id) = self {
            filter.and(&format!("{g}.owner_id = ?"), [Arg::Int(id)]);
        }
    }

    /// Limits `filter` to the QR codes (alias `q`) this scope sees: a teacher's are those
    /// of their classes and groups, and the ones they made (activities, pages).
    pub fn qrcodes(self, filter: &mut Filter, q: &str) {
        if let Scope::Teacher(id) = self {
            filter.and(
                &format!(
                    "{q}.class_id IN (SELECT class_id FROM class_teachers WHERE user_id = ?) \
                     OR {q}.group_id IN (SELECT id FROM student_groups WHERE owner_id = ?) OR {q}.created_by = ?"
                ),
                [Arg::Int(id), Arg::Int(id), Arg::Int(id)],
            );
        }
    }

    /// Limits `filter` to the library documents (alias `d`) this scope sees in the console:
    /// a teacher sees every document but those listed only for classes and groups that are
    /// not theirs (and always the ones they made).
    pub fn documents(self, filter: &mut Filter, d: &str) {
        if let Scope::Teacher(id) = self {
            filter.and(
                &format!(
                    "{d}.audience <> 'listed' OR {d}.created_by = ? OR EXISTS (SELECT 1 FROM document_audience da \
                     WHERE da.document_id = {d}.id AND (da.class_id IN (SELECT class_id FROM class_teachers WHERE user_id = ?) \
                     OR da.group_id IN (SELECT id FROM student_groups WHERE owner_id = ?)))"
                ),
                [Arg::Int(id), Arg::Int(id), Arg::Int(id)],
            );
        }
    }

    /// Limits `filter` to the documents (alias `d`) this scope may change (edit, replace,
    /// delete): a teacher's own, and those listed only for classes and groups of theirs.
    pub fn documents_managed(self, filter: &mut Filter, d: &str) {
        if let Scope::Teacher(id) = self {
            filter.and(
                &format!(
                    "{d}.created_by = ? OR ({d}.audience = 'listed' \
                     AND EXISTS (SELECT 1 FROM document_audience da WHERE da.document_id = {d}.id) \
                     AND NOT EXISTS (SELECT 1 FROM document_audience da WHERE da.document_id = {d}.id \
                     AND ((da.class_id IS NOT NULL AND da.class_id NOT IN (SELECT class_id FROM class_teachers WHERE user_id = ?)) \
                     OR (da.group_id IS NOT NULL AND da.group_id NOT IN (SELECT id FROM student_groups WHERE owner_id = ?)))))"
                ),
                [Arg::Int(id), Arg::Int(id), Arg::Int(id)],
            );
        }
    }

    /// The student, if this scope sees them; otherwise 404.
    pub async fn student(self, db: &Db, id: i64) -> ApiResult<()> {
        let mut filter = Filter::new();
        filter.and("s.id = ?", [Arg::Int(id)]);
        self.students(&mut filter, "s");
        let sql = format!("SELECT COUNT(*) FROM students s{}", filter.where_sql());
        let n: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))).fetch_one(db.pool()).await?;
        if n == 0 {
            return Err(ApiError::not_found("student"));
        }
        Ok(())
    }

    /// The class, if this scope is responsible for it; otherwise 404.
    pub async fn class(self, db: &Db, id: i64) -> ApiResult<()> {
        let exists: i64 = match self {
            Scope::All => {
                sqlx::query_scalar("SELECT COUNT(*) FROM classes WHERE id = $1").bind(id).fetch_one(db.pool()).await?
            }
            Scope::Teacher(user) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM class_teachers WHERE class_id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(user)
                    .fetch_one(db.pool())
                    .await?
            }
        };
        if exists == 0 {
            return Err(ApiError::not_found("class"));
        }
        Ok(())
    }

    /// The group, if this scope owns it; otherwise 404.
    pub async fn group(self, db: &Db, id: i64) -> ApiResult<()> {
        let mut filter = Filter::new();
        filter.and("g.id = ?", [Arg::Int(id)]);
        self.groups(&mut filter, "g");
        let sql = format!("SELECT COUNT(*) FROM student_groups g{}", filter.where_sql());
        let n: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))).fetch_one(db.pool()).await?;
        if n == 0 {
            return Err(ApiError::not_found("group"));
        }
        Ok(())
    }

    /// How much of a visible student this scope sees; 404 when it sees them not at all.
    pub async fn student_view(self, db: &Db, id: i64) -> ApiResult<StudentView> {
        self.student(db, id).await?;
        let class: Option<i64> = sqlx::query_scalar("SELECT class_id FROM students WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?
            .flatten();
        Ok(if self.may_edit_in_class(db, class).await? { StudentView::Record } else { StudentView::Member })
    }

    /// The student's whole record (phone, position, attendance, bind code): 404 when this
    /// scope does not see them, 403 `not_your_class` when it sees them only as a member.
    pub async fn student_record(self, db: &Db, id: i64) -> ApiResult<()> {
        match self.student_view(db, id).await? {
            StudentView::Record => Ok(()),
            StudentView::Member => Err(not_your_class()),
        }
    }

    /// The classes whose students' records this scope sees, for marking the rows of a list.
    pub async fn record_classes(self, db: &Db) -> ApiResult<RecordClasses> {
        Ok(match self {
            Scope::All => RecordClasses::All,
            Scope::Teacher(user) => RecordClasses::Some(
                sqlx::query_scalar("SELECT class_id FROM class_teachers WHERE user_id = $1")
                    .bind(user)
                    .fetch_all(db.pool())
                    .await?
                    .into_iter()
                    .collect(),
            ),
        })
    }

    /// May edit the record of a student in `class_id` (none: admins only).
    pub async fn may_edit_in_class(self, db: &Db, class_id: Option<i64>) -> ApiResult<bool> {
        match (self, class_id) {
            (Scope::All, _) => Ok(true),
            (Scope::Teacher(_), None) => Ok(false),
            (Scope::Teacher(_), Some(class)) => Ok(self.class(db, class).await.is_ok()),
        }
    }
}

/// What a scope sees of one student.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudentView {
    /// The whole record: a teacher of the student's class, or an admin.
    Record,
    /// Name, 学号, class and binding state: the owner of a group the student is in.
    Member,
}

/// The classes whose students' whole records a scope sees.
#[derive(Debug, Clone)]
pub enum RecordClasses {
    All,
    Some(std::collections::HashSet<i64>),
}

impl RecordClasses {
    pub fn view(&self, class_id: Option<i64>) -> StudentView {
        let record = match self {
            RecordClasses::All => true,
            RecordClasses::Some(classes) => class_id.is_some_and(|c| classes.contains(&c)),
        };
        if record {
            StudentView::Record
        } else {
            StudentView::Member
        }
    }
}

/// A teacher who sees a student only as a group's member asked for their record.
pub fn not_your_class() -> ApiError {
    ApiError::forbidden(
        "not_your_class",
        "only the teachers of this student's class (and administrators) see the whole record; \
         a group's owner sees its members' names, classes and binding state",
    )
}
