//! Activities and lectures (活动、讲座报名). Being filled in (issue 7).

mod routes;
pub mod wechat;

pub use routes::{ActivitiesApi, PortalActivitiesApi};
