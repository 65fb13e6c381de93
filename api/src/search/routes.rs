//! `/search` for the console (scoped like every list: a teacher finds their own notices and
//! the documents of their classes) and `/portal/search`, `/portal/hot` for student pages.

use std::time::Duration;

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::search::{MAX_QUERY_CHARS, MAX_RESULTS};
use shared::{HotList, SearchHit, SearchKind, SearchResults};

use super::hot::hot;
use super::query::{search, Hit, Viewer};
use crate::api_tags::ApiTags;
use crate::auth::BearerAuth;
use crate::db::to_time;
use crate::error::{ApiError, ApiResult};
use crate::people::Scope;
use crate::portal::StudentAuth;
use crate::state::AppState;

/// Searches a student page may make a minute (the box searches as one types).
const SEARCHES_PER_MINUTE: u64 = 60;
const HOT_LENGTH: usize = 5;

/// The query as searched: trimmed and cut.
pub fn clean_query(q: &str) -> String {
    q.trim().chars().take(MAX_QUERY_CHARS).collect()
}

fn limit(asked: Option<u32>) -> usize {
    asked.unwrap_or(20).clamp(1, MAX_RESULTS) as usize
}

/// The console page that shows a hit.
fn console_page(hit: &Hit) -> String {
    match hit.kind {
        SearchKind::Notice => format!("/notices/{}", hit.ref_id),
        // The library's page, searched for the document's title.
        SearchKind::Document => {
            format!("/documents?{}", serde_urlencoded::to_string([("q", &hit.title)]).unwrap_or_default())
        }
        SearchKind::Guide => format!("/guides/{}", hit.ref_id),
        SearchKind::Office => "/guides?tab=offices".into(),
        SearchKind::Teacher => "/users".into(),
    }
}

fn dto(hit: Hit, url: String) -> SearchHit {
    SearchHit { kind: hit.kind, id: hit.ref_id, title: hit.title, summary: hit.summary, at: to_time(hit.at), url }
}

pub struct SearchApi;

#[OpenApi(tag = "ApiTags::Search")]
impl SearchApi {
    /// Search notices, documents, procedures and contacts as you see them: a teacher's own
    /// notices, documents for their classes and everyone's. Two Chinese characters are
    /// enough (「请假」); results link to the console's pages.
    #[oai(path = "/v1/search", method = "get")]
    async fn search(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        q: Query<String>,
        kind: Query<Option<SearchKind>>,
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<SearchResults>> {
        let query = clean_query(&q.0);
        let viewer = Viewer::Staff(Scope::of(&auth.0));
        let kinds: Vec<SearchKind> = kind.0.into_iter().collect();
        let hits = search(&state.db, &viewer, &query, &kinds, self::limit(limit.0)).await?;
        let hits = hits
            .into_iter()
            .map(|h| {
                let url = console_page(&h);
                dto(h, url)
            })
            .collect();
        Ok(Json(SearchResults { query, hits }))
    }

    /// Search from a student page: the reader's own notices, documents and procedures they
    /// may see, offices and teachers' public contacts. At most 60 searches a minute (429).
    #[oai(path = "/v1/portal/search", method = "get", tag = "ApiTags::Portal")]
    async fn portal_search(
        &self,
        state: Data<&AppState>,
        auth: StudentAuth,
        q: Query<String>,
        kind: Query<Option<SearchKind>>,
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<SearchResults>> {
        let key = format!("portal:search:{}", auth.0);
        if let Some(wait) = state.kv.hit(&key, SEARCHES_PER_MINUTE, Duration::from_secs(60)).await? {
            return Err(ApiError::too_many_requests("too many searches; wait a moment", wait.as_secs()));
        }
        let query = clean_query(&q.0);
        let viewer = Viewer::follower(&state.db, &auth.0).await?;
        let kinds: Vec<SearchKind> = kind.0.into_iter().collect();
        let hits = search(&state.db, &viewer, &query, &kinds, self::limit(limit.0)).await?;
        let hits = hits
            .into_iter()
            .map(|h| {
                let url = h.kind.student_page(h.ref_id);
                dto(h, url)
            })
            .collect();
        Ok(Json(SearchResults { query, hits }))
    }

    /// The week's hot list (热门): the public notices most read and the documents most
    /// downloaded in the last seven days, of those the reader may see.
    #[oai(path = "/v1/portal/hot", method = "get", tag = "ApiTags::Portal")]
    async fn portal_hot(&self, state: Data<&AppState>, auth: StudentAuth) -> ApiResult<Json<HotList>> {
        let viewer = Viewer::follower(&state.db, &auth.0).await?;
        Ok(Json(hot(&state.db, &viewer, HOT_LENGTH).await?))
    }
}
