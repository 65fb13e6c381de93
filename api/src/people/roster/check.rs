//! Every row of a roster checked before anything is written: required fields, formats,
//! the class it names, 学号 repeated in the file, and — for a teacher — that the row
//! touches only students and classes they are responsible for.

use std::collections::{HashMap, HashSet};

use shared::{Gender, RowError, StudentStatus};

use super::parse::Table;
use crate::db::Db;
use crate::people::Scope;

/// A row that passed, ready to write. `None` means "not given": an existing student
/// keeps what they had; a new one gets the default.
#[derive(Debug, Clone)]
pub struct Entry {
    pub student_no: String,
    pub name: String,
    pub gender: Option<Gender>,
    pub class: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub dormitory: Option<String>,
    pub status: Option<StudentStatus>,
    pub notes: Option<String>,
    pub bind_code: Option<String>,
    /// The existing student with this 学号: (id, class id).
    pub existing: Option<(i64, Option<i64>)>,
}

#[derive(Debug, Default)]
pub struct Checked {
    pub entries: Vec<Entry>,
    pub errors: Vec<RowError>,
    /// Class names the file uses that do not exist.
    pub missing_classes: Vec<String>,
    /// Every class by name.
    pub classes: HashMap<String, i64>,
}

pub struct Options {
    pub scope: Scope,
    /// Missing classes are created (admins only); otherwise a row naming one fails.
    pub create_classes: bool,
}

fn error(row: u32, student_no: &str, field: &str, code: &str, message: impl Into<String>) -> RowError {
    RowError {
        row,
        student_no: student_no.to_string(),
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// `+86 138-0000-0001` → `13800000001`.
fn clean_phone(phone: &str) -> String {
    let digits: String = phone.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    digits.strip_prefix("+86").unwrap_or(&digits).to_string()
}

fn given(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// The classes a teacher may import into (all, for admins: `None`).
async fn allowed_classes(db: &Db, scope: Scope) -> sqlx::Result<Option<HashSet<i64>>> {
    match scope {
        Scope::All => Ok(None),
        Scope::Teacher(user) => {
            let ids: Vec<i64> = sqlx::query_scalar("SELECT class_id FROM class_teachers WHERE user_id = $1")
                .bind(user)
                .fetch_all(db.pool())
                .await?;
            Ok(Some(ids.into_iter().collect()))
        }
    }
}

/// The existing students among `numbers`: 学号 → (id, class id).
async fn existing(db: &Db, numbers: &[String]) -> sqlx::Result<HashMap<String, (i64, Option<i64>)>> {
    let mut found = HashMap::new();
    for chunk in numbers.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql =
            format!("SELECT student_no, id, class_id FROM students WHERE student_no IN ({})", placeholders.join(", "));
        let mut query = sqlx::query_as::<_, (String, i64, Option<i64>)>(sqlx::AssertSqlSafe(sql));
        for no in chunk {
            query = query.bind(no);
        }
        for (no, id, class) in query.fetch_all(db.pool()).await? {
            found.insert(no, (id, class));
        }
    }
    Ok(found)
}

/// Checks every row; `progress` is told how many rows are done as it goes.
pub async fn check(db: &Db, table: &Table, options: &Options, progress: impl Fn(u32)) -> sqlx::Result<Checked> {
    let col = |field: &str| table.fields.iter().position(|f| *f == field);
    let (c_no, c_name) = (col("student_no").expect("checked by parse"), col("name").expect("checked by parse"));
    let (c_gender, c_class, c_phone, c_email) = (col("gender"), col("class"), col("phone"), col("email"));
    let (c_dorm, c_status, c_notes, c_code) = (col("dormitory"), col("status"), col("notes"), col("bind_code"));

    let classes: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>("SELECT name, id FROM classes")
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .collect();
    let allowed = allowed_classes(db, options.scope).await?;
    let numbers: Vec<String> = table.rows.iter().map(|(_, v)| v[c_no].trim().to_string()).collect();
    let existing = existing(db, &numbers).await?;

    let mut out = Checked { classes, ..Checked::default() };
    let mut first_row: HashMap<String, u32> = HashMap::new();
    let mut missing: Vec<String> = Vec::new();
    for (done, (row, values)) in table.rows.iter().enumerate() {
        if done % 500 == 0 {
            progress(done as u32);
        }
        let row = *row;
        let at = |c: Option<usize>| c.map(|i| values[i].as_str()).unwrap_or("");
        let no = values[c_no].trim().to_string();
        let errors_before = out.errors.len();
        let mut fail =
            |field: &str, code: &str, message: String| out.errors.push(error(row, &no, field, code, message));

        if let Err(problem) = shared::validate::student_no(&no) {
            let code = if no.is_empty() { "required" } else { "invalid" };
            fail("student_no", code, format!("学号 {}", problem.message()));
        } else if let Some(first) = first_row.get(&no) {
            fail("student_no", "duplicate_in_file", format!("学号 {no} also appears in row {first}"));
        }
        first_row.entry(no.clone()).or_insert(row);
        let name = values[c_name].trim().to_string();
        if let Err(problem) = shared::validate::label(&name, 32) {
            let code = if name.is_empty() { "required" } else { "invalid" };
            fail("name", code, format!("name {}", problem.message()));
        }
        let gender = match given(at(c_gender)) {
            None => None,
            Some(g) => match Gender::parse(&g) {
                Some(g) => Some(g),
                None => {
                    fail("gender", "unknown_value", format!("gender {g:?} is not 男 or 女"));
                    None
                }
            },
        };
        let status = match given(at(c_status)) {
            None => None,
            Some(s) => match StudentStatus::parse(&s) {
                Some(s) => Some(s),
                None => {
                    fail("status", "unknown_value", format!("status {s:?} is not 在读, 休学 or 毕业"));
                    None
                }
            },
        };
        let phone = given(at(c_phone)).map(|p| clean_phone(&p));
        if let Some(p) = &phone {
            if shared::validate::phone(p).is_err() {
                fail("phone", "invalid", format!("phone {p} is not an 11-digit mobile number"));
            }
        }
        let email = given(at(c_email));
        if email.as_deref().is_some_and(|e| shared::validate::email(e).is_err()) {
            fail("email", "invalid", "email is not an e-mail address".into());
        }
        let dormitory = given(at(c_dorm));
        if dormitory.as_deref().is_some_and(|d| d.chars().count() > 64) {
            fail("dormitory", "too_long", "dormitory is longer than 64 characters".into());
        }
        let notes = given(at(c_notes));
        if notes.as_deref().is_some_and(|n| n.chars().count() > 500) {
            fail("notes", "too_long", "notes are longer than 500 characters".into());
        }
        let bind_code = given(at(c_code));
        if bind_code.as_deref().is_some_and(|c| c.len() != 6 || !c.chars().all(|d| d.is_ascii_digit())) {
            fail("bind_code", "invalid", "bind code must be 6 digits".into());
        }
        let class = given(at(c_class));
        let known = existing.get(&no).copied();
        match (&class, &out.classes) {
            (Some(name), classes) => match classes.get(name) {
                Some(id) if allowed.as_ref().is_some_and(|a| !a.contains(id)) => {
                    fail("class", "not_yours", format!("class {name} is not one of your classes"));
                }
                Some(_) => {}
                None if options.create_classes && options.scope.is_all() => {
                    if !missing.contains(name) {
                        missing.push(name.clone());
                    }
                }
                None => fail("class", "unknown_class", format!("there is no class {name}")),
            },
            (None, _) if known.is_none() && !options.scope.is_all() => {
                fail("class", "required", "a new student needs one of your classes".into());
            }
            _ => {}
        }
        if let (Some((_, current)), Some(allowed)) = (known, &allowed) {
            if !current.is_some_and(|c| allowed.contains(&c)) {
                fail("student_no", "not_yours", format!("学号 {no} belongs to a student you are not responsible for"));
            }
        }
        if out.errors.len() == errors_before {
            out.entries.push(Entry {
                student_no: no,
                name,
                gender,
                class,
                phone,
                email,
                dormitory,
                status,
                notes,
                bind_code,
                existing: known,
            });
        }
    }
    progress(table.rows.len() as u32);
    out.missing_classes = missing;
    Ok(out)
}
