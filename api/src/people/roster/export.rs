//! A roster as a file: the students a caller sees (with the list's filters), in the
//! columns an import reads back, as CSV (UTF-8 with a BOM, so Excel shows the Chinese)
//! or XLSX. Phone numbers are in full, so every export is written to the audit log.

use shared::{Gender, StudentStatus};

use super::parse::EXPORT_HEADERS;
use crate::db::Db;
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

pub fn csv(rows: &[StudentRow]) -> Vec<u8> {
    let mut out = b"\xef\xbb\xbf".to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let _ = writer.write_record(EXPORT_HEADERS.iter().map(|(_, h)| *h));
        for row in rows {
            let _ = writer.write_record(cells(row));
        }
        let _ = writer.flush();
    }
    out
}

pub fn xlsx(rows: &[StudentRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("学生名单")?;
    let bold = Format::new().set_bold();
    for (col, (_, header)) in EXPORT_HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *header, &bold)?;
    }
    for (i, row) in rows.iter().enumerate() {
        for (col, value) in cells(row).iter().enumerate() {
            // Text cells: a 学号 or phone number must not turn into a number.
            sheet.write_string(i as u32 + 1, col as u16, value)?;
        }
    }
    sheet.set_column_width(0, 14)?;
    sheet.set_column_width(3, 14)?;
    sheet.set_column_width(4, 14)?;
    book.save_to_buffer()
}
