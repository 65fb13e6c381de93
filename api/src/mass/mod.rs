//! The mass-send assistant (群发助手): a plain WeChat mass message — text, image, voice,
//! video or an article — from a teacher or admin to every follower, a class's or group's
//! WeChat tag, or a list of followers, outside the notice system. It exists because the
//! task book asks for free-form mass messages by group with their success and failure
//! counts, which notices (one delivery row per student, a link to the notice page) are not.
//!
//! - `audience`: who the caller may send to (the shared `Scope`) and who that reaches;
//! - `quota`: the platform's limits shown before sending and enforced, counted together
//!   with notices' mass deliveries (`delivery::planner::standings`);
//! - `compose`: files from the inbox's uploads, drafts for articles, mass videos;
//! - `send`: preview, send (recorded with its recipients), delete;
//! - `results`: the platform's job result, or `mass/get` when it did not come;
//! - `store`, `routes`: the history and the HTTP surface.

mod audience;
mod compose;
pub mod quota;
pub mod results;
mod routes;
mod send;
mod store;

pub use results::{follow_forever, on_job_finished};
pub use routes::MassApi;
