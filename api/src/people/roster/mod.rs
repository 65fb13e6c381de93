//! Rosters in and out: a CSV or XLSX file becomes students (checked row by row first,
//! then written all at once, upserting by 学号), and students become the same file.
//!
//! `parse` reads the file (`xlsx` an XLSX's first sheet, within bounds), `check` finds
//! every row's problems, `apply` writes, `jobs` runs an import in the background with its
//! progress, `export` writes files.

mod apply;
mod check;
mod export;
mod jobs;
pub mod parse;
mod routes;
mod xlsx;

pub use routes::RosterApi;
