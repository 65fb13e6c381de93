//! Banji's browser side, built by Trunk into three bundles from one library:
//! - `web` (`src/main.rs`): the console, for counselors and admins at a desk;
//! - `student` (`src/bin/student.rs`): the students' pages inside WeChat, `/s/…`;
//! - `teacher` (`src/bin/teacher.rs`): the teachers' phone pages inside WeChat, `/t/…`.
//!
//! Separate bundles because a student on a 3G network waits for every byte of the one
//! that opens their notice: the linker keeps only what each entry point reaches, so the
//! students' bundle carries neither the console's pages nor the teachers'
//! (docs/benchmarks.md, "Pages on a phone"). Which paths belong to which bundle is decided
//! in one place, [`Bundle::of`], mirrored by the server's `http::spa`.
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

/// The bundle a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    Console,
    /// `/s`, `/s/…`
    Student,
    /// `/t`, `/t/…`
    Teacher,
}

impl Bundle {
    /// The bundle whose shell the server answers `path` with (`api/src/http/spa.rs`,
    /// same rule).
    pub fn of(path: &str) -> Bundle {
        let under = |p: &str| path == p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/'));
        if under("/s") {
            Bundle::Student
        } else if under("/t") {
            Bundle::Teacher
        } else {
            Bundle::Console
        }
    }
}

/// Starts the console.
pub fn console() {
    console_error_panic_hook::set_once();
    drop_skeleton();
    leptos::mount::mount_to_body(app::App);
}

/// Starts the students' pages.
pub fn student() {
    console_error_panic_hook::set_once();
    drop_skeleton();
    leptos::mount::mount_to_body(phone::StudentApp);
}

/// Starts the teachers' phone pages.
pub fn teacher() {
    console_error_panic_hook::set_once();
    drop_skeleton();
    leptos::mount::mount_to_body(phone::TeacherApp);
}

/// Removes what the HTML shell shows while the bundle loads (`#skeleton`).
fn drop_skeleton() {
    if let Some(skeleton) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("skeleton")) {
        skeleton.remove();
    }
}
