//! People: the classes and the teachers responsible for them, students, class cadres,
//! groups and teacher profiles — who Banji reaches, and who may see whom (`scope`).
//!
//! - `classes`, `students`, `cadres`, `groups`, `teachers`: records and their endpoints;
//! - `scope`: the visibility rules every query and endpoint applies;
//! - `tags`: classes, groups and roles mirrored as WeChat tags.

pub mod binding;
pub mod cadres;
pub mod classes;
pub mod followers;
pub mod groups;
pub mod poster;
pub mod replies;
pub mod resync;
pub mod roster;
pub mod scope;
pub mod students;
pub mod tags;
pub mod teacher_wechat;
pub mod teachers;

pub use cadres::CadresApi;
pub use classes::ClassesApi;
pub use followers::FollowersApi;
pub use groups::GroupsApi;
pub use poster::PosterApi;
pub use resync::{ManagedTagsApi, TagsApi};
pub use roster::RosterApi;
pub use scope::Scope;
pub use students::StudentsApi;
pub use teacher_wechat::TeacherWechatApi;
pub use teachers::TeachersApi;
