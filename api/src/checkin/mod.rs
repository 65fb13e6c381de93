//! Check-in (签到). A teacher, or a class cadre for their class, opens a session; its roll
//! is fixed then. Students prove they are there with the rotating code (projected as a
//! WeChat QR code and as six digits), their position inside a geofence, or both; every
//! try is kept with its verdict, and what looks like cheating is flagged for the teacher.
//! The contract is `docs/checkin-api.md`.
//!
//! - `sessions`: made (with the roll), listed, closed, reopened.
//! - `codes`: the rotating code and its QR scene.
//! - `attempt`: one try judged and recorded — where a check-in is recorded.
//! - `flags`: the suspicion checks.
//! - `wechat`: the scan, `签到 123456` and LOCATION handlers (rules in `crate::conversation`).
//! - `roll`: the lists, 补签, and the notice to the absent.
//! - `live`: the projector's display and the live view's stream.
//! - `location`: consent and the latest position, and their retention.
//! - `stats`, `export`: attendance over sessions, classes, weeks and students.
//! - `routes` (teachers) and `portal` (students and cadres): the endpoints.

pub mod attempt;
pub mod codes;
pub mod export;
mod flags;
pub mod live;
pub mod location;
mod portal;
pub mod roll;
mod routes;
pub mod sessions;
pub mod stats;
mod stats_routes;
mod text;
pub mod wechat;

pub use location::LocationApi;
pub use portal::PortalCheckinApi;
pub use routes::CheckinApi;
pub use stats_routes::AttendanceApi;
