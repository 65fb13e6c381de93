//! Serves the built console (Trunk's output folder) with an SPA fallback: any path that
//! is not a file and not under `/api/` gets `index.html`, so deep links work on reload.
//! Hashed assets (`web-<16 hex>.wasm`) never change and are cached for a year;
//! `index.html` is revalidated every time so a new release is picked up at once.

use std::path::PathBuf;

use poem::endpoint::StaticFilesEndpoint;
use poem::http::header::CACHE_CONTROL;
use poem::http::{HeaderValue, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response, Result};

pub struct ConsoleEndpoint {
    dist: PathBuf,
    files: StaticFilesEndpoint,
}

impl ConsoleEndpoint {
    pub fn new(dist: PathBuf) -> Self {
        let files = StaticFilesEndpoint::new(&dist).index_file("index.html").fallback_to_index();
        ConsoleEndpoint { dist, files }
    }
}

/// Trunk names assets `<stem>-<16 hex digits>[_bg].<ext>`.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    name.split(['-', '_', '.']).any(|part| part.len() == 16 && part.chars().all(|c| c.is_ascii_hexdigit()))
}

impl Endpoint for ConsoleEndpoint {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let path = req.uri().path().to_string();
        if path == "/api" || path.starts_with("/api/") {
            return Err(poem::Error::from_string(format!("no API endpoint at {path}"), StatusCode::NOT_FOUND));
        }
        if !self.dist.join("index.html").is_file() {
            let page = "<!doctype html><meta charset=utf-8><title>Banji</title>\
                <p>控制台尚未构建。The console has not been built: run <code>make run</code> \
                (or <code>trunk build --release</code>) and set BANJI_WEB_DIST.</p>";
            return Ok(poem::web::Html(page).with_status(StatusCode::SERVICE_UNAVAILABLE).into_response());
        }
        let mut resp = self.files.call(req).await?.into_response();
        let cache = if resp.status().is_success() && is_hashed_asset(&path) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        resp.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(cache));
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn trunk_asset_names_count_as_hashed_and_routes_do_not() {
        assert!(is_hashed_asset("/web-3f2a1b9c8d7e6f5a_bg.wasm"));
        assert!(is_hashed_asset("/web-3f2a1b9c8d7e6f5a.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/users/12"));
    }
}
