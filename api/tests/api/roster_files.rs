//! Hostile files in and out of rosters: an XLSX that describes a huge sheet in a few
//! bytes (it used to abort the server), one that unpacks to far more than it weighs, and
//! names that a spreadsheet would run as formulas when a teacher opens the CSV export.

use std::io::Write;

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

/// A minimal XLSX written part by part, with `sheet` as its first sheet's XML and
/// `padding` bytes of an extra part (zeros, which compress to almost nothing).
fn xlsx_by_hand(sheet: &str, padding: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    if padding > 0 {
        zip.start_file("xl/media/padding.bin", options).unwrap();
        let chunk = vec![0u8; 1024 * 1024];
        let mut left = padding;
        while left > 0 {
            let n = left.min(chunk.len());
            zip.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
    }
    zip.finish().unwrap().into_inner()
}

fn sheet_xml(dimension: &str, cells: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
    )
}

const HEADER_ROW: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>学号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>"#;

/// The server still answers, and still imports a good roster.
async fn still_alive(app: &TestApp, admin: &crate::helpers::Session) {
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let good = app.import_roster(admin, "学号,姓名\n2023010101,李雷\n".as_bytes().to_vec(), true, false).await;
    assert_eq!((good["status"].as_str(), good["report"]["valid_rows"].as_u64()), (Some("done"), Some(1)), "{good}");
}

fn failed_because(job: &Value, words: &[&str]) {
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("文件超出名单的上限"), "{error}");
    for word in words {
        assert!(error.contains(word), "{error} should say {word}");
    }
}

#[tokio::test]
async fn a_tiny_xlsx_spanning_a1_to_xfd1048576_fails_its_import_and_the_server_lives_on() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    // Two cells, A1 and XFD1048576: a 6 KB file whose sheet is 2^20 rows × 2^14 columns.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "学号").unwrap();
    sheet.write_string(1_048_575, 16_383, "姓名").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    assert!(bytes.len() < 10_000, "a tiny file: {} bytes", bytes.len());

    let job = app.import_roster(&admin, bytes, true, false).await;

    failed_because(&job, &["第 1048576 行", "第 16384 列", "100000 行", "200 列"]);
    still_alive(&app, &admin).await;
}

#[tokio::test]
async fn an_xlsx_whose_dimension_lies_fails_at_its_first_far_cell() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let far = r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#;
    let bytes = xlsx_by_hand(&sheet_xml("A1:B2", &format!("{HEADER_ROW}{far}")), 0);

    let job = app.import_roster(&admin, bytes, true, false).await;

    failed_because(&job, &["有单元格位于第 1048576 行第 16384 列"]);
    still_alive(&app, &admin).await;
}

#[tokio::test]
async fn an_xlsx_that_unpacks_to_far_more_than_it_weighs_is_refused_before_it_is_read() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    // 200 MiB of zeros in a part: about 200 KB packed.
    let bytes = xlsx_by_hand(&sheet_xml("A1:B1", HEADER_ROW), 200 * 1024 * 1024);
    assert!(bytes.len() < 1024 * 1024, "{} bytes", bytes.len());

    let job = app.import_roster(&admin, bytes, true, false).await;

    failed_because(&job, &["解压后 200 MiB", "最多 128 MiB"]);
    still_alive(&app, &admin).await;
}

#[tokio::test]
async fn an_xlsx_with_more_rows_than_a_school_has_students_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let rows: String = (2..=50_002)
        .map(|r| {
            format!(
                r#"<row r="{r}"><c r="A{r}"><v>{}</v></c><c r="B{r}" t="inlineStr"><is><t>学生</t></is></c></row>"#,
                2_000_000 + r
            )
        })
        .collect();
    let bytes = xlsx_by_hand(&sheet_xml("A1:B50002", &format!("{HEADER_ROW}{rows}")), 0);

    let job = app.import_roster(&admin, bytes, true, false).await;

    failed_because(&job, &["超过 50000 名学生"]);
}

#[tokio::test]
async fn a_student_named_like_a_formula_is_exported_as_text_that_excel_does_not_run() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let name = r#"=HYPERLINK("http://evil","x")"#;
    let notes = "@SUM(1+1)*cmd|' /C calc'!A0";
    let file = format!("学号,姓名,班级,备注\n2023010101,\"{}\",计算机2301,{notes}\n", name.replace('"', "\"\""));
    let job = app.import_roster(&admin, file.into_bytes(), false, true).await;
    assert_eq!(job["report"]["applied"], true, "{job}");

    let csv = app.get("/api/v1/roster/export?format=csv", &admin.access).await.bytes().await.unwrap().to_vec();
    let text = String::from_utf8(csv.clone()).unwrap();
    let row = text.lines().nth(1).unwrap();
    assert!(row.starts_with(r#"2023010101,"'=HYPERLINK(""http://evil"",""x"")","#), "{row}");
    assert!(row.ends_with(",'@SUM(1+1)*cmd|' /C calc'!A0"), "{row}");

    // The export reads back as the same student: the guard comes off on import.
    let back = app.import_roster(&admin, csv, false, false).await;
    assert_eq!(back["report"]["errors"], json!([]), "{back}");
    let list: Value = app.get("/api/v1/students", &admin.access).await.json().await.unwrap();
    assert_eq!(list["items"][0]["name"], name);

    // XLSX cells are strings, which no spreadsheet evaluates: written as they are.
    let xlsx = app.get("/api/v1/roster/export?format=xlsx", &admin.access).await.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.get_value((1, 1)), Some(&calamine::Data::String(name.to_string())));
}
