//! Every user-visible string of the console and the student pages, in one place per
//! locale (the notice page's, which the server draws too, in `shared::notice_page`; the
//! sign-in page's, which has no bundle, in `web/login.html` and `web/login.js`). Pages
//! use `t::NAME` and the `t::…` functions; another locale is another module with the
//! same names, selected by the `pub use` below.

pub mod zh_cn;

pub use zh_cn as t;
