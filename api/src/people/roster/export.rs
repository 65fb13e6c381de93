//! A roster as a file: the students a caller sees (with the list's filters), in the
//! columns an import reads back, as CSV or XLSX (`crate::http::sheet`). Phone numbers
//! are in full for the students whose record the caller holds, so every export is
//! written to the audit log; members of the caller's groups from other classes come with
//! phone, e-mail, dormitory and notes left empty (which an import reads as "keep").

use shared::{Gender, StudentStatus};

use super::parse::EXPORT_HEADERS;
use crate::db::Db;
use crate::http::sheet::Sheet;
use crate::people::scope::{RecordClasses, StudentView};
use crate::people::students::{filter_for, StudentQuery, StudentRow, SELECT};
use crate::people::Scope;

pub async fn rows(db: &Db, scope: Scope, query: &StudentQuery) -> sqlx::Result<Vec<StudentRow>> {
    let filter = filter_for(scope, query);
    let sql = format!("{SELECT}{} ORDER BY c.name, s.student_no", filter.where_sql());
    filter.bind_as(sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(db.pool()).await
}

fn cells(row: &StudentRow, records: &RecordClasses) -> [String; 9] {
    let record = records.view(row.class_id) == StudentView::Record;
    let private = |text: &String| if record { text.clone() } else { String::new() };
    [
        row.student_no.clone(),
        row.name.clone(),
        Gender::parse(&row.gender).unwrap_or_default().label().to_string(),
        row.class_name.clone().unwrap_or_default(),
        private(&row.phone),
        private(&row.email),
        private(&row.dormitory),
        StudentStatus::parse(&row.status).unwrap_or_default().label().to_string(),
        private(&row.notes),
    ]
}

pub fn sheet(rows: &[StudentRow], records: &RecordClasses) -> Sheet<'static> {
    Sheet {
        name: "学生名单",
        headers: EXPORT_HEADERS.iter().map(|(_, h)| *h).collect(),
        rows: rows.iter().map(|r| cells(r, records).to_vec()).collect(),
        widths: vec![(0, 14.0), (3, 14.0), (4, 14.0)],
    }
}
