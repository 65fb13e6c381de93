//! The admin API of the original WeChatServer (seed 002), at its paths and in its
//! shapes: `/api/v0.1/cgi-bin/menu`, `/tags`, `/user/tags` and `/user/remark`, answering
//! `{"errcode": 0, "errmsg": "ok"}` and the platform's own JSON. It acts on the same
//! data as the console — a tag created here is a Banji group mirrored as a WeChat tag —
//! and passes through to WeChat. Token-authenticated, for admins. New clients use the
//! `/api/v1` equivalents (menus, groups, followers).

mod errors;
mod fields;
mod forms;
mod routes;

pub use routes::SeedApi;
