//! Banji console: a Leptos CSR app served by `banji serve` from Trunk's output.
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
mod position;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
