//! Notices: what a school tells its students. Composed (Markdown, category, urgency,
//! attachments, confirmation, deadline), aimed (`audience`: classes, groups, students,
//! everyone), sent now or scheduled (`lifecycle`, which makes the delivery rows), and
//! withdrawn. How each row reaches its student is `crate::delivery`'s business.

pub mod attachments;
pub mod audience;
pub mod categories;
pub mod lifecycle;
pub mod links;
pub mod markdown;
mod portal;
mod routes;
pub mod store;
pub mod subscriptions;

pub use categories::CategoriesApi;
pub use portal::PortalNoticesApi;
pub use routes::NoticesApi;
