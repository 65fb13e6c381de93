//! The first sheet of an XLSX roster, read cell by cell within bounds.
//!
//! An XLSX is a zip of XML, so a file of a few kilobytes can describe a sheet of 2^20 rows
//! × 2^14 columns (two cells, A1 and XFD1048576) or unpack to gigabytes. calamine's
//! `worksheet_range` allocates rows × columns for the cells' bounding box, which for that
//! sheet is 17 billion cells: the process aborts. So the reader here never builds a
//! range: it checks the archive's unpacked size and the sheet's declared `<dimension>`
//! first, then streams the cells, keeping only the filled ones (sparse), and stops with
//! `ParseError::TooLarge` at the first bound passed. Each bound is far above a real
//! roster (a school has tens of thousands of students and a dozen columns).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xlsx};

use super::parse::{Cells, ParseError, MAX_COLUMNS, MAX_STUDENTS};

/// The last row a cell may be in (the sheet's own row number).
pub const MAX_SHEET_ROWS: u32 = 100_000;
/// Filled cells kept, and cells read in all (empty, formatted-only ones included).
pub const MAX_FILLED_CELLS: usize = 1_500_000;
pub const MAX_CELLS_READ: usize = 10_000_000;
/// What the archive's parts may unpack to, together (the shared strings are read whole).
pub const MAX_UNPACKED_BYTES: u64 = 128 * 1024 * 1024;
/// The text of all filled cells (one long shared string used by a million cells would
/// otherwise be copied a million times).
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

fn too_large(what: String) -> ParseError {
    ParseError::TooLarge(what)
}

fn spreadsheet(err: impl std::fmt::Display) -> ParseError {
    ParseError::Spreadsheet(err.to_string())
}

/// Sums the sizes the zip's central directory declares; the zip reader refuses to unpack
/// a part past its declared size, so this bounds what calamine can unpack.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), ParseError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(spreadsheet)?;
    let mut total = 0u64;
    for index in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(index).map_err(spreadsheet)?.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(too_large(format!(
            "解压后 {} MiB，名单解压后最多 {} MiB",
            total / (1024 * 1024),
            MAX_UNPACKED_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

/// A cell position (zero-based) within the bounds, or why not.
fn check_position(row: u32, column: u32, declared: bool) -> Result<(), ParseError> {
    if row < MAX_SHEET_ROWS && column < MAX_COLUMNS {
        return Ok(());
    }
    let what = if declared { "表格声明的范围到" } else { "表格有单元格位于" };
    Err(too_large(format!(
        "{what}第 {} 行第 {} 列，名单最多 {MAX_SHEET_ROWS} 行、{MAX_COLUMNS} 列",
        u64::from(row) + 1,
        u64::from(column) + 1,
    )))
}

/// The first sheet's filled cells, by row, each row's cells in column order.
pub fn cells(bytes: &[u8]) -> Result<Cells, ParseError> {
    check_unpacked_size(bytes)?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(spreadsheet)?;
    let first = book.sheet_names().into_iter().next().ok_or_else(|| spreadsheet("it has no sheet"))?;
    let mut reader = book.worksheet_cells_reader(&first).map_err(spreadsheet)?;
    let declared = reader.dimensions();
    check_position(declared.end.0, declared.end.1, true)?;

    let mut rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    let (mut read, mut filled, mut text) = (0usize, 0usize, 0usize);
    while let Some(cell) = reader.next_cell().map_err(spreadsheet)? {
        read += 1;
        if read > MAX_CELLS_READ {
            return Err(too_large(format!("表格超过 {MAX_CELLS_READ} 个单元格")));
        }
        let (row, column) = cell.get_position();
        check_position(row, column, false)?;
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::SharedString("") => continue,
            // Measured before it is copied.
            DataRef::SharedString(s) => {
                text += s.len();
                s.to_string()
            }
            other => {
                let value = Data::from(other.clone()).to_string();
                text += value.len();
                value
            }
        };
        if text > MAX_TEXT_BYTES {
            return Err(too_large(format!("单元格文字超过 {} MiB", MAX_TEXT_BYTES / (1024 * 1024))));
        }
        filled += 1;
        if filled > MAX_FILLED_CELLS {
            return Err(too_large(format!("表格超过 {MAX_FILLED_CELLS} 个非空单元格")));
        }
        let cells = rows.entry(row).or_default();
        cells.push((column, value));
        // The header and the students: no more rows than that may hold anything.
        if rows.len() > MAX_STUDENTS + 1 {
            return Err(too_large(format!("超过 {MAX_STUDENTS} 名学生")));
        }
    }
    Ok(rows
        .into_iter()
        .map(|(row, mut cells)| {
            cells.sort_by_key(|(column, _)| *column);
            (row + 1, cells)
        })
        .collect())
}
