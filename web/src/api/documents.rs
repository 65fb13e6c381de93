//! The document library (常用文档): folders, documents, uploads (one request per file, the
//! file as the body), new files, versions; and the student pages' side with the student
//! token (list, detail, a link to open the file, 发送到微信).

use gloo_net::http::Method;
use shared::{
    DocAudienceKind, DocFolder, DocFolderName, DocFolderOrder, Document, DocumentEdit, DocumentVersion, FileLink, Page,
    StudentDocument,
};

use super::{encode, portal, query, ApiResult};

pub async fn folders() -> ApiResult<Vec<DocFolder>> {
    super::get("/documents/folders").await
}

pub async fn create_folder(name: String) -> ApiResult<DocFolder> {
    super::post("/documents/folders", &DocFolderName { name }).await
}

pub async fn rename_folder(id: i64, name: String) -> ApiResult<DocFolder> {
    super::patch(&format!("/documents/folders/{id}"), &DocFolderName { name }).await
}

pub async fn reorder_folders(ids: Vec<i64>) -> ApiResult<Vec<DocFolder>> {
    super::put("/documents/folders/order", &DocFolderOrder { ids }).await
}

pub async fn delete_folder(id: i64) -> ApiResult<()> {
    super::delete(&format!("/documents/folders/{id}")).await
}

fn opt(id: Option<i64>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

/// `folder`: None for every folder, Some(0) for those in none.
pub async fn list(folder: Option<i64>, search: String, page: u32) -> ApiResult<Page<Document>> {
    let q = query(&[("folder_id", opt(folder)), ("q", search), ("page", page.to_string())]);
    super::get(&format!("/documents{q}")).await
}

/// Where an upload goes and who may see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UploadTo {
    pub folder_id: Option<i64>,
    pub audience: DocAudienceKind,
    pub classes: Vec<i64>,
    pub groups: Vec<i64>,
}

/// Uploads one file as a new document, titled after the file.
pub async fn upload(file: &web_sys::File, to: &UploadTo) -> ApiResult<Document> {
    let mut q = format!("?name={}&audience={}", encode(&file.name()), to.audience.as_str());
    if let Some(folder) = to.folder_id {
        q.push_str(&format!("&folder_id={folder}"));
    }
    if to.audience == DocAudienceKind::Listed {
        to.classes.iter().for_each(|c| q.push_str(&format!("&classes={c}")));
        to.groups.iter().for_each(|g| q.push_str(&format!("&groups={g}")));
    }
    super::upload(&format!("/documents{q}"), file).await
}

pub async fn edit(id: i64, edit: &DocumentEdit) -> ApiResult<Document> {
    super::put(&format!("/documents/{id}"), edit).await
}

pub async fn delete(id: i64) -> ApiResult<()> {
    super::delete(&format!("/documents/{id}")).await
}

/// A new file for the document: its current version from now on.
pub async fn replace(id: i64, file: &web_sys::File) -> ApiResult<Document> {
    super::upload(&format!("/documents/{id}/file?name={}", encode(&file.name())), file).await
}

pub async fn versions(id: i64) -> ApiResult<Vec<DocumentVersion>> {
    super::get(&format!("/documents/{id}/versions")).await
}

pub async fn download_version(id: i64, version: &DocumentVersion) -> ApiResult<()> {
    super::download(&format!("/documents/{id}/versions/{}/file", version.id), &version.file_name).await
}

// The student pages, with the student token.

pub async fn my_folders() -> ApiResult<Vec<DocFolder>> {
    portal::send::<(), _>(Method::GET, "/documents/folders", None).await
}

pub async fn my_documents(folder: Option<i64>, search: String, page: u32) -> ApiResult<Page<StudentDocument>> {
    let q = query(&[("folder_id", opt(folder)), ("q", search), ("page", page.to_string())]);
    portal::send::<(), _>(Method::GET, &format!("/documents{q}"), None).await
}

/// A short-lived link to open the file in this browser: in place for a preview.
/// One document the reader may see (a link from a search, a procedure or WeChat).
pub async fn my_document(id: i64) -> ApiResult<StudentDocument> {
    super::portal::send::<(), _>(gloo_net::http::Method::GET, &format!("/documents/{id}"), None).await
}

pub async fn my_link(id: i64, preview: bool) -> ApiResult<FileLink> {
    portal::send::<(), _>(Method::POST, &format!("/documents/{id}/link?preview={preview}"), None).await
}

/// 发送到微信: the file's link, pushed to the student's chat with the account.
pub async fn send_to_wechat(id: i64) -> ApiResult<FileLink> {
    portal::send::<(), _>(Method::POST, &format!("/documents/{id}/send"), None).await
}
