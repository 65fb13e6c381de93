//! Procedures (办事指南) and offices' contacts (联系方式): how to get a thing done at the
//! school — the office responsible, when and where, ordered steps (Markdown, rendered and
//! sanitised with the notices' renderer), the materials it needs (linked to documents of
//! the library when there is one: deleting the document leaves the material's name), and
//! whom to ask (offices, and teachers whose contact details are public).
//!
//! Who may do what: admins keep the offices; every teacher reads every procedure (drafts
//! too) and may write one; a teacher changes and deletes only the procedures they wrote,
//! admins any. Students see published procedures only (a draft answers 404) and every
//! office. Each change is audited (`guide_created/updated/deleted`,
//! `office_created/updated/deleted`) and kept in the search index in the same transaction:
//! a published procedure and every office are findable by everyone; a draft or a deleted
//! one is taken out.
//!
//! - `offices`: the offices, their endpoints (`/offices`);
//! - `store`: procedures as records, the index kept in step;
//! - `routes`: `/guides` for the console (with the student's-eye preview);
//! - `portal`: `/portal/guides`, `/portal/contacts` for students.

pub mod offices;
mod portal;
mod routes;
pub mod store;

pub use offices::OfficesApi;
pub use portal::PortalGuidesApi;
pub use routes::GuidesApi;
