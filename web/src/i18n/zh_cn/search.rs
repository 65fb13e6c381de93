//! 搜索: the student pages' search and hot list, and the console's search.

use shared::SearchKind;

pub const SEARCH_TITLE: &str = "搜索";
pub const SEARCH_PLACEHOLDER: &str = "搜通知、表格、办事指南、联系方式";
pub const SEARCH_CONSOLE_LABEL: &str = "全站搜索";
pub const SEARCH_CONSOLE_PLACEHOLDER: &str = "搜索通知、文档、办事指南";
pub const SEARCH_ALL_KINDS: &str = "全部";
pub const SEARCH_HINT: &str = "输入两个字以上的关键词，如「请假」「奖学」，或学号、姓名。";
pub const SEARCH_NOTHING: &str = "没有找到相关内容。试试更短的关键词（两个字就行），或换个说法。";
pub const SEARCH_RESULTS: &str = "条结果";
pub const PORTAL_HOT_TITLE: &str = "本周热门";
pub const PORTAL_HOT_NOTICES: &str = "阅读最多的通知";
pub const PORTAL_HOT_DOCUMENTS: &str = "下载最多的文档";
pub const PORTAL_HOT_EMPTY: &str = "本周还没有热门内容";
pub const PORTAL_HOT_READS: &str = "次阅读";
pub const PORTAL_HOT_DOWNLOADS: &str = "次下载";
pub const PORTAL_SEARCH_LINK: &str = "搜索通知、表格和办事指南";

/// A result's kind as a badge.
pub fn search_kind(kind: SearchKind) -> &'static str {
    kind.label()
}

/// The kinds one filters by (contacts show under 全部).
pub const SEARCH_FILTERS: &[(&str, &str)] =
    &[("", SEARCH_ALL_KINDS), ("notice", "通知"), ("document", "文档"), ("guide", "办事指南")];
