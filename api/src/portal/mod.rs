//! The student pages inside WeChat: who is there comes from WeChat's web authorisation
//! (`oauth`: the page is sent through WeChat and back with a code that names the
//! openid), kept in a short-lived student token (`StudentAuth`). With it a student binds
//! their WeChat, sees themselves, looks up teachers' public contacts, and a class cadre
//! sees their classmates. `first_view` draws a page's first view into the shell the
//! server sends, for the pages a student opens from a pushed message.

pub mod first_view;
mod oauth;
mod routes;

pub use oauth::PortalOauthApi;
pub use routes::{PortalApi, StudentAuth};
