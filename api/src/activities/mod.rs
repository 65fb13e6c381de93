//! Activities and lectures (活动、讲座报名). A teacher publishes one with a capacity, a
//! sign-up deadline and an audience; students sign up on their page, from the menu or
//! with `报名 <code>`; beyond the capacity they queue, and move up in order when someone
//! cancels. The activity's check-in session is made from its sign-ups, and who took a
//! place and never came is counted. The contract is `docs/checkin-api.md`.
//!
//! - `store`: the activities themselves (published, listed, found by code, cancelled).
//! - `signups`: signing up and cancelling with the waiting list, one transaction each.
//! - `report`: sign-ups with attendance, the export, no-shows across activities.
//! - `routes` (teachers), `portal` (students), `wechat` (报名 by message): the faces.

mod portal;
pub mod report;
mod routes;
pub mod signups;
pub mod store;
pub mod wechat;

pub use portal::PortalActivitiesApi;
pub use routes::ActivitiesApi;
