//! Data shapes that cross the wire between the Banji API and its WASM console.
//!
//! Everything here must compile for `wasm32-unknown-unknown` without features; the
//! `openapi` feature (turned on only by `api`) adds poem-openapi derives so the same
//! types document the API. Every `serde(rename…)` has its `oai(…)` twin because
//! poem-openapi does not read serde attributes.

pub mod audit;
pub mod auth;
pub mod error;
pub mod page;
pub mod tokens;
pub mod users;
pub mod validate;

pub use audit::AuditEntry;
pub use auth::{ChangePasswordRequest, LoginRequest, LoginResponse, RefreshRequest};
pub use error::ErrorBody;
pub use page::{Page, PageQuery};
pub use tokens::{ApiToken, CreatedApiToken, NewApiToken, Scope};
pub use users::{NewUser, Role, User, UserPatch};
pub use validate::{FieldErrors, Problem};
