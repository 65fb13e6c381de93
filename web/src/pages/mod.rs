//! One file per page.

mod account;
mod audit;
mod classes;
mod followers;
mod groups;
mod home;
mod login;
mod menus;
mod not_found;
mod portal;
mod register;
mod settings;
mod simulator;
mod students;
mod tokens;
mod users;

pub use account::AccountPage;
pub use audit::AuditPage;
pub use classes::ClassesPage;
pub use followers::FollowersPage;
pub use groups::GroupsPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use menus::MenusPage;
pub use not_found::NotFound;
pub use portal::{PortalBind, PortalHome, PortalTeachers};
pub use register::RegisterPage;
pub use settings::SettingsPage;
pub use simulator::SimulatorPage;
pub use students::StudentsPage;
pub use tokens::TokensPage;
pub use users::UsersPage;

/// A pause of `ms` milliseconds (a promise resolved by `setTimeout`).
pub async fn pause(ms: u32) {
    let promise = web_sys::js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
