//! One search over what students look for: their own notices and those every follower
//! received, documents (常用表格), procedures (办事指南) and contacts (offices, teachers'
//! public details). Each capability keeps its things in the index (`index::put` /
//! `remove`); this module answers the search box on the student pages (`/s/search`) and
//! in the console, the WeChat commands (「搜索」「表格」「流程」「联系」「电话」「热门」), and the
//! week's hot list.
//!
//! - `terms`: how text becomes terms (bigrams for Chinese — why, there);
//! - `index`: the index the capabilities keep in step; `sources`: notices and teachers,
//!   the backfill at start;
//! - `query`: one search, who may find what (`Viewer`); `hot`: the week's hot list;
//! - `routes`: the HTTP side; `wechat`: the commands.

pub mod hot;
pub mod index;
pub mod query;
mod routes;
pub mod sources;
pub mod terms;
pub mod wechat;

pub use index::{Audience, Item, Kind};
pub use routes::SearchApi;
