//! A roster file into rows: CSV (UTF-8 with or without BOM, or GB18030 as Excel writes it
//! on Chinese Windows) or XLSX (the first sheet, read by `xlsx`), with Chinese or English
//! headers. Rows are kept sparse (only the cells that hold something), and both formats
//! stop at the same bounds, so no file makes the server allocate more than its content.

use crate::http::sheet::unneutralised;

/// The fields a roster column can hold, and the headers that name each.
pub const FIELDS: &[(&str, &[&str])] = &[
    ("student_no", &["学号", "学生学号", "学生编号", "student_no", "studentno", "student number", "number", "id"]),
    ("name", &["姓名", "学生姓名", "名字", "name", "student name"]),
    ("gender", &["性别", "gender", "sex"]),
    ("class", &["班级", "班级名称", "所在班级", "class", "class name"]),
    ("phone", &["手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile", "telephone"]),
    ("email", &["邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "mail"]),
    ("dormitory", &["宿舍", "寝室", "宿舍号", "dormitory", "dorm"]),
    ("status", &["状态", "学籍状态", "在读状态", "status"]),
    ("notes", &["备注", "notes", "note", "remark"]),
    ("bind_code", &["绑定码", "验证码", "bind_code", "bind code"]),
];

/// The headers an export writes (and an import of it reads back).
pub const EXPORT_HEADERS: &[(&str, &str)] = &[
    ("student_no", "学号"),
    ("name", "姓名"),
    ("gender", "性别"),
    ("class", "班级"),
    ("phone", "手机"),
    ("email", "邮箱"),
    ("dormitory", "宿舍"),
    ("status", "状态"),
    ("notes", "备注"),
];

/// A roster holds at most this many students (rows below the header).
pub const MAX_STUDENTS: usize = 50_000;
/// Columns a roster file may use (a school system's export has a few dozen at most).
pub const MAX_COLUMNS: u32 = 200;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ParseError {
    // The messages reach the teacher who chose the file: in Chinese.
    #[error("文件超出名单的上限（最多 50000 名学生、200 列），没有导入任何内容：{0}")]
    TooLarge(String),
    #[error("文件是空的")]
    Empty,
    #[error("无法读取这个表格文件：{0}")]
    Spreadsheet(String),
    #[error("无法读取这个 CSV 文件：{0}")]
    Csv(String),
    #[error("找不到“学号”列：文件的第一行须为表头（学号、姓名、班级……）")]
    NoStudentNo,
    #[error("找不到“姓名”列：文件的第一行须为表头（学号、姓名、班级……）")]
    NoName,
}

/// The file's data rows with each recognised column's value, by field.
#[derive(Debug, Default)]
pub struct Table {
    /// Recognised fields, in file order.
    pub fields: Vec<&'static str>,
    /// Per data row: its spreadsheet row number and its values, one per `fields`.
    pub rows: Vec<(u32, Vec<String>)>,
}

fn normalise(header: &str) -> String {
    header.trim_start_matches('\u{feff}').trim().trim_matches('*').trim().to_lowercase().replace(['_', ' '], "")
}

/// Which field a header names, if any.
pub fn field_of(header: &str) -> Option<&'static str> {
    let key = normalise(header);
    FIELDS.iter().find(|(_, names)| names.iter().any(|n| normalise(n) == key)).map(|(field, _)| *field)
}

fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// Rows of cells, each with the row number a spreadsheet would show and its filled cells
/// as (column index, text), in column order.
pub type Cells = Vec<(u32, Vec<(u32, String)>)>;

/// The text of column `column` in a row of `Cells`.
fn cell(row: &[(u32, String)], column: u32) -> Option<&str> {
    row.binary_search_by_key(&column, |(c, _)| *c).ok().map(|i| row[i].1.as_str())
}

fn cells_of_csv(bytes: &[u8]) -> Result<Cells, ParseError> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    // The reader skips blank lines without counting them: the line is counted from the
    // record's byte offset instead, so a row number is the one an editor shows.
    let (mut line, mut counted_to) = (1u32, 0usize);
    let mut cells = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ParseError::Csv(e.to_string()))?;
        let bytes = text.as_bytes();
        // A record's position is where the reader resumed, before any blank lines it skipped.
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize).clamp(counted_to, text.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        line += bytes[counted_to..start].iter().filter(|&&b| b == b'\n').count() as u32;
        counted_to = start;
        // Empty cells past the last filled one (Excel writes `a,b,,,,`) do not count.
        let used = (0..record.len()).rev().find(|&i| !record[i].is_empty()).map_or(0, |i| i + 1);
        if used > MAX_COLUMNS as usize {
            return Err(ParseError::TooLarge(format!("第 {line} 行有 {used} 列，名单最多 {MAX_COLUMNS} 列")));
        }
        let row: Vec<(u32, String)> = record
            .iter()
            .take(used)
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .map(|(i, c)| (i as u32, c.to_string()))
            .collect();
        if row.is_empty() {
            continue;
        }
        cells.push((line, row));
        // The header and the students: no more lines than that may hold anything.
        if cells.len() > MAX_STUDENTS + 1 {
            return Err(ParseError::TooLarge(format!("超过 {MAX_STUDENTS} 名学生")));
        }
    }
    Ok(cells)
}

/// A CSV or XLSX file's rows of cells (the roster's bounds apply), for other tables too.
pub fn cells(bytes: &[u8]) -> Result<Cells, ParseError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    if is_xlsx(bytes) {
        super::xlsx::cells(bytes)
    } else {
        cells_of_csv(bytes)
    }
}

/// Reads a roster file into a `Table`.
pub fn table(bytes: &[u8]) -> Result<Table, ParseError> {
    let cells = cells(bytes)?;
    // The header is the first row with anything in it.
    let Some(header_at) = cells.iter().position(|(_, row)| row.iter().any(|(_, c)| !c.trim().is_empty())) else {
        return Err(ParseError::Empty);
    };
    let columns: Vec<(u32, &'static str)> =
        cells[header_at].1.iter().filter_map(|(i, h)| field_of(h).map(|f| (*i, f))).collect();
    let mut fields: Vec<&'static str> = Vec::new();
    let mut used: Vec<u32> = Vec::new();
    for (index, field) in columns {
        // The first column naming a field wins; a repeat is ignored.
        if !fields.contains(&field) {
            fields.push(field);
            used.push(index);
        }
    }
    if !fields.contains(&"student_no") {
        return Err(ParseError::NoStudentNo);
    }
    if !fields.contains(&"name") {
        return Err(ParseError::NoName);
    }
    let mut rows = Vec::new();
    for (number, row) in cells.iter().skip(header_at + 1) {
        if row.iter().all(|(_, c)| c.trim().is_empty()) {
            continue;
        }
        // A cell an export guarded against spreadsheet formulas (`'=…`) reads back as it was.
        let values = used
            .iter()
            .map(|&i| cell(row, i).map(|v| unneutralised(v.trim()).trim().to_string()).unwrap_or_default())
            .collect();
        rows.push((*number, values));
    }
    Ok(Table { fields, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_headers_name_the_same_fields() {
        assert_eq!(field_of("学号"), Some("student_no"));
        assert_eq!(field_of(" Student No "), Some("student_no"));
        assert_eq!(field_of("*手机号码"), Some("phone"));
        assert_eq!(field_of("\u{feff}姓名"), Some("name"));
        assert_eq!(field_of("爱好"), None);
    }

    #[test]
    fn a_csv_is_read_with_its_row_numbers_and_unknown_columns_ignored() {
        let file = "学号,姓名,爱好,班级\n2023001,李雷,篮球,计算机2301\n\n2023002,韩梅梅,,计算机2301\n";
        let table = table(file.as_bytes()).unwrap();
        assert_eq!(table.fields, ["student_no", "name", "class"]);
        assert_eq!(table.rows[0], (2, vec!["2023001".to_string(), "李雷".into(), "计算机2301".into()]));
        assert_eq!(table.rows[1].0, 4, "the blank line keeps its number");
    }

    #[test]
    fn a_gb18030_csv_from_excel_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("学号,姓名\n2023001,李雷\n");
        let table = table(&bytes).unwrap();
        assert_eq!(table.rows[0].1, ["2023001", "李雷"]);
    }

    #[test]
    fn a_file_without_a_student_number_column_is_refused() {
        assert_eq!(table("姓名,班级\n李雷,一班\n".as_bytes()).unwrap_err(), ParseError::NoStudentNo);
        assert_eq!(table(b"  \n").unwrap_err(), ParseError::Empty);
    }

    #[test]
    fn a_csv_with_more_rows_than_a_school_has_students_is_refused() {
        let mut file = String::from("学号,姓名\n");
        for n in 0..=MAX_STUDENTS {
            file.push_str(&format!("{n},学生\n"));
        }
        let err = table(file.as_bytes()).unwrap_err();
        assert_eq!(err, ParseError::TooLarge("超过 50000 名学生".into()));
        file.truncate(file.trim_end().rfind('\n').unwrap() + 1);
        assert_eq!(table(file.as_bytes()).unwrap().rows.len(), MAX_STUDENTS, "exactly the limit is read");
    }

    #[test]
    fn a_csv_line_of_a_million_columns_is_refused_but_trailing_empty_ones_are_not_counted() {
        let wide = format!("学号,姓名\n1,{}x\n", ",".repeat(1_000_000));
        let err = table(wide.as_bytes()).unwrap_err();
        assert_eq!(err, ParseError::TooLarge("第 2 行有 1000002 列，名单最多 200 列".into()));
        let trailing = format!("学号,姓名{}\n1,李雷{}\n", ",".repeat(5_000), ",".repeat(5_000));
        assert_eq!(table(trailing.as_bytes()).unwrap().rows, [(2, vec!["1".to_string(), "李雷".into()])]);
    }

    #[test]
    fn a_csv_cell_guarded_against_formulas_by_an_export_reads_back_as_it_was() {
        let file = "学号,姓名,备注\n1,'=1+1,'-\n2,'O'Neil,'-5\n";
        let table = table(file.as_bytes()).unwrap();
        assert_eq!(table.rows[0].1, ["1", "=1+1", "-"]);
        assert_eq!(table.rows[1].1, ["2", "'O'Neil", "'-5"], "a quote the export did not add stays");
    }
}
