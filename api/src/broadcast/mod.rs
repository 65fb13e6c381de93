//! 每日播报, the daily broadcast (issue 20): each morning a short message per subscriber —
//! the date and school week, the weather, the student's day, one curated item. Built so
//! far: the weather it carries ([`weather`]); the subscriptions, the assembling and the
//! sending through the channel planner are still to come.

pub mod weather;
