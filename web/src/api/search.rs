//! One search: the console's (`/search`, scoped to the teacher) and the student pages'
//! (`/portal/search`, with the student token), and the week's hot list for `/s/`.

use gloo_net::http::Method;
use shared::{HotList, SearchKind, SearchResults};

use super::{query, ApiResult};

fn params(q: &str, kind: Option<SearchKind>) -> String {
    query(&[("q", q.to_string()), ("kind", kind.map(|k| k.as_str().to_string()).unwrap_or_default())])
}

/// The console's search over what the signed-in teacher sees.
pub async fn console(q: &str, kind: Option<SearchKind>) -> ApiResult<SearchResults> {
    super::get(&format!("/search{}", params(q, kind))).await
}

/// A student page's search.
pub async fn portal(q: &str, kind: Option<SearchKind>) -> ApiResult<SearchResults> {
    super::portal::send::<(), _>(Method::GET, &format!("/search{}", params(q, kind)), None).await
}

/// The week's most read public notices and most downloaded documents.
pub async fn hot() -> ApiResult<HotList> {
    super::portal::send::<(), _>(Method::GET, "/hot", None).await
}
