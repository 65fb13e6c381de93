//! Tables as files for Excel users: CSV (UTF-8 with a BOM, so Excel shows the Chinese)
//! or XLSX (every cell text, so a 学号 or phone number never turns into a number). The
//! roster export, the notice report's, the check-in and the activity exports all write
//! through here, so every CSV gets the formula guard below.
//!
//! A CSV cell is not data to a spreadsheet: Excel, WPS and LibreOffice run a cell that
//! starts with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(…)` leaks the sheet to a
//! web address, DDE ones start programs), and a leading tab or carriage return hides it.
//! Names, notes, reasons and comments come from students and teachers, so every CSV cell
//! that starts with one of those (or with their full-width forms ＝ ＋ － ＠, which East
//! Asian Excel may turn into the half-width ones: guarded as a precaution, since a Chinese
//! note rarely starts with them) gets a leading `'` (OWASP's advice): the
//! spreadsheet shows it as text. A plain number (`-5`, `+86`) is left alone: it is no
//! formula, and a quote would only spoil it. XLSX cells are written as strings, which no
//! spreadsheet evaluates, so XLSX needs no guard. The roster import takes the `'` back off.

use poem_openapi::payload::{Attachment, AttachmentType};
use poem_openapi::Enum;

use crate::error::{ApiError, ApiResult};

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "lowercase")]
pub enum FileFormat {
    Csv,
    Xlsx,
}

/// A table: its sheet name, headers, and rows of text cells.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub headers: Vec<&'a str>,
    pub rows: Vec<Vec<String>>,
    /// Column widths (in characters) for XLSX, by column index.
    pub widths: Vec<(u16, f64)>,
}

/// The characters a spreadsheet reads as the start of a formula (or that hide one).
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A number as a spreadsheet would type it: optional sign, digits, at most one point.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    !(whole.is_empty() && fraction.is_none_or(str::is_empty))
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a cell needs the guard: it starts a formula, or it is a guarded-looking cell
/// (`'=…`) that the import would otherwise take for one of ours.
fn needs_guard(cell: &str) -> bool {
    let unquoted = cell.trim_start_matches('\'');
    unquoted.starts_with(FORMULA_STARTS) && !is_plain_number(unquoted)
}

/// The cell as a spreadsheet will show it, never run it: a formula start gets a `'` first.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// What `neutralised` added, taken off again (a roster exported as CSV reads back as it was).
pub fn unneutralised(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

pub fn csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = b"\xef\xbb\xbf".to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let _ = writer.write_record(sheet.headers.iter().map(|h| neutralised(h).into_owned()));
        for row in &sheet.rows {
            let _ = writer.write_record(row.iter().map(|cell| neutralised(cell).into_owned()));
        }
        let _ = writer.flush();
    }
    out
}

pub fn xlsx(sheet: &Sheet) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet.name)?;
    let bold = Format::new().set_bold();
    for (col, header) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *header, &bold)?;
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        for (col, value) in row.iter().enumerate() {
            ws.write_string(i as u32 + 1, col as u16, value)?;
        }
    }
    for (col, width) in &sheet.widths {
        ws.set_column_width(*col, *width)?;
    }
    book.save_to_buffer()
}

/// The sheet as a download named `name.csv` / `name.xlsx`.
pub fn file(name: &str, format: FileFormat, sheet: &Sheet) -> ApiResult<Attachment<Vec<u8>>> {
    let (bytes, ext) = match format {
        FileFormat::Csv => (csv(sheet), "csv"),
        FileFormat::Xlsx => (xlsx(sheet).map_err(ApiError::internal)?, "xlsx"),
    };
    Ok(Attachment::new(bytes).attachment_type(AttachmentType::Attachment).filename(format!("{name}.{ext}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_of(cells: &[&str]) -> String {
        let sheet = Sheet {
            name: "t",
            headers: vec!["h"],
            rows: cells.iter().map(|c| vec![c.to_string()]).collect(),
            widths: vec![],
        };
        String::from_utf8(csv(&sheet)).unwrap()
    }

    #[test]
    fn a_csv_cell_that_excel_would_run_as_a_formula_is_written_as_text() {
        let written =
            csv_of(&["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "－1"]);
        let lines: Vec<&str> = written.trim_start_matches('\u{feff}').split('\n').collect();
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
        assert_eq!(&lines[2..5], ["'+1+2", "'-2+3", "'@SUM(A1)"]);
        assert_eq!(lines[5], "'\t=1");
        assert_eq!(lines[6], "\"'\r=1\"");
        assert_eq!(&lines[7..9], ["'＝1+1", "'－1"]);
    }

    #[test]
    fn plain_numbers_names_and_dashes_inside_text_are_written_as_they_are() {
        for cell in ["-5", "+86", "3.5", "-0.25", "李雷", "王-小明", "a=b", "2023-09-01 08:00", ""] {
            assert_eq!(neutralised(cell), cell, "{cell}");
        }
        for cell in ["-", "+", "-.", "--5", "+86 138", "1e5-"] {
            let expected = if cell.starts_with(['-', '+']) { format!("'{cell}") } else { cell.to_string() };
            assert_eq!(neutralised(cell), expected, "{cell}");
        }
    }

    #[test]
    fn the_guard_comes_off_again_on_import_and_only_the_guard() {
        for cell in ["=1+1", "@x", "-", "＋1", "\t=1", "李雷", "-5", "'plain quote", "'=x", "''@y"] {
            assert_eq!(unneutralised(&neutralised(cell)), cell);
        }
        assert_eq!(unneutralised("'-5"), "'-5", "a quoted number was typed so; it stays");
    }
}
