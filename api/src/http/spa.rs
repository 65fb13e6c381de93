//! Serves the built browser side (Trunk's output folder) with an SPA fallback: any path
//! that is not a file and not under `/api/` gets a shell, so deep links work on reload.
//! A phone page (`/s/…`, `/t/…`) gets the shell of the bundle that draws it
//! (`student/index.html`, `student-notices/…`, `teacher/…`), the console's sign-in page
//! (`/login`) its own (`login/index.html`, no WebAssembly), everything else the console's
//! (`index.html`), as `shared::Bundle::of` and `Bundle::folder` decide.
//!
//! A student page the server draws a first view of (`portal::first_view`: a notice, for
//! a browser with the student cookie) gets its bundle's shell (`student-notices`) with
//! that view in its skeleton's place, so the notice shows before the bundle runs.
//!
//! Hashed assets (`web-<hex hash>.wasm`) never change and are cached for a year; they are
//! served precompressed (`.br`, `.gz` made at build time by `scripts/precompress.mjs`)
//! when the browser accepts it. The shells are revalidated every time so a new release is
//! picked up at once.

use std::path::{Component, Path, PathBuf};

use poem::endpoint::StaticFilesEndpoint;
use poem::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use poem::http::{HeaderValue, Method, StatusCode};
use poem::web::CompressionAlgo;
use poem::{Endpoint, IntoResponse, Request, Response, Result};

use shared::Bundle;

use super::compress::preferred;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub struct ConsoleEndpoint {
    dist: PathBuf,
    files: StaticFilesEndpoint,
    /// Each bundle with a folder of its own, answering with its shell.
    shells: Vec<(Bundle, StaticFilesEndpoint)>,
}

impl ConsoleEndpoint {
    pub fn new(dist: PathBuf) -> Self {
        let files = StaticFilesEndpoint::new(&dist).index_file("index.html").fallback_to_index();
        let shells = Bundle::WITH_FOLDER
            .into_iter()
            .filter_map(|bundle| {
                let folder = dist.join(bundle.folder()?);
                Some((bundle, StaticFilesEndpoint::new(folder).index_file("index.html").fallback_to_index()))
            })
            .collect();
        ConsoleEndpoint { dist, files, shells }
    }

    /// A hashed asset's precompressed twin, when there is one the client accepts.
    async fn precompressed(&self, req: &Request, path: &str) -> Option<Response> {
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return None;
        }
        let relative = Path::new(path.trim_start_matches('/'));
        if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        let algo = preferred(req.headers().get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()))?;
        let (suffix, coding) = match algo {
            CompressionAlgo::BR => ("br", "br"),
            _ => ("gz", "gzip"),
        };
        let mut twin = self.dist.join(relative).into_os_string();
        twin.push(format!(".{suffix}"));
        let bytes = tokio::fs::read(&twin).await.ok()?;
        let body = if req.method() == Method::HEAD { Vec::new() } else { bytes };
        Some(
            Response::builder()
                .header(CONTENT_TYPE, content_type(path))
                .header(CONTENT_ENCODING, coding)
                .header(VARY, "accept-encoding")
                .header(CACHE_CONTROL, IMMUTABLE)
                .body(body),
        )
    }

    /// The students' shell with the page's first view in place of its skeleton, when the
    /// server draws one for this page and browser (`portal::first_view`). Personal, so
    /// never stored by a cache.
    async fn with_first_view(&self, req: &Request, path: &str) -> Option<Response> {
        let state = req.data::<crate::state::AppState>()?;
        let view = crate::portal::first_view::for_page(state, req, path).await?;
        let folder = Bundle::StudentNotices.folder()?;
        let shell = tokio::fs::read_to_string(self.dist.join(folder).join("index.html")).await.ok()?;
        let page = splice_first_view(&shell, &view)?;
        Some(
            Response::builder()
                .header(CONTENT_TYPE, "text/html; charset=utf-8")
                .header(CACHE_CONTROL, "private, no-store")
                .body(page),
        )
    }
}

/// The shell with `view` after its skeleton's header, in place of the rest of the
/// skeleton, marked `data-prerendered` (the bundle keeps it until the page is drawn).
fn splice_first_view(shell: &str, view: &str) -> Option<String> {
    let at = shell.find(r#"id="skeleton""#)?;
    let open = shell[..at].rfind("<main")?;
    let header_end = at + shell[at..].find("</header>")? + "</header>".len();
    let close = header_end + shell[header_end..].find("</main>")?;
    let tag_end = at + shell[at..].find('>')?;
    let header = &shell[tag_end + 1..header_end];
    Some(format!(
        r#"{}<main class="portal" id="skeleton" data-prerendered>{header}{view}{}"#,
        &shell[..open],
        &shell[close..]
    ))
}

/// Trunk names assets `<stem>-<hash>[_bg].<ext>`, the hash a 64-bit number in hex without
/// its leading zeros (16 digits, 15 one build in 16, fewer more rarely).
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    name.split(['-', '_', '.'])
        .any(|part| (12..=16).contains(&part.len()) && part.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The types Trunk's output has.
fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
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
                (or <code>scripts/build-web.sh</code>) and set BANJI_WEB_DIST.</p>";
            return Ok(poem::web::Html(page).with_status(StatusCode::SERVICE_UNAVAILABLE).into_response());
        }
        let hashed = is_hashed_asset(&path);
        if hashed {
            if let Some(resp) = self.precompressed(&req, &path).await {
                return Ok(resp);
            }
        }
        let bundle = Bundle::of(&path);
        let built = bundle.folder().is_some_and(|folder| self.dist.join(folder).join("index.html").is_file());
        if built && bundle == Bundle::StudentNotices && req.method() == Method::GET {
            if let Some(resp) = self.with_first_view(&req, &path).await {
                return Ok(resp);
            }
        }
        let shell = self.shells.iter().find(|(b, _)| built && *b == bundle).map(|(_, files)| files);
        let mut resp = shell.unwrap_or(&self.files).call(req).await?.into_response();
        let cache = if resp.status().is_success() && hashed { IMMUTABLE } else { "no-cache" };
        resp.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(cache));
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    use super::{is_hashed_asset, splice_first_view};

    #[test]
    fn a_first_view_replaces_the_skeleton_below_its_header() {
        let shell = r#"<html><body><main class="portal" id="skeleton" aria-busy="true"><header class="portal-head">班</header><div class="card skeleton"></div></main></body></html>"#;
        let page = splice_first_view(shell, "<article>通知</article>").unwrap();
        assert_eq!(
            page,
            r#"<html><body><main class="portal" id="skeleton" data-prerendered><header class="portal-head">班</header><article>通知</article></main></body></html>"#
        );
        assert_eq!(splice_first_view("<html></html>", "x"), None, "no skeleton, no first view");
    }

    #[test]
    fn trunk_asset_names_count_as_hashed_and_routes_do_not() {
        assert!(is_hashed_asset("/web-3f2a1b9c8d7e6f5a_bg.wasm"));
        assert!(is_hashed_asset("/student/student-3f2a1b9c8d7e6f5a.js"));
        assert!(is_hashed_asset("/student/student-96230df8db07f5b_bg.wasm"), "a hash that began with 0");
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/users/12"));
    }
}
