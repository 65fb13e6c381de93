//! Files attached to a notice: limited in size and kind, stored under the data folder by
//! a generated name (the uploaded name is kept only to show and to offer on download,
//! cleaned of paths and control characters), served with `Content-Disposition`.

use std::path::{Path, PathBuf};

use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};

/// Kinds a school attaches, by extension, and the type they are served as.
const KINDS: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("doc", "application/msword"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xls", "application/vnd.ms-excel"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt", "application/vnd.ms-powerpoint"),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("wps", "application/vnd.ms-works"),
    ("txt", "text/plain; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("zip", "application/zip"),
    ("rar", "application/vnd.rar"),
    ("7z", "application/x-7z-compressed"),
    ("mp3", "audio/mpeg"),
    ("mp4", "video/mp4"),
];

/// The name as it will be shown: no folders, no control or reserved characters, no
/// leading dots, at most 100 characters (keeping the extension).
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_string();
    if cleaned.chars().count() <= 100 {
        return cleaned;
    }
    let (stem, ext) = cleaned.rsplit_once('.').unwrap_or((&cleaned, ""));
    let keep = 100 - ext.chars().count().min(10) - 1;
    format!("{}.{}", stem.chars().take(keep).collect::<String>(), ext.chars().take(10).collect::<String>())
}

/// The served type of an allowed file name, or `None`.
pub fn kind_of(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    KINDS.iter().find(|(e, _)| *e == ext).map(|(_, t)| *t)
}

pub struct Stored {
    pub id: i64,
}

/// An upload checked against the rules: its cleaned name and the type it is served as,
/// or a 422 on `file` saying what is wrong (no name, a kind not taken, empty, too large).
/// The document library takes files by the same rules.
pub fn accept(name: &str, bytes: &[u8], max_bytes: usize) -> ApiResult<(String, &'static str)> {
    let name = clean_name(name);
    if name.is_empty() {
        return Err(ApiError::field("file", "needs a file name"));
    }
    let Some(content_type) = kind_of(&name) else {
        let allowed = KINDS.iter().map(|(e, _)| *e).collect::<Vec<_>>().join(", ");
        return Err(ApiError::field("file", format!("this kind of file is not accepted; allowed: {allowed}")));
    };
    if bytes.is_empty() {
        return Err(ApiError::field("file", "is empty"));
    }
    if bytes.len() > max_bytes {
        return Err(ApiError::field("file", format!("is larger than {} MB", max_bytes / 1024 / 1024)));
    }
    Ok((name, content_type))
}

/// Writes an accepted upload under `folder` of the data folder by a generated name; the
/// path relative to the data folder.
pub async fn save(data_dir: &Path, folder: &str, name: &str, bytes: &[u8]) -> ApiResult<String> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let relative = format!("{folder}/{}.{ext}", uuid::Uuid::new_v4().simple());
    let full = data_dir.join(&relative);
    if let Some(parent) = full.parent() {
        tokio::fs::create_dir_all(parent).await.map_err(ApiError::internal)?;
    }
    tokio::fs::write(&full, bytes).await.map_err(ApiError::internal)?;
    Ok(relative)
}

/// Stores an upload for a notice.
pub async fn store(
    db: &Db,
    data_dir: &Path,
    max_bytes: usize,
    notice_id: i64,
    name: &str,
    bytes: &[u8],
) -> ApiResult<Stored> {
    let (name, content_type) = accept(name, bytes, max_bytes)?;
    let relative = save(data_dir, &format!("attachments/{notice_id}"), &name, bytes).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notice_attachments (notice_id, file_name, content_type, size, path, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(notice_id)
    .bind(&name)
    .bind(content_type)
    .bind(bytes.len() as i64)
    .bind(&relative)
    .bind(now_ms())
    .fetch_one(db.pool())
    .await?;
    Ok(Stored { id })
}

pub struct File {
    pub name: String,
    pub content_type: String,
    pub path: PathBuf,
}

pub async fn find(db: &Db, data_dir: &Path, notice_id: i64, id: i64) -> ApiResult<File> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT file_name, content_type, path FROM notice_attachments WHERE id = $1 AND notice_id = $2")
            .bind(id)
            .bind(notice_id)
            .fetch_optional(db.pool())
            .await?;
    let (name, content_type, path) = row.ok_or_else(|| ApiError::not_found("attachment"))?;
    Ok(File { name, content_type, path: data_dir.join(path) })
}

/// A stored file, sent with its sanitised name in both header forms.
#[derive(poem_openapi::ApiResponse)]
pub enum FileDownload {
    #[oai(status = 200)]
    File(poem_openapi::payload::Binary<Vec<u8>>, #[oai(header = "Content-Disposition")] String),
}

/// Reads an attachment for download (a student's is counted by the caller).
pub async fn download(db: &Db, data_dir: &Path, notice_id: i64, id: i64) -> ApiResult<FileDownload> {
    let file = find(db, data_dir, notice_id, id).await?;
    let bytes = tokio::fs::read(&file.path).await.map_err(|_| ApiError::not_found("attachment"))?;
    Ok(FileDownload::File(poem_openapi::payload::Binary(bytes), disposition(&file.name)))
}

/// One more download of a student's: the total on the file, and the moment, for the hot
/// ranking over a window; an open report of the notice shows it at once.
pub async fn count_download(state: &crate::state::AppState, notice_id: i64, id: i64) -> sqlx::Result<()> {
    let db = &state.db;
    sqlx::query("UPDATE notice_attachments SET downloads = downloads + 1 WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    sqlx::query("INSERT INTO attachment_downloads (notice_id, attachment_id, at) VALUES ($1, $2, $3)")
        .bind(notice_id)
        .bind(id)
        .bind(crate::db::now_ms())
        .execute(db.pool())
        .await?;
    crate::receipts::live::changed(&state.kv, [notice_id]).await;
    Ok(())
}

/// Kinds a phone's browser shows by itself (WeChat's included): opened in place rather
/// than offered as a download it may not know what to do with.
pub fn shows_inline(content_type: &str) -> bool {
    ["application/pdf", "image/", "text/plain", "audio/", "video/"].iter().any(|k| content_type.starts_with(k))
}

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the real name.
pub fn disposition(name: &str) -> String {
    disposition_as("attachment", name)
}

/// `inline` or `attachment`, with the name in both forms.
pub fn disposition_as(how: &str, name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub async fn remove(db: &Db, data_dir: &Path, notice_id: i64, id: i64) -> ApiResult<()> {
    let file = find(db, data_dir, notice_id, id).await?;
    sqlx::query("DELETE FROM notice_attachments WHERE id = $1").bind(id).execute(db.pool()).await?;
    let _ = tokio::fs::remove_file(&file.path).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_folders_and_dangerous_characters() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\王\\考试安排?.pdf"), "考试安排.pdf");
        assert_eq!(clean_name(".hidden.pdf"), "hidden.pdf");
        assert_eq!(clean_name(&format!("{}.docx", "长".repeat(200))).chars().count(), 100);
    }

    #[test]
    fn only_known_kinds_are_accepted() {
        assert_eq!(kind_of("考试安排.PDF"), Some("application/pdf"));
        assert_eq!(kind_of("setup.exe"), None);
        assert_eq!(kind_of("noextension"), None);
    }

    #[test]
    fn the_download_name_survives_in_both_forms() {
        assert_eq!(
            disposition("安排 1.pdf"),
            "attachment; filename=\"___1.pdf\"; filename*=UTF-8''%E5%AE%89%E6%8E%92%201.pdf"
        );
    }
}
