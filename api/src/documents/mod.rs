//! The document library (常用表格文档下载): folders of forms and documents students
//! download, each with its versions and download counts. Today a form reaches students
//! only as a notice's attachment, visible to that notice's recipients; the library keeps
//! the forms a school reuses (奖学金申请表, 请假条, 入党申请书 …) where students find them.
//!
//! Who sees and who changes what (decided in `people::Scope`):
//! - students (`portal`) see documents for everyone, for students, and those listed for
//!   their class or groups; a follower bound to no student sees only those for everyone;
//!   teachers-only documents are for the console. Anything else is 404.
//! - in the console an admin sees and changes everything; a teacher sees every document
//!   except those listed only for classes and groups not theirs (`Scope::documents`), and
//!   changes the ones they made and those listed only for their own classes and groups
//!   (`Scope::documents_managed`; others they see answer 403 `not_your_document`). A
//!   teacher may make documents for any audience but may list only their own classes and
//!   groups. Folders are the school's shelves: admins make, rename, reorder and delete
//!   them; deleting one moves its documents to no folder (未分类), never deletes them.
//!
//! Files follow the notice attachment rules (kinds, `max_attachment_bytes`, cleaned
//! names, stored under the data folder) through `notices::attachments::{accept, save}`.
//! Replacing a file adds a version and keeps the old ones, downloadable by teachers;
//! students always get the current one. The search index is kept in step (`indexed`).
//!
//! - `store`: documents as read; `changes`: made, edited, deleted; `versions`: their files; `folders`: the folders; `indexed`: the index item;
//! - `routes`: `/documents` for the console; `portal`: `/portal/documents`;
//! - `files`: signed links (`/files/d/<token>`), 发送到微信, download counts.

pub mod changes;
pub mod files;
pub mod folders;
pub mod indexed;
pub mod portal;
mod routes;
pub mod store;
pub mod versions;

pub use portal::PortalDocumentsApi;
pub use routes::DocumentsApi;
