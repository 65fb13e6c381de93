//! Tables as files for Excel users: CSV (UTF-8 with a BOM, so Excel shows the Chinese)
//! or XLSX (every cell text, so a 学号 or phone number never turns into a number). The
//! roster export and the notice report's exports both write through here.

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

pub fn csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = b"\xef\xbb\xbf".to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let _ = writer.write_record(&sheet.headers);
        for row in &sheet.rows {
            let _ = writer.write_record(row);
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
