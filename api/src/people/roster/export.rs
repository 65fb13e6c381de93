//! A roster as a file: the students a caller sees (with the list's filters), in the
//! columns an import reads back, as CSV or XLSX (`crate::http::sheet`). Phone numbers
//! are in full, so every export is written to the audit log.

use shared::{Gender, StudentStatus};

use super::parse::EXPORT_HEADERS;
use crate::db::Db;
use crate::http::sheet::Sheet;
use crate::people::students::{filter_for, StudentQuery, StudentRow, SELECT};
use crate::people::Scope;

pub async fn rows(db: &Db, scope: Scope, query: &StudentQuery) -> sqlx::Result<Vec<StudentRow>> {
    let filter = filter_for(scope, query);
    let sql = format!("{SELECT}{} ORDER BY c.name, s.student_no", filter.where_sql());
    filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await
}

fn cells(row: &StudentRow) -> [String; 9] {
    [
        row.student_no.clone(),
        row.name.clone(),
        Gender::parse(&row.gender).unwrap_or_default().label().to_string(),
        row.class_name.clone().unwrap_or_default(),
        row.phone.clone(),
        row.email.clone(),
        row.dormitory.clone(),
        StudentStatus::parse(&row.status).unwrap_or_default().label().to_string(),
        row.notes.clone(),
    ]
}

pub fn sheet(rows: &[StudentRow]) -> Sheet<'static> {
    Sheet {
        name: "学生名单",
        headers: EXPORT_HEADERS.iter().map(|(_, h)| *h).collect(),
        rows: rows.iter().map(|r| cells(r).to_vec()).collect(),
        widths: vec![(0, 14.0), (3, 14.0), (4, 14.0)],
    }
}
