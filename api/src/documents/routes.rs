//! `/documents`: the console's side of the library — folders (admins change them), the
//! documents a caller sees, uploading (one document per file; the console sends several
//! files one request each), editing and moving, new files (versions), every version's
//! file, deleting. Who sees and who changes what is `Scope::documents` and
//! `Scope::documents_managed`.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiRequest, ApiResponse, Multipart, OpenApi};
use shared::{
    DocAudience, DocAudienceKind, DocFolder, DocFolderName, DocFolderOrder, Document, DocumentEdit, DocumentVersion,
    Page, PageQuery,
};

use super::{changes, folders, store, versions};
use crate::api_tags::ApiTags;
use crate::auth::BearerAuth;
use crate::db::filter::Filter;
use crate::error::{ApiError, ApiResult, NoContent};
use crate::notices::attachments::{self, FileDownload};
use crate::people::Scope;
use crate::state::AppState;

#[derive(ApiResponse)]
enum DocumentMade {
    #[oai(status = 201)]
    Created(Json<Document>),
}

#[derive(ApiResponse)]
enum FolderMade {
    #[oai(status = 201)]
    Created(Json<DocFolder>),
}

#[derive(Multipart)]
struct DocumentForm {
    file: Upload,
}

#[derive(ApiRequest)]
enum DocumentFile {
    Form(DocumentForm),
    /// The file as the body; its name in `?name=`.
    Raw(Binary<Vec<u8>>),
}

impl DocumentFile {
    async fn read(self, name: Option<String>) -> ApiResult<(String, Vec<u8>)> {
        match self {
            DocumentFile::Form(form) => {
                let file_name = form.file.file_name().unwrap_or_default().to_string();
                let bytes =
                    form.file.into_vec().await.map_err(|e| ApiError::bad_request("bad_upload", e.to_string()))?;
                Ok((file_name, bytes))
            }
            DocumentFile::Raw(raw) => Ok((name.unwrap_or_default(), raw.0)),
        }
    }
}

async fn folder_dto(state: &AppState, scope: Scope, id: i64) -> ApiResult<DocFolder> {
    folders(state, scope).await?.into_iter().find(|f| f.id == id).ok_or_else(|| ApiError::not_found("folder"))
}

async fn folders(state: &AppState, scope: Scope) -> ApiResult<Vec<DocFolder>> {
    let mut visible = Filter::new();
    scope.documents(&mut visible, "d");
    Ok(folders::list(&state.db, visible).await?)
}

async fn document(state: &AppState, scope: Scope, id: i64) -> ApiResult<Document> {
    let row = store::visible(&state.db, scope, id).await?;
    let mut dtos = store::dtos(&state.db, scope, vec![row]).await?;
    dtos.pop().ok_or_else(|| ApiError::not_found("document"))
}

async fn send_file(file: versions::VersionFile) -> ApiResult<FileDownload> {
    let bytes = tokio::fs::read(&file.path).await.map_err(|_| ApiError::not_found("file"))?;
    Ok(FileDownload::File(Binary(bytes), attachments::disposition(&file.name)))
}

pub struct DocumentsApi;

#[OpenApi(prefix_path = "/v1/documents", tag = "ApiTags::Documents")]
impl DocumentsApi {
    /// The folders in order, each with how many of its documents you see.
    #[oai(path = "/folders", method = "get")]
    async fn folders(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Vec<DocFolder>>> {
        Ok(Json(folders(&state, Scope::of(&auth.0)).await?))
    }

    /// Make a folder, last in the order (admins; names are unique, at most 20 characters).
    #[oai(path = "/folders", method = "post")]
    async fn create_folder(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<DocFolderName>,
    ) -> ApiResult<FolderMade> {
        let id = folders::create(&state.db, &auth.0, &body.0).await?;
        Ok(FolderMade::Created(Json(folder_dto(&state, Scope::of(&auth.0), id).await?)))
    }

    /// Put the folders in a new order: every folder, once (admins).
    #[oai(path = "/folders/order", method = "put")]
    async fn reorder_folders(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<DocFolderOrder>,
    ) -> ApiResult<Json<Vec<DocFolder>>> {
        folders::reorder(&state.db, &auth.0, &body.0.ids).await?;
        Ok(Json(folders(&state, Scope::of(&auth.0)).await?))
    }

    /// Rename a folder (admins).
    #[oai(path = "/folders/:id", method = "patch")]
    async fn rename_folder(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<DocFolderName>,
    ) -> ApiResult<Json<DocFolder>> {
        folders::rename(&state.db, &auth.0, id.0, &body.0).await?;
        Ok(Json(folder_dto(&state, Scope::of(&auth.0), id.0).await?))
    }

    /// Delete a folder (admins). Its documents are kept, in no folder (未分类).
    #[oai(path = "/folders/:id", method = "delete")]
    async fn delete_folder(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        folders::delete(&state.db, &auth.0, id.0).await?;
        Ok(NoContent::Done)
    }

    /// The documents you see, last changed first: a teacher sees every document but those
    /// listed only for classes and groups not theirs. `folder_id=0` lists those in no
    /// folder; `q` searches title, description, tags and file name.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        folder_id: Query<Option<i64>>,
        q: Query<Option<String>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<Page<Document>>> {
        let page = PageQuery::new(page.0, per_page.0);
        Ok(Json(store::list(&state.db, Scope::of(&auth.0), folder_id.0, q.0.as_deref(), page).await?))
    }

    /// Upload a document: the file (multipart `file`, or the body with `?name=`) and what
    /// it is in the query. Without a title it takes the file's name. File kinds and size
    /// follow the attachment rules (422 on `file`). A teacher may list only their own
    /// classes and groups.
    #[oai(path = "/", method = "post")]
    #[allow(clippy::too_many_arguments)]
    async fn upload(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: DocumentFile,
        /// The file name, when the body is the file itself.
        name: Query<Option<String>>,
        title: Query<Option<String>>,
        description: Query<Option<String>>,
        /// Tags separated by commas or spaces.
        tags: Query<Option<String>>,
        folder_id: Query<Option<i64>>,
        /// Who may see it (default: everyone).
        audience: Query<Option<DocAudienceKind>>,
        /// With `audience=listed`: its classes (repeat the parameter).
        #[oai(default)]
        classes: Query<Vec<i64>>,
        /// With `audience=listed`: its groups.
        #[oai(default)]
        groups: Query<Vec<i64>>,
    ) -> ApiResult<DocumentMade> {
        let (file_name, bytes) = body.read(name.0).await?;
        let edit = DocumentEdit {
            title: title.0.unwrap_or_default(),
            description: description.0.unwrap_or_default(),
            tags: shared::documents::split_tags(&tags.0.unwrap_or_default()),
            folder_id: folder_id.0,
            audience: DocAudience { kind: audience.0.unwrap_or_default(), classes: classes.0, groups: groups.0 },
        };
        let id = changes::create(&state, &auth.0, edit, &file_name, &bytes).await?;
        Ok(DocumentMade::Created(Json(document(&state, Scope::of(&auth.0), id).await?)))
    }

    /// One document.
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Document>> {
        Ok(Json(document(&state, Scope::of(&auth.0), id.0).await?))
    }

    /// Change a document's title, description, tags, folder (moving it) and audience.
    /// Teachers change their own and those listed only for their classes and groups
    /// (403 `not_your_document` for others they see).
    #[oai(path = "/:id", method = "put")]
    async fn edit(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<DocumentEdit>,
    ) -> ApiResult<Json<Document>> {
        let scope = Scope::of(&auth.0);
        let row = store::managed(&state.db, scope, id.0).await?;
        changes::edit(&state.db, &auth.0, &row, &body.0).await?;
        Ok(Json(document(&state, scope, id.0).await?))
    }

    /// Delete a document with every version and its download counts.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        let row = store::managed(&state.db, Scope::of(&auth.0), id.0).await?;
        changes::delete(&state, &auth.0, &row).await?;
        Ok(NoContent::Done)
    }

    /// Give the document a new file: it becomes the current version, the one students
    /// get; the previous versions are kept for teachers.
    #[oai(path = "/:id/file", method = "post")]
    async fn replace(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        body: DocumentFile,
        /// The file name, when the body is the file itself.
        name: Query<Option<String>>,
    ) -> ApiResult<Json<Document>> {
        let scope = Scope::of(&auth.0);
        let row = store::managed(&state.db, scope, id.0).await?;
        let (file_name, bytes) = body.read(name.0).await?;
        versions::replace(&state, &auth.0, &row, &file_name, &bytes).await?;
        Ok(Json(document(&state, scope, id.0).await?))
    }

    /// The current file (not counted: downloads count students').
    #[oai(path = "/:id/file", method = "get")]
    async fn file(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<FileDownload> {
        store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        send_file(versions::version_file(&state, id.0, None).await?).await
    }

    /// Every file the document has had, newest first, with its downloads.
    #[oai(path = "/:id/versions", method = "get")]
    async fn versions(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<Vec<DocumentVersion>>> {
        let row = store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        Ok(Json(versions::versions(&state.db, &row).await?))
    }

    /// One version's file, a previous one included (teachers only; students always get
    /// the current one).
    #[oai(path = "/:id/versions/:version_id/file", method = "get")]
    async fn version_file(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i64>,
        version_id: Path<i64>,
    ) -> ApiResult<FileDownload> {
        store::visible(&state.db, Scope::of(&auth.0), id.0).await?;
        send_file(versions::version_file(&state, id.0, Some(version_id.0)).await?).await
    }
}
