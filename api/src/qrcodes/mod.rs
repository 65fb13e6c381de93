//! Parametric QR codes (带参二维码): follow codes a teacher puts up with a purpose — join a
//! class's or a group's WeChat tag (with the invitation to bind, like the class poster),
//! sign up for an activity, open a student page. Each code's scene is `qr:{id}`, so one
//! rule in `crate::conversation` routes every scan here, and the row says what to answer.
//! Scans and the follows they brought are counted per code, and the code that first
//! brought a follower is kept as their source (来源), shown on the follower and the
//! student's record.
//!
//! Temporary codes live at most 30 days; permanent ones never expire and cannot be deleted
//! on the platform, and the account may make 100 000 of them in its life (class posters
//! included), so Banji counts them before asking and a deleted code is only hidden.
//!
//! - `store`: the codes (made with the platform, listed in scope, hidden, counted);
//! - `routes`: `/qrcodes` for the console; `wechat`: the answer to a scan.

mod routes;
pub mod store;
pub mod wechat;

pub use routes::QrCodesApi;

/// The scene of a parametric QR code: `qr:{id}`.
pub const SCENE_PREFIX: &str = "qr:";
