//! Writing a checked roster: in one transaction, create the missing classes (when
//! asked), insert the new students in bulk and update the existing ones (only the
//! values the file gives). Running the same file twice changes nothing the second time.

use std::collections::HashMap;

use shared::{Gender, StudentStatus};

use super::check::{Checked, Entry};
use crate::audit::Audit;
use crate::db::bulk;
use crate::db::{now_ms, Db};
use crate::people::students::new_bind_code;

pub struct Applied {
    pub created: u32,
    pub updated: u32,
    /// Bound students whose class changed: (student id, their class before).
    pub moved: Vec<(i64, Option<i64>)>,
}

const NEW_COLUMNS: [&str; 12] = [
    "student_no",
    "name",
    "gender",
    "class_id",
    "phone",
    "email",
    "dormitory",
    "status",
    "bind_code",
    "notes",
    "created_at",
    "updated_at",
];

struct NewRow {
    no: String,
    name: String,
    gender: &'static str,
    class_id: Option<i64>,
    phone: String,
    email: String,
    dormitory: String,
    status: &'static str,
    bind_code: String,
    notes: String,
}

pub async fn apply(
    db: &Db,
    checked: &Checked,
    create_classes: bool,
    audit: Audit<'_>,
    progress: impl Fn(u32),
) -> sqlx::Result<Applied> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let mut classes: HashMap<String, i64> = checked.classes.clone();
    if create_classes {
        for name in &checked.missing_classes {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO classes (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
            )
            .bind(name)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            // The one who imported it is responsible for it (its first teacher).
            if let Some(importer) = audit.actor() {
                sqlx::query("INSERT INTO class_teachers (class_id, user_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(importer)
                    .execute(&mut *tx)
                    .await?;
            }
            classes.insert(name.clone(), id);
        }
    }
    let class_of = |e: &Entry| e.class.as_ref().and_then(|name| classes.get(name).copied());

    let new: Vec<NewRow> = checked
        .entries
        .iter()
        .filter(|e| e.existing.is_none())
        .map(|e| NewRow {
            no: e.student_no.clone(),
            name: e.name.clone(),
            gender: e.gender.unwrap_or_default().as_str(),
            class_id: class_of(e),
            phone: e.phone.clone().unwrap_or_default(),
            email: e.email.clone().unwrap_or_default(),
            dormitory: e.dormitory.clone().unwrap_or_default(),
            status: e.status.unwrap_or_default().as_str(),
            bind_code: e.bind_code.clone().unwrap_or_else(new_bind_code),
            notes: e.notes.clone().unwrap_or_default(),
        })
        .collect();
    let created = bulk::insert(&mut tx, db.backend(), "students", &NEW_COLUMNS, "", &new, |q, r| {
        q.bind(&r.no)
            .bind(&r.name)
            .bind(r.gender)
            .bind(r.class_id)
            .bind(&r.phone)
            .bind(&r.email)
            .bind(&r.dormitory)
            .bind(r.status)
            .bind(&r.bind_code)
            .bind(&r.notes)
            .bind(now)
            .bind(now)
    })
    .await? as u32;
    progress(created);

    let mut updated = 0;
    let mut moved = Vec::new();
    for entry in checked.entries.iter() {
        let Some((id, old_class)) = entry.existing else { continue };
        let new_class = class_of(entry);
        sqlx::query(
            "UPDATE students SET name = $1, gender = COALESCE($2, gender), class_id = COALESCE($3, class_id), \
             phone = COALESCE($4, phone), email = COALESCE($5, email), dormitory = COALESCE($6, dormitory), \
             status = COALESCE($7, status), notes = COALESCE($8, notes), bind_code = COALESCE($9, bind_code), \
             updated_at = $10 WHERE id = $11",
        )
        .bind(&entry.name)
        .bind(entry.gender.map(Gender::as_str))
        .bind(new_class)
        .bind(entry.phone.as_deref())
        .bind(entry.email.as_deref())
        .bind(entry.dormitory.as_deref())
        .bind(entry.status.map(StudentStatus::as_str))
        .bind(entry.notes.as_deref())
        .bind(entry.bind_code.as_deref())
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        updated += 1;
        if new_class.is_some() && new_class != old_class {
            moved.push((id, old_class));
        }
        if updated % 500 == 0 {
            progress(created + updated);
        }
    }
    let detail = format!(
        "新增 {created} 人，更新 {updated} 人，新建班级 {} 个",
        if create_classes { checked.missing_classes.len() } else { 0 }
    );
    audit.target("roster".into()).detail(detail).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(Applied { created, updated, moved })
}
