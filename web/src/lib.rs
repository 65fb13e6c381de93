//! Banji's browser side, built by Trunk into seven bundles from one library:
//! - `web` (`src/main.rs`): the console, for counselors and admins at a desk;
//! - `student`, `student-notices`, `student-checkin`, `student-guides`
//!   (`src/bin/student*.rs`): the students' pages inside WeChat, `/s/…`: the home and its
//!   menu's pages, the notices, the check-in, the school's guides;
//! - `teacher`, `teacher-tasks` (`src/bin/teacher*.rs`): the teachers' phone pages inside
//!   WeChat, `/t/…`: the home and notices; check-ins, messages and approvals.
//!
//! Separate bundles because a student on a 3G network waits for every byte of the one
//! that opens their notice: the linker keeps only what each entry point reaches, so the
//! students' bundles carry neither the console's pages nor the teachers', nor each other's
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

/// Starts one of the phone bundles (`bin/student*.rs`, `bin/teacher*.rs`). A first view the server drew
/// into the shell (a notice, `api::receipts::page`) stays until the page has drawn its own
/// (`drop_first_view`).
fn phone_app<F, V>(app: F)
where
    F: FnOnce() -> V + 'static,
    V: leptos::IntoView + 'static,
{
    console_error_panic_hook::set_once();
    if !skeleton().is_some_and(|s| s.has_attribute("data-prerendered")) {
        drop_skeleton();
    }
    leptos::mount::mount_to_body(app);
}

/// Starts the students' home and their menu's pages.
pub fn student_home() {
    phone_app(phone::StudentApp);
}

/// Starts the students' notices.
pub fn student_notices() {
    phone_app(phone::StudentNoticesApp);
}

/// Starts the students' check-in pages.
pub fn student_checkin() {
    phone_app(phone::StudentCheckinApp);
}

/// Starts the school's guides as students read them.
pub fn student_guides() {
    phone_app(phone::StudentGuidesApp);
}

/// Starts the teachers' phone home and notices.
pub fn teacher() {
    phone_app(phone::TeacherApp);
}

/// Starts the teachers' tasks on the phone.
pub fn teacher_tasks() {
    phone_app(phone::TeacherTasksApp);
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
