//! Banji's browser side, built by Trunk into two bundles from one library:
//! - `web` (`src/main.rs`): the console, for counselors and admins at a desk;
//! - `phone` (`src/bin/phone.rs`): the pages opened inside WeChat on a phone — the
//!   students' `/s/…` and the teachers' `/t/…`.
//!
//! Two bundles because a student on a 3G network waits for every byte of the one that
//! opens their notice: the linker keeps only what each entry point reaches, so the phone
//! bundle carries none of the console's pages (docs/benchmarks.md, "Pages on a phone").
//! Which paths belong to which bundle is decided in one place, [`is_phone_path`], mirrored
//! by the server's `http::spa`.
//!
//! Layout: `api/` has one function per endpoint over one request helper; `session`
//! keeps the tokens and the signed-in user; `pages/` has one file per page;
//! `components/` the shared widgets; `i18n` every user-visible string.

mod api;
mod app;
mod components;
mod format;
mod i18n;
mod pages;
mod phone;
mod position;
mod session;

/// Whether a path is one of the phone pages (`/s`, `/s/…`, `/t`, `/t/…`). The server
/// answers these with the phone bundle's shell (`api/src/http/spa.rs`, same rule).
pub fn is_phone_path(path: &str) -> bool {
    ["/s", "/t"].iter().any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

/// Starts the console.
pub fn console() {
    console_error_panic_hook::set_once();
    drop_skeleton();
    leptos::mount::mount_to_body(app::App);
}

/// Starts the phone pages.
pub fn phone() {
    console_error_panic_hook::set_once();
    drop_skeleton();
    leptos::mount::mount_to_body(phone::PhoneApp);
}

/// Removes what the HTML shell shows while the bundle loads (`#skeleton`).
fn drop_skeleton() {
    if let Some(skeleton) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("skeleton")) {
        skeleton.remove();
    }
}
