//! Banji's browser side, built by Trunk into three bundles from one library:
//! - `web` (`src/main.rs`): the console, for counselors and admins at a desk;
//! - `student` (`src/bin/student.rs`): the students' pages inside WeChat, `/s/…`;
//! - `teacher` (`src/bin/teacher.rs`): the teachers' phone pages inside WeChat, `/t/…`.
//!
//! Separate bundles because a student on a 3G network waits for every byte of the one
//! that opens their notice: the linker keeps only what each entry point reaches, so the
//! students' bundle carries neither the console's pages nor the teachers'
//! (docs/benchmarks.md, "Pages on a phone"). Which paths belong to which bundle is decided
//! in one place, `shared::Bundle::of`, which the server's `http::spa` reads too.
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

pub use shared::Bundle;

/// Starts the console.
pub fn console() {
    console_error_panic_hook::set_once();
    drop_skeleton();
    leptos::mount::mount_to_body(app::App);
}

/// Starts the students' pages. A first view the server drew into the shell (a notice,
/// `api::receipts::page`) stays until the page has drawn its own (`drop_first_view`).
pub fn student() {
    console_error_panic_hook::set_once();
    if !skeleton().is_some_and(|s| s.has_attribute("data-prerendered")) {
        drop_skeleton();
    }
    leptos::mount::mount_to_body(phone::StudentApp);
}

/// Starts the teachers' phone pages.
pub fn teacher() {
    console_error_panic_hook::set_once();
    drop_skeleton();
    leptos::mount::mount_to_body(phone::TeacherApp);
}

fn skeleton() -> Option<web_sys::Element> {
    web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("skeleton"))
}

/// Removes what the HTML shell shows while the bundle loads (`#skeleton`).
fn drop_skeleton() {
    if let Some(skeleton) = skeleton() {
        skeleton.remove();
    }
}

/// Loads `path` whole, as if typed (in place of this page in the history): for a page
/// another bundle draws, or none (the sign-in page is plain HTML, `web/login.html`), so
/// the router does not first draw its fallback and then leave.
pub(crate) fn load_page(path: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace(path);
    }
}

/// Hands over from the server's first view of the page (kept in `#skeleton`, with the
/// page's own drawing hidden beside it by style.css) to the page: once it has its data,
/// or as soon as the student goes elsewhere.
pub(crate) fn drop_first_view() {
    drop_skeleton();
}
