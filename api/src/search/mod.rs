//! One search over what students look for: their own notices and the public ones,
//! documents (常用表格), procedures (办事指南) and contacts (offices, teachers' public
//! details). Each capability keeps its things in the index (`index::put` / `remove`);
//! this module answers the search box on the student pages and in the console, the
//! WeChat commands (「搜索」「表格」「流程」「联系」「电话」「热门」), and the week's hot list.
//!
//! - `terms`: how text becomes terms (bigrams for Chinese — why, there);
//! - `index`: the index kept in step by the capabilities.

pub mod index;
pub mod terms;

pub use index::{Audience, Item, Kind};
