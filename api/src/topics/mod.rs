//! 话题, topics students discuss (issue 20): a teacher opens one (or approves a student's
//! proposal) for everyone or some classes and groups; students post and reply on their
//! phone (`portal`) or by 「#话题 …」 in WeChat (`wechat`), like and report posts. Who may
//! join a topic and who may moderate it is decided in `store` and nowhere else. A post that
//! contains a word of the admins' list (`words`) is held for review instead of shown;
//! reported posts join the same review queue; teachers hide, pin, lock and mute (`routes`),
//! every such act audited. Posting is throttled per student (`posts`).

pub mod images;
pub mod portal;
pub mod posts;
mod report;
mod routes;
pub mod store;
pub mod wechat;
pub mod words;

pub use portal::PortalTopicsApi;
pub use routes::TopicsApi;
