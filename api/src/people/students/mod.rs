//! Student records: list (scoped, searchable, phones masked), create, edit, delete, and
//! the full record with the phone number and bind code, whose every view is written to
//! the audit log. How much of a student a caller sees is `Scope`'s decision
//! (`StudentView`): a group's owner gets the member view of students of other classes.

use shared::people::mask_phone;
use shared::{
    Gender, GroupRef, NewStudent, Page, PageQuery, Student, StudentDetail, StudentPatch, StudentStatus, WechatBinding,
};

use super::scope::{RecordClasses, Scope, StudentView};
use crate::audit::Audit;
use crate::db::filter::{contains_pattern, Arg, Filter};
use crate::db::{now_ms, to_time, Db, Flag};
use crate::error::{on_unique, ApiError, ApiResult};

mod routes;
pub use routes::StudentsApi;

#[derive(sqlx::FromRow, Clone)]
pub struct StudentRow {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub gender: String,
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    pub phone: String,
    pub email: String,
    pub dormitory: String,
    pub status: String,
    pub bind_code: String,
    pub openid: Option<String>,
    pub bound_at: Option<i64>,
    pub following: Flag,
    pub notes: String,
    pub created_at: i64,
    pub updated_at: i64,
}

pub const SELECT: &str = "SELECT s.id, s.student_no, s.name, s.gender, s.class_id, c.name AS class_name, s.phone, \
     s.email, s.dormitory, s.status, s.bind_code, s.openid, s.bound_at, s.following, s.notes, s.created_at, \
     s.updated_at FROM students s LEFT JOIN classes c ON c.id = s.class_id";

impl StudentRow {
    /// The API form as `view` shows it: the member view withholds phone, e-mail,
    /// dormitory and notes; the record view masks the phone unless `full_phone`.
    pub fn into_student(self, view: StudentView, full_phone: bool) -> Student {
        let limited = view == StudentView::Member;
        let withheld = |text: String| if limited { String::new() } else { text };
        Student {
            id: self.id,
            student_no: self.student_no,
            name: self.name,
            gender: Gender::parse(&self.gender).unwrap_or_default(),
            class_id: self.class_id,
            class_name: self.class_name,
            phone: match (limited, full_phone) {
                (true, _) => String::new(),
                (false, true) => self.phone,
                (false, false) => mask_phone(&self.phone),
            },
            email: withheld(self.email),
            dormitory: withheld(self.dormitory),
            status: StudentStatus::parse(&self.status).unwrap_or_default(),
            wechat: WechatBinding {
                bound: self.openid.is_some(),
                bound_at: self.bound_at.map(to_time),
                following: self.following.0,
            },
            notes: withheld(self.notes),
            created_at: to_time(self.created_at),
            updated_at: to_time(self.updated_at),
            limited,
        }
    }
}

/// What a student list may be narrowed to.
#[derive(Debug, Default, Clone)]
pub struct StudentQuery {
    /// Part of the name, or of the 学号.
    pub search: String,
    pub class_id: Option<i64>,
    pub group_id: Option<i64>,
    pub status: Option<StudentStatus>,
    pub bound: Option<bool>,
}

pub fn filter_for(scope: Scope, q: &StudentQuery) -> Filter {
    let mut filter = Filter::new();
    scope.students(&mut filter, "s");
    if !q.search.trim().is_empty() {
        let pattern = contains_pattern(&q.search);
        filter.and(
            "s.name LIKE ? ESCAPE '\\' OR s.student_no LIKE ? ESCAPE '\\'",
            [Arg::from(pattern.clone()), Arg::from(pattern)],
        );
    }
    if let Some(class) = q.class_id {
        filter.and("s.class_id = ?", [Arg::Int(class)]);
    }
    if let Some(group) = q.group_id {
        filter.and("s.id IN (SELECT student_id FROM group_members WHERE group_id = ?)", [Arg::Int(group)]);
    }
    if let Some(status) = q.status {
        filter.and("s.status = ?", [Arg::from(status.as_str())]);
    }
    match q.bound {
        Some(true) => {
            filter.and("s.openid IS NOT NULL", []);
        }
        Some(false) => {
            filter.and("s.openid IS NULL", []);
        }
        None => {}
    }
    filter
}

pub async fn list(db: &Db, scope: Scope, q: &StudentQuery, page: PageQuery) -> ApiResult<Page<Student>> {
    let filter = filter_for(scope, q);
    let where_sql = filter.where_sql();
    let count = format!("SELECT COUNT(*) FROM students s{where_sql}");
    let total: i64 = filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(db.pool()).await?;
    let sql = format!("{SELECT}{where_sql} ORDER BY s.student_no LIMIT {} OFFSET {}", filter.next(1), filter.next(2));
    let rows: Vec<StudentRow> = filter
        .bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(db.pool())
        .await?;
    let records = scope.record_classes(db).await?;
    Ok(Page::new(rows.into_iter().map(|r| student_in_list(r, &records)).collect(), total, page))
}

/// A row of a list: phone masked, or the member view where the caller lacks the record.
pub fn student_in_list(row: StudentRow, records: &RecordClasses) -> Student {
    let view = records.view(row.class_id);
    row.into_student(view, false)
}

pub async fn row<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(
    exec: E,
    id: i64,
) -> sqlx::Result<Option<StudentRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE s.id = $1"))).bind(id).fetch_optional(exec).await
}

pub async fn row_by_openid(db: &Db, openid: &str) -> sqlx::Result<Option<StudentRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE s.openid = $1")))
        .bind(openid)
        .fetch_optional(db.pool())
        .await
}

/// A fresh 6-digit bind code.
pub fn new_bind_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::rng().random_range(0..1_000_000))
}

fn number_taken(err: sqlx::Error) -> ApiError {
    on_unique(err, "student_no_taken", "a student with this student number already exists")
}

/// A student as `scope` sees them (`view`). The member view names only the viewer's own
/// groups: which other groups a student is in (a support group, say) is their record's.
async fn detail(db: &Db, scope: Scope, id: i64, view: StudentView) -> ApiResult<StudentDetail> {
    let row = row(db.pool(), id).await?.ok_or_else(|| ApiError::not_found("student"))?;
    let mut filter = Filter::new();
    filter.and("m.student_id = ?", [Arg::Int(id)]);
    if view == StudentView::Member {
        scope.groups(&mut filter, "g");
    }
    let sql = format!(
        "SELECT g.id, g.name FROM student_groups g JOIN group_members m ON m.group_id = g.id{} ORDER BY g.name",
        filter.where_sql()
    );
    let groups: Vec<(i64, String)> =
        filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await?;
    // What the platform said of the student's WeChat: the record's, not a member view's.
    let (refused_templates, subscriptions) = match row.openid.as_deref().filter(|_| view == StudentView::Record) {
        Some(openid) => (
            crate::delivery::refusals::of_openid(db, openid).await?,
            crate::delivery::subscribe::of_openid(db, openid).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    // Where their WeChat came from is the record's, like the bind code.
    let follow_source: Option<String> = sqlx::query_scalar(
        "SELECT q.name FROM students s JOIN followers f ON f.openid = s.openid \
         JOIN qrcodes q ON q.id = f.source_qrcode_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    Ok(StudentDetail {
        refused_templates,
        subscriptions,
        follow_source: follow_source.filter(|_| view == StudentView::Record),
        bind_code: (view == StudentView::Record).then(|| row.bind_code.clone()),
        student: row.into_student(view, true),
        groups: groups.into_iter().map(|(id, name)| GroupRef { id, name }).collect(),
        cadre_terms: super::cadres::of_student(db, id).await?,
    })
}

pub async fn create(db: &Db, scope: Scope, new: NewStudent, audit: Audit<'_>) -> ApiResult<i64> {
    new.validate()?;
    if !scope.may_edit_in_class(db, new.class_id).await? {
        return Err(ApiError::field("class_id", "must be one of your classes"));
    }
    if let Some(class) = new.class_id {
        Scope::All.class(db, class).await.map_err(|_| ApiError::field("class_id", "no such class"))?;
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO students (student_no, name, gender, class_id, phone, email, dormitory, status, bind_code, \
         notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(new.student_no.trim())
    .bind(new.name.trim())
    .bind(new.gender.as_str())
    .bind(new.class_id)
    .bind(new.phone.trim())
    .bind(new.email.trim())
    .bind(new.dormitory.trim())
    .bind(new.status.as_str())
    .bind(new_bind_code())
    .bind(new.notes.trim())
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(number_taken)?;
    audit.target(format!("student:{id}")).detail(new.student_no.trim().to_string()).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// Returns the class the student was in before, when it changed.
pub async fn update(
    db: &Db,
    scope: Scope,
    id: i64,
    patch: StudentPatch,
    audit: Audit<'_>,
) -> ApiResult<Option<Option<i64>>> {
    patch.validate()?;
    scope.student(db, id).await?;
    let before = row(db.pool(), id).await?.ok_or_else(|| ApiError::not_found("student"))?;
    if !scope.may_edit_in_class(db, before.class_id).await? {
        return Err(ApiError::forbidden(
            "not_your_class",
            "only the teachers of this student's class may edit the record",
        ));
    }
    let new_class = if patch.clear_class == Some(true) { Some(None) } else { patch.class_id.map(Some) };
    if let Some(Some(class)) = new_class {
        if !scope.may_edit_in_class(db, Some(class)).await? {
            return Err(ApiError::field("class_id", "must be one of your classes"));
        }
        Scope::All.class(db, class).await.map_err(|_| ApiError::field("class_id", "no such class"))?;
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE students SET student_no = COALESCE($1, student_no), name = COALESCE($2, name), \
         gender = COALESCE($3, gender), phone = COALESCE($4, phone), email = COALESCE($5, email), \
         dormitory = COALESCE($6, dormitory), status = COALESCE($7, status), notes = COALESCE($8, notes), \
         updated_at = $9 WHERE id = $10",
    )
    .bind(patch.student_no.as_deref().map(str::trim))
    .bind(patch.name.as_deref().map(str::trim))
    .bind(patch.gender.map(Gender::as_str))
    .bind(patch.phone.as_deref().map(str::trim))
    .bind(patch.email.as_deref().map(str::trim))
    .bind(patch.dormitory.as_deref().map(str::trim))
    .bind(patch.status.map(StudentStatus::as_str))
    .bind(patch.notes.as_deref().map(str::trim))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(number_taken)?;
    let moved = match new_class {
        Some(class) if class != before.class_id => {
            sqlx::query("UPDATE students SET class_id = $1 WHERE id = $2")
                .bind(class)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Some(before.class_id)
        }
        _ => None,
    };
    audit.target(format!("student:{id}")).detail(before.student_no).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(moved)
}

pub async fn delete(db: &Db, scope: Scope, id: i64, audit: Audit<'_>) -> ApiResult<StudentRow> {
    scope.student(db, id).await?;
    let before = row(db.pool(), id).await?.ok_or_else(|| ApiError::not_found("student"))?;
    if !scope.may_edit_in_class(db, before.class_id).await? {
        return Err(ApiError::forbidden(
            "not_your_class",
            "only the teachers of this student's class may delete the record",
        ));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM students WHERE id = $1").bind(id).execute(&mut *tx).await?;
    audit
        .target(format!("student:{id}"))
        .detail(format!("{} {}", before.student_no, before.name))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(before)
}
