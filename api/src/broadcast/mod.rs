//! 每日播报, the daily broadcast (issue 20): each morning a short message per subscriber —
//! the date and school week, the weather, the student's day, one curated item. Built so
//! far: the weather it carries ([`weather`]), who receives it and when ([`subscribers`],
//! by message or on the page, [`routes`]), the school's city and term start (系统设置,
//! `settings`), what a subscriber's day says ([`day`]), the curated items teachers queue
//! ([`items`]), the daily run that writes each subscriber's message once a day and queues
//! it for the channel planner ([`run`]; `delivery::dispatch` keeps it from mass sends), and
//! the message once queued: its letter, its page, which counts the opening, and the
//! console's count of the last days ([`sends`]).

pub mod day;
pub mod items;
mod routes;
pub mod run;
pub mod sends;
pub mod subscribers;
pub mod weather;

pub use items::BroadcastItemsApi;
pub use routes::PortalBroadcastApi;
