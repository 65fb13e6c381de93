//! One file per page.

mod account;
mod audit;
mod home;
mod login;
mod not_found;
mod tokens;
mod users;

pub use account::AccountPage;
pub use audit::AuditPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use tokens::TokensPage;
pub use users::UsersPage;
