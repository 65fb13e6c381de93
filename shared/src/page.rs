//! Pagination: every list endpoint takes `page`/`per_page` and answers a `Page`.

use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;

/// The page a client asked for, clamped to sane bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageQuery {
    pub page: u32,
    pub per_page: u32,
}

impl PageQuery {
    /// Missing values take defaults; `per_page` is clamped to `1..=MAX_PER_PAGE`.
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Self {
        Self { page: page.unwrap_or(1).max(1), per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE) }
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

// The struct is written twice because poem-openapi's derive needs its trait bounds on the
// generic parameter, and those traits do not exist in the wasm build.
macro_rules! page_struct {
    ($($bounds:tt)*) => {
        /// One page of a list, with the total count across all pages.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
        #[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
        pub struct Page<T: $($bounds)*> {
            pub items: Vec<T>,
            /// Number of items across all pages.
            pub total: i64,
            /// 1-based page number.
            pub page: u32,
            pub per_page: u32,
        }
    };
}

#[cfg(feature = "openapi")]
page_struct!(poem_openapi::types::ParseFromJSON + poem_openapi::types::ToJSON);
#[cfg(not(feature = "openapi"))]
page_struct!(Sized);

impl<T: PageBound> Page<T> {
    pub fn new(items: Vec<T>, total: i64, query: PageQuery) -> Self {
        Self { items, total, page: query.page, per_page: query.per_page }
    }

    /// Number of pages, at least 1 so "page 1 of 1" reads well for an empty list.
    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        (((self.total + per - 1) / per).max(1)) as u32
    }
}

#[cfg(feature = "openapi")]
pub trait PageBound: poem_openapi::types::ParseFromJSON + poem_openapi::types::ToJSON {}
#[cfg(feature = "openapi")]
impl<T: poem_openapi::types::ParseFromJSON + poem_openapi::types::ToJSON> PageBound for T {}
#[cfg(not(feature = "openapi"))]
pub trait PageBound {}
#[cfg(not(feature = "openapi"))]
impl<T> PageBound for T {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_query_defaults_and_clamps() {
        assert_eq!(PageQuery::new(None, None), PageQuery { page: 1, per_page: 20 });
        assert_eq!(PageQuery::new(Some(0), Some(1000)), PageQuery { page: 1, per_page: 100 });
        assert_eq!(PageQuery::new(Some(3), Some(10)).offset(), 20);
    }
}
